"""Exact matching of the embedded index: the sections whose folded text holds a run verbatim,
from the bigram bitmaps and the folded texts of `grams.py`, on arrays end to end.

A run occurs in a section only if all its bigrams do: the intersection of their Roaring bitmaps
(microseconds, even for bigrams in most sections) is the candidates, which are the answer for a
two-character run (for a single character: the union of the bitmaps of the bigrams it is part
of, and the texts too short for a bigram). A longer run is verified in the texts, in one of two
ways, whichever the cost rule (`scan_is_cheaper`) says is cheaper (a run whose end is also its
start, whose occurrences can overlap, is always verified per candidate):

- per candidate: one `find` in the candidate's span of texts.bin, called through `map` (no
  Python bytecode per candidate; ~0.5 us each, most of it the call);
- scan: every occurrence in the whole texts.bin found by `re` in C, offsets mapped to sections
  with `np.searchsorted` over the span starts (~1 ns a byte of text plus ~0.3 us an occurrence).

Each section's text in texts.bin already holds the TEXT_OVERLAP characters it runs into the next
section (they are stored twice), so spans do not overlap: an occurrence belongs to the one span
it starts in, and counts only if it also ends inside it (one that crosses into the next stored
text is not in either section's text). With sections of ~1,150 bytes (the reports' average) the
scan never wins; it does for short sections (tables of short rows, synthetic texts).
"""

from __future__ import annotations

import re
from array import array
from itertools import repeat
from typing import Any

import numpy as np
from pyroaring import BitMap

from indexer.backends.cache import BytesCache
from indexer.backends.whoosh.grams import GramLists

CALL_NS = 500        # one `find` on a candidate's span, called through map (measured, 10k)
SCAN_BYTE_NS = 1.0   # `re` searching texts.bin for a literal, per byte (measured, 10k)
OCCURRENCE_NS = 300  # `re` yielding one occurrence and its offset
# Answers of recent runs kept (4 bytes a section found): a run in most sections costs a `find`
# in each (~0.35 s at 100k reports) and comes back at once for the next page of its results,
# a facet clicked, or the same search from another reader.
CACHE_BYTES = 64 * 2**20


def scan_is_cheaper(candidates: int, text_bytes: int) -> bool:
    """Whether scanning all of the text costs less than one `find` per candidate (taking one
    occurrence per candidate for the scan)."""
    return text_bytes * SCAN_BYTE_NS + candidates * OCCURRENCE_NS < candidates * CALL_NS


def verify(texts: Any, pattern: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Which of the spans [starts[i], ends[i]) of `texts` contain `pattern` (a bool array)."""
    n = len(starts)
    if not n:
        return np.zeros(0, dtype=bool)
    found = np.fromiter(map(texts.find, repeat(pattern, n), starts.tolist(), ends.tolist()),
                        dtype=np.int64, count=n)
    return found >= 0


def has_border(pattern: bytes) -> bool:
    """Whether the pattern's end is also its start (開開, abab): two occurrences can overlap."""
    return any(pattern[:k] == pattern[-k:] for k in range(1, len(pattern)))


def scan(texts: Any, pattern: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The indexes into `starts` (sorted ascending, non-overlapping spans) of the spans of
    `texts` that contain `pattern`: every occurrence found in one pass, sorted, unique. A
    pattern without a border is searched as a literal (its occurrences cannot overlap, so `re`'s
    non-overlapping matches are all of them); one with a border needs a lookahead (slower)."""
    if not len(starts) or not pattern:
        return np.zeros(0, dtype=np.int64)
    literal = re.escape(pattern)
    regex = re.compile(b"(?=" + literal + b")" if has_border(pattern) else literal)
    offsets = np.fromiter((m.start() for m in regex.finditer(texts)), dtype=np.int64)
    at = np.searchsorted(starts, offsets, side="right") - 1
    inside = at >= 0
    at, offsets = at[inside], offsets[inside]
    inside = offsets + len(pattern) <= ends[at]
    return np.unique(at[inside])


class ExactMatcher:
    """Exact runs over one generation's bigram lists and texts, answered as section numbers.

    `number_of_sid` (int32 [section ids]) is each section id's number, -1 for a deleted section
    (its id stays in the lists until a compacting run)."""

    def __init__(self, lists: GramLists, number_of_sid: np.ndarray):
        self.lists = lists
        self.number_of_sid = number_of_sid
        self._short: np.ndarray | None = None   # ids of the texts of <= 4 bytes, when needed
        self.text_bytes = int(lists.ends[-1]) if len(lists.ends) else 0
        self.cache = BytesCache(CACHE_BYTES)

    def numbers(self, folded: str) -> np.ndarray:
        """The sorted, unique int32 numbers of the sections whose text contains `folded` (a
        read-only array: it may be the cached answer)."""
        return self.cache.get(folded, lambda: _read_only(self._numbers(folded)))

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
        held = verify(self.lists.texts, char.encode("utf-8"),
                      self.lists.starts[short], self.lists.ends[short])
        found.update(array("I", short[held].astype(np.uint32).tobytes()))
        return found

    def _verified(self, folded: str, sids: np.ndarray) -> np.ndarray:
        """The section ids among `sids` (live, ascending) whose text contains `folded`."""
        pattern = folded.encode("utf-8")
        starts, ends = self.lists.starts, self.lists.ends
        if not has_border(pattern) and scan_is_cheaper(len(sids), self.text_bytes):
            found = scan(self.lists.texts, pattern, starts, ends)
            return found[np.isin(found, sids, assume_unique=True)]
        return sids[verify(self.lists.texts, pattern, starts[sids], ends[sids])]


def _read_only(numbers: np.ndarray) -> np.ndarray:
    numbers.flags.writeable = False
    return numbers


def _none() -> np.ndarray:
    return np.zeros(0, dtype=np.int32)
