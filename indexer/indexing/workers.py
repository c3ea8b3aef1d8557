"""What a worker process does with one file: extract the record, fold the section texts, and
serialise both, so the parent only writes and indexes."""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from indexer.backends import TEXT_OVERLAP, SectionDoc
from indexer.errors import ReportReadError
from indexer.extract.corpus import Skipped
from indexer.extract.report import extract_report
from indexer.model.record import Report
from indexer.text.normalize import normalize


@dataclass
class Extracted:
    """A report prepared in a worker process."""

    source: str
    report_id: str
    record_json: str
    summary: dict[str, Any]
    docs: list[Any]   # SectionDoc, or what the backend's `prepare` made of each


def extract(job: tuple[str, str, str, Callable[[SectionDoc], Any] | None]) -> Extracted | Skipped:
    """Extract, fold and serialise one file: (path, root, source, prepare) -> Extracted or
    Skipped; `prepare` (the backend's, or None) is applied to each section."""
    path, root, source, prepare = job
    try:
        report = extract_report(path, root)
    except ReportReadError as exc:
        return Skipped(source, exc.reason)
    except Exception as exc:  # a bug on one file must not stop the run: name it and go on
        return Skipped(source, f"extraction failed ({type(exc).__name__}: {exc})")
    record = report.to_dict(with_tables=True)
    docs = list(section_docs(report))
    return Extracted(report.source, report.report_id, json.dumps(record, ensure_ascii=False),
                     summary_of(record), list(map(prepare, docs)) if prepare else docs)


def summary_of(record: dict[str, Any]) -> dict[str, Any]:
    """A record without its text and tables (and the region's candidates): what the manifest
    keeps of a report for listings, filters and facets."""
    summary = {k: v for k, v in record.items() if k not in ("text", "tables")}
    summary["region"] = {k: v for k, v in record["region"].items() if k != "candidates"}
    return summary


def section_docs(report: Report) -> Iterator[SectionDoc]:
    """The documents of a report: one per section, from the folded text.

    `text` (for exact matching) runs TEXT_OVERLAP characters into the next section, so a run
    copied across a heading still matches; `words` is the section alone."""
    text = report.text
    spans = [(s.slug, s.start, s.end) for s in report.sections] or [("preamble", 0, len(text))]
    for i, (slug, start, end) in enumerate(spans):
        tail = min(len(text), end + TEXT_OVERLAP) if i + 1 < len(spans) else end
        folded = normalize(text[start:tail])
        cut = bisect.bisect_left(folded.offsets, end - start, hi=len(folded.text))
        yield SectionDoc(report.report_id, slug, i, folded.text[:cut], folded.text)
