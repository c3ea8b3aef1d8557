"""The one place the command line turns the library's user errors into a message and exit 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from indexer.errors import GongkaiError


@contextmanager
def user_errors(as_json: bool = False, hint: str = "") -> Iterator[None]:
    """Run a command's work: a `GongkaiError` prints its message (as JSON on stdout when the
    command prints JSON, else on stderr, with `hint` appended) and exits with status 2."""
    try:
        yield
    except GongkaiError as exc:
        if as_json:
            click.echo(json.dumps({"error": {"message": exc.message}}, ensure_ascii=False))
        else:
            click.echo(f"Error: {exc.message}" + (f"; {hint}" if hint else ""), err=True)
        sys.exit(2)
