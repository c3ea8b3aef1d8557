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
        scores = ranking.weighted(view, scores, _verbatim(view, tree) if scores else set())
        in_section, keys, matching = _reports_of(view, docs, filters.get("section"))
        passes = facets.passing(view, in_section, filters)
        hits = in_section.intersection(*passes.values())
        sections = facets.section_counts(view, keys, matching, passes)
        sections.pop(HEAD_SLUG, None)   # the head document is not a section of the report
        counts = facets.count(view, in_section, passes, sections)
        intent = understand.understand(view, text) if tree is not None else understand.Intent()
        page = _rank(view, request, scores, hits, in_section, docs, filters, intent)
        found = self._hits(view, page, docs, filters.get("section"), scores,
                           terms if request.passages else [])
        missing = view.index.missing()
        return {"query": request.q, "total": len(hits), "page": request.page,
                "per_page": request.per_page, "hits": found, "facets": counts, "terms": terms,
                "partial": bool(missing), "missing": missing,
                "understood": intent.to_dict(),
                "chips": understand.chips(view, intent, hits, filters),
                "suggestions": suggest.suggestions(
                    view, request.q, len(hits), lambda other: _count(view, other, filters))}

    def _hits(self, view: IndexView, page: list[str], docs: set[int] | frozenset[int],
              section_filter: set[str] | None, scores: dict[int, float] | None,
              terms: list[str]) -> list[dict[str, Any]]:
        hits = []
        for rid in page:
            mine = [d for d in view.report_docs[rid]
                    if d in docs and (section_filter is None or view.doc_section[d] in section_filter)]
            mine_scores = ranking.scores_of(scores, mine)
            best = max(mine_scores.values(), default=0.0)
            mine = [d for d in mine if view.doc_section[d] != HEAD_SLUG]   # no passages there
            ranked = sorted(mine, key=lambda d: (-mine_scores.get(d, 0.0), view.doc_ordinal[d]))
            summary = view.summaries[rid]
            region = summary["region"]
            hits.append({
                "report_id": rid, "source": summary["source"], "title": summary.get("title"),
                "agency": summary.get("agency"), "year": summary.get("year"),
                "region": {"province": region.get("province"), "city": region.get("city"),
                           "county": region.get("county")},
                "score": round(best, 3), "versions": duplicates_of(view).versions_of(view, rid),
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
        return len(self._view_of().summaries)

    def reports(self) -> list[Report]:
        """Every indexed report's record without its text, by source."""
        return list(self._view_of().listing.values())

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
        return self._view_of().agency_of.get(report_id)

    def select(self, filters: dict[str, Any]) -> tuple[list[Report], dict[str, list]]:
        """The reports passing report filters (records without text, by source), and the report
        facets' counts (a facet ignores its own filter); a value no report has matches nothing."""
        view = self._view_of()
        wanted = facets.read_filters(view, filters, strict=False)
        everything = set(view.summaries)
        passes = facets.passing(view, everything, wanted)
        chosen = everything.intersection(*passes.values())
        rows = [r for rid, r in view.listing.items() if rid in chosen]
        return rows, facets.count(view, everything, passes)

    def facets(self) -> dict[str, list[dict[str, Any]]]:
        """Facet counts over the whole index."""
        view = self._view_of()
        return facets.count(view, set(view.summaries), {}, facets.overall_sections(view))


def _reports_of(view: IndexView, docs: set[int] | frozenset[int],
                section_filter: set[str] | None) -> tuple[set[str], set[int], set[str]]:
    """The reports with a matching section (of the filtered slugs), the matching (report, slug)
    keys, and the reports with any matching section."""
    # Work per report, with set operations and `map` over precomputed lookups (C speed),
    # not section by section in Python: a common word matches ~60,000 sections at 10k.
    base, report_ids = view.key_base, view.report_ids
    keys = set(map(view.doc_key.__getitem__, docs))   # matching (report, slug) pairs
    matching = set(map(report_ids.__getitem__, set(map(base.__rfloordiv__, keys))))
    if section_filter is None:
        return matching, keys, matching
    wanted = {i for i, slug in enumerate(view.slugs) if slug in section_filter}
    return {report_ids[k // base] for k in keys if k % base in wanted}, keys, matching


def _rank(view: IndexView, request: SearchRequest, scores: dict[int, float] | None,
          hits: set[str], in_section: set[str], docs: set[int] | frozenset[int],
          filters: dict[str, set], intent: understand.Intent) -> list[str]:
    """One page of report ids: by year, or by what the query names and then by relevance."""
    if request.sort != "relevance" or scores is None:
        return ranking.by_year(view, hits, request.start, request.per_page,
                               oldest=request.sort == "oldest")
    tiers = understand.tiers(view, intent, hits)
    if len(tiers) > 1:
        return ranking.by_tiers(view, scores, tiers, docs, filters.get("section"),
                                request.start, request.per_page)
    # Report filters matter to the ranking only when they drop a matching report.
    allowed = hits if len(hits) < len(in_section) else None
    return ranking.by_relevance(view, scores, hits, docs, allowed, filters.get("section"),
                                request.start, request.per_page)


def _verbatim(view: IndexView, tree: Any) -> set[int]:
    """Sections holding a typed run of several words as it is (莆田市2008年度政府信息公开工作
    年度报告, a title typed whole), for the head documents' bonus."""
    out: set[int] = set()
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
    return len(in_section.intersection(*facets.passing(view, in_section, filters).values()))


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
