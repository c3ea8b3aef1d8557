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

from indexer.backends import HEAD_SLUG
from indexer.errors import GongkaiError
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


def match(view: IndexView, node: Any) -> set[int]:
    """The sections a query tree matches."""
    if isinstance(node, q.Text):
        return _text(view, node)
    if isinstance(node, q.Not):
        return exclude(view, set(view.live), node.item)
    if isinstance(node, q.And):
        return _and(view, node)
    if isinstance(node, q.Or):
        result: set[int] = set()
        for item in node.items:
            result |= match(view, item)
        return result
    return _field(view, node)


def _text(view: IndexView, node: q.Text) -> set[int]:
    result: set[int] | None = None
    for word in words_of(node):
        docs = view.exact(word)
        result = docs if result is None else result & docs
        if not result:
            break
    if node.quoted and result:   # a quoted phrase is verbatim text of the report itself
        result -= view.section_docs.get(HEAD_SLUG, set())
    return result or set()


def _and(view: IndexView, node: q.And) -> set[int]:
    """Field conditions narrow sections; words and groups must each occur somewhere in the
    report (not necessarily in one section); `-x` drops reports that contain x."""
    scope = set(view.live)
    for item in node.items:
        if isinstance(item, q.Field):
            scope &= match(view, item)
    positives = [match(view, i) & scope for i in node.items
                 if not isinstance(i, (q.Field, q.Not))]
    if positives:
        of_report = view.doc_report.__getitem__
        reports = set.intersection(*(set(map(of_report, docs)) for docs in positives))
        result = set().union(*positives) & view.docs_of_reports(reports)
    else:
        result = scope
    for item in node.items:
        if isinstance(item, q.Not):
            result = exclude(view, result, item.item)
    return result


def _field(view: IndexView, node: q.Field) -> set[int]:
    if node.name == "section":
        return view.docs_of_sections(node.values)
    if node.name in view.figures:
        low = -(1 << 62) if node.low is None else node.low
        high = 1 << 62 if node.high is None else node.high
        return view.docs_of_reports(rid for rid, figs in view.figures_of.items()
                                    if low <= figs.get(node.name, low - 1) <= high)
    values = view.value_of[node.name]
    wanted = {int(y) for y in node.values} if node.name == "year" else set(resolve(view, node))
    return view.docs_of_reports(rid for rid, v in values.items() if v in wanted)


def exclude(view: IndexView, docs: set[int], item: Any) -> set[int]:
    """`docs` without what `-item` excludes: sections for `-section:x`, else whole reports."""
    excluded = match(view, item)
    if isinstance(item, q.Field) and item.name == "section":
        return docs - excluded
    return docs - view.docs_of_reports(set(map(view.doc_report.__getitem__, excluded)))


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
