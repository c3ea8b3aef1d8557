"""Ranking reports: a report ranks by its best-scoring matching section; reports no scoring word
reaches come after, newest first. Pages of one query never overlap (ties broken by section)."""

from __future__ import annotations

from collections.abc import Iterable
from heapq import nlargest, nsmallest
from operator import itemgetter

from indexer.search.view import IndexView


def by_year(view: IndexView, hits: set[str], start: int, count: int) -> list[str]:
    """One page of report ids, newest first."""
    return nsmallest(start + count, hits, key=view.year_rank.__getitem__)[start:]


def by_relevance(view: IndexView, scores: dict[int, float], hits: set[str], docs: set[int],
                 reports: set[str] | None, slugs: set[str] | None, start: int,
                 count: int) -> list[str]:
    """One page of report ids by relevance; reports no scoring term reaches come last.

    `reports`: the reports the filters allow (None: every report with a match in `docs`)."""
    ranked = [rid for rid, _score in top_reports(view, scores, start + count, docs, reports,
                                                  slugs)]
    if len(ranked) < start + count:
        seen = set(ranked)
        rest = nsmallest(start + count - len(ranked) + len(seen & hits), hits,
                         key=view.year_rank.__getitem__)
        ranked.extend([rid for rid in rest if rid not in seen][:start + count - len(ranked)])
    return ranked[start:start + count]


def top_reports(view: IndexView, scores: dict[int, float] | None, limit: int, docs: set[int],
                reports: set[str] | None = None,
                slugs: set[str] | None = None) -> list[tuple[str, float]]:
    """(report_id, best section score) of the `limit` best-scoring reports, best first, over the
    sections in `docs` of the `reports` (None: any) with a slug in `slugs` (None: any).

    Among equal scores the lower section number comes first (nlargest is stable and the
    candidates are in section order), so pages of one query never overlap."""
    if not scores or not docs or limit <= 0 or reports is not None and not reports:
        return []
    doc_report, doc_section = view.doc_report, view.doc_section
    # Candidates: the smallest of the scored sections, the matching ones, those of the allowed
    # reports; the conditions are checked only on the best of them.
    n_reports = float("inf") if reports is None else 8 * len(reports)
    if len(scores) <= min(len(docs), n_reports):
        items: Iterable[tuple[int, float]] = scores.items()
    elif len(docs) <= n_reports:
        items = [(d, scores[d]) for d in sorted(docs) if d in scores]
    else:
        items = [(d, scores[d]) for d in sorted(view.docs_of_reports(reports)) if d in scores]
    want = limit * 4
    while True:
        top = nlargest(want, items, key=itemgetter(1))
        best: dict[str, float] = {}
        for d, score in top:
            if d in docs and (reports is None or doc_report[d] in reports) and (
                    slugs is None or doc_section[d] in slugs):
                best.setdefault(doc_report[d], score)
                if len(best) == limit:
                    return list(best.items())
        if len(top) < want:
            return list(best.items())
        want *= 4


def scores_of(scores: dict[int, float] | None, docs: Iterable[int]) -> dict[int, float]:
    """Scores of some sections (those no scoring word reaches are left out)."""
    if not scores:
        return {}
    return {d: scores[d] for d in docs if d in scores}
