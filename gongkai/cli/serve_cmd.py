"""`gongkai serve`: the web UI and JSON API on every core (gunicorn worker processes), or in one
process under waitress (`--server waitress`).

Under gunicorn each worker process opens the index itself, after the fork (the app is not
preloaded), and runs `--threads` threads; a search is CPU work under one GIL, so the processes
give the cores and the threads keep a slow search from holding up the others. Bounded on every
side: a listen backlog (`--backlog`), connections per worker, a connection that sends nothing is
closed after `--keepalive` seconds and a socket read stalls for at most `--read-timeout`, at most
`--queue` requests wait for a thread in a worker (the next get 503 + Retry-After at once), a search
is interrupted after `--time-budget` seconds (503, `webui.limits`), a worker silent for
`--timeout` seconds is replaced.
"""

from __future__ import annotations

import errno
import os
import socket
import sys
from functools import partial
from pathlib import Path
from selectors import EVENT_READ

import click

from gongkai.cli.errors import user_errors
from gongkai.cli.options import index_options, location
from indexer.errors import GongkaiError

_HINT = "build it first: gongkai index corpus {option}"
QUEUE_ENV = "GONGKAI_SERVE_QUEUE"


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on.")
@index_options
@click.option("--server", "server", default="gunicorn", show_default=True,
              type=click.Choice(["gunicorn", "waitress"]),
              help="gunicorn: worker processes (every core); waitress: one threaded process.")
@click.option("--workers", default=os.cpu_count() or 1, show_default=True,
              type=click.IntRange(1, 64), help="Worker processes (gunicorn).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker process.")
@click.option("--time-budget", default=5.0, show_default=True, type=click.FloatRange(0.1, 600),
              help="Seconds a search may run before it is answered with 503.")
@click.option("--backlog", default=64, show_default=True, type=click.IntRange(1, 4096),
              help="Connections waiting to be accepted (gunicorn).")
@click.option("--timeout", default=30, show_default=True, type=click.IntRange(2, 3600),
              help="Seconds before a silent worker is replaced (gunicorn).")
@click.option("--queue", default=32, show_default=True, type=click.IntRange(0, 4096),
              help="Requests a worker holds waiting for a thread; more get 503 + Retry-After.")
@click.option("--access-log", is_flag=True,
              help="Print one line per request on stderr (address, request, status, bytes, time).")
def command(host: str, port: int, index_dir: str, backend: str | None, server: str,
            workers: int, threads: int, time_budget: float, backlog: int, timeout: int,
            queue: int, access_log: bool) -> None:
    """Serve the search UI and /api on HOST:PORT from the index (--index-dir or --backend)."""
    from indexer.search import check_index, open_index, warm_up

    where = location(backend, index_dir)
    option = f"--backend {backend}" if backend else f"--index-dir {index_dir}"
    with user_errors(hint=_HINT.format(option=option)):
        if not backend and not Path(index_dir).is_dir():
            raise GongkaiError(f"no index at {index_dir}")
        if server == "waitress":
            index = open_index(where)
        else:
            check_index(where)   # each worker opens its own after the fork
    _check_port(host, port)
    config = {"INDEX_DIR": index_dir, "BACKEND": backend, "SEARCH_TIME_BUDGET": time_budget,
              "ACCESS_LOG": access_log}
    if server == "waitress":
        _waitress(config, index, host, port, threads)
        return
    warm_up()       # jieba's dictionary loaded once here, shared by the forked workers
    os.environ[QUEUE_ENV] = str(queue)   # read by each worker (`Worker.enqueue_req`)
    click.echo(f"gongkai: serving {where} on http://{host}:{port}/ with {workers} worker "
               f"processes × {threads} threads (Ctrl-C to stop)", err=True)
    _Gunicorn(config, where, {
        "bind": f"{host}:{port}", "workers": workers, "threads": threads, "backlog": backlog,
        "worker_connections": 100, "timeout": timeout, "graceful_timeout": 5, "keepalive": 2,
        "worker_class": "gongkai.cli.serve_cmd.Worker", "preload_app": False,
        "limit_request_line": 8190, "accesslog": None, "errorlog": "-", "loglevel": "warning",
    }).run()


def _check_port(host: str, port: int) -> None:
    """One clear line and exit 2 when HOST:PORT cannot be listened on (in use, not allowed, no
    such address), before anything says it is serving; both servers would otherwise print a
    traceback. The servers bind it again themselves right after (SO_REUSEADDR, as they do)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _name, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            why = f"端口 {port} 已被占用 (port {port} on {host} is already in use)"
        elif exc.errno == errno.EACCES:
            why = f"没有权限监听端口 {port} (permission denied for port {port} on {host})"
        else:
            why = f"无法监听 {host}:{port} (cannot listen on {host}:{port}: {exc.strerror or exc})"
        click.echo(f"gongkai: {why}; 请换一个端口 (choose another with --port)", err=True)
        sys.exit(2)


def _waitress(config: dict, index, host: str, port: int, threads: int) -> None:
    import waitress

    from webui import create_app

    app = create_app(config)
    app.extensions["gongkai_index"] = index  # opened once per process, shared by all requests
    click.echo(f"gongkai: serving {config['BACKEND'] or config['INDEX_DIR']} on "
               f"http://{host}:{port}/ (waitress, {threads} threads; Ctrl-C to stop)", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="gongkai",
                   connection_limit=200, channel_timeout=30, backlog=64)


try:
    from gunicorn.app.base import BaseApplication
    from gunicorn.workers.gthread import TConn, ThreadWorker
except ImportError:  # pragma: no cover - gunicorn is a dependency; waitress still works without it
    BaseApplication = ThreadWorker = object  # type: ignore[assignment,misc]

READ_TIMEOUT = 10   # seconds a socket read or write may stall once a request has begun


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn with its settings given here, not read from the command line."""

    def __init__(self, config: dict, where: str, options: dict):
        self.config, self.where, self.options = config, where, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        """Called in each worker process after the fork: the app and its own open index."""
        from indexer.search import open_index
        from webui import create_app

        app = create_app(self.config)
        app.extensions["gongkai_index"] = open_index(self.where)
        return app


class Worker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's threaded worker, with a deadline on connections that have sent nothing yet (it
    only has one for kept-alive ones) and a read/write timeout once a request has begun."""

    def accept(self, server, listener):
        try:
            sock, client = listener.accept()
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return
            raise
        conn = TConn(self.cfg, sock, client, server)
        conn.init()                 # marks it as a kept-alive connection for the deadline
        conn.sock.setblocking(False)
        conn.set_timeout()          # now + keepalive
        self.nr_conns += 1
        with self._lock:
            self._keep.append(conn)
            self.poller.register(conn.sock, EVENT_READ,
                                 partial(self.on_client_socket_readable, conn))

    def enqueue_req(self, conn):
        waiting = len(self.futures) - self.cfg.threads
        if waiting >= int(os.environ.get(QUEUE_ENV, "32")):
            self._refuse(conn)
            return
        conn.init()
        conn.sock.settimeout(READ_TIMEOUT)
        fs = self.tpool.submit(self.handle, conn)
        self._wrap_future(fs, conn)

    def _refuse(self, conn) -> None:
        """The queue is full: answer 503 with Retry-After at once, without a thread."""
        body = '{"error": {"message": "服务器正忙，请稍后再试。"}}'.encode("utf-8")
        head = ("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\n"
                "Content-Type: application/json; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode("ascii")
        try:
            conn.sock.setblocking(True)
            conn.sock.settimeout(1.0)
            conn.sock.sendall(head + body)
        except OSError:
            pass
        finally:
            self.nr_conns -= 1
            conn.close()

