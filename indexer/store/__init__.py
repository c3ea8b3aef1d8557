"""An index directory on disk: its generations, the live one, and the records they hold.

The one package that knows the layout (indexing writes through it, search reads through it)::

    DIR/lock                    held (fcntl.flock) by the one indexing run allowed at a time; holds
                                its process id (a process forked during the run drops its copy)
    DIR/CURRENT                 the name of the live generation, swapped with os.replace
    DIR/gen-…/manifest.json     signature and creation time (small: what a reader parses)
    DIR/gen-…/files.json        every source file's hash and report id (read by indexing runs only)
    DIR/gen-…/records/          the full Reports (text, sections, tables, figures): a pack
    DIR/gen-…/summaries/        each report's summary (the record without its text): a pack
    DIR/gen-…/columns/          per-report columns (`indexer.model.columns`), see `columns_file`
    DIR/gen-…/<part>/ …         what a search backend keeps there (see `indexer.backends`)

A pack (`pack.py`) is one file of zstandard frames with an offset index: a document is read alone,
when asked for. A run builds a new generation next to the live one, fsyncs its files and folders,
and only then points CURRENT at it, so a run killed at any moment (or a machine that loses power)
leaves CURRENT pointing at a complete generation. The lock belongs to the run (`lock.py`): a
process forked while it is held closes its copy at once and is killed when the run's process dies,
so a killed run never leaves a lock behind. The manifest's signature names the analyzers and the
layout the generation was built with; a generation of another signature is not read
(`Generation.check_signature`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from indexer.errors import GongkaiError, NotFound
from indexer.model.columns import ReportColumns
from indexer.model.record import Report
from indexer.store.columns_file import build_columns, read_columns, write_columns
from indexer.store.lock import RunLock, die_with_parent, sync_tree, write_atomic
from indexer.store.pack import LazyDocuments, MemoryPack, PackReader, PackWriter

__all__ = ["DEFAULT_INDEX_DIR", "Generation", "MemoryPack", "NewGeneration", "RunLock", "Store",
           "default_index_dir", "die_with_parent", "sync_tree"]

DEFAULT_INDEX_DIR = "var/index"
MANIFEST, FILES, RECORDS, SUMMARIES, COLUMNS = (
    "manifest.json", "files.json", "records", "summaries", "columns")


def default_index_dir() -> str:
    """`$GONGKAI_INDEX_DIR`, else var/index."""
    return os.environ.get("GONGKAI_INDEX_DIR") or DEFAULT_INDEX_DIR


class Generation:
    """One generation directory: its manifest, records, summaries and columns, and the parts
    backends keep in it. Packs are opened on first use and kept open."""

    def __init__(self, path: Path):
        self.path = path
        self.name = path.name
        self._packs: dict[str, PackReader] = {}

    def part(self, name: str) -> Path:
        """The directory or file a backend keeps in this generation."""
        return self.path / name

    def header(self) -> dict[str, Any]:
        """manifest.json alone: signature, created (what opening a reader parses)."""
        return json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))

    def files(self) -> dict[str, dict[str, Any]]:
        """{source: {sha1, report_id | skipped}}: what an indexing run compares files with."""
        header = self.header()
        if "files" in header:   # a generation of an older layout kept them in its manifest
            return header["files"]
        return json.loads((self.path / FILES).read_text(encoding="utf-8"))

    def manifest(self) -> dict[str, Any]:
        """signature, created, files and reports (the summaries, read on demand): everything,
        for tools and tests (a reader needs only `header`)."""
        return {**self.header(), "files": self.files(), "reports": self.summaries()}

    def check_signature(self, manifest: Mapping[str, Any], signature: str) -> None:
        """Refuse a generation built by other analyzers: its words would not match the queries'."""
        if manifest.get("signature") != signature:
            raise GongkaiError(f"the index in {self.path.parent} was built by another version of "
                               "gongkai (or another user dictionary); run `gongkai index --full`")

    def pack(self, name: str) -> PackReader:
        """The open pack `name` (RECORDS or SUMMARIES)."""
        pack = self._packs.get(name)
        if pack is None:
            pack = self._packs[name] = PackReader(self.path / name)
        return pack

    def summaries(self) -> Mapping[str, dict[str, Any]]:
        """Every report's summary by id, in report order, each read from disk when asked for."""
        return LazyDocuments(self.pack(SUMMARIES))

    def columns(self) -> ReportColumns:
        """The per-report columns written when the generation was published (in report order)."""
        return read_columns(self.path / COLUMNS)

    def read_record(self, report_id: str) -> Report:
        """The full record of a report of this generation; raises NotFound."""
        try:
            data = self.pack(RECORDS).read(report_id)
        except (KeyError, OSError, ValueError):
            raise NotFound(f"没有编号为「{report_id}」的报告。") from None
        return Report.from_dict(data)

    def close(self) -> None:
        for pack in self._packs.values():
            pack.close()
        self._packs.clear()


class NewGeneration(Generation):
    """A generation being written: reports in (added or kept), then `finish`, then `publish`.

    `previous`: the live generation an incremental run carries reports over from (its packs'
    dictionaries are reused so that kept reports are copied compressed); None for a full run."""

    def __init__(self, store: "Store", path: Path, previous: Generation | None = None):
        super().__init__(path)
        self.store = store
        path.mkdir(parents=True)
        self._writers = {name: PackWriter(path / name, _dictionary(previous, name))
                         for name in (RECORDS, SUMMARIES)}

    def add_report(self, report_id: str, record_json: str, summary: dict[str, Any]) -> None:
        """A new or changed report: its record (JSON) and its summary."""
        self._writers[RECORDS].add(report_id, record_json.encode("utf-8"))
        self._writers[SUMMARIES].add(report_id, json.dumps(summary, ensure_ascii=False)
                                     .encode("utf-8"))

    def keep_report(self, previous: Generation, report_id: str) -> None:
        """Carry an unchanged report (record and summary) over from the previous generation."""
        for name, writer in self._writers.items():
            writer.copy_from(previous.pack(name), report_id)

    def finish(self, header: dict[str, Any], files: dict[str, dict[str, Any]]) -> None:
        """Close the packs, write the columns, files.json and the manifest."""
        for writer in self._writers.values():
            writer.close()
        summaries = self.summaries()
        write_columns(self.path / COLUMNS, build_columns(list(summaries), summaries))
        write_atomic(self.path / FILES, json.dumps(files, ensure_ascii=False))
        write_atomic(self.path / MANIFEST, json.dumps(header, ensure_ascii=False))

    def discard(self) -> None:
        """Close what is open (the folder itself is removed by `Store.discard`)."""
        for writer in self._writers.values():
            writer.discard()
        self.close()

    def publish(self) -> None:
        """Make this generation the live one (atomic, after every file of it is on disk), then
        drop all but it and the one before."""
        self.close()
        previous = self.store.current()
        sync_tree(self.path)
        write_atomic(self.store.path / "CURRENT", self.name + "\n")
        self.store.clean(keep={self.name} | ({previous.name} if previous else set()))


def _dictionary(previous: Generation | None, name: str) -> bytes | None:
    """The dictionary of the previous generation's pack `name` (None: train a new one)."""
    if previous is None or not (previous.path / name / "ids.json").exists():
        return None
    return previous.pack(name).dictionary


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

    def new_generation(self, previous: Generation | None = None) -> NewGeneration:
        """A fresh generation directory (numbered after the highest one), unfinished ones removed;
        `previous`: the generation an incremental run carries reports over from.

        Call with the run lock held."""
        current = self.current()
        self.clean(keep={current.name} if current else set())
        number = max((_number(p) for p in self.path.glob("gen-*")), default=0) + 1
        name = f"gen-{number:06d}-{time.strftime('%Y%m%d-%H%M%S')}"
        return NewGeneration(self, self.path / name, previous)

    def discard(self, generation: NewGeneration) -> None:
        """Remove an unfinished generation (its run failed); never the live one."""
        generation.discard()
        current = self.current()
        if current is None or current.name != generation.name:
            shutil.rmtree(generation.path, ignore_errors=True)

    def clean(self, keep: set[str]) -> None:
        """Remove generations other than `keep` (unfinished runs, old indexes)."""
        for child in self.path.iterdir():
            if child.is_dir() and child.name.startswith("gen-") and child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)


def _number(path: Path) -> int:
    part = path.name.split("-")[1] if "-" in path.name else ""
    return int(part) if part.isdigit() else 0
