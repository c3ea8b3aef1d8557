"""Where the query's terms occur in a report's full text, as spans of the original text.

Passages come highlighted from the library; the report page needs the terms marked across the
whole text, interleaved with section and figure anchors, so this module returns spans and
`reader.py` escapes the text first and adds `<mark>` around them.

Matching folds both sides with `indexer.normalize` (width, case, traditional -> simplified,
crawler line breaks inside words), so a term is marked wherever search found it.
"""

from __future__ import annotations

import re

from indexer.normalize import fold, normalize

# Query syntax that is not a term to mark: operators, field filters, excluded words.
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
_OPERATORS = {"and", "or", "not"}


def query_terms(q: str) -> list[str]:
    """The folded words and phrases of a query that should be marked (not excluded ones)."""
    terms: list[str] = []
    negate_next = False
    for m in _TOKEN.finditer(q.replace("“", '"').replace("”", '"')):
        if m.group(2) is not None:
            if not (m.group(1) or negate_next):
                terms.append(m.group(2))
            negate_next = False
            continue
        word = m.group(3).strip("()（）")
        if word.lower() in _OPERATORS:
            negate_next = word.lower() == "not"
            continue
        if negate_next or word.startswith("-") or ":" in word or "：" in word:
            negate_next = False
            continue
        terms.append(word)
    folded = {fold(t).strip() for t in terms}
    # Longest first, so a phrase wins over a word inside it.
    return sorted((t for t in folded if t), key=lambda t: (-len(t), t))


def term_spans(text: str, q: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping (start, end) spans of `text` where a query term occurs."""
    terms = query_terms(q)
    if not terms:
        return []
    norm = normalize(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        start = norm.text.find(term)
        while start >= 0:
            spans.append(norm.span(start, start + len(term)))
            start = norm.text.find(term, start + len(term))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
