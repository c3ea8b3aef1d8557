"""What search derives once from an open index, as arrays: sets of sections are boolean masks
over the n section numbers, sets of reports boolean masks over the reports of `columns().ids`,
and a report's facet values integer codes — so a search is numpy set algebra and bincounts at C
speed, with no Python object per section (at 100,000 reports, ~800,000 sections)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import numpy as np

from indexer.backends import HEAD_SLUG, SectionIndex
from indexer.model.agencies import (Agency, agency_key, expand, group_agencies, split_place,
                                    squeeze)
from indexer.model.columns import NO_YEAR
from indexer.model.record import Report
from indexer.model.vocabulary import FIGURE_KEYS, REPORT_FACETS
from indexer.text.normalize import fold

KEPT_RECORDS = 256


class Records:
    """Full records read through the backend, the last KEPT_RECORDS of them kept (the hits'
    passages, the report page): a page's hits are read in one call (`many`)."""

    def __init__(self, index: SectionIndex):
        self._index = index
        self._kept: OrderedDict[str, Report] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, report_id: str) -> Report:
        return self.many([report_id])[report_id]

    def many(self, report_ids: list[str]) -> dict[str, Report]:
        with self._lock:
            found = {rid: self._kept[rid] for rid in report_ids if rid in self._kept}
            for rid in found:
                self._kept.move_to_end(rid)
        wanted = [rid for rid in dict.fromkeys(report_ids) if rid not in found]
        if wanted:
            read = self._index.records(wanted)
            with self._lock:
                self._kept.update(read)
                while len(self._kept) > KEPT_RECORDS:
                    self._kept.popitem(last=False)
            found.update(read)
        return found


class IndexView:
    """An open index and its lookups (built when a reader is first used, dropped with it)."""

    def __init__(self, index: SectionIndex):
        self.index = index
        self.summaries = index.summaries()   # read one at a time (hits' versions, listings)
        self.columns = index.columns()
        self._sections(index)
        self._reports()
        self.records = Records(index)
        self.record = self.records.get
        self._listed: dict[int, Report] = {}

    def listed(self, report: int) -> Report:
        """Report `report`'s record without its text, from its summary (without the sketch,
        which indexing adds), kept once read: the /stats table and the agency pages list every
        report on every request (~90 us a report to read; at 100k reports ~350 MB once all are
        kept, only after a listing asked for them: searches never do)."""
        found = self._listed.get(report)
        if found is None:
            summary = self.summaries[self.columns.ids[report]]
            found = self._listed[report] = Report.from_dict(
                {**{k: v for k, v in summary.items() if k != "sketch"}, "text": ""})
        return found

    def exact(self, folded: str) -> np.ndarray:
        """The sections holding a folded run verbatim, as a mask."""
        return self.mask(self.index.exact(folded))

    def word_scores(self, words: list[str]) -> tuple[np.ndarray, np.ndarray] | None:
        """BM25 scores of the sections holding the words: (numbers ascending, scores)."""
        scores = self.index.word_scores(words)
        return None if scores is None else (scores.numbers, scores.values)

    def mask(self, numbers: np.ndarray) -> np.ndarray:
        """A mask over the sections from section numbers."""
        out = np.zeros(self.n, dtype=bool)
        out[numbers] = True
        return out

    def _sections(self, index: SectionIndex) -> None:
        sections = index.sections()
        self.n = len(sections)
        self.doc_report = sections.report.astype(np.int32, copy=False)
        self.doc_ordinal = sections.ordinal
        self.slugs: list[str] = list(sections.slugs)
        self.doc_slug = sections.slug.astype(np.int16, copy=False)
        self.slug_code = {slug: i for i, slug in enumerate(self.slugs)}
        self.live = np.ones(self.n, dtype=bool)
        self.head = self.slug_mask([HEAD_SLUG])
        # The sections of each report, contiguous: report r's are by_report[starts[r]:starts[r+1]].
        self.by_report = np.argsort(self.doc_report, kind="stable").astype(np.int32)
        counts = np.bincount(self.doc_report, minlength=len(self.columns))
        self.starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        # Each distinct (report, slug) pair as one integer: what the section facet counts.
        base = max(1, len(self.slugs))
        pairs, self.doc_pair = np.unique(self.doc_report.astype(np.int64) * base + self.doc_slug,
                                         return_inverse=True)
        self.pair_report, self.pair_slug = pairs // base, (pairs % base).astype(np.int32)
        self.doc_pair = self.doc_pair.astype(np.int32).reshape(-1)

    def slug_mask(self, slugs: Iterable[str]) -> np.ndarray:
        """The sections with one of the slugs."""
        codes = [self.slug_code[s] for s in slugs if s in self.slug_code]
        return np.isin(self.doc_slug, codes) if codes else np.zeros(self.n, dtype=bool)

    def report_ids(self, reports: Iterable[int]) -> list[str]:
        ids = self.columns.ids
        return [ids[r] for r in reports]

    def sections_of(self, report: int) -> np.ndarray:
        """The section numbers of one report, ascending."""
        return np.sort(self.by_report[self.starts[report]:self.starts[report + 1]])

    def docs_of_reports(self, reports: np.ndarray) -> np.ndarray:
        """Every section of the reports of a report mask."""
        return reports[self.doc_report]

    def reports_of(self, docs: np.ndarray) -> np.ndarray:
        """The reports (mask) with a section in `docs`."""
        out = np.zeros(len(self.columns), dtype=bool)
        out[self.doc_report[docs]] = True
        return out

    def _agencies(self) -> None:
        # The agency facet's value is the canonical agency (indexer/model/agencies.py), derived
        # here from the printed name and region: a change of the lineage table needs no re-index.
        c = self.columns
        rows = ((c.ids[i], c.agency[i], int(c.year[i]) or None, c.region(i))
                for i in range(len(c)))
        agency_of, self.agencies = group_agencies(rows)
        self.agency_values = [agency_of[rid] for rid in c.ids]
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
        self._agencies()
        c = self.columns
        self.number_of = {rid: i for i, rid in enumerate(c.ids)}
        years = [int(y) if y != NO_YEAR else None for y in c.year.tolist()]
        per_report = (self.agency_values, years, c.province, c.city)
        # Facet values per report as integer codes into `values[name]` (-1: none).
        self.values: dict[str, list[Any]] = {}
        self.codes: dict[str, np.ndarray] = {}
        self.code_of: dict[str, dict[Any, int]] = {}
        for name, column in zip(REPORT_FACETS, per_report):
            code_of: dict[Any, int] = {}
            codes = np.fromiter((-1 if v is None else code_of.setdefault(v, len(code_of))
                                 for v in column), dtype=np.int32, count=len(c))
            self.values[name], self.codes[name] = list(code_of), codes
            self.code_of[name] = code_of
        self.known = {name: {v for v in self.code_of[name] if v}
                      for name in ("agency", "province", "city")}
        self.figures = frozenset(FIGURE_KEYS).union(c.figures)
        # Position of each report in year order (newest first, then by source), and oldest
        # first (no year last); a section's in (year order, ordinal): equal scores' tie-break.
        source_rank = np.empty(len(c), dtype=np.int64)
        source_rank[sorted(range(len(c)), key=c.source.__getitem__)] = np.arange(len(c))
        self.year_rank = _positions(np.lexsort((source_rank, -c.year.astype(np.int64))))
        self.oldest_rank = _positions(np.lexsort((source_rank, c.year, c.year == NO_YEAR)))
        self.stable_rank = _positions(np.lexsort((self.doc_ordinal,
                                                  self.year_rank[self.doc_report])))

    def reports_with(self, name: str, values: Iterable[Any]) -> np.ndarray:
        """The reports (mask) whose value of a report facet is one of `values`."""
        code_of = self.code_of[name]
        codes = [code_of[v] for v in values if v in code_of]
        return np.isin(self.codes[name], codes) if codes else np.zeros(len(self.columns), bool)

    def by_source(self, reports: np.ndarray) -> list[int]:
        """The reports of a mask by source path."""
        source = self.columns.source
        return sorted(np.flatnonzero(reports).tolist(), key=source.__getitem__)


def _positions(order: np.ndarray) -> np.ndarray:
    """The position of each item in an order (the inverse permutation)."""
    out = np.empty(len(order), dtype=np.int64)
    out[order] = np.arange(len(order))
    return out
