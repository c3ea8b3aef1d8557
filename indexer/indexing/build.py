"""Building an index: incremental by content hash, published atomically, one run at a time.

A run builds a new generation of the store next to the live one: the backend's part starts as a
copy of the live one's, the reports whose file changed or vanished are deleted from it, new or
changed files are extracted (in worker processes) and added, unchanged records are linked, the
manifest is written, and only then is the generation published. A run killed at any moment leaves
the previous generation live. A change of analyzers, user dictionary or backend layout (the
backend's signature) forces a full rebuild.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.backends import SectionDoc, open_backend
from indexer.extract.corpus import Skipped
from indexer.indexing.plan import Plan, plan_run
from indexer.indexing.workers import Extracted, extract
from indexer.store import NewGeneration


@dataclass
class IndexSummary:
    """What an indexing run did."""

    reports: int = 0
    sections: int = 0
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    generation: str = ""
    full: bool = False


def build_index(paths: list[str | Path], index_dir: str | Path, procs: int | None = None,
                full: bool = False, progress: Callable[[int], Any] | None = None,
                on_total: Callable[[int], Any] | None = None) -> IndexSummary:
    """Index the report files under `paths` into `index_dir` (incrementally unless `full`)."""
    started = time.monotonic()
    backend = open_backend(f"whoosh:{index_dir}")
    store = backend.store
    with store.lock():
        previous = store.current()
        old = previous.manifest() if previous else None
        if old is None or old.get("signature") != backend.signature:
            full = True
        plan = plan_run(paths, {} if full else old["files"])
        run = _Run(plan, store.new_generation(), IndexSummary(full=full, skipped=plan.skipped))
        run.carry_over(previous, {} if full else old["reports"])
        procs = procs or min(2, os.cpu_count() or 1)
        # Whoosh's multi-process writer pays off only on a run of some size.
        writer = backend.writer(run.new, None if full else previous,
                                procs=procs if len(plan.todo) > 50 else 1)
        writer.delete_reports(plan.stale)
        if on_total:
            on_total(len(plan.todo))
        docs = run.extracted(procs, progress)
        writer.add_sections(docs)
        run.summary.sections = writer.finish()
        run.new.write_manifest({"signature": backend.signature, "created": time.time(),
                                "files": run.files, "reports": run.reports})
        run.new.publish()
    summary = run.summary
    summary.reports, summary.generation = len(run.reports), run.new.name
    summary.seconds = time.monotonic() - started
    return summary


class _Run:
    """The state of one run: the new generation, its files and report summaries so far."""

    def __init__(self, plan: Plan, new: NewGeneration, summary: IndexSummary):
        self.plan, self.new, self.summary = plan, new, summary
        self.files: dict[str, dict[str, Any]] = {}
        self.reports: dict[str, dict[str, Any]] = {}
        summary.removed = plan.removed

    def carry_over(self, previous: Any, old_reports: dict[str, dict[str, Any]]) -> None:
        """Unchanged files keep their report (record linked) or their reason for being skipped."""
        for source, before in self.plan.unchanged.items():
            self.files[source] = before
            if "report_id" in before:
                rid = before["report_id"]
                self.reports[rid] = old_reports[rid]
                self.new.keep_record(previous, rid)
                self.summary.unchanged += 1
            else:
                self.summary.skipped.append(Skipped(source, before["skipped"]))

    def extracted(self, procs: int, progress: Callable[[int], Any] | None) -> Iterator[SectionDoc]:
        """Extract the files to do (in worker processes), record each, yield their sections."""
        todo = self.plan.todo
        pool = multiprocessing.get_context("fork").Pool(procs) if procs > 1 and len(todo) > 20 \
            else None
        with pool or nullcontext():
            for item in (pool.imap(extract, todo, chunksize=4) if pool else map(extract, todo)):
                if progress:
                    progress(1)
                yield from self.add(item)

    def add(self, item: Extracted | Skipped) -> list[SectionDoc]:
        """Record one extracted file (or why it was skipped); its sections to index."""
        sha = self.plan.sha[item.source]
        if isinstance(item, Skipped):
            return self.skip(item.source, sha, item.reason)
        if item.report_id in self.reports:
            return self.skip(item.source, sha, f"duplicate report id {item.report_id} "
                             "(same file name as another report)")
        self.new.write_record(item.report_id, item.record_json)
        self.reports[item.report_id] = item.summary
        self.files[item.source] = {"sha1": sha, "report_id": item.report_id}
        self.summary.added += 1
        return item.docs

    def skip(self, source: str, sha: str, reason: str) -> list[SectionDoc]:
        self.summary.skipped.append(Skipped(source, reason))
        self.files[source] = {"sha1": sha, "skipped": reason}
        return []
