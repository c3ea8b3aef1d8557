"""Where the query's terms occur in a report's full text, as spans of the original text.

Passages come highlighted from the library; the report page needs the terms marked across the
whole text, interleaved with section and figure anchors, so the page asks the library for the
query's terms (`indexer.search.passages.query_terms`) and this module finds them the way search
matches them (`indexer.search.highlight.match_spans`: folded width, case, traditional characters,
crawler line breaks); `reader.py` escapes the text first and adds `<mark>` around them.
"""

from __future__ import annotations

from indexer.search.highlight import match_spans


def term_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) spans of `text` where one of `terms` occurs."""
    merged: list[tuple[int, int]] = []
    for start, end, _term in match_spans(text, terms) if terms else []:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
