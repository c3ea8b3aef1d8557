"""`gongkai serve`: the web UI and JSON API under waitress (a production WSGI server)."""

from __future__ import annotations

from pathlib import Path

import click

from gongkai.cli.errors import user_errors
from gongkai.cli.options import index_options, location
from indexer.errors import GongkaiError

_HINT = "build it first: gongkai index corpus {option}"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@index_options
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Worker threads.")
def command(host: str, port: int, index_dir: str, backend: str | None, threads: int) -> None:
    """Serve the search UI and /api on HOST:PORT from the index (--index-dir or --backend)."""
    import waitress

    from indexer.search import open_index
    from webui import create_app

    where = location(backend, index_dir)
    option = f"--backend {backend}" if backend else f"--index-dir {index_dir}"
    with user_errors(hint=_HINT.format(option=option)):
        if not backend and not Path(index_dir).is_dir():
            raise GongkaiError(f"no index at {index_dir}")
        index = open_index(where)
    app = create_app({"INDEX_DIR": index_dir, "BACKEND": backend})
    app.extensions["gongkai_index"] = index  # opened once per process, shared by all requests
    click.echo(f"gongkai: serving {where} on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="gongkai")
