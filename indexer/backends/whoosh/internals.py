"""The one place that reads Whoosh's private structures (pinned: whoosh3==3.54.0).

Scoring a common word through Whoosh's matcher interface costs several Python calls per posting
(a common word has ~70,000 at 10k reports). Its on-disk posting blocks are read here a block at a
time instead (then one numpy array per segment), through `W3LeafMatcher`'s private attributes `_byteids`,
`_data`, `_read_data`, `_blocklength` and `_next_block`; the per-section lengths are the raw
bytes of each segment's length column (`_perdoc`, `_lenfield`, `LENGTHS_COLUMN`, and the column
reader's `COLUMN_ATTRIBUTES`), read in one call. `tests/test_whoosh_internals.py`
fails loudly if an upgrade changes any of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.util.numeric import byte_to_length

# What `blocks` and `field_lengths` rely on, checked by the tests against the installed Whoosh.
PRIVATE_ATTRIBUTES = ("_byteids", "_data", "_read_data", "_blocklength", "_next_block")
COLUMN_ATTRIBUTES = ("_dbfile", "_basepos", "_count", "_fixedlen")   # a length column's reader
# A stored length byte -> the length Whoosh's `doc_field_length(d, f, 1) or 1` gives.
LENGTHS = np.array([byte_to_length(b) or 1 for b in range(256)], dtype=np.int64)


def blocks(matcher: Any) -> Iterator[tuple[list[int], Sequence[float]]]:
    """A term's postings as (ids, weights) per block, decoded in bulk.

    A block on disk is a pickled (delta-coded ids, weights, values) tuple: unpickled by Whoosh,
    the ids summed at C speed (`accumulate`), the weights expanded as `_read_weights` does.
    Deleted documents are not filtered out (callers keep live ones)."""
    matcher = getattr(matcher, "child", matcher)  # FilterMatcher (deletions) -> the postings
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            deltas, weights = matcher._data[0], matcher._data[1]
            yield list(accumulate(deltas)), _block_weights(weights, matcher._blocklength)
            matcher._next_block()
        return
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():  # any other matcher (whoosh3 3.54 never inlines postings)
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    yield ids, weights


def _block_weights(stored: Any, count: int) -> Sequence[float]:
    """A block's weights as `W3LeafMatcher._read_weights` expands them: None is all 1.0, one
    float is that float for every posting (held in a float32 array), else one per posting."""
    if stored is None:
        return [1.0] * count
    if isinstance(stored, float):
        return [float(np.float32(stored))] * count
    return stored


def word_postings(leaves: list[tuple[Any, int]], field: str,
                  word: str | bytes) -> tuple[np.ndarray, np.ndarray]:
    """Every posting of `word` over a searcher's `leaf_searchers()`: document numbers (int64,
    ascending; deleted ones may be among them) and weights (float64), one conversion to numpy
    per segment."""
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for sub, offset in leaves:
        segment = sub.reader()
        if (field, word) not in segment:
            continue
        leaf_ids: list[int] = []
        leaf_weights: list[float] = []
        for block_ids, block_weights in blocks(segment.postings(field, word)):
            leaf_ids.extend(block_ids)
            leaf_weights.extend(block_weights)
        ids.append(np.array(leaf_ids, dtype=np.int64) + offset)
        weights.append(np.array(leaf_weights, dtype=np.float64))
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    return np.concatenate(ids), np.concatenate(weights)


def live_docnums(leaves: list[tuple[Any, int]]) -> np.ndarray:
    """The live (not deleted) document numbers over a searcher's `leaf_searchers()`, ascending
    (int64): what `reader.all_doc_ids()` yields, without a Python call per document."""
    parts = []
    for sub, offset in leaves:
        segment = sub.reader()
        live = np.ones(segment.doc_count_all(), dtype=bool)
        if segment.has_deletions():
            live[np.fromiter(segment.deleted_docs_set, dtype=np.int64)] = False
        parts.append(np.flatnonzero(live) + offset)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def field_lengths(leaves: list[tuple[Any, int]], field: str) -> np.ndarray:
    """Every document's length in `field` (int64, by document number) as Whoosh's
    `doc_field_length(d, field, 1) or 1` gives it: the stored one-byte code, decoded."""
    parts = []
    for sub, _offset in leaves:
        segment = sub.reader()
        count = segment.doc_count_all()
        perdoc, name = getattr(segment, "_perdoc", None), _lenfield(field)  # None: empty index
        if perdoc is None or not perdoc.has_column(name):
            parts.append(np.zeros(count, dtype=np.uint8))
            continue
        column = perdoc.column_reader(name, LENGTHS_COLUMN)   # one byte a document
        stored = np.frombuffer(column._dbfile.get(column._basepos, column._count), np.uint8)
        codes = np.zeros(count, dtype=np.uint8)   # trailing documents of length 0 are not stored
        codes[:len(stored)] = stored
        parts.append(codes)
    codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint8)
    return LENGTHS[codes]
