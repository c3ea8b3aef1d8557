"""What a worker process does with one file: extract the record, fold the section texts, and
serialise both, so the parent only writes and indexes.

One file never stalls a run: the work on a file runs under a time budget
(`indexer.extract.limits.FILE_SECONDS`, or the environment variable `GONGKAI_FILE_SECONDS`), a
one-shot `ITIMER_REAL` whose SIGALRM handler raises inside the worker; a file over it becomes
`Skipped(source, "took longer than N s to read (limit …)")`. The timer is only used in a main
thread with no other real-time timer armed, and is always cancelled and the previous handler
restored."""

from __future__ import annotations

import bisect
import json
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from indexer.backends import HEAD_SLUG, TEXT_OVERLAP, SectionDoc, head_text
from indexer.errors import ReportReadError
from indexer.extract.corpus import Skipped
from indexer.extract.limits import FILE_SECONDS, FILE_SECONDS_ENV
from indexer.extract.report import extract_report
from indexer.model.agencies import aliases
from indexer.model.record import Report
from indexer.text.normalize import normalize
from indexer.text.sketch import sketch


@dataclass
class Extracted:
    """A report prepared in a worker process."""

    source: str
    report_id: str
    record_json: str
    summary: dict[str, Any]
    docs: list[Any]   # SectionDoc, or what the backend's `prepare` made of each


class OutOfTime(BaseException):
    """The file's time budget ran out (a BaseException, so no `except Exception` swallows it)."""


def file_seconds() -> float:
    """The time budget of one file: GONGKAI_FILE_SECONDS when it is a positive number, else
    FILE_SECONDS."""
    try:
        seconds = float(os.environ.get(FILE_SECONDS_ENV, ""))
    except ValueError:
        return FILE_SECONDS
    return seconds if seconds > 0 else FILE_SECONDS


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise OutOfTime in this thread once `seconds` have passed; a no-op outside the main thread
    or when a real-time timer is already armed (it is not ours to replace)."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getitimer(signal.ITIMER_REAL)[0] > 0):
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise OutOfTime()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)


def extract(job: tuple[str, str, str, Callable[[SectionDoc], Any] | None]) -> Extracted | Skipped:
    """Extract, fold and serialise one file: (path, root, source, prepare) -> Extracted or
    Skipped; `prepare` (the backend's, or None) is applied to each section. The whole work is
    under the file's time budget (`file_seconds()`)."""
    path, root, source, prepare = job
    seconds = file_seconds()
    try:
        with time_budget(seconds):
            return _extract(path, root, source, prepare)
    except OutOfTime:
        return Skipped(source, f"took longer than {seconds:g} s to read "
                               f"(limit {FILE_SECONDS_ENV}={seconds:g})")


def _extract(path: str, root: str, source: str,
             prepare: Callable[[SectionDoc], Any] | None) -> Extracted | Skipped:
    try:
        report = extract_report(path, root)
    except ReportReadError as exc:
        return Skipped(source, exc.reason)
    except Exception as exc:  # a bug on one file must not stop the run: name it and go on
        return Skipped(source, f"extraction failed ({type(exc).__name__}: {exc})")
    record = report.to_dict(with_tables=True)
    docs = list(section_docs(report))
    summary = dict(summary_of(record), root=root)   # where the web UI finds the original file
    return Extracted(report.source, report.report_id, json.dumps(record, ensure_ascii=False),
                     summary, list(map(prepare, docs)) if prepare else docs)


def summary_of(record: dict[str, Any]) -> dict[str, Any]:
    """A record without its text and tables (and the region's candidates), with the text's
    near-duplicate sketch: what the manifest keeps of a report for listings, filters, facets
    and collapsing copies."""
    summary = {k: v for k, v in record.items() if k not in ("text", "tables")}
    summary["region"] = {k: v for k, v in record["region"].items() if k != "candidates"}
    summary["sketch"] = sketch(record["text"])   # near-duplicates: indexer.text.sketch
    return summary


def section_docs(report: Report) -> Iterator[SectionDoc]:
    """The documents of a report: one per section, from the folded text, then its head
    document (title, agency and its other names, region, year: `indexer.backends.head_text`).

    `text` (for exact matching) runs TEXT_OVERLAP characters into the next section, so a run
    copied across a heading still matches; `words` is the section alone."""
    text = report.text
    spans = [(s.slug, s.start, s.end) for s in report.sections] or [("preamble", 0, len(text))]
    for i, (slug, start, end) in enumerate(spans):
        tail = min(len(text), end + TEXT_OVERLAP) if i + 1 < len(spans) else end
        folded = normalize(text[start:tail])
        cut = bisect.bisect_left(folded.offsets, end - start, hi=len(folded.text))
        yield SectionDoc(report.report_id, slug, i, folded.text[:cut], folded.text)
    region = {"province": report.region.province, "city": report.region.city,
              "county": report.region.county}
    # The other names of its agency (written out, renamed later: 莆田市安监局 → 莆田市应急管理局), so
    # the agency's newest name finds its older reports too (indexer.model.agencies).
    names = sorted(aliases(report.agency, region) - {report.agency}) if report.agency else []
    head = normalize(head_text(report.title, report.agency, region, report.year, names)).text
    yield SectionDoc(report.report_id, HEAD_SLUG, len(spans), head, head)
