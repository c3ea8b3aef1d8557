"""Did you mean: other queries for a search with no or very few results, from the index's own
vocabulary — never words it does not hold.

* an agency name the index knows within a small edit distance of a query word (莆田市教育句 →
  莆田市教育局): one edit for names of up to five characters, two for longer ones;
* the query in simplified characters when it was typed in traditional ones (審計局 → 审计局);
* the query without its rarest word (the one the fewest sections hold), when the rest finds
  reports.

Each suggestion is {"q", "reason", "total"} and is offered only when it finds reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from indexer.search.understand import agency_names, plain_words
from indexer.search.view import IndexView
from indexer.text.normalize import fold

FEW = 2              # suggestions are made for this many results or fewer
MAX_SUGGESTIONS = 3
SIMPLIFIED = "简体字"
_HAN = re.compile(r"[\u3400-\u9fff]")


def distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of a and b, or limit + 1 once it is over `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        best = i
        for j, cb in enumerate(b, 1):
            cur = min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
            prev, row[j] = row[j], cur
            best = min(best, cur)
        if best > limit:
            return limit + 1
    return row[-1]


def _agency_fixes(view: IndexView, query: str) -> list[tuple[str, str]]:
    out = []
    for word in plain_words(query):
        if len(word) < 4:
            continue
        limit = 1 if len(word) <= 5 else 2
        scored = [(distance(word, name, limit), agency) for agency, name, _k in agency_names(view)
                  if name != word]
        near = sorted((d, a) for d, a in scored if d <= limit)
        if near:
            fixed = fold(query).replace(word, near[0][1], 1)
            out.append((fixed, f"机关名称：{near[0][1]}"))
    return out


def _simplified(query: str) -> list[tuple[str, str]]:
    simple = "".join(fold(ch) if _HAN.match(ch) else ch for ch in query)
    return [(simple, SIMPLIFIED)] if simple != query else []


def _without_rarest(view: IndexView, query: str) -> list[tuple[str, str]]:
    words = plain_words(query)
    if len(words) < 2:
        return []
    rarest = min(words, key=lambda w: (len(view.index.exact(w)), w))
    rest = " ".join(w for w in query.split() if fold(w).strip('"()（）') != rarest)
    return [(rest, f"去掉“{rarest}”")] if rest.strip() else []


def suggestions(view: IndexView, query: str, total: int,
                count: Callable[[str], int]) -> list[dict[str, Any]]:
    """Queries to offer instead of `query` (which found `total` reports); `count(q)` is how many
    reports a query finds with the same filters."""
    if total > FEW or not query.strip():
        return []
    out: list[dict[str, Any]] = []
    seen = {query, fold(query)}
    for candidate, reason in [*_simplified(query), *_agency_fixes(view, query),
                              *_without_rarest(view, query)]:
        if candidate in seen:
            continue
        seen.add(candidate)
        found = count(candidate)
        if found > total or found and reason == SIMPLIFIED:
            out.append({"q": candidate, "reason": reason, "total": found})
        if len(out) == MAX_SUGGESTIONS:
            break
    return out
