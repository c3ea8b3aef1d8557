"""The report record: the plain data every later stage (index, search, UI, stats) reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import PurePosixPath
from typing import Any


@dataclass
class Section:
    """A span of the report text that belongs to one canonical section."""

    slug: str          # preamble, overview, proactive, requests, fees, appeals, problems, other, appendix
    heading: str       # the heading as printed ("" for the preamble or an inferred section)
    start: int         # offsets into Report.text, end exclusive
    end: int


@dataclass
class Region:
    """Where the agency sits in the GB/T 2260 divisions, with the evidence used."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    adcode: str | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    evidence: str = ""


@dataclass
class TableCell:
    """One cell of a table read from HTML markup, located in Report.text."""

    text: str
    start: int
    end: int
    rowspan: int = 1         # the cell's rowspan/colspan attributes, so a page can redraw the grid
    colspan: int = 1


@dataclass
class Figure:
    """One figure a report gives: its value and the span of Report.text that states it."""

    value: int | float
    section: str | None      # slug of the section the evidence lies in
    start: int               # Report.text[start:end] is the evidence
    end: int
    approx: bool = False     # stated as 余/多/约 (at least, about)
    stated_in_words: bool = False   # 三十五件, 无 — not digits
    source: str = ""         # html, table, html-indicator, table-indicator, prose
    derived: list[str] | None = None   # the figures it is the sum of, when the report prints none

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.derived is None:
            data.pop("derived")
        return data


@dataclass
class Flag:
    """A rule of a report's own tables that its printed numbers break (numbers as printed)."""

    rule: str                # balance, results_sum, appeal_sum, unreadable_row
    message: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    """One annual report, as extracted from one file."""

    report_id: str
    source: str
    title: str | None
    agency: str | None
    year: int | None
    published: str | None
    url: str | None
    region: Region
    text: str
    sections: list[Section]
    stats: dict[str, Figure] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    # Tables from HTML markup: rows of cells. Not part of the JSON record by default.
    tables: list[list[list[TableCell]]] = field(default_factory=list, repr=False)
    format: str = ""          # the file's format: txt, html, pdf, docx, doc, wps …
    # Paged formats: [{"page": n, "start": …, "end": …}] offsets into text; [] otherwise.
    pages: list[dict[str, int]] = field(default_factory=list)
    ocr: bool = False         # the text was read from page images by OCR

    def to_dict(self, with_tables: bool = False) -> dict[str, Any]:
        """The record as JSON-ready plain data."""
        data = asdict(self)
        data["stats"] = {key: fig.to_dict() for key, fig in self.stats.items()}
        if not with_tables:
            data.pop("tables")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Report":
        """Rebuild a record from `to_dict` output."""
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}   # a newer record's extra keys
        data.setdefault("format", format_of(data.get("source", "")))   # records before formats
        data["region"] = Region(**data["region"])
        data["sections"] = [Section(**s) for s in data["sections"]]
        data["stats"] = {key: Figure(**fig) for key, fig in data.get("stats", {}).items()}
        data["flags"] = [Flag(**flag) for flag in data.get("flags", [])]
        data["tables"] = [[[TableCell(**c) for c in row] for row in table]
                          for table in data.get("tables", [])]
        return cls(**data)

    def page_at(self, offset: int) -> int | None:
        """The page number (from 1) that holds a text offset, for paged formats; else None."""
        for page in self.pages:
            if page["start"] <= offset < page["end"]:
                return page["page"]
        return None

    def section_at(self, offset: int) -> Section | None:
        """The section that contains a text offset."""
        for section in self.sections:
            if section.start <= offset < section.end:
                return section
        return None


_SUFFIX_FORMATS = {"text": "txt", "htm": "html"}


def format_of(source: str) -> str:
    """The format a file's suffix names: "txt", "html", "pdf", "docx" … ("" without a suffix)."""
    suffix = PurePosixPath(source).suffix.lower().lstrip(".")
    return _SUFFIX_FORMATS.get(suffix, suffix)
