"""Where the query's terms occur in a report's full text, as spans of the original text.

Passages come highlighted from the library; the report page needs the terms marked across the
whole text, interleaved with section and figure anchors, so this module asks the library for
spans — the query's terms as search reads them (`indexer.search.highlight_terms`) found the way
search matches them (`indexer.highlight.match_spans`: folded width, case, traditional characters,
crawler line breaks) — and `reader.py` escapes the text first and adds `<mark>` around them.
"""

from __future__ import annotations

from indexer.search import highlight
from indexer.search import query
from indexer.search import service as search
from indexer.extract import figures as stats
from indexer.errors import GongkaiError


def query_terms(q: str) -> list[str]:
    """The folded words and phrases of a query that are marked (not excluded ones, not fields)."""
    try:
        tree = query.parse(q, frozenset(stats.FIGURES))
    except GongkaiError:
        return []  # a query search refuses marks nothing; the page still shows the report
    return search.highlight_terms(tree)


def term_spans(text: str, q: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) spans of `text` where a query term occurs."""
    terms = query_terms(q)
    merged: list[tuple[int, int]] = []
    for start, end, _term in highlight.match_spans(text, terms) if terms else []:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
