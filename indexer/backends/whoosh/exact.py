"""Exact matching of the embedded index: the sections whose folded text holds a run verbatim,
from the bigram bitmaps and the folded texts of `grams.py`, on arrays end to end.

A run occurs in a section only if all its bigrams do: the intersection of their Roaring bitmaps
(microseconds, even for bigrams in most sections) is the candidates, which are the answer for a
two-character run (for a single character: the union of the bitmaps of the bigrams it is part
of, and the texts too short for a bigram). A longer run is verified in the candidates' texts:
numpy's string `find` in each candidate's span of texts.bin, all candidates in one call
(`spans.SpanFinder`: a loop in C without the GIL, split between threads, one per core; at 100k
reports ~0.27 us a candidate in one thread, most of it the search itself; ~40 ns for a short
section). A scan of the whole texts.bin by `re` (~1 ns a byte plus ~0.3 us an occurrence), the
other way this module once had, no longer wins even for the shortest sections.

Each section's text in texts.bin already holds the TEXT_OVERLAP characters it runs into the next
section (they are stored twice), so spans do not overlap and a section holds a run exactly when
its span does (an occurrence that crosses into the next stored text is in neither section's
text).
"""

from __future__ import annotations

from array import array

import numpy as np
from pyroaring import BitMap

from indexer.backends.cache import BytesCache, read_only
from indexer.backends.whoosh.grams import GramLists

# Answers of recent runs kept (4 bytes a section found): a run in most sections costs a `find`
# in each (~0.1-0.2 s at 100k reports) and comes back at once for the next page of its results,
# a facet clicked, or the same search from another reader.
CACHE_BYTES = 64 * 2**20


class ExactMatcher:
    """Exact runs over one generation's bigram lists and texts, answered as section numbers.

    `number_of_sid` (int32 [section ids]) is each section id's number, -1 for a deleted section
    (its id stays in the lists until a compacting run)."""

    def __init__(self, lists: GramLists, number_of_sid: np.ndarray):
        self.lists = lists
        self.number_of_sid = number_of_sid
        self._short: np.ndarray | None = None   # ids of the texts of <= 4 bytes, when needed
        self.cache = BytesCache(CACHE_BYTES)

    def numbers(self, folded: str) -> np.ndarray:
        """The sorted, unique int32 numbers of the sections whose text contains `folded` (a
        read-only array: it may be the cached answer)."""
        return self.cache.get(folded, lambda: read_only(self._numbers(folded)))

    def _numbers(self, folded: str) -> np.ndarray:
        candidates = self._candidates(folded) if folded else None
        if candidates is None:
            return _none()
        sids = np.frombuffer(candidates.to_array(), dtype=np.uint32).astype(np.int64)
        sids = sids[self.number_of_sid[sids] >= 0]
        if len(folded) > 2:
            sids = self._verified(folded, sids)
        return np.sort(self.number_of_sid[sids])

    def _candidates(self, folded: str) -> BitMap | None:
        """The ids (live and dead) of the sections holding every bigram of the run (of a single
        character: exactly the sections holding it)."""
        if len(folded) == 1:
            return self._holding_character(folded)
        rarest = self.lists.rarest(folded)
        if rarest is None:
            return None
        candidates = self.lists.sids(rarest[0])
        for gram in rarest[1:]:
            candidates &= self.lists.sids(gram)
        return candidates

    def _holding_character(self, char: str) -> BitMap:
        """A character is in a text of two or more characters only as part of a bigram: the
        union of its bigrams' bitmaps (9 ms for 年 at 10k, against 50 ms for a `find` in every
        section), plus the texts too short for a bigram (<= 4 bytes) that hold it."""
        found = BitMap()
        maps = [self.lists.sids(gram) for gram in self.lists.grams if char in gram]
        if maps:
            found = BitMap.union(*maps)
        if self._short is None:
            self._short = np.flatnonzero((self.lists.ends - self.lists.starts) <= 4)
        short = self._short
        held = self.lists.finder.contains(char.encode("utf-8"), self.lists.starts[short],
                                          self.lists.ends[short])
        found.update(array("I", short[held].astype(np.uint32).tobytes()))
        return found

    def _verified(self, folded: str, sids: np.ndarray) -> np.ndarray:
        """The section ids among `sids` (live, ascending) whose text contains `folded`."""
        starts, ends = self.lists.starts, self.lists.ends
        return sids[self.lists.finder.contains(folded.encode("utf-8"), starts[sids], ends[sids])]


def _none() -> np.ndarray:
    return np.zeros(0, dtype=np.int32)
