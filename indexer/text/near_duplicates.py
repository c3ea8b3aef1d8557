"""Near-duplicate groups of reports: the same agency and year and texts whose sketches
(`indexer.text.sketch`) estimate a Jaccard similarity of SAME or more.

`representatives` gives, for every report, the report it is a version of (-1 for a report shown
as itself): the first of a group by source path represents it. The groups depend only on each
report's printed agency, year, source path and sketch, so an indexing run computes them once when
it publishes (`indexer.store`) and search reads them; sketches are compared pairwise only within
one (agency, year) group, and only the pairs `candidates` lets through.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from indexer.text.sketch import SIZE, similarity

SAME = 0.8
HEAD = 8   # first values of each sketch compared for every pair of a group


def representatives(keys: Sequence[object | None], sources: Sequence[str], rows: np.ndarray,
                    sizes: np.ndarray) -> np.ndarray:
    """int64 per report: the report it is another version of, or -1. `keys[i]` is report i's
    (agency, year) or None (no agency or year: never grouped); rows/sizes its sketch."""
    by_key: dict[object, list[int]] = {}
    for i in sorted(range(len(keys)), key=sources.__getitem__):
        if keys[i] is not None and sizes[i]:
            by_key.setdefault(keys[i], []).append(i)
    out = np.full(len(keys), -1, dtype=np.int64)
    for members in by_key.values():
        if len(members) > 1:
            _group(out, members, rows, sizes)
    return out


def _group(out: np.ndarray, members: list[int], rows: np.ndarray, sizes: np.ndarray) -> None:
    sketches = [rows[i, :sizes[i]].tolist() for i in members]
    near = candidates(rows[members], sizes[members])
    for i, rid in enumerate(members):
        if out[rid] >= 0:
            continue
        for j in np.flatnonzero(near[i]).tolist():
            other = members[j]
            if out[other] < 0 and similarity(sketches[i], sketches[j]) >= SAME:
                out[other] = rid


def candidates(rows: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """[i, j]: whether sketches i < j (the first `sizes[i]` values of row i) may be
    near-duplicates; only these pairs are compared. A similarity of SAME leaves at most 6 of
    the SIZE smallest values of the union outside the intersection, so two of the first HEAD = 8
    of the union — hence of each sketch's first 8 — are shared (one, when both are shorter
    than 8); and |a & b| >= SAME * min(SIZE, |a | b|). The first test runs for a whole
    (agency, year) group at once, the second on the pairs passing it."""
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
