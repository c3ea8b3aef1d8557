"""File -> report record: the first stage of the pipeline.

`extract_report` reads a file (`reading`), trims web chrome (`clean`), finds title, agency and
year (`metadata`), splits the canonical sections (`sections`), resolves the region (`regions`)
and reads the statistics (`figures`). Each step is a function of plain data and can be tested alone.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from indexer.extract.clean import body_bounds
from indexer.extract.figures import extract_stats
from indexer.extract.metadata import extract_metadata
from indexer.extract.reading import read_document
from indexer.extract.regions import resolve_region
from indexer.extract.sections import split_sections
from indexer.model.record import Report, TableCell, format_of

_URL_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def report_id_for(source: str) -> str:
    """A stable, URL-safe id: the file stem when it is URL-safe, else a slug plus a path hash."""
    stem = Path(source).stem
    if _URL_SAFE.match(stem):
        return stem
    digest = hashlib.sha1(source.encode("utf-8")).hexdigest()[:12]
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:40]
    return f"{slug}-{digest}" if slug else f"r-{digest}"


def source_for(path: Path, root: Path | None) -> str:
    """The path relative to the corpus root, with forward slashes."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def extract_report(path: str | Path, root: str | Path | None = None) -> Report:
    """Read one report file into a Report record; raises ReportReadError for a bad file."""
    path = Path(path)
    root_path = Path(root) if root is not None else None
    source = source_for(path, root_path)
    doc = read_document(path, display=source)
    start, end = body_bounds(doc.text)
    text = doc.text[start:end]
    tables = _tables_in_body(doc.tables, start, len(text))
    meta = extract_metadata(text, doc.header)
    outline = split_sections(text)
    region = resolve_region(meta.agency, text, doc.header)
    report = Report(
        report_id=report_id_for(source), source=source, title=meta.title, agency=meta.agency,
        year=meta.year, published=meta.published, url=meta.url, region=region, text=text,
        sections=outline, tables=tables, format=doc.format or format_of(path.name),
        pages=_pages_in_body(doc.pages, start, end), ocr=doc.ocr)
    report.stats, report.flags = extract_stats(report)
    return report


def _pages_in_body(pages: list[dict[str, int]], start: int, end: int) -> list[dict[str, int]]:
    """The pages' spans cut to the body that runs from `start` to `end`, moved to match it."""
    return [{"page": p["page"], "start": max(p["start"], start) - start,
             "end": min(p["end"], end) - start}
            for p in pages if p["end"] > start and p["start"] < end]


def _tables_in_body(tables: list[list[list[TableCell]]], start: int,
                    length: int) -> list[list[list[TableCell]]]:
    """The table cells inside the body that starts at `start`, their spans moved to match it."""
    if start:
        for table in tables:
            for row in table:
                for cell in row:
                    cell.start -= start
                    cell.end -= start
    return [[[c for c in row if 0 <= c.start and c.end <= length] for row in table]
            for table in tables]
