"""One line per request on stderr when `ACCESS_LOG` is set (`gongkai serve --access-log`):

    127.0.0.1 - [03/Dec/2026:18:10:00 +0000] "GET /search?q=%E7%94%B3 HTTP/1.1" 200 5123 0.041s

address, time, request line, status, bytes sent (`-` for a streamed body) and the time the app
took to answer (a streamed body goes on after that). The same format under gunicorn and waitress.
"""

from __future__ import annotations

import sys
import time

from flask import Flask, Response, g, request


def register(app: Flask) -> None:
    if not app.config.get("ACCESS_LOG"):
        return

    @app.before_request
    def started() -> None:
        g.access_started = time.monotonic()

    @app.after_request
    def log(response: Response) -> Response:
        took = time.monotonic() - g.get("access_started", time.monotonic())
        when = time.strftime("%d/%b/%Y:%H:%M:%S %z")
        size = "-" if response.is_streamed else str(response.content_length or 0)
        path = request.full_path.rstrip("?")
        protocol = request.environ.get("SERVER_PROTOCOL", "HTTP/1.1")
        print(f'{request.remote_addr or "-"} - [{when}] "{request.method} {path} {protocol}" '
              f"{response.status_code} {size} {took:.3f}s", file=sys.stderr, flush=True)
        return response
