"""An index directory on disk: its generations, the live one, and the records they hold.

The one module that knows the layout (indexing writes through it, search reads through it)::

    DIR/lock                  held (fcntl.flock) by the one indexing run allowed at a time
    DIR/CURRENT               the name of the live generation, swapped with os.replace
    DIR/gen-…/manifest.json   signature, every source file's hash and report id, report summaries
    DIR/gen-…/records/<report_id>.json   the full Report (text, sections, tables, figures)
    DIR/gen-…/<part>/ …       what a search backend keeps there (see `indexer.backends`)

A run builds a new generation next to the live one and only then points CURRENT at it, so a run
killed at any moment leaves CURRENT pointing at the previous, complete generation. The manifest's
signature names the analyzers the generation was built with; a generation of another signature is
not read (`Generation.check_signature`).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
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
            raise NotFound(f"no report with id '{report_id}'") from None
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
        """Make this generation the live one (atomic), then drop all but it and the one before."""
        previous = self.store.current()
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

    def clean(self, keep: set[str]) -> None:
        """Remove generations other than `keep` (unfinished runs, old indexes)."""
        for child in self.path.iterdir():
            if child.is_dir() and child.name.startswith("gen-") and child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)


class RunLock:
    """An exclusive, non-blocking flock on DIR/lock for the length of a run."""

    def __init__(self, path: Path):
        self.path = path
        self.file = None

    def __enter__(self) -> "RunLock":
        self.file = open(self.path, "w")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            self.file.close()
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise GongkaiError(f"another indexing run is writing to {self.path.parent}; "
                                   "wait for it to finish") from None
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()


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
