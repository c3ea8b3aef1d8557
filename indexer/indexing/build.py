"""Building an index: incremental by content hash, published atomically, one run at a time.

A run asks the backend for an `IndexRun` (which holds the run lock and knows the live
generation's files), compares the files under the paths with them (`plan`), drops the reports
whose file changed or vanished, carries the unchanged ones over, extracts new or changed files
in worker processes (`workers`) and adds them, and only then publishes the new generation. A run
killed at any moment leaves the previous generation live (its worker processes die with it). A
run that would remove more than a quarter of the indexed reports is refused, before it writes
anything, unless `prune` is given (`plan.check_removals`). A change of analyzers, user dictionary
or backend layout (the backend's signature) makes the run a full rebuild.

Incremental runs leave dead sections behind in a backend's files; a backend that can compact
(the Whoosh one: `compact` and `sections_of` on its run) rewrites its part from the live reports
when they pass a threshold, or when `compact` is given: the run hands it the folding of a record
into `SectionDoc`s (`workers.section_docs`), which a backend may not import.
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

from indexer.backends import IndexRun, open_backend
from indexer.extract.corpus import Skipped
from indexer.indexing.plan import Plan, check_removals, plan_run
from indexer.indexing.workers import Extracted, extract, section_docs
from indexer.store import die_with_parent


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
    compacted: bool = False


def build_index(paths: list[str | Path], index: str | Path, procs: int | None = None,
                full: bool = False, progress: Callable[[str], Any] | None = None,
                on_total: Callable[[int], Any] | None = None, prune: bool = False,
                compact: bool = False) -> IndexSummary:
    """Index the report files under `paths` into `index` (a directory or a backend URL, see
    `indexer.backends.open_backend`), incrementally unless `full`; `prune` allows a run to
    remove more than a quarter of the indexed reports; `compact` makes a backend that can drop
    its dead sections now (it does so by itself past a threshold)."""
    started = time.monotonic()
    procs = procs or min(2, os.cpu_count() or 1)
    backend = open_backend(str(index))
    with backend.start_run(full, procs) as run:
        plan = plan_run(paths, run.files)
        # A backend may say what its live generation holds even on a full run (`live_files`).
        check_removals(plan, getattr(run, "live_files", run.files), paths, prune)
        # A multi-process writer pays off only on a run of some size.
        run.procs = procs if len(plan.todo) > 50 else 1
        compacted = _compaction(run, compact)
        if compacted and len(plan.unchanged) + len(plan.kept) > 50:
            run.procs = procs
        summary = IndexSummary(full=run.full, skipped=plan.skipped, removed=plan.removed,
                               compacted=compacted)
        files = _carry_over(run, plan, summary)
        seen = {f["report_id"] for f in files.values() if "report_id" in f}
        run.delete_reports(plan.stale)
        if on_total:
            on_total(len(plan.todo))
        jobs = [(*job, run.prepare) for job in plan.todo]
        for item, job in zip(_extracted(jobs, procs, progress), jobs):
            _add(run, plan, job[2], item, files, seen, summary)
        summary.generation, summary.sections = run.publish(files)
    summary.reports = summary.added + summary.unchanged
    summary.seconds = time.monotonic() - started
    return summary


def _compaction(run: IndexRun, compact: bool) -> bool:
    """Set up a backend's compaction (if it has one); whether this run compacts."""
    if not hasattr(run, "sections_of"):
        return False
    run.compact, run.sections_of = compact, section_docs
    return bool(run.compacting)


def _carry_over(run: IndexRun, plan: Plan, summary: IndexSummary) -> dict[str, dict[str, Any]]:
    """Unchanged files keep their report or their reason for being skipped."""
    files: dict[str, dict[str, Any]] = {}
    for source, before in [*plan.unchanged.items(), *plan.kept.items()]:
        files[source] = before
        if "report_id" in before:
            run.keep(before["report_id"])
            summary.unchanged += 1
        elif source in plan.unchanged:   # a file outside this run's paths is not listed
            summary.skipped.append(Skipped(source, before["skipped"]))
    return files


def _extracted(todo: list[tuple[Any, ...]], procs: int,
               progress: Callable[[str], Any] | None) -> Iterator[Extracted | Skipped]:
    """Extract the files to do, in worker processes when there are enough of them."""
    pool = multiprocessing.get_context("fork").Pool(
        procs, initializer=die_with_parent, initargs=(os.getpid(),)) \
        if procs > 1 and len(todo) > 20 else None
    with pool or nullcontext():
        for item in (pool.imap(extract, todo, chunksize=4) if pool else map(extract, todo)):
            if progress:
                progress(item.source)   # the file just read
            yield item


def _add(run: IndexRun, plan: Plan, source: str, item: Extracted | Skipped,
         files: dict[str, dict[str, Any]], seen: set[str], summary: IndexSummary) -> None:
    """Record one extracted file (`source`, as the plan names it) in the run, or why it was
    skipped."""
    sha = plan.sha[source]
    reason = None
    if isinstance(item, Skipped):
        reason = item.reason
    elif item.report_id in seen:
        reason = f"duplicate report id {item.report_id} (same file name as another report)"
    if reason is not None:
        summary.skipped.append(Skipped(source, reason))
        files[source] = {"sha1": sha, "skipped": reason}
        return
    run.add(item.report_id, item.record_json, item.summary, item.docs)
    seen.add(item.report_id)
    files[source] = {"sha1": sha, "report_id": item.report_id}
    summary.added += 1
