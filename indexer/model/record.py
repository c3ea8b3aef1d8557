"""The report record: the plain data every later stage (index, search, UI, stats) reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
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
    stats: dict[str, Any] = field(default_factory=dict)
    # Tables from HTML markup: rows of cells. Not part of the JSON record by default.
    tables: list[list[list[TableCell]]] = field(default_factory=list, repr=False)

    def to_dict(self, with_tables: bool = False) -> dict[str, Any]:
        """The record as JSON-ready plain data."""
        data = asdict(self)
        if not with_tables:
            data.pop("tables")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Report":
        """Rebuild a record from `to_dict` output."""
        data = dict(data)
        data["region"] = Region(**data["region"])
        data["sections"] = [Section(**s) for s in data["sections"]]
        data["tables"] = [[[TableCell(**c) for c in row] for row in table]
                          for table in data.get("tables", [])]
        return cls(**data)

    def section_at(self, offset: int) -> Section | None:
        """The section that contains a text offset."""
        for section in self.sections:
            if section.start <= offset < section.end:
                return section
        return None
