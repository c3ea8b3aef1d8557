"""Which sections a query tree matches: exact matches from the backend, combined by set algebra.

Unquoted words also match what a report was filed under (its head document: title, agency,
region, year); a quoted phrase matches the report's own text only, so every report it finds
shows the phrase in a passage and on its page.

Words typed together (one unquoted token such as 江北区教育局) must occur in one section; words
separated by spaces (AND) must each occur somewhere in the report, and `-word` drops every report
that contains the word. Field conditions narrow sections (`section:`) or reports (the others).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from indexer.errors import GongkaiError
from indexer.model.columns import NO_FIGURE
from indexer.model.vocabulary import FACET_LABELS
from indexer.search import query as q
from indexer.search.view import IndexView
from indexer.text.analysis import query_words
from indexer.text.normalize import fold


def words_of(node: q.Text) -> list[str]:
    """The words an unquoted term stands for (each must occur); a quoted term is one string."""
    if node.quoted:
        return [node.text]
    return query_words(node.text) or [node.text]


def match(view: IndexView, node: Any) -> np.ndarray:
    """The sections a query tree matches (a mask over the section numbers)."""
    if isinstance(node, q.Text):
        return _text(view, node)
    if isinstance(node, q.Not):
        return exclude(view, view.live, node.item)
    if isinstance(node, q.And):
        return _and(view, node)
    if isinstance(node, q.Or):
        result = np.zeros(view.n, dtype=bool)
        for item in node.items:
            result |= match(view, item)
        return result
    return _field(view, node)


def _text(view: IndexView, node: q.Text) -> np.ndarray:
    result: np.ndarray | None = None
    for word in words_of(node):
        docs = view.exact(word)
        result = docs if result is None else result & docs
        if not result.any():
            break
    if result is None:
        return np.zeros(view.n, dtype=bool)
    if node.quoted:   # a quoted phrase is verbatim text of the report itself
        result &= ~view.head
    return result


def _and(view: IndexView, node: q.And) -> np.ndarray:
    """Field conditions narrow sections; words and groups must each occur somewhere in the
    report (not necessarily in one section); `-x` drops reports that contain x."""
    scope = view.live
    for item in node.items:
        if isinstance(item, q.Field):
            scope = scope & match(view, item)
    positives = [match(view, i) & scope for i in node.items
                 if not isinstance(i, (q.Field, q.Not))]
    if positives:
        reports = view.reports_of(positives[0])
        for docs in positives[1:]:
            reports &= view.reports_of(docs)
        result = np.logical_or.reduce(positives) & view.docs_of_reports(reports)
    else:
        result = scope
    for item in node.items:
        if isinstance(item, q.Not):
            result = exclude(view, result, item.item)
    return result


def _field(view: IndexView, node: q.Field) -> np.ndarray:
    if node.name == "section":
        return view.slug_mask(node.values)
    if node.name in view.figures:
        column = view.columns.figures.get(node.name)
        if column is None:
            return np.zeros(view.n, dtype=bool)
        low = _int64(-(1 << 62) if node.low is None else node.low)
        high = _int64(1 << 62 if node.high is None else node.high)
        passes = (column != NO_FIGURE) & (column >= low) & (column <= high)
        return view.docs_of_reports(passes)
    wanted = {int(y) for y in node.values} if node.name == "year" else set(resolve(view, node))
    return view.docs_of_reports(view.reports_with(node.name, wanted))


def _int64(value: int) -> int:
    """A bound of a figure range within what the figure columns hold."""
    return max(int(NO_FIGURE) + 1, min(value, (1 << 63) - 1))


def exclude(view: IndexView, docs: np.ndarray, item: Any) -> np.ndarray:
    """`docs` without what `-item` excludes: sections for `-section:x`, else whole reports."""
    excluded = match(view, item)
    if isinstance(item, q.Field) and item.name == "section":
        return docs & ~excluded
    return docs & ~view.docs_of_reports(view.reports_of(excluded))


def resolve(view: IndexView, node: q.Field) -> list[str]:
    """agency:/province:/city: values — exact, else every known value containing it (an agency:
    by any name it appeared under, abbreviated or written out)."""
    if node.name == "agency":
        found = sorted(view.agencies_named(node.raw, partial=True))
        if not found:
            raise _no_match(node)
        return found
    wanted = fold(node.raw).strip()
    known = view.known[node.name]
    exact = [v for v in known if fold(v) == wanted]
    found = exact or sorted(v for v in known if wanted in fold(v))
    if not found:
        raise _no_match(node)
    return found


def _no_match(node: q.Field) -> GongkaiError:
    """The error for an agency:/province:/city: value no report matches."""
    return GongkaiError(f"没有{FACET_LABELS[node.name]}与「{node.raw}」相符的报告"
                        f"（{node.name}:{node.raw}）。", code="unknown_query_value")
