"""When a search finds nothing: how many reports each term alone matches, and searches one step
looser that do find reports — a term dropped, the quotes removed, a term with `:` or `-` quoted
(searched as text, not as a field or an exclusion), traditional characters simplified.

    hints = zero_results(index, request)
    # {"terms": [{"term": "申请", "total": 12, "without_filters": 40}, ...],
    #  "suggestions": [{"kind": "drop", "term": "xyz", "q": "申请", "total": 12}, ...]}

Only plain queries (words and phrases, no OR / NOT / parentheses) are taken apart; at most
`MAX_TERMS_COUNTED` terms are counted, each with one search of a single hit and no passages.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from indexer.errors import GongkaiError
from indexer.search.request import SearchRequest
from indexer.text.normalize import fold_char, is_han

MAX_TERMS_COUNTED = 8
_TOKEN = re.compile(r'"[^"]*"?|\S+')
_OPERATORS = {"OR", "NOT", "AND"}


def terms_of(q: str) -> list[str]:
    """The space-separated terms of a plain query ([] when it has operators or parentheses)."""
    tokens = _TOKEN.findall(q)
    if any(t in _OPERATORS or "(" in t or ")" in t for t in tokens):
        return []
    return tokens[:MAX_TERMS_COUNTED]


def simplified(q: str) -> str:
    """The query with traditional Chinese characters in their simplified form."""
    return "".join(fold_char(ch) if is_han(ch) else ch for ch in q)


def zero_results(index: Any, request: SearchRequest) -> dict[str, Any]:
    """Per-term counts and looser searches with results (best first) for a request."""

    def total(q: str, filters: dict | None = None) -> int | None:
        asked = replace(request, q=q, page=1, per_page=1, passages=False,
                        filters=request.filters if filters is None else filters)
        try:
            return index.search(asked)["total"]
        except GongkaiError:
            return None

    terms = terms_of(request.q)
    counts = []
    for term in terms:
        row: dict[str, Any] = {"term": term, "total": total(term)}
        if request.filters:
            row["without_filters"] = total(term, {})
        counts.append(row)
    unquoted = " ".join(request.q.replace('"', " ").split())
    # One quoted phrase: its words are the terms one may drop.
    parts = terms if len(terms) > 1 else terms_of(unquoted)
    tried: list[tuple[str, str, str]] = []
    if len(parts) > 1:
        tried += [("drop", t, " ".join(parts[:i] + parts[i + 1:])) for i, t in enumerate(parts)]
    if '"' in request.q:
        tried.append(("unquote", "", unquoted))
    tried += [("quote", t, " ".join(f'"{u}"' if u == t else u for u in terms)) for t in terms
              if not t.startswith('"') and (":" in t or "-" in t[1:])]
    if simplified(request.q) != request.q:
        tried.append(("simplified", "", simplified(request.q)))
    suggestions, seen = [], {request.q}
    for kind, term, q in tried:
        if q and q not in seen:
            seen.add(q)
            found = total(q)
            if found:
                suggestions.append({"kind": kind, "term": term, "q": q, "total": found})
    suggestions.sort(key=lambda s: -s["total"])
    return {"terms": counts, "suggestions": suggestions}
