"""The `gongkai` command line: a thin click layer over the `indexer` library.

Each command's module is imported when that command runs (or when help lists it), not at start:
`gongkai serve` does not load the extraction chain `gongkai index` needs (PDF, Word, regions),
which took ~1.6 s of every server start before its first answer."""

from __future__ import annotations

import importlib
from typing import Any

import click

# command name -> (module in gongkai.cli, attribute): one line per command.
COMMANDS = {
    "inspect": ("inspect_cmd", "inspect_cmd"),
    "index": ("index_cmd", "command"),
    "search": ("search_cmd", "command"),
    "serve": ("serve_cmd", "command"),
    "stats": ("stats_cmd", "command"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported when they are asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name]
        return getattr(importlib.import_module(f"gongkai.cli.{module}"), attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gongkai")
def main() -> None:
    """gongkai 公开 — search Chinese government information disclosure annual reports."""
