"""What search derives once from an open index: sections by report and slug, per-report facet
values and figures, the year order — lookups that make each search set operations at C speed."""

from __future__ import annotations

from functools import cached_property, lru_cache
from typing import Any

from indexer.backends import SectionIndex
from indexer.model.agencies import (Agency, agency_key, expand, group_agencies, split_place,
                                    squeeze)
from indexer.model.record import Report
from indexer.model.vocabulary import FIGURE_KEYS, REPORT_FACETS
from indexer.text.normalize import fold


class IndexView:
    """An open index and its lookups (built when a reader is first used, dropped with it)."""

    def __init__(self, index: SectionIndex):
        self.index = index
        self.summaries: dict[str, dict[str, Any]] = index.summaries()
        self._sections(index)
        self._reports()
        self.record = lru_cache(maxsize=256)(index.record)

    def exact(self, folded: str) -> set[int]:
        """The sections holding a folded run verbatim."""
        return set(self.index.exact(folded).tolist())

    def word_scores(self, words: list[str]) -> dict[int, float] | None:
        """BM25 scores of the sections holding the words, by section number."""
        scores = self.index.word_scores(words)
        return None if scores is None else dict(zip(scores.numbers.tolist(),
                                                    scores.values.tolist()))

    def _sections(self, index: SectionIndex) -> None:
        self.doc_report: dict[int, str] = {}
        self.doc_section: dict[int, str] = {}
        self.doc_ordinal: dict[int, int] = {}
        self.report_docs: dict[str, list[int]] = {}
        self.section_docs: dict[str, set[int]] = {}
        sections, ids = index.sections(), index.columns().ids
        rows = zip(range(len(sections)), sections.report.tolist(), sections.slug.tolist(),
                   sections.ordinal.tolist())
        for number, report, slug_number, ordinal in rows:
            rid, slug = ids[report], sections.slugs[slug_number]
            self.doc_report[number], self.doc_section[number] = rid, slug
            self.doc_ordinal[number] = ordinal
            self.report_docs.setdefault(rid, []).append(number)
            self.section_docs.setdefault(slug, set()).add(number)
        self.live: frozenset[int] = frozenset(self.doc_report)
        # (report, slug) of each section as one int, report number * key_base + slug number:
        # sets of them are built and counted at C speed (tuples would be hashed every time).
        self.slugs = sorted(self.section_docs)
        self.key_base = max(1, len(self.slugs))
        slug_number = {slug: i for i, slug in enumerate(self.slugs)}
        self.report_ids = list(self.report_docs)
        self.report_number = {rid: i for i, rid in enumerate(self.report_ids)}
        self.doc_key = {d: self.report_number[rid] * self.key_base + slug_number[self.doc_section[d]]
                        for d, rid in self.doc_report.items()}

    def _agencies(self) -> None:
        # The agency facet's value is the canonical agency (indexer/model/agencies.py), derived
        # here from the printed name and region: a change of the lineage table needs no re-index.
        self.agency_of, self.agencies = group_agencies(
            (rid, r.get("agency"), r.get("year"), r["region"]) for rid, r in self.summaries.items())
        self.agency_aliases: dict[str, set[str]] = {}
        for agency in self.agencies.values():
            for alias in agency.aliases:
                self.agency_aliases.setdefault(fold(alias), set()).add(agency.name)

    def agency(self, name: str) -> Agency | None:
        """The agency of a display name or of any name it appeared under (None: no such name,
        or a printed name two agencies share)."""
        if name in self.agencies:
            return self.agencies[name]
        found = self.agencies_named(name)
        return self.agencies[next(iter(found))] if len(found) == 1 else None

    def agencies_named(self, text: str, partial: bool = False) -> set[str]:
        """The agencies (display names) that `text` names: any name of theirs, as printed or
        written out; with `partial`, else every agency one of whose names contains it."""
        wanted = fold(squeeze(text))
        found = set(self.agency_aliases.get(wanted, set()))
        if not found:   # another spelling that names the region: 莆田科技局
            found = {a.name for a in self.agencies.values()
                     if split_place(text, a.region)[0] and agency_key(text, a.region) == a.key}
        if found or not partial or not wanted:
            return found
        for probe in dict.fromkeys((wanted, fold(expand(wanted)))):
            found = set().union(*(names for alias, names in self.agency_aliases.items()
                                  if probe in alias))
            if found:
                break
        return found

    def _reports(self) -> None:
        summaries = self.summaries
        self._agencies()
        # Facet values per report as plain dicts: counted with `map` at C speed.
        self.value_of: dict[str, dict[str, Any]] = {name: {} for name in REPORT_FACETS}
        for rid, r in summaries.items():
            values = (self.agency_of[rid], r.get("year"), r["region"].get("province"),
                      r["region"].get("city"))
            for name, value in zip(REPORT_FACETS, values):
                self.value_of[name][rid] = value
        self.reports_with: dict[str, dict[Any, set[str]]] = {name: {} for name in REPORT_FACETS}
        for name, values in self.value_of.items():
            for rid, value in values.items():
                if value is not None:
                    self.reports_with[name].setdefault(value, set()).add(rid)
        self.known = {name: {v for v in self.reports_with[name] if v}
                      for name in ("agency", "province", "city")}
        self.figures_of = {rid: _integer_figures(r.get("stats") or {})
                           for rid, r in summaries.items()}
        self.figures = frozenset(FIGURE_KEYS).union(*map(set, self.figures_of.values()))
        # Position of each report in year order (newest first, then by source).
        by_year = sorted(summaries, key=lambda rid: (-(self.value_of["year"][rid] or 0),
                                                     summaries[rid].get("source", "")))
        self.year_rank: dict[str, int] = {rid: i for i, rid in enumerate(by_year)}

    def docs_of_reports(self, report_ids: Any) -> set[int]:
        """Every section of the given reports."""
        out: set[int] = set()
        for rid in report_ids:
            out.update(self.report_docs.get(rid, ()))
        return out

    def docs_of_sections(self, slugs: Any) -> set[int]:
        """Every section with one of the given slugs."""
        out: set[int] = set()
        for slug in slugs:
            out |= self.section_docs.get(slug, set())
        return out

    @cached_property
    def listing(self) -> dict[str, Report]:
        """Every report's record without its text (the summaries), by source: built once per
        index, not per listing request (callers must not change them)."""
        records = (Report.from_dict({**_record_fields(summary), "text": ""})
                   for summary in self.summaries.values())
        return {r.report_id: r for r in sorted(records, key=lambda r: r.source)}


def _record_fields(summary: dict[str, Any]) -> dict[str, Any]:
    """A summary without what indexing adds that is not a record field (the sketch)."""
    return {k: v for k, v in summary.items() if k != "sketch"}


def _integer_figures(stats: dict[str, Any]) -> dict[str, int]:
    """The integer figures of a report's stats (what figure filters compare)."""
    out = {}
    for key, fig in stats.items():
        value = fig.get("value")
        if isinstance(value, int) and not isinstance(value, bool):
            out[key] = value
    return out
