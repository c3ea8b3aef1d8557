"""A real local Sphinx cluster for tests: started on free loopback ports in a temp directory,
stopped by the fixture that started it (also when a test fails)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from indexer.backends.sphinx import cluster as cl


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_cluster(workdir: Path, shards: int = 2, mirrors: int = 1) -> Iterator[cl.ClusterInfo]:
    """A cluster (`shards` shards, `mirrors` extra replicas each), stopped on exit."""
    info = cl.start_cluster(workdir, port=free_port(), shards=shards, mirrors=mirrors)
    try:
        yield info
    finally:
        cl.stop_cluster(workdir)


def url(info: cl.ClusterInfo) -> str:
    return f"sphinx://127.0.0.1:{info.port}"
