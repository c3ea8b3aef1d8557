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

from indexer.backends import Backend, open_backend
from indexer.errors import NotFound
from indexer.model.record import Report, format_of
from indexer.search import facets, ranking
from indexer.search import query as q
from indexer.search.evaluate import match
from indexer.search.passages import highlight_terms, passages_of, score_words
from indexer.search.request import SearchRequest
from indexer.search.view import IndexView


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
        tree = q.parse(request.q, view.figures)
        filters = facets.read_filters(view, request.filters)
        docs = view.live if tree is None else match(view, tree)
        terms = highlight_terms(tree)
        scores = view.index.word_scores(score_words(tree)) if terms else None
        section_filter = filters.get("section")
        # Work per report, with set operations and `map` over precomputed lookups (C speed),
        # not section by section in Python: a common word matches ~60,000 sections at 10k.
        base, report_ids = view.key_base, view.report_ids
        keys = set(map(view.doc_key.__getitem__, docs))   # matching (report, slug) pairs
        matching = set(map(report_ids.__getitem__, set(map(base.__rfloordiv__, keys))))
        if section_filter is None:
            in_section = matching
        else:
            wanted = {i for i, slug in enumerate(view.slugs) if slug in section_filter}
            in_section = {report_ids[k // base] for k in keys if k % base in wanted}
        passes = facets.passing(view, in_section, filters)
        hits = in_section.intersection(*passes.values())
        counts = facets.count(view, in_section, passes,
                              facets.section_counts(view, keys, matching, passes))
        if request.sort == "year" or scores is None:
            page = ranking.by_year(view, hits, request.start, request.per_page)
        else:
            # Report filters matter to the ranking only when they drop a matching report.
            allowed = hits if len(hits) < len(in_section) else None
            page = ranking.by_relevance(view, scores, hits, docs, allowed, section_filter,
                                        request.start, request.per_page)
        found = self._hits(view, page, docs, section_filter, scores, terms)
        missing = view.index.missing()
        return {"query": request.q, "total": len(hits), "page": request.page,
                "per_page": request.per_page, "hits": found, "facets": counts, "terms": terms,
                "partial": bool(missing), "missing": missing}

    def _hits(self, view: IndexView, page: list[str], docs: set[int] | frozenset[int],
              section_filter: set[str] | None, scores: dict[int, float] | None,
              terms: list[str]) -> list[dict[str, Any]]:
        hits = []
        for rid in page:
            mine = [d for d in view.report_docs[rid]
                    if d in docs and (section_filter is None or view.doc_section[d] in section_filter)]
            mine_scores = ranking.scores_of(scores, mine)
            ranked = sorted(mine, key=lambda d: (-mine_scores.get(d, 0.0), view.doc_ordinal[d]))
            summary = view.summaries[rid]
            region = summary["region"]
            hits.append({
                "report_id": rid, "source": summary["source"], "title": summary.get("title"),
                "agency": summary.get("agency"), "year": summary.get("year"),
                "region": {"province": region.get("province"), "city": region.get("city"),
                           "county": region.get("county")},
                "score": round(max(mine_scores.values(), default=0.0), 3),
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
