"""One indexing run of the embedded index: a new generation of the store, written next to the
live one and published atomically (see `indexer.store`)."""

from __future__ import annotations

import time
from typing import Any

from indexer.backends.seam import SectionDoc
from indexer.backends.whoosh.writer import WhooshWriter
from indexer.store import RunLock, Store


class WhooshRun:
    """Holds the store's run lock; records go to the new generation's records/, sections to its
    Whoosh part; the manifest and CURRENT are written by `publish` (which fsyncs the generation
    first); a failed run removes its generation."""

    def __init__(self, store: Store, part: str, signature: str, full: bool, procs: int):
        self.store, self.part, self.signature = store, part, signature
        self.full, self.procs = full, procs
        self.prepare = None   # Whoosh segments the words in its own writer processes
        self._lock: RunLock = store.lock()

    def __enter__(self) -> "WhooshRun":
        self._lock.__enter__()
        try:
            self._open()
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        return self

    def _open(self) -> None:
        self.previous = self.store.current()
        old = self.previous.manifest() if self.previous else None
        if old is None or old.get("signature") != self.signature:
            self.full = True
        self.files: dict[str, dict[str, Any]] = {} if self.full else old["files"]
        # What the live generation holds even when this run rebuilds it (what a full run removes).
        self.live_files: dict[str, dict[str, Any]] = old["files"] if old else {}
        self._old_reports: dict[str, dict[str, Any]] = {} if self.full else old["reports"]
        self.reports: dict[str, dict[str, Any]] = {}
        self.new = self.store.new_generation()
        self.writer: WhooshWriter | None = None

    def _writer(self) -> WhooshWriter:
        if self.writer is None:
            previous = None if self.full else self.previous.part(self.part)
            self.writer = WhooshWriter(self.new.part(self.part), previous, procs=self.procs)
        return self.writer

    def __exit__(self, kind: object, *exc: object) -> None:
        try:
            if kind is not None:
                if self.writer is not None:
                    self.writer.cancel()
                self.store.discard(self.new)   # an unfinished generation is never left behind
        finally:
            self._lock.__exit__(None, None, None)

    def keep(self, report_id: str) -> None:
        self.new.keep_record(self.previous, report_id)
        self.reports[report_id] = self._old_reports[report_id]

    def delete_reports(self, report_ids: list[str]) -> None:
        self._writer().delete_reports(report_ids)

    def add(self, report_id: str, record_json: str, summary: dict[str, Any],
            docs: list[SectionDoc]) -> None:
        self.new.write_record(report_id, record_json)
        self.reports[report_id] = summary
        self._writer().add(docs)

    def publish(self, files: dict[str, dict[str, Any]]) -> tuple[str, int]:
        sections = self._writer().finish()
        self.new.write_manifest({"signature": self.signature, "created": time.time(),
                                 "files": files, "reports": self.reports})
        self.new.publish()
        return self.new.name, sections
