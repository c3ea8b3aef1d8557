"""Near-duplicate reports collapsed into one hit: the same agency and year and texts whose
sketches (`indexer.text.sketch`, computed at indexing) estimate a Jaccard similarity of SAME or
more. Each group keeps one representative (the first by source path); the others are its
`versions`. Search leaves the other versions' sections out of every match, so totals and facets
count collapsed hits — a report and its copies once — alike in every backend.
"""

from __future__ import annotations

from typing import Any

from indexer.search.view import IndexView
from indexer.text.sketch import similarity

SAME = 0.8


class Duplicates:
    """The groups of near-duplicate reports of one open index (built once per view)."""

    def __init__(self, view: IndexView):
        by_key: dict[tuple, list[str]] = {}
        for rid, summary in sorted(view.summaries.items(), key=lambda kv: kv[1].get("source", "")):
            if summary.get("sketch") and summary.get("agency") and summary.get("year"):
                by_key.setdefault((summary["agency"], summary["year"]), []).append(rid)
        self.representative: dict[str, str] = {}   # other version -> the one shown
        self.versions: dict[str, list[str]] = {}   # representative -> its other versions
        for members in by_key.values():
            for i, rid in enumerate(members):
                if rid in self.representative:
                    continue
                for other in members[i + 1:]:
                    if other not in self.representative and similarity(
                            view.summaries[rid]["sketch"], view.summaries[other]["sketch"]) >= SAME:
                        self.representative[other] = rid
                        self.versions.setdefault(rid, []).append(other)
        self.hidden_docs = view.docs_of_reports(self.representative)

    def collapse(self, view: IndexView, docs: set[int] | frozenset[int]) -> set[int] | frozenset[int]:
        """`docs` without the other versions' sections; a representative none of whose sections
        match, while another version's do, is represented by all of its sections."""
        if not self.hidden_docs:
            return docs
        hidden = docs & self.hidden_docs
        if not hidden:
            return docs
        kept = docs - self.hidden_docs
        reps = {self.representative[view.doc_report[d]] for d in hidden}
        present = {view.doc_report[d] for d in kept if view.doc_report[d] in reps}
        return kept | view.docs_of_reports(reps - present)

    def versions_of(self, view: IndexView, rid: str) -> list[dict[str, Any]]:
        """The other versions of a shown report: id, title, source."""
        return [{"report_id": other, "title": view.summaries[other].get("title"),
                 "source": view.summaries[other].get("source")}
                for other in self.versions.get(rid, [])]


def duplicates_of(view: IndexView) -> Duplicates:
    """The view's duplicate groups (computed once per view, kept on it)."""
    found = view.__dict__.get("_duplicates")
    if found is None:
        found = view.__dict__.setdefault("_duplicates", Duplicates(view))
    return found
