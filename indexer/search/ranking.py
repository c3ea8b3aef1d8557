"""Ranking reports: a report ranks by its best-scoring matching section; reports no scoring word
reaches come after, newest first. Pages of one query never overlap (ties broken by section).

A section's BM25 score is multiplied by its field weight (`SECTION_WEIGHTS`, BM25F-style: the
head document — title, agency, region, year — counts HEAD_WEIGHT times body text; a hit in the
前言 or 附件 counts a little less than one in the body proper, such as 依申请公开). Equal
scores go newest report first (`stable_rank`). With query understanding (`by_tiers`) the reports
meeting more of what the query names come first, each group ranked as above."""

from __future__ import annotations

from collections.abc import Iterable
from heapq import nlargest, nsmallest
from operator import itemgetter

from indexer.backends import HEAD_SLUG
from indexer.search.view import IndexView

HEAD_WEIGHT = 3.0
VERBATIM_WEIGHT = 2.0   # a head document holding a typed run of several words as it is
# Field weights of the sections (1.0 when not listed; see notes/relevance.md for the tuning on
# bench/relevance.py). Only a few slugs differ from 1.0: each weighted slug costs a pass over its
# matching sections per query, and weighting every body section moved no figure of the set.
SECTION_WEIGHTS: dict[str, float] = {HEAD_SLUG: HEAD_WEIGHT, "preamble": 0.9, "appendix": 0.9}


def weighted(view: IndexView, scores: dict[int, float] | None,
             verbatim: set[int] = frozenset()) -> dict[int, float] | None:
    """Section scores times their section's weight (a new dict, in the same order); head
    documents holding a query's run of words verbatim (`verbatim`: a title typed whole) also
    times VERBATIM_WEIGHT."""
    if not scores:
        return scores
    out = dict(scores)
    for slug, weight in SECTION_WEIGHTS.items():
        for d in out.keys() & view.section_docs.get(slug, set()):
            out[d] *= weight
    for d in out.keys() & verbatim & view.section_docs.get(HEAD_SLUG, set()):
        out[d] *= VERBATIM_WEIGHT
    return out


def by_tiers(view: IndexView, scores: dict[int, float], tiers: list[set[str]], docs: set[int],
             slugs: set[str] | None, start: int, count: int) -> list[str]:
    """One page of report ids: the groups of `tiers` one after the other, each by relevance."""
    page: list[str] = []
    for tier in tiers:
        if start >= len(tier):
            start -= len(tier)
            continue
        want = count - len(page)
        page.extend(by_relevance(view, scores, tier, docs, tier, slugs, start, want))
        start = 0
        if len(page) >= count:
            break
    return page[:count]


def by_year(view: IndexView, hits: set[str], start: int, count: int,
            oldest: bool = False) -> list[str]:
    """One page of report ids, newest first (`oldest`: oldest first; no year last either way)."""
    rank = oldest_rank(view) if oldest else view.year_rank
    return nsmallest(start + count, hits, key=rank.__getitem__)[start:]


def oldest_rank(view: IndexView) -> dict[str, int]:
    """Each report's position oldest first, then by source; reports without a year last
    (computed once per view, kept on it)."""
    rank = view.__dict__.get("_oldest_rank")
    if rank is None:
        years, summaries = view.value_of["year"], view.summaries
        order = sorted(summaries, key=lambda rid: (years[rid] is None, years[rid] or 0,
                                                   summaries[rid].get("source", "")))
        rank = view.__dict__.setdefault("_oldest_rank", {rid: i for i, rid in enumerate(order)})
    return rank


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

    Among equal scores the section with the lower `stable_rank` comes first (source path, report
    id, ordinal: not the section number, which depends on how the index was written), so pages
    of one query never overlap and two builds of the same files give the same order."""
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
    rank = stable_rank(view)
    while True:
        top = nlargest(want + 1, items, key=itemgetter(1))
        full = len(top) > want   # more sections than taken
        if full and top[want][1] == top[want - 1][1]:   # a tie across the cut: take all of it
            top = [(d, score) for d, score in items if score >= top[want][1]]
        elif full:
            del top[want:]
        top.sort(key=lambda item: (-item[1], rank.get(item[0], -1)))
        best: dict[str, float] = {}
        for d, score in top:
            if d in docs and (reports is None or doc_report[d] in reports) and (
                    slugs is None or doc_section[d] in slugs):
                best.setdefault(doc_report[d], score)
                if len(best) == limit:
                    return list(best.items())
        if not full:
            return list(best.items())
        want = max(want * 4, len(top) + 1)


def stable_rank(view: IndexView) -> dict[int, int]:
    """Each section's position in (newest year, report source, report id, ordinal) order: the
    tie-break of equal scores (computed once per view, kept on it)."""
    rank = view.__dict__.get("_stable_rank")
    if rank is None:
        year_rank, doc_report, ordinal = view.year_rank, view.doc_report, view.doc_ordinal
        order = sorted(doc_report, key=lambda d: (year_rank[doc_report[d]], doc_report[d],
                                                  ordinal[d]))
        rank = view.__dict__.setdefault("_stable_rank", {d: i for i, d in enumerate(order)})
    return rank


def scores_of(scores: dict[int, float] | None, docs: Iterable[int]) -> dict[int, float]:
    """Scores of some sections (those no scoring word reaches are left out)."""
    if not scores:
        return {}
    return {d: scores[d] for d in docs if d in scores}
