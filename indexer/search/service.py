"""The one search behind the web pages, the JSON API and the command line: a small orchestrator.

    index = open_index("var/index")      # or a backend URL; see `indexer.backends.open_backend`
    result = index.search(SearchRequest(q="申请", filters={"year": ["2016"]}))

A query matches sections (`evaluate`); a hit is a report, ranked by its best section (`ranking`),
with facet counts over the matching reports (`facets`) and the best passages of its matching
sections (`passages`). Results carry section anchors and the terms to mark, never URLs: the web UI
builds those.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from indexer.backends import HEAD_SLUG, Backend, open_backend
from indexer.errors import GongkaiError, NotFound
from indexer.model.agencies import Agency
from indexer.model.record import Report, format_of
from indexer.search import facets, ranking, suggest, understand
from indexer.search import query as q
from indexer.search.duplicates import duplicates_of
from indexer.search.evaluate import match
from indexer.search.passages import highlight_terms, passages_of, score_words
from indexer.search.request import SearchRequest
from indexer.search.view import IndexView
from indexer.text.analysis import query_words


class Index:
    """An open index; follows indexing runs (a new generation) without a restart."""

    def __init__(self, backend: Backend):
        self.backend = backend
        self._lock = threading.Lock()
        self._view: IndexView | None = None
        self._view_of()

    def _view_of(self) -> IndexView:
        reader = self.backend.reader()
        with self._lock:
            if self._view is None or self._view.index is not reader:
                self._view = IndexView(reader)
            return self._view

    def close(self) -> None:
        """Release the open index files."""
        with self._lock:
            self._view = None
        self.backend.close()

    def search(self, request: SearchRequest) -> dict[str, Any]:
        """Run a search; the result is exactly what `gongkai search --json` prints."""
        request.validate()
        view = self._view_of()
        text = understand.rewrite(request.q)
        tree = q.parse(text, view.figures)
        filters = facets.read_filters(view, request.filters)
        docs = duplicates_of(view).collapse(view, view.live if tree is None else match(view, tree))
        terms = highlight_terms(tree)
        scores = view.word_scores(score_words(tree)) if terms else None
        scores = ranking.weighted(view, scores, _verbatim(view, tree) if scores else None)
        in_section, matching = _reports_of(view, docs, filters.get("section"))
        passes = facets.passing(view, in_section, filters)
        hits = facets.every(in_section, passes)
        sections = facets.section_counts(view, docs, facets.every(matching, passes))
        sections.pop(HEAD_SLUG, None)   # the head document is not a section of the report
        counts = facets.count(view, in_section, passes, sections)
        intent = understand.understand(view, text) if tree is not None else understand.Intent()
        page = _rank(view, request, scores, hits, in_section, docs, filters, intent)
        found = self._hits(view, page, docs, filters.get("section"), scores,
                           terms if request.passages else [])
        missing = view.index.missing()
        total = int(hits.sum())
        return {"query": request.q, "total": total, "page": request.page,
                "per_page": request.per_page, "hits": found, "facets": counts, "terms": terms,
                "partial": bool(missing), "missing": missing,
                "understood": intent.to_dict(),
                "chips": understand.chips(view, intent, hits, filters),
                "suggestions": suggest.suggestions(
                    view, request.q, total, lambda other: _count(view, other, filters))}

    def _hits(self, view: IndexView, page: list[int], docs: np.ndarray,
              section_filter: set[str] | None, scores: ranking.Scored | None,
              terms: list[str]) -> list[dict[str, Any]]:
        hits = []
        c, allowed = view.columns, view.live if section_filter is None else view.slug_mask(
            section_filter)
        if terms:   # the records the passages come from, read in one call
            view.records.many([c.ids[report] for report in page])
        for report in page:
            mine = view.sections_of(report)
            mine = mine[docs[mine] & allowed[mine]]
            mine_scores, scored = ranking.scores_of(scores, mine)
            best = float(mine_scores[scored].max()) if scored.any() else 0.0
            body = ~view.head[mine]   # no passages in the head document
            mine, mine_scores = mine[body], mine_scores[body]
            ranked = mine[np.lexsort((view.doc_ordinal[mine], -mine_scores))].tolist()
            rid = c.ids[report]
            hits.append({
                "report_id": rid, "source": c.source[report], "title": c.title[report],
                "agency": c.agency[report], "year": int(c.year[report]) or None,
                "region": c.region(report), "score": round(best, 3),
                "versions": duplicates_of(view).versions_of(view, report),
                "passages": passages_of(view, rid, ranked, terms) if terms else []})
        return hits

    def get_report(self, report_id: str) -> Report:
        """The full record of a report; raises NotFound."""
        return self._view_of().record(report_id)

    def original(self, report_id: str) -> tuple[Path, str]:
        """The report's own file on disk and its format; raises NotFound for an unknown report,
        an index that does not know the corpus root, or a file that is gone or outside it."""
        summary = self._view_of().summaries.get(report_id)
        if summary is None:
            raise NotFound(f"没有找到报告「{report_id}」。")
        return original_file(summary, report_id)

    def size(self) -> int:
        """How many reports the index holds."""
        return len(self._view_of().columns)

    def reports(self) -> list[Report]:
        """Every indexed report's record without its text, by source (reads every summary)."""
        return self.select({})[0]

    def agencies(self) -> dict[str, Agency]:
        """Every agency of the index by display name: the names it appeared under, its reports."""
        return self._view_of().agencies

    def agency(self, name: str) -> Agency:
        """The agency a name stands for (its display name or any name it appeared under);
        raises NotFound."""
        view = self._view_of()
        found = view.agency(name)
        if found is None:
            several = sorted(view.agencies_named(name))
            if several:
                raise NotFound(f"「{name}」是几个机关的名称：{'、'.join(several)}。")
            raise NotFound(f"没有找到机关「{name}」。")
        return found

    def agency_of(self, report_id: str) -> str | None:
        """The display name of a report's agency (None: the report names none)."""
        view = self._view_of()
        number = view.number_of.get(report_id)
        return None if number is None else view.agency_values[number]

    def select(self, filters: dict[str, Any]) -> tuple[list[Report], dict[str, list]]:
        """The reports passing report filters (records without text, by source: each one's
        summary read here), and the report facets' counts (a facet ignores its own filter); a
        value no report has matches nothing."""
        view = self._view_of()
        wanted = facets.read_filters(view, filters, strict=False)
        everything = np.ones(len(view.columns), dtype=bool)
        passes = facets.passing(view, everything, wanted)
        chosen = view.by_source(facets.every(everything, passes))
        rows = [view.listed(report) for report in chosen]
        return rows, facets.count(view, everything, passes)

    def facets(self) -> dict[str, list[dict[str, Any]]]:
        """Facet counts over the whole index."""
        view = self._view_of()
        everything = np.ones(len(view.columns), dtype=bool)
        return facets.count(view, everything, {}, facets.overall_sections(view))


def _reports_of(view: IndexView, docs: np.ndarray,
                section_filter: set[str] | None) -> tuple[np.ndarray, np.ndarray]:
    """The reports (masks) with a matching section of the filtered slugs, and with any
    matching section."""
    matching = view.reports_of(docs)
    if section_filter is None:
        return matching, matching
    return view.reports_of(docs & view.slug_mask(section_filter)), matching


def _rank(view: IndexView, request: SearchRequest, scores: ranking.Scored | None,
          hits: np.ndarray, in_section: np.ndarray, docs: np.ndarray,
          filters: dict[str, set], intent: understand.Intent) -> list[int]:
    """One page of reports: by year, or by what the query names and then by relevance."""
    if request.sort != "relevance" or scores is None:
        return ranking.by_year(view, hits, request.start, request.per_page,
                               oldest=request.sort == "oldest")
    tiers = understand.tiers(view, intent, hits)
    if len(tiers) > 1:
        return ranking.by_tiers(view, scores, tiers, docs, filters.get("section"),
                                request.start, request.per_page)
    # Report filters matter to the ranking only when they drop a matching report.
    allowed = hits if hits.sum() < in_section.sum() else None
    return ranking.by_relevance(view, scores, hits, docs, allowed, filters.get("section"),
                                request.start, request.per_page)


def _verbatim(view: IndexView, tree: Any) -> np.ndarray:
    """Sections holding a typed run of several words as it is (莆田市2008年度政府信息公开工作
    年度报告, a title typed whole), for the head documents' bonus."""
    out = np.zeros(view.n, dtype=bool)
    for text in q.positive_texts(tree):
        if not text.quoted and len(query_words(text.text)) > 1:
            out |= view.exact(text.text)
    return out


def _count(view: IndexView, query: str, filters: dict[str, set]) -> int:
    """How many reports a query finds with these filters (0 for one that does not parse)."""
    try:
        tree = q.parse(understand.rewrite(query), view.figures)
        docs = duplicates_of(view).collapse(view, view.live if tree is None else match(view, tree))
    except GongkaiError:
        return 0
    in_section = _reports_of(view, docs, filters.get("section"))[0]
    return int(facets.every(in_section, facets.passing(view, in_section, filters)).sum())


def original_file(summary: dict[str, Any], report_id: str) -> tuple[Path, str]:
    """(path, format) of a report's file: the corpus root the indexing run recorded joined with
    the record's source, resolved (links included) and required to stay inside that root."""
    root = summary.get("root")
    if not root:
        raise NotFound(f"报告「{report_id}」的原始文件不可用：索引未记录文件目录（请重新建立索引）。")
    base = Path(root).resolve()
    path = (base / summary["source"]).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        raise NotFound(f"报告「{report_id}」的原始文件已不在文件目录中。")
    return path, summary.get("format") or format_of(summary["source"])


def open_index(location: str | None = None) -> Index:
    """Open the index at a backend URL or directory (once per process); raises GongkaiError if
    there is none."""
    return Index(open_backend(str(location) if location is not None else None))


def check_index(location: str | None = None) -> None:
    """Raise GongkaiError as `open_index` would when there is no index at the location or this
    version cannot read it, without opening it (a server's master process checks before its
    workers each open their own)."""
    backend = open_backend(str(location) if location is not None else None)
    try:
        backend.check()
    finally:
        backend.close()
