"""Options shared by the commands that open an index."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from indexer.store import DEFAULT_INDEX_DIR


def index_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--backend URL (env GONGKAI_BACKEND) and --index-dir DIR (env GONGKAI_INDEX_DIR); the
    command receives one `location`: the backend URL when given, else the directory."""
    command = click.option(
        "--backend", envvar="GONGKAI_BACKEND", default=None, metavar="URL",
        help="Where the index lives: whoosh:DIR (the embedded index, the default) or "
             "sphinx://HOST:PORT (a cluster's head). Env GONGKAI_BACKEND.")(command)
    return click.option(
        "--index-dir", envvar="GONGKAI_INDEX_DIR", default=DEFAULT_INDEX_DIR, show_default=True,
        help="The embedded index's directory (same as --backend whoosh:DIR). "
             "Env GONGKAI_INDEX_DIR.")(command)


def location(backend: str | None, index_dir: str) -> str:
    """The index to open: --backend when given, else --index-dir."""
    return backend or index_dir
