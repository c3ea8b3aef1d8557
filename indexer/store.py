"""An index directory on disk: its generations, the live one, and the records they hold.

The one module that knows the layout (indexing writes through it, search reads through it)::

    DIR/lock                  held (fcntl.flock) by the one indexing run allowed at a time; holds
                              its process id (a process forked during the run drops its copy)
    DIR/CURRENT               the name of the live generation, swapped with os.replace
    DIR/gen-…/manifest.json   signature, every source file's hash and report id, report summaries
    DIR/gen-…/records/<report_id>.json   the full Report (text, sections, tables, figures)
    DIR/gen-…/<part>/ …       what a search backend keeps there (see `indexer.backends`)

A run builds a new generation next to the live one, fsyncs its files and folders, and only then
points CURRENT at it, so a run killed at any moment (or a machine that loses power) leaves CURRENT
pointing at a complete generation. The lock belongs to the run: a process forked while it is held
(extraction workers, Whoosh's writer processes) closes its copy at once and is killed when the run's
process dies, so a killed run never leaves a lock behind. The manifest's
signature names the analyzers the generation was built with; a generation of another signature is
not read (`Generation.check_signature`).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from indexer.errors import GongkaiError, NotFound
from indexer.model.record import Report

DEFAULT_INDEX_DIR = "var/index"


def default_index_dir() -> str:
    """`$GONGKAI_INDEX_DIR`, else var/index."""
    return os.environ.get("GONGKAI_INDEX_DIR") or DEFAULT_INDEX_DIR


class Generation:
    """One generation directory: its manifest, its records, the parts backends keep in it."""

    def __init__(self, path: Path):
        self.path = path
        self.name = path.name

    def part(self, name: str) -> Path:
        """The directory or file a backend keeps in this generation."""
        return self.path / name

    def manifest(self) -> dict[str, Any]:
        """signature, created, files ({source: {sha1, report_id | skipped}}), reports (summaries)."""
        return json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))

    def check_signature(self, manifest: dict[str, Any], signature: str) -> None:
        """Refuse a generation built by other analyzers: its words would not match the queries'."""
        if manifest.get("signature") != signature:
            raise GongkaiError(f"the index in {self.path.parent} was built by another version of "
                               "gongkai (or another user dictionary); run `gongkai index --full`")

    def record_path(self, report_id: str) -> Path:
        return self.path / "records" / f"{report_id}.json"

    def read_record(self, report_id: str) -> Report:
        """The full record of a report of this generation; raises NotFound."""
        try:
            data = self.record_path(report_id).read_text(encoding="utf-8")
        except (FileNotFoundError, OSError, ValueError):
            raise NotFound(f"没有编号为「{report_id}」的报告。") from None
        return Report.from_dict(json.loads(data))


class NewGeneration(Generation):
    """A generation being written: records in, then the manifest, then `publish`."""

    def __init__(self, store: "Store", path: Path):
        super().__init__(path)
        self.store = store
        (path / "records").mkdir(parents=True)

    def write_record(self, report_id: str, record_json: str) -> None:
        self.record_path(report_id).write_text(record_json, encoding="utf-8")

    def keep_record(self, previous: Generation, report_id: str) -> None:
        """Carry an unchanged record over from the previous generation (a hard link)."""
        src, dst = previous.record_path(report_id), self.record_path(report_id)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copyfile(src, dst)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        _write_atomic(self.path / "manifest.json", json.dumps(manifest, ensure_ascii=False))

    def publish(self) -> None:
        """Make this generation the live one (atomic, after every file of it is on disk), then
        drop all but it and the one before."""
        previous = self.store.current()
        sync_tree(self.path)
        _write_atomic(self.store.path / "CURRENT", self.name + "\n")
        self.store.clean(keep={self.name} | ({previous.name} if previous else set()))


class Store:
    """An index directory."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def current(self) -> Generation | None:
        """The live generation, or None if there is no index yet."""
        try:
            name = (self.path / "CURRENT").read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        path = self.path / name
        return Generation(path) if name and path.is_dir() else None

    def lock(self) -> "RunLock":
        """The exclusive lock of an indexing run (refuses, readably, while another holds it)."""
        self.path.mkdir(parents=True, exist_ok=True)
        return RunLock(self.path / "lock")

    def new_generation(self) -> NewGeneration:
        """A fresh generation directory (numbered after the highest one), unfinished ones removed.

        Call with the run lock held."""
        current = self.current()
        self.clean(keep={current.name} if current else set())
        number = max((_number(p) for p in self.path.glob("gen-*")), default=0) + 1
        return NewGeneration(self, self.path / f"gen-{number:06d}-{time.strftime('%Y%m%d-%H%M%S')}")

    def discard(self, generation: NewGeneration) -> None:
        """Remove an unfinished generation (its run failed); never the live one."""
        current = self.current()
        if current is None or current.name != generation.name:
            shutil.rmtree(generation.path, ignore_errors=True)

    def clean(self, keep: set[str]) -> None:
        """Remove generations other than `keep` (unfinished runs, old indexes)."""
        for child in self.path.iterdir():
            if child.is_dir() and child.name.startswith("gen-") and child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)


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


def _number(path: Path) -> int:
    part = path.name.split("-")[1] if "-" in path.name else ""
    return int(part) if part.isdigit() else 0


def _write_atomic(path: Path, content: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync(str(path.parent), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
