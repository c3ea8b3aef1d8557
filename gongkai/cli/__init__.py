"""The `gongkai` command line: a thin click layer over the `indexer` library."""

from __future__ import annotations

import click

from gongkai.cli import index_cmd, inspect_cmd, search_cmd, serve_cmd, stats_cmd


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongkai")
def main() -> None:
    """gongkai 公开 — search Chinese government information disclosure annual reports."""


main.add_command(inspect_cmd.inspect_cmd)
main.add_command(index_cmd.command)
main.add_command(search_cmd.command)
main.add_command(serve_cmd.command)
main.add_command(stats_cmd.command)
