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

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from indexer.search.understand import agency_names, plain_words
from indexer.search.view import IndexView
from indexer.text.normalize import fold

FEW = 2              # suggestions are made for this many results or fewer
MAX_SUGGESTIONS = 3
SIMPLIFIED = "简体字"
_HAN = re.compile(r"[\u3400-\u9fff]")


def _agency_fixes(view: IndexView, query: str) -> list[tuple[str, str]]:
    names = agency_names(view)
    out = []
    for word in plain_words(query):
        if len(word) < 4:
            continue
        limit = 1 if len(word) <= 5 else 2
        near = process.extractOne(word, [name for _a, name, _k in names],
                                  scorer=Levenshtein.distance, score_cutoff=limit)
        if near and near[1] > 0:
            agency = names[near[2]][0]
            out.append((_replace(query, word, agency), f"机关名称：{agency}"))
    return out


def _simplified(query: str) -> list[tuple[str, str]]:
    simple = "".join(fold(ch) if _HAN.match(ch) else ch for ch in query)
    return [(simple, SIMPLIFIED)] if simple != query else []


def _without_rarest(view: IndexView, query: str) -> list[tuple[str, str]]:
    words = plain_words(query)
    if len(words) < 2:
        return []
    rarest = min(words, key=lambda w: (len(view.index.exact(w)), w))
    rest = _replace(query, rarest, "")
    return [(rest, f"去掉“{rarest}”")] if rest else []


def _replace(query: str, word: str, new: str) -> str:
    """The query with the token that reads as `word` (see `plain_words`) replaced by `new`."""
    tokens = [new if fold(t).strip('"()（）') == word else t for t in query.split()]
    return " ".join(t for t in tokens if t)


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
