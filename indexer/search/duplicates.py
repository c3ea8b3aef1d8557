"""Near-duplicate reports collapsed into one hit: the same agency and year and texts whose
sketches (`indexer.text.sketch`, computed at indexing) estimate a Jaccard similarity of SAME or
more. Each group keeps one representative (the first by source path); the others are its
`versions`. Search leaves the other versions' sections out of every match, so totals and facets
count collapsed hits — a report and its copies once — alike in every backend.

The groups are read from the report columns (printed agency, year, sketch); sketches are compared
pairwise only within one (agency, year) group.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from indexer.search.view import IndexView
from indexer.text.sketch import SIZE, similarity

SAME = 0.8
HEAD = 8   # first values of each sketch compared for every pair of a group


class Duplicates:
    """The groups of near-duplicate reports of one open index (built once per view)."""

    def __init__(self, view: IndexView):
        c = view.columns
        by_key: dict[tuple, list[int]] = {}
        for i in view.by_source(np.ones(len(c), dtype=bool)):
            if c.sketch_size[i] and c.agency[i] and c.year[i]:
                by_key.setdefault((c.agency[i], int(c.year[i])), []).append(i)
        self.representative = np.full(len(c), -1, dtype=np.int64)   # other version -> shown one
        self.versions: dict[int, list[int]] = {}   # representative -> its other versions
        for members in by_key.values():
            if len(members) > 1:
                self._group(view, members)
        self.hidden = self.representative >= 0
        self.hidden_docs = view.docs_of_reports(self.hidden)
        self.any_hidden = bool(self.hidden.any())

    def _group(self, view: IndexView, members: list[int]) -> None:
        sketches = [view.columns.sketch_of(i) for i in members]
        c = view.columns
        near = candidates(c.sketch[members], c.sketch_size[members])
        for i, rid in enumerate(members):
            if self.representative[rid] >= 0:
                continue
            for j in np.flatnonzero(near[i]).tolist():
                other = members[j]
                if self.representative[other] < 0 and similarity(sketches[i],
                                                                 sketches[j]) >= SAME:
                    self.representative[other] = rid
                    self.versions.setdefault(rid, []).append(other)

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


def candidates(rows: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """[i, j]: whether sketches i < j (the first `sizes[i]` values of row i) may be
    near-duplicates; only these pairs are compared. A similarity of SAME leaves at most 6 of
    the SIZE smallest values of the union outside the intersection, so two of the first HEAD = 8
    of the union — hence of each sketch's first 8 — are shared (one, when both are shorter
    than 8); and |a & b| >= SAME * min(SIZE, |a | b|). The first test runs for a whole
    (agency, year) group at once (a matrix product), the second on the pairs passing it."""
    sizes = sizes.astype(np.int64)
    first = _shared(rows[:, :HEAD], np.minimum(sizes, HEAD))
    short = sizes < HEAD
    near = (first >= 2) | (first >= 1) & short[:, None] & short[None, :]
    left, right = np.nonzero(np.triu(near, k=1))
    out = np.zeros((len(rows), len(rows)), dtype=bool)
    for at in range(0, len(left), 4096):
        i, j = left[at:at + 4096], right[at:at + 4096]
        valid = np.arange(rows.shape[1])[None, :] < sizes[:, None]
        both = (rows[i][:, :, None] == rows[j][:, None, :]) & valid[i][:, :, None] \
            & valid[j][:, None, :]
        common = both.sum(axis=(1, 2))
        union = np.minimum(SIZE, sizes[i] + sizes[j] - common)
        keep = common >= SAME * union - 1e-6
        out[i[keep], j[keep]] = True
    return out


def _shared(rows: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """[i, j], i < j: how many values sketches i and j (their first `sizes` values) share
    (below the diagonal: 0). Counted from the pairs of owners of each shared value."""
    m = len(rows)
    valid = np.arange(rows.shape[1]) < sizes[:, None]
    values, owners = rows[valid], np.nonzero(valid)[0]
    order = np.lexsort((owners, values))
    values, owners = values[order], owners[order]
    # Each owner is paired with the later owners of the same value: `later` of them.
    ends = np.searchsorted(values, values, side="right")
    later = ends - np.arange(len(values)) - 1
    total = int(later.sum())
    left = np.repeat(owners, later)
    starts = np.cumsum(later) - later
    right = np.arange(total) - np.repeat(starts, later) + np.repeat(np.arange(len(values)) + 1,
                                                                    later)
    counts = np.bincount(left * m + owners[right], minlength=m * m)
    return counts.reshape(m, m)


def duplicates_of(view: IndexView) -> Duplicates:
    """The view's duplicate groups (computed once per view, kept on it)."""
    found = view.__dict__.get("_duplicates")
    if found is None:
        found = view.__dict__.setdefault("_duplicates", Duplicates(view))
    return found
