"""The postings of the common words, exported as flat arrays when a run finishes.

A word in many sections costs a decode of all its Whoosh posting blocks per query (~0.3 us a
posting even in bulk: unpickling and decompressing blocks of 128). Every word held by at least
COMMON_POSTINGS sections (deleted ones included) has its postings written once per generation
instead, as two byte arrays the reader maps into memory:

    common.ids   per word, its document numbers, ascending: the gaps between them as uint16
                 (the first gap from 0) when every gap fits, else the numbers as int32
    common.tfs   per word, how often it occurs in each of those documents (Whoosh's weight):
                 uint8 when every count fits, else uint16
    common.json  {"postings": COMMON_POSTINGS,
                  "words": {word: [count, ids offset, ids width, tfs offset, tfs width]}}

(little-endian; offsets in bytes). A common word's gaps are small (at 10,000 postings or more
among at most a few million sections), so most words take 3 bytes a posting.
Deleted documents may stay in, as in Whoosh's postings: the reader drops them with its live mask.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
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
    word with a frequency that does not fit uint16 stays in Whoosh only."""
    threshold = COMMON_POSTINGS if threshold is None else threshold
    leaves = searcher.leaf_searchers()
    postings = ((word, *word_postings(leaves, field, word))
                for word in common_words(leaves, field, threshold))
    return write_postings(part, threshold, postings)


def write_postings(part: Path, threshold: int,
                   postings: Iterable[tuple[str, np.ndarray, np.ndarray]]) -> int:
    """Write (word, ascending ids, weights) into `part`'s files (see the module's docstring),
    leaving out a word without postings or with a weight that is not a uint16 count."""
    words: dict[str, list[int]] = {}
    with open(part / IDS, "wb") as ids_out, open(part / TFS, "wb") as tfs_out:
        for word, ids, weights in postings:
            if not len(ids) or weights.max() > MAX_TF or not np.all(weights == np.rint(weights)):
                continue
            id_bytes, tf_bytes = encoded(ids, weights.astype(np.int64))
            words[word] = [len(ids), ids_out.tell(), len(id_bytes) // len(ids),
                           tfs_out.tell(), len(tf_bytes) // len(ids)]
            ids_out.write(id_bytes)
            tfs_out.write(tf_bytes)
    (part / INDEX).write_text(json.dumps({"postings": threshold, "words": words},
                                         ensure_ascii=False), encoding="utf-8")
    return len(words)


def encoded(ids: np.ndarray, tfs: np.ndarray) -> tuple[bytes, bytes]:
    """One word's postings as bytes: ids as uint16 gaps when they fit, else int32; frequencies
    as uint8 when they fit, else uint16."""
    gaps = np.diff(ids, prepend=0)
    id_bytes = (gaps.astype("<u2") if gaps.max() <= MAX_TF else ids.astype("<i4")).tobytes()
    tf_bytes = (tfs.astype("<u1") if tfs.max() <= 255 else tfs.astype("<u2")).tobytes()
    return id_bytes, tf_bytes


class CommonPostings:
    """The exported postings of a generation, memory-mapped (empty when there are none)."""

    def __init__(self, part: Path):
        index = json.loads((part / INDEX).read_text(encoding="utf-8")) \
            if (part / INDEX).exists() else {"words": {}}
        self.words: dict[str, list[int]] = index["words"]
        self._ids = _mapped(part / IDS)
        self._tfs = _mapped(part / TFS)

    def __contains__(self, word: str) -> bool:
        return word in self.words

    def count(self, word: str) -> int:
        """How many postings of the word were exported (0: not exported)."""
        where = self.words.get(word)
        return where[0] if where else 0

    def postings(self, word: str) -> tuple[np.ndarray, np.ndarray] | None:
        """The word's (document numbers int64, term frequencies) read from the mapped files,
        or None when it was not exported."""
        where = self.words.get(word)
        if where is None:
            return None
        count, id_at, id_width, tf_at, tf_width = where
        stored = self._ids[id_at:id_at + count * id_width].view("<u2" if id_width == 2 else "<i4")
        ids = np.cumsum(stored, dtype=np.int64) if id_width == 2 else stored.astype(np.int64)
        tfs = self._tfs[tf_at:tf_at + count * tf_width].view("<u1" if tf_width == 1 else "<u2")
        return ids, tfs


def _mapped(path: Path) -> np.ndarray:
    if not path.exists() or not path.stat().st_size:
        return np.zeros(0, dtype=np.uint8)
    return np.memmap(path, dtype=np.uint8, mode="r")
