"""BM25 word scores of an open generation, as numpy arrays: postings from the exported common
words (`common.py`) or decoded from Whoosh a block at a time (`internals.py`), the length norms
of every section as one array, deleted sections dropped with a boolean mask, and the scores of
recent words kept in a cache bounded in bytes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from indexer.backends.bm25 import idf, length_norm, ranking_words, scores, summed_arrays
from indexer.backends.cache import BytesCache
from indexer.backends.seam import Scores
from indexer.backends.whoosh.common import CommonPostings
from indexer.backends.whoosh.internals import field_lengths, word_postings
from indexer.backends.whoosh.schema import FIELD

CACHE_BYTES = 64 * 2**20  # scores of recent words kept (a query reads each word twice)


class WordScores:
    """One word's BM25 score in every live section holding it: `docnums` (int32, ascending) and
    `values` (float64). Iterating it, or its len, gives the docnums (what set operations use)."""

    __slots__ = ("docnums", "values")

    def __init__(self, docnums: np.ndarray, values: np.ndarray):
        self.docnums, self.values = docnums, values

    def __iter__(self) -> Iterator[int]:
        return iter(self.docnums.tolist())

    def __len__(self) -> int:
        return len(self.docnums)

    @property
    def nbytes(self) -> int:
        return self.docnums.nbytes + self.values.nbytes


class WordScorer:
    """Whoosh's BM25F over the live sections only (idf `log(N / (n + 1)) + 1`, N the live
    sections, n the live ones holding the word; the average length over the live sections'
    stored one-byte lengths): scores depend only on which sections are live, not on deleted ones
    or on how segments were written or merged, so an updated index scores as a full rebuild."""

    def __init__(self, searcher: Callable[[], Any], live: np.ndarray, common: CommonPostings):
        self._searcher = searcher
        leaves = searcher().leaf_searchers()
        lengths = field_lengths(leaves, FIELD)
        self.number_of = np.full(len(lengths), -1, dtype=np.int32)  # docnum -> section number
        self.number_of[live] = np.arange(len(live), dtype=np.int32)
        self.live = self.number_of >= 0
        self.sections = len(live)
        self.deletions = self.sections < len(lengths)
        average = (int(lengths[self.live].sum()) / self.sections if self.sections else 0) or 1
        self.norms = length_norm(lengths.astype(np.float64), average)
        self.common = common
        self._cache = BytesCache(CACHE_BYTES)

    def word_scores(self, words: list[str]) -> Scores | None:
        """BM25 over the words as whole words (`bm25.ranking_words` of them, summed, by section
        number); None when no word occurs as a word."""
        freqs = {w: self.frequency(w) for w in dict.fromkeys(words)}
        freqs = {w: f for w, f in freqs.items() if f}
        if not freqs:
            return None
        scored = [self.scored(w) for w in ranking_words(freqs, self.sections)]
        docnums, values = summed_arrays([(s.docnums, s.values) for s in scored])
        return Scores(self.number_of[docnums], values)

    def frequency(self, word: str) -> int:
        """How many live sections hold the word (Whoosh's count includes deleted ones)."""
        if not self.deletions:
            return self.common.count(word) or self._searcher().doc_frequency(FIELD, word)
        return len(self.scored(word)) if self._searcher().doc_frequency(FIELD, word) else 0

    def scored(self, word: str) -> WordScores:
        """The word's scores, from the cache or computed (and cached)."""
        return self._cache.get(word, lambda: self._compute(word))

    def cached_bytes(self) -> int:
        return self._cache.nbytes

    def clear(self) -> None:
        """Forget every cached word."""
        self._cache.clear()

    def _compute(self, word: str) -> WordScores:
        docnums, weights = self.postings(word)
        if self.deletions and len(docnums):  # postings still list deleted sections
            keep = self.live[docnums]
            docnums, weights = docnums[keep], weights[keep]
        values = scores(weights, self.norms[docnums], idf(self.sections, len(docnums)))
        return WordScores(docnums.astype(np.int32), values)

    def postings(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """Every posting of the word, deleted sections included: (docnums, weights float64)."""
        exported = self.common.postings(word)
        if exported is not None:
            return exported[0], exported[1].astype(np.float64)
        searcher = self._searcher()
        if not searcher.doc_frequency(FIELD, word):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        return word_postings(searcher.leaf_searchers(), FIELD, word)
