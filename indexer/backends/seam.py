"""The seam between gongkai's search and the engines that index text: what is indexed
(`SectionDoc`), what search asks of an open index (`SectionIndex`), what an indexing run does
(`IndexRun`) and what a backend is (`Backend`). Backends import these from here; everyone else
from `indexer.backends`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple, Protocol

import numpy as np

from indexer.errors import NotFound
from indexer.model.columns import ReportColumns
from indexer.model.record import Report

TEXT_OVERLAP = 32  # a section's text for exact matching runs this far into the next section
# The head document of a report: one more section document (after the last section, slug
# HEAD_SLUG) holding what the report was filed under — its title, agency, region and year — so
# that they are searchable text in every backend, matched exactly and ranked (search weighs it
# above body text). It is never a section of the record: no passages, no section facet.
HEAD_SLUG = "head"
HEAD_SEPARATOR = "。"


def head_text(title: str | None, agency: str | None, region: dict[str, Any],
              year: int | None, names: Iterable[str] = ()) -> str:
    """The text of a report's head document: its values joined by HEAD_SEPARATOR (folding drops
    spaces between Chinese characters, so a punctuation mark keeps one value from running into
    the next). `names`: other names the agency appeared under (one more value each; a later
    field is one more argument here)."""
    places = [region.get(k) for k in ("province", "city", "county")]
    years = [f"{year}年", f"{year}年度"] if year else []
    values = [title, agency, *places, *years, *names]
    return HEAD_SEPARATOR.join(value for value in values if value)


class SectionDoc(NamedTuple):
    """What is indexed of one section: `words` ranks (BM25 over jieba words), `text` matches
    exactly (the folded section text, running a little into the next section)."""

    report_id: str
    slug: str
    ordinal: int
    words: str
    text: str


class Sections(NamedTuple):
    """Every live section of an open index as columns. A section's *number* is its position
    0..n-1 in these columns: the numbers `exact` and `word_scores` answer with, stable for the
    life of one reader (a backend maps its own document ids to them)."""

    report: np.ndarray   # int32 [n]: the section's report, an index into ReportColumns.ids
    slug: np.ndarray     # int16 [n]: an index into `slugs`
    ordinal: np.ndarray  # int32 [n]: its position among the report's sections (head: the last)
    slugs: list[str]

    def __len__(self) -> int:   # type: ignore[override]
        return len(self.report)


class Scores(NamedTuple):
    """BM25 scores of some sections: `numbers` sorted ascending (int32), `values` (float64)."""

    numbers: np.ndarray
    values: np.ndarray


def no_sections() -> np.ndarray:
    """An empty set of section numbers."""
    return np.zeros(0, dtype=np.int32)


def sections_from(rows: Iterable[tuple[str, str, int]], report_ids: list[str]) -> Sections:
    """Sections from (report_id, slug, ordinal) rows in section-number order; `report_ids` is
    the order of ReportColumns.ids (a row of another report is an error)."""
    number_of = {rid: i for i, rid in enumerate(report_ids)}
    slugs: dict[str, int] = {}
    report, slug, ordinal = [], [], []
    for rid, name, position in rows:
        report.append(number_of[rid])
        slug.append(slugs.setdefault(name, len(slugs)))
        ordinal.append(position)
    return Sections(np.array(report, dtype=np.int32), np.array(slug, dtype=np.int16),
                    np.array(ordinal, dtype=np.int32), list(slugs))


class Listing:
    """What a reader lists when it opens: its live sections, per-report columns and summaries
    (the `sections`, `columns` and `summaries` of `SectionIndex`, for a backend's reader to
    inherit)."""

    _sections: Sections
    _columns: ReportColumns
    _summaries: Mapping[str, dict[str, Any]]

    def sections(self) -> Sections:
        return self._sections

    def columns(self) -> ReportColumns:
        return self._columns

    def summaries(self) -> Mapping[str, dict[str, Any]]:
        return self._summaries

    def section_keys(self) -> list[tuple[str, int]]:
        """(report id, ordinal) of every section, by section number: what names a section
        across readers and builds (numbers differ between them)."""
        ids = self._columns.ids
        return [(ids[r], o) for r, o in zip(self._sections.report.tolist(),
                                            self._sections.ordinal.tolist())]

    def check_known(self, report_id: str) -> None:
        """NotFound unless the report is in this generation."""
        if report_id not in self._summaries:
            raise NotFound(f"没有编号为「{report_id}」的报告。")

    # A reader overrides one of these two (each is written with the other).
    def record(self, report_id: str) -> Report:
        return self.records([report_id])[report_id]

    def records(self, report_ids: list[str]) -> dict[str, Report]:
        return {rid: self.record(rid) for rid in report_ids}


class SectionIndex(Protocol):
    """One open, read-only generation of an index: what search needs from it."""

    name: str   # the generation's name (a run makes a new one)

    def sections(self) -> Sections:
        """Every live section, as columns (a section's number is its position in them)."""

    def columns(self) -> ReportColumns:
        """Every report of the generation as columns (what facets, filters and sorting use);
        `Sections.report` indexes into its `ids`."""

    def exact(self, folded: str) -> np.ndarray:
        """The numbers of the sections whose folded text contains `folded` verbatim, sorted,
        unique, int32 (no false positives, no misses)."""

    def word_scores(self, words: list[str]) -> Scores | None:
        """BM25 scores of the sections holding any of `words` as whole words (a word in most
        sections left out when rarer ones are there); None when no word occurs as a word."""

    def summaries(self) -> Mapping[str, dict[str, Any]]:
        """Per report id: the record without its text (title, agency, year, region, stats,
        flags, sections); may read each one from disk when it is asked for."""

    def record(self, report_id: str) -> Report:
        """The full record; raises NotFound."""

    def records(self, report_ids: list[str]) -> dict[str, Report]:
        """The full records of several reports by id, read at once (one round trip on a
        cluster: the hits of a page); raises NotFound."""

    def missing(self) -> list[str]:
        """The parts of the index (shards) that did not answer this thread's queries since the
        last call, which clears the list: their reports are missing from the answer. Always
        empty for an index on one machine."""

    def close(self) -> None:
        """Release files and connections."""


class IndexRun(Protocol):
    """One indexing run against a backend: a context manager that holds the run lock. Nothing
    it writes is visible to readers until `publish`; a run that fails or is killed before that
    leaves the previous generation live and complete."""

    full: bool                            # a full rebuild (asked for, or forced by a new signature)
    files: dict[str, dict[str, Any]]      # the live generation's manifest of files ({} when full)
    procs: int                            # processes the backend may write with (set before writing)
    # A picklable top-level function the indexing workers apply to each section before it
    # reaches `add` (the backend's per-section work then runs in parallel); None: as it is.
    prepare: Callable[[SectionDoc], Any] | None

    def keep(self, report_id: str) -> None:
        """Carry an unchanged report (record and sections) into the new generation."""

    def delete_reports(self, report_ids: Iterable[str]) -> None:
        """Leave these reports (changed or vanished files) out of the new generation."""

    def add(self, report_id: str, record_json: str, summary: dict[str, Any],
            docs: list[Any]) -> None:
        """A new or changed report: its record, its summary and its sections (`SectionDoc`s, or
        what `prepare` made of them)."""

    def publish(self, files: dict[str, dict[str, Any]]) -> tuple[str, int]:
        """Make the new generation live; returns its name and its number of sections."""


class Backend(Protocol):
    """Where an index lives: opens readers for search and runs for indexing."""

    location: str
    signature: str   # analyzers and layout: a generation of another signature is not read

    def check(self) -> None:
        """Raise GongkaiError unless there is an index this version can read (cheap: nothing
        is opened)."""

    def reader(self) -> SectionIndex:
        """The live generation (the same object until a run publishes a new one)."""

    def start_run(self, full: bool, procs: int) -> IndexRun:
        """An indexing run (use as a context manager: it holds the run lock)."""

    def close(self) -> None:
        """Close the open reader."""
