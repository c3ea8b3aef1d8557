"""The postings of the common words, exported as flat arrays when a run finishes.

A word in many sections costs a decode of all its Whoosh posting blocks per query (~0.3 us a
posting even in bulk: unpickling and decompressing blocks of 128). Every word held by at least
COMMON_POSTINGS sections (deleted ones included) has its postings written once per generation
instead, as two arrays the reader maps into memory:

    common.ids   int32, little-endian: the word's document numbers, ascending, word after word
    common.tfs   uint16: how often the word occurs in each of those documents (Whoosh's weight)
    common.json  {"postings": COMMON_POSTINGS, "words": {word: [start, count]}}

Deleted documents may stay in, as in Whoosh's postings: the reader drops them with its live mask.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from indexer.backends.whoosh.internals import word_postings

# Chosen from measurement (notes/words.md): below this many postings a word decodes from
# Whoosh in about 3 ms; above it, the arrays answer in well under a millisecond.
COMMON_POSTINGS = 10_000
IDS, TFS, INDEX = "common.ids", "common.tfs", "common.json"
MAX_TF = np.iinfo(np.uint16).max


def common_words(leaves: list[tuple[Any, int]], field: str, threshold: int) -> list[str]:
    """The words of `field` whose postings (over every segment) number at least `threshold`."""
    held: Counter[bytes] = Counter()
    for sub, _offset in leaves:
        for term, info in sub.reader().iter_field(field):
            held[term] += info.doc_frequency()
    return sorted(t.decode("utf-8") for t, n in held.items() if n >= threshold)


def write_common(part: Path, searcher: Any, field: str, threshold: int | None = None) -> int:
    """Write the common words' postings into `part`; returns how many words were written. A
    word with a frequency that does not fit the uint16 array stays in Whoosh only."""
    threshold = COMMON_POSTINGS if threshold is None else threshold
    leaves = searcher.leaf_searchers()
    words: dict[str, list[int]] = {}
    start = 0
    with open(part / IDS, "wb") as ids_out, open(part / TFS, "wb") as tfs_out:
        for word in common_words(leaves, field, threshold):
            ids, weights = word_postings(leaves, field, word)
            if not len(ids) or weights.max() > MAX_TF or not np.all(weights == np.rint(weights)):
                continue
            ids_out.write(ids.astype("<i4").tobytes())
            tfs_out.write(weights.astype("<u2").tobytes())
            words[word] = [start, len(ids)]
            start += len(ids)
    (part / INDEX).write_text(json.dumps({"postings": threshold, "words": words},
                                         ensure_ascii=False), encoding="utf-8")
    return len(words)


class CommonPostings:
    """The exported postings of a generation, memory-mapped (empty when there are none)."""

    def __init__(self, part: Path):
        index = json.loads((part / INDEX).read_text(encoding="utf-8")) \
            if (part / INDEX).exists() else {"words": {}}
        self.words: dict[str, list[int]] = index["words"]
        self._ids = _mapped(part / IDS, "<i4")
        self._tfs = _mapped(part / TFS, "<u2")

    def __contains__(self, word: str) -> bool:
        return word in self.words

    def postings(self, word: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The word's (document numbers, term frequencies) as read-only views of the mapped
        files, or None when it was not exported."""
        where = self.words.get(word)
        if where is None:
            return None
        start, count = where
        return self._ids[start:start + count], self._tfs[start:start + count]


def _mapped(path: Path, dtype: str) -> np.ndarray:
    if not path.exists() or not path.stat().st_size:
        return np.zeros(0, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r")
