"""One indexing run of the embedded index: a new generation of the store, written next to the
live one and published atomically (see `indexer.store`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from whoosh import index as whoosh_index

from indexer.backends.seam import SectionDoc
from indexer.backends.whoosh.grams import section_ids
from indexer.backends.whoosh.writer import WORDS, WhooshWriter
from indexer.model.record import Report
from indexer.store import RunLock, Store

DEAD_SHARE = 0.25  # past this share of dead section ids an incremental run compacts


class WhooshRun:
    """Holds the store's run lock; records and summaries go to the new generation's packs,
    sections to its Whoosh part; the columns, files.json, the manifest and CURRENT are written by
    `publish` (which fsyncs the generation first); a failed run removes its generation."""

    def __init__(self, store: Store, part: str, signature: str, full: bool, procs: int):
        self.store, self.part, self.signature = store, part, signature
        self.full, self.procs = full, procs
        self.prepare = None   # Whoosh segments the words in its own writer processes
        # Compaction: set by the indexing run before `keep` is called. `sections_of` turns a
        # kept report's record back into its SectionDocs (the indexing layer's folding); with it
        # a run whose previous generation holds more than DEAD_SHARE dead sections (or that is
        # asked to: `compact`) rebuilds the Whoosh part from the live reports alone.
        self.compact = False
        self.sections_of: Callable[[Report], Iterable[SectionDoc]] | None = None
        self._compacting: bool | None = None
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
        old = self.previous.header() if self.previous else None
        if old is None or old.get("signature") != self.signature:
            self.full = True
        # What the live generation holds even when this run rebuilds it (what a full run removes).
        self.live_files: dict[str, dict[str, Any]] = self.previous.files() if old else {}
        self.files: dict[str, dict[str, Any]] = {} if self.full else self.live_files
        self.new = self.store.new_generation(None if self.full else self.previous)
        self.writer: WhooshWriter | None = None

    @property
    def compacting(self) -> bool:
        """Whether this run rewrites the Whoosh part from the live reports (decided once)."""
        if self._compacting is None:
            self._compacting = (not self.full and self.sections_of is not None
                                and (self.compact or self.dead_share() > DEAD_SHARE))
        return self._compacting

    def dead_share(self) -> float:
        """The share of the live generation's section ids whose sections are deleted."""
        part = self.previous.part(self.part)
        total = section_ids(part)
        with whoosh_index.open_dir(str(part / WORDS)).searcher() as searcher:
            live = searcher.doc_count()
        return (total - live) / total if total else 0.0

    def _writer(self) -> WhooshWriter:
        if self.writer is None:
            previous = None if self.full or self.compacting else self.previous.part(self.part)
            self.writer = WhooshWriter(self.new.part(self.part), previous, procs=self.procs)
        return self.writer

    def __exit__(self, kind: object, *exc: object) -> None:
        try:
            if kind is not None:
                if self.writer is not None:
                    self.writer.cancel()
                self.store.discard(self.new)   # an unfinished generation is never left behind
        finally:
            if self.previous is not None:
                self.previous.close()   # the packs kept reports were copied from
            self._lock.__exit__(None, None, None)

    def keep(self, report_id: str) -> None:
        self.new.keep_report(self.previous, report_id)
        if self.compacting:   # the new Whoosh part starts empty: the sections are added again
            self._writer().add(self.sections_of(self.previous.read_record(report_id)))

    def delete_reports(self, report_ids: list[str]) -> None:
        if not self.compacting:   # a compacting run's part holds only the kept reports
            self._writer().delete_reports(report_ids)

    def add(self, report_id: str, record_json: str, summary: dict[str, Any],
            docs: list[SectionDoc]) -> None:
        self.new.add_report(report_id, record_json, summary)
        self._writer().add(docs)

    def publish(self, files: dict[str, dict[str, Any]]) -> tuple[str, int]:
        sections = self._writer().finish()
        self.new.finish({"signature": self.signature, "created": time.time()}, files)
        self.new.publish()
        return self.new.name, sections
