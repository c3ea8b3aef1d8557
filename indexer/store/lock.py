"""The run lock of an index directory, what a process forked during a run does with it, and
writes that survive a crash (`sync_tree`, `write_atomic`)."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import signal
import sys
import threading
from pathlib import Path

from indexer.errors import GongkaiError


class RunLock:
    """An exclusive, non-blocking flock on DIR/lock for the length of a run, in this process only.

    A process forked while it is held closes its copy of the lock file (so the lock goes with the
    run's process, never with an orphaned child) and gets SIGKILL when the run's process dies."""

    def __init__(self, path: Path):
        self.path = path
        self.file = None
        self.pid = 0

    def __enter__(self) -> "RunLock":
        self.file = open(self.path, "a+")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = self._holder()
            self.file.close()
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise GongkaiError(f"another indexing run is writing to {self.path.parent}; "
                                   f"wait for it to finish{holder}") from None
            raise
        self.pid = os.getpid()
        self.file.truncate(0)
        self.file.write(f"{self.pid}\n")
        self.file.flush()
        with _HELD_GUARD:
            _HELD.add(self)
        return self

    def _holder(self) -> str:
        self.file.seek(0)
        pid = self.file.read().strip()
        return f" (process {pid})" if pid.isdigit() else ""

    def __exit__(self, *exc: object) -> None:
        with _HELD_GUARD:
            _HELD.discard(self)
        if self.file is not None and not self.file.closed:
            self.file.truncate(0)
            fcntl.flock(self.file, fcntl.LOCK_UN)
            self.file.close()


_HELD: set[RunLock] = set()        # the run locks this process holds
_HELD_GUARD = threading.Lock()
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Make this (forked) process get SIGKILL when `parent` dies (Linux; elsewhere nothing)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:   # the parent died before prctl
        os._exit(1)


def _after_fork_in_child() -> None:
    """A child forked during a run: drop the run's lock file, die with the run."""
    held, parents = list(_HELD), {lock.pid for lock in _HELD}
    _HELD.clear()
    for lock in held:
        lock.file.close()   # closes this process's copy only: the run keeps its lock
    for parent in parents:
        die_with_parent(parent)


os.register_at_fork(after_in_child=_after_fork_in_child)


def sync_tree(path: Path) -> None:
    """fsync every file under `path`, then every folder (deepest first), then `path`'s parent."""
    for folder, dirs, files in os.walk(path, topdown=False):
        for name in files:
            _fsync(os.path.join(folder, name), os.O_RDONLY)
        _fsync(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    _fsync(str(path.parent), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))


def _fsync(path: str, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, content: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync(str(path.parent), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
