"""Talking to a cluster's head: one SphinxQL connection per thread, reconnected when lost, and
every answer checked for agents (shards) that did not answer."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from indexer.backends.sphinx.schema import NODES
from indexer.backends.sphinx.sphinxql import Answer, connect, select
from indexer.errors import GongkaiError, Unavailable

RETRIES = 3          # a partial answer is asked again this often (HA steers to a live mirror)
RETRY_PAUSE = 0.15   # seconds: longer than the head's ha_ping_interval (100 ms)
_AGENT = re.compile(r"agent ([0-9A-Za-z.\-]+):(\d+)")


def parse_url(url: str) -> tuple[str, int]:
    """`sphinx://HOST:PORT` -> (host, port); a readable error otherwise."""
    rest = url.removeprefix("sphinx://")
    host, sep, port = rest.rstrip("/").rpartition(":")
    if not url.startswith("sphinx://") or not sep or not host or not port.isdigit():
        raise GongkaiError(f"a Sphinx backend is written sphinx://HOST:PORT, not '{url}'")
    return host, int(port)


class Head:
    """The head of a cluster at (host, port)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.address = f"{host}:{port}"
        self._local = threading.local()
        self._shard_of_agent: dict[str, str] | None = None

    def _conn(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            import pymysql

            try:
                conn = self._local.conn = connect(self.host, self.port)
            except (pymysql.err.MySQLError, OSError) as exc:
                raise Unavailable(f"the search cluster at {self.address} does not answer "
                                  f"({type(exc).__name__})") from None
        return conn

    def close(self) -> None:
        """Drop this thread's connection (the next query opens another)."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None and conn.open:
            conn.close()

    def query(self, sql: str, meta: bool = False) -> Answer:
        """Run one statement on the head (reconnecting once if the connection was lost);
        `meta`: also read SHOW META (for `total_found`). A query interrupted by any other
        exception (a search over its time budget is made to raise in its thread, anywhere) drops
        the connection: its reply may be half read, or not read at all, and must not be taken
        for the next query's."""
        import pymysql

        for attempt in (1, 2):
            try:
                return select(self._conn(), sql, meta=meta)
            except (pymysql.err.OperationalError, pymysql.err.InterfaceError):
                self.close()
                if attempt == 2:
                    raise Unavailable(f"the search cluster at {self.address} does not answer") from None
            except pymysql.err.ProgrammingError as exc:
                raise GongkaiError(f"the search cluster refused a query: {exc.args[-1]}") from None
            except BaseException:
                self.close()
                raise
        raise AssertionError("unreachable")

    def search(self, sql: str, missing: set[str], meta: bool = False) -> Answer:
        """A query over the distributed indexes: asked again while a shard is missing; the
        shards still missing after that are added to `missing`."""
        answer = self.query(sql, meta)
        for _ in range(RETRIES):
            if not answer.partial:
                return answer
            time.sleep(RETRY_PAUSE)
            answer = self.query(sql, meta)
        if answer.partial:
            missing.update(self.shards_in(answer.warnings + [answer.meta.get("warning", "")]))
        return answer

    def shards_in(self, warnings: list[str]) -> set[str]:
        """The shards that the agents named in searchd's warnings serve."""
        if self._shard_of_agent is None:
            rows = self.query(f"SELECT shard, host, api_port FROM {NODES} LIMIT 0,1000").rows
            self._shard_of_agent = {f"{h}:{p}": f"shard{s}" for s, h, p in rows}
        found = set()
        for text in warnings:
            for host, port in _AGENT.findall(text or ""):
                found.add(self._shard_of_agent.get(f"{host}:{port}", f"{host}:{port}"))
        return found or {"a shard"}

    def nodes(self) -> dict[int, list[tuple[str, int, str]]]:
        """Shard number -> its replicas (host, SphinxQL port, name), from the head's topology."""
        rows = self.query(f"SELECT shard, replica, host, port, name FROM {NODES} "
                          "ORDER BY shard ASC, replica ASC LIMIT 0,1000").rows
        out: dict[int, list[tuple[str, int, str]]] = {}
        for shard, _replica, host, port, name in rows:
            out.setdefault(int(shard), []).append((host, int(port), name))
        if not out:
            raise GongkaiError(f"the cluster at {self.address} lists no shards "
                               f"(start it with `make cluster`)")
        return out


def node_connection(host: str, port: int, name: str) -> Any:
    """A connection to one shard replica, or a readable error naming it."""
    try:
        return connect(host, port, timeout=3.0)
    except Exception:
        raise Unavailable(f"{name} ({host}:{port}) does not answer: the run stopped before "
                          "writing anything; start the node and run again") from None

