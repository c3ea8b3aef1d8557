"""Section numbers from a backend's own document ids: every backend answers with its ids (Whoosh
document numbers, a cluster's document ids) and search works on the numbers 0..n-1 of the live
sections. One lookup for both, at C speed: an answer may name most of a million sections."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from indexer.backends.seam import no_sections

DENSE = 4   # ids spread over at most DENSE × n values are looked up in a table of that size


class Numbering:
    """A backend's own ids of the live sections, ascending: section number i is `ids[i]`.

    Ids close together — Whoosh's document numbers, a cluster's counter — are looked up in a
    table (`table[id - base]` is the number, -1 for a dead id): one gather, no sort. Ids spread
    wide are found by binary search over the sorted ids."""

    def __init__(self, ids: Iterable[int] | np.ndarray):
        self.ids = (np.asarray(ids, dtype=np.int64) if isinstance(ids, np.ndarray)
                    else np.fromiter(ids, dtype=np.int64))
        if len(self.ids) > 1 and not bool(np.all(self.ids[1:] > self.ids[:-1])):
            raise ValueError("section ids must be ascending and unique")
        self._table: np.ndarray | None = None
        self._base = int(self.ids[0]) if len(self.ids) else 0
        span = int(self.ids[-1]) - self._base + 1 if len(self.ids) else 0
        if 0 < span <= DENSE * len(self.ids):
            self._table = np.full(span, -1, dtype=np.int32)
            self._table[self.ids - self._base] = np.arange(len(self.ids), dtype=np.int32)

    def numbers(self, ids: Iterable[int] | np.ndarray) -> np.ndarray:
        """The section numbers of backend ids (sorted, unique, int32); ids of sections that
        are not live are dropped."""
        return self.lookup(ids)[0]

    def lookup(self, ids: Iterable[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(section numbers, where): the numbers of the live ones of backend ids given in any
        order (sorted, unique, int32) and, for each number, the position in `ids` of one id that
        named it — for values that come beside the ids."""
        found = (np.asarray(ids, dtype=np.int64) if isinstance(ids, np.ndarray)
                 else np.fromiter(ids, dtype=np.int64))
        if not len(found) or not len(self.ids):
            return no_sections(), np.zeros(0, dtype=np.int64)
        numbers, where = (self._from_table(found) if self._table is not None
                          else self._from_sorted(found))
        return _sorted_unique(numbers, where, len(self.ids))

    def _from_table(self, found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        assert self._table is not None
        offsets = found - self._base
        inside = np.flatnonzero((offsets >= 0) & (offsets < len(self._table)))
        numbers = self._table[offsets[inside]]
        live = numbers >= 0
        return numbers[live], inside[live]

    def _from_sorted(self, found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(found, kind="stable")   # binary search is fast over sorted keys
        at = np.searchsorted(self.ids, found[order])
        inside = at < len(self.ids)
        live = inside.copy()
        live[inside] = self.ids[at[inside]] == found[order][inside]
        return at[live].astype(np.int32), order[live]


def _sorted_unique(numbers: np.ndarray, where: np.ndarray, n: int) -> tuple[np.ndarray,
                                                                              np.ndarray]:
    """Numbers (any order, maybe repeated) with the positions beside them -> the distinct
    numbers ascending, each with one of its positions: by a sort when they are few, else by
    scattering into an array over all n sections (no sort)."""
    if len(numbers) * 16 < n:
        distinct, first = np.unique(numbers, return_index=True)
        return distinct.astype(np.int32, copy=False), where[first].astype(np.int64, copy=False)
    at = np.full(n, -1, dtype=np.int64)
    at[numbers] = where
    distinct = np.flatnonzero(at >= 0)
    return distinct.astype(np.int32), at[distinct]
