"""The `gongkai` command line: a thin click layer over the `indexer` library."""

from __future__ import annotations

import click

from .inspect_cmd import inspect_cmd


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongkai")
def main() -> None:
    """gongkai 公开 — search Chinese government information disclosure annual reports."""


main.add_command(inspect_cmd)

for _name in ("index_cmd", "search_cmd", "serve_cmd", "stats_cmd"):
    try:
        _module = __import__(f"{__name__}.{_name}", fromlist=["command"])
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{_name}":
            raise
        continue
    main.add_command(_module.command)
