"""Near-duplicate reports collapsed into one hit (`indexer.text.near_duplicates`: the same agency
and year, sketches estimating a Jaccard similarity of SAME or more). Each group keeps one
representative (the first by source path); the others are its `versions`. Search leaves the other
versions' sections out of every match, so totals and facets count collapsed hits — a report and
its copies once — alike in every backend.

The groups are read from the report columns, where an indexing run wrote them when it published;
a generation without them (a cluster's, or one written before) has them computed here, once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from indexer.search.view import IndexView
from indexer.text.near_duplicates import representatives


class Duplicates:
    """The groups of near-duplicate reports of one open index (built once per view)."""

    def __init__(self, view: IndexView):
        c = view.columns
        self.representative = c.representative
        if self.representative is None:
            self.representative = representatives(c.edition_keys(), c.source, c.sketch,
                                                  c.sketch_size)
        self.versions: dict[int, list[int]] = {}   # representative -> its other versions
        self.hidden = self.representative >= 0
        for other in view.by_source(self.hidden):
            self.versions.setdefault(int(self.representative[other]), []).append(other)
        self.hidden_docs = view.docs_of_reports(self.hidden)
        self.any_hidden = bool(self.hidden.any())

    def collapse(self, view: IndexView, docs: np.ndarray) -> np.ndarray:
        """`docs` (a mask) without the other versions' sections; a representative none of
        whose sections match, while another version's do, is represented by all of its
        sections."""
        if not self.any_hidden:
            return docs
        hidden = docs & self.hidden_docs
        if not hidden.any():
            return docs
        kept = docs & ~self.hidden_docs
        reps = np.zeros(len(view.columns), dtype=bool)
        reps[self.representative[view.doc_report[hidden]]] = True
        reps &= ~view.reports_of(kept)
        return kept | view.docs_of_reports(reps)

    def versions_of(self, view: IndexView, report: int) -> list[dict[str, Any]]:
        """The other versions of a shown report: id, title, source."""
        c = view.columns
        return [{"report_id": c.ids[other], "title": c.title[other], "source": c.source[other]}
                for other in self.versions.get(report, [])]


def duplicates_of(view: IndexView) -> Duplicates:
    """The view's duplicate groups (computed once per view, kept on it)."""
    found = view.__dict__.get("_duplicates")
    if found is None:
        found = view.__dict__.setdefault("_duplicates", Duplicates(view))
    return found
