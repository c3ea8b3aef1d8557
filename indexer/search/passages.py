"""The passages of a hit: the best sentences of its best sections, together showing every term
the report matched, each with the section it comes from (slug, heading, anchor)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from indexer.errors import GongkaiError
from indexer.search import query as q
from indexer.search.evaluate import words_of
from indexer.search.highlight import passages as find_passages
from indexer.search.view import IndexView
from indexer.text.analysis import query_words

PASSAGES_PER_REPORT = 3
SECTIONS_PER_REPORT = 3


def section_anchors(slugs: Iterable[str]) -> list[str]:
    """Anchors for a report's sections in order: the slug, `slug-2` for a second one, …"""
    seen: Counter[str] = Counter()
    out = []
    for slug in slugs:
        seen[slug] += 1
        out.append(slug if seen[slug] == 1 else f"{slug}-{seen[slug]}")
    return out


def highlight_terms(tree: Any) -> list[str]:
    """The folded strings to mark in passages."""
    return list(dict.fromkeys(w for t in q.positive_texts(tree) for w in words_of(t)))


def score_words(tree: Any) -> list[str]:
    """The words that rank a match (a quoted phrase ranks by its words)."""
    return [w for t in q.positive_texts(tree) for w in (query_words(t.text) or [t.text])]


def query_terms(query: str) -> list[str]:
    """The terms a report page marks for a query (not excluded ones, not fields); none for a
    query search refuses (the page still shows the report)."""
    try:
        return highlight_terms(q.parse(query))
    except GongkaiError:
        return []


def passages_of(view: IndexView, rid: str, ranked: list[int],
                terms: list[str]) -> list[dict[str, Any]]:
    """Up to PASSAGES_PER_REPORT passages from the best sections (`ranked`), together showing
    every term the report matched (a common word dropped from scoring still gets its passage)."""
    record = view.record(rid)
    sections = record.sections
    anchors = section_anchors([s.slug for s in sections])
    candidates = []   # (passage, section rank, its JSON)
    covered: set[int] = set()
    full = 0  # passages holding every term: once there are enough, no later one can win
    for rank, docnum in enumerate(ranked):
        if rank >= SECTIONS_PER_REPORT and (len(covered) == len(terms)
                                            or full >= PASSAGES_PER_REPORT):
            break
        ordinal = int(view.doc_ordinal[docnum])
        if sections:
            section, anchor = sections[ordinal], anchors[ordinal]
            start, end, slug, heading = section.start, section.end, section.slug, section.heading
        else:
            start, end, slug, heading, anchor = 0, len(record.text), "preamble", "", "preamble"
        for p in find_passages(record.text[start:end], terms, limit=PASSAGES_PER_REPORT):
            full += p.terms >= len(terms)
            covered |= p.found
            data = {"section": slug, "heading": heading, "anchor": anchor, "html": p.html}
            if record.pages:      # a paged format (PDF): the page the passage starts on
                data["page"] = record.page_at(start + p.start)
            candidates.append((p, rank, data))
    return [data for _p, _r, data in _cover(candidates, PASSAGES_PER_REPORT)]


def _cover(candidates: list, limit: int) -> list:
    """Pick `limit` passages greedily: most terms not yet shown, then most terms, then rank."""
    chosen, shown = [], set()
    pool = list(enumerate(candidates))
    while pool and len(chosen) < limit:
        best = min(pool, key=lambda item: (-len(item[1][0].found - shown), -item[1][0].terms,
                                           item[1][1], item[0]))
        pool.remove(best)
        chosen.append(best[1])
        shown |= best[1][0].found
    return chosen
