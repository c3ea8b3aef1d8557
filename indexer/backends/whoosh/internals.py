"""The one place that reads Whoosh's private structures (pinned: whoosh3==3.54.0).

Scoring a common word through Whoosh's matcher interface costs several Python calls per posting
(a common word has ~60,000 at 10k reports). Its on-disk posting blocks are read here a block at a
time instead, through `W3LeafMatcher`'s private attributes `_byteids`, `_data`, `_read_data`,
`_read_weights`, `_weights` and `_next_block`. `tests/test_whoosh_internals.py` fails loudly if an
upgrade changes any of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import accumulate
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher

# What `blocks` relies on, checked by the tests against the installed Whoosh.
PRIVATE_ATTRIBUTES = ("_byteids", "_data", "_read_data", "_read_weights", "_weights", "_next_block")


def blocks(matcher: Any) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """A term's postings as (ids, weights) per block, decoded in bulk.

    Whoosh's matcher interface costs several Python calls per posting; a common word has ~60,000
    of them. Its on-disk blocks are (delta-coded ids, weights, positions) tuples, read here a block
    at a time at C speed. Deleted documents are not filtered out (callers keep live ones)."""
    matcher = getattr(matcher, "child", matcher)  # FilterMatcher (deletions) -> the postings
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            matcher._read_weights()
            yield list(accumulate(matcher._data[0])), matcher._weights
            matcher._next_block()
        return
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():  # any other matcher (whoosh3 3.54 never inlines postings)
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    yield ids, weights
