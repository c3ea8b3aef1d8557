"""Ranking reports: a report ranks by its best-scoring matching section; reports no scoring word
reaches come after, newest first. Pages of one query never overlap (ties broken by section).

A section's BM25 score is multiplied by its field weight (`SECTION_WEIGHTS`, BM25F-style: the
head document — title, agency, region, year — counts HEAD_WEIGHT times body text; a hit in the
前言 or 附件 counts a little less than one in the body proper, such as 依申请公开). Equal
scores go newest report first (`stable_rank`). With query understanding (`by_tiers`) the reports
meeting more of what the query names come first, each group ranked as above."""

from __future__ import annotations

import numpy as np

from indexer.backends import HEAD_SLUG
from indexer.search.view import IndexView

HEAD_WEIGHT = 3.0
VERBATIM_WEIGHT = 2.0   # a head document holding a typed run of several words as it is
# Field weights of the sections (1.0 when not listed; see notes/relevance.md for the tuning on
# bench/relevance.py). Only a few slugs differ from 1.0: each weighted slug costs a pass over its
# matching sections per query, and weighting every body section moved no figure of the set.
SECTION_WEIGHTS: dict[str, float] = {HEAD_SLUG: HEAD_WEIGHT, "preamble": 0.9, "appendix": 0.9}


Scored = tuple[np.ndarray, np.ndarray]   # section numbers (ascending), their scores


def weighted(view: IndexView, scores: Scored | None,
             verbatim: np.ndarray | None = None) -> Scored | None:
    """Section scores times their section's weight (new arrays); head documents holding a
    query's run of words verbatim (`verbatim`, a mask: a title typed whole) also times
    VERBATIM_WEIGHT."""
    if scores is None or not len(scores[0]):
        return scores
    numbers, values = scores
    weights = np.ones(len(view.slugs))
    for slug, weight in SECTION_WEIGHTS.items():
        if slug in view.slug_code:
            weights[view.slug_code[slug]] = weight
    values = values * weights[view.doc_slug[numbers]]
    if verbatim is not None:
        values[verbatim[numbers] & view.head[numbers]] *= VERBATIM_WEIGHT
    return numbers, values


def by_tiers(view: IndexView, scores: Scored, tiers: list[np.ndarray], docs: np.ndarray,
             slugs: set[str] | None, start: int, count: int) -> list[int]:
    """One page of reports: the groups of `tiers` (masks) one after the other, each by
    relevance."""
    page: list[int] = []
    for tier in tiers:
        size = int(tier.sum())
        if start >= size:
            start -= size
            continue
        want = count - len(page)
        page.extend(by_relevance(view, scores, tier, docs, tier, slugs, start, want))
        start = 0
        if len(page) >= count:
            break
    return page[:count]


def by_year(view: IndexView, hits: np.ndarray, start: int, count: int,
            oldest: bool = False) -> list[int]:
    """One page of reports, newest first (`oldest`: oldest first; no year last either way)."""
    rank = view.oldest_rank if oldest else view.year_rank
    return _smallest(np.flatnonzero(hits), rank, start + count)[start:]


def _smallest(items: np.ndarray, rank: np.ndarray, k: int) -> list[int]:
    """The `k` items of lowest rank, in rank order."""
    if k < len(items):
        items = items[np.argpartition(rank[items], k - 1)[:k]]
    return items[np.argsort(rank[items], kind="stable")].tolist()


def by_relevance(view: IndexView, scores: Scored, hits: np.ndarray, docs: np.ndarray,
                 reports: np.ndarray | None, slugs: set[str] | None, start: int,
                 count: int) -> list[int]:
    """One page of reports by relevance; reports no scoring term reaches come last, newest
    first. `reports`: the reports the filters allow (None: every report with a match in
    `docs`)."""
    ranked = [r for r, _score in top_reports(view, scores, start + count, docs, reports, slugs)]
    if len(ranked) < start + count:
        rest = hits.copy()
        rest[ranked] = False
        ranked.extend(_smallest(np.flatnonzero(rest), view.year_rank,
                                start + count - len(ranked)))
    return ranked[start:start + count]


def top_reports(view: IndexView, scores: Scored | None, limit: int, docs: np.ndarray,
                reports: np.ndarray | None = None,
                slugs: set[str] | None = None) -> list[tuple[int, float]]:
    """(report, best section score) of the `limit` best-scoring reports, best first, over the
    sections in `docs` of the `reports` (a mask; None: any) with a slug in `slugs` (None: any).

    Among equal scores the section with the lower `stable_rank` comes first (year order, source
    path, ordinal: not the section number, which depends on how the index was written), so pages
    of one query never overlap and two builds of the same files give the same order."""
    if scores is None or limit <= 0:
        return []
    numbers, values = scores
    keep = docs[numbers]
    if reports is not None:
        keep &= reports[view.doc_report[numbers]]
    if slugs is not None:
        keep &= view.slug_mask(slugs)[numbers]
    numbers, values = numbers[keep], values[keep]
    want = limit * 4
    while True:
        if want < len(values):   # the best `want`, and every section tied with the last
            cut = values[np.argpartition(-values, want - 1)[want - 1]]
            top = np.flatnonzero(values >= cut)
        else:
            top = np.arange(len(values))
        order = top[np.lexsort((view.stable_rank[numbers[top]], -values[top]))]
        owners = view.doc_report[numbers[order]]
        _unique, first = np.unique(owners, return_index=True)
        first.sort()
        if len(first) >= limit or len(top) == len(values):
            first = first[:limit]
            return list(zip(owners[first].tolist(), values[order[first]].tolist()))
        want = max(want * 4, len(top) + 1)


def scores_of(scores: Scored | None, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scores of some sections (section numbers, ascending): their scores (0.0 where no scoring
    word reaches) and which of them have one."""
    out, found = np.zeros(len(docs)), np.zeros(len(docs), dtype=bool)
    if scores is None or not len(docs) or not len(scores[0]):
        return out, found
    numbers, values = scores
    at = np.minimum(np.searchsorted(numbers, docs), len(numbers) - 1)
    found = numbers[at] == docs
    out[found] = values[at[found]]
    return out, found
