"""The array search core: rules that must hold for every input (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search.duplicates import SAME, candidates
from indexer.search.ranking import _smallest
from indexer.text.sketch import SIZE, similarity

# Sketches over a small range of values, so that many pairs share values.
sketches = st.lists(st.lists(st.integers(0, 60), min_size=1, max_size=SIZE, unique=True)
                    .map(sorted), min_size=2, max_size=12)


@given(sketches)
@settings(max_examples=600, deadline=None)
def test_every_near_duplicate_pair_is_a_candidate(group):
    rows = np.zeros((len(group), SIZE), dtype=np.uint32)
    for i, values in enumerate(group):
        rows[i, :len(values)] = values
    near = candidates(rows, np.array([len(v) for v in group], dtype=np.int8))
    for i in range(len(group)):
        for j in range(len(group)):
            if i < j and similarity(group[i], group[j]) >= SAME:
                assert near[i, j]
            if i >= j:
                assert not near[i, j]


@given(st.lists(st.integers(0, 1000), min_size=0, max_size=50, unique=True), st.integers(0, 60))
def test_smallest_are_the_first_by_rank(ranks, k):
    rank = np.array(ranks, dtype=np.int64)
    items = np.arange(len(ranks))
    assert _smallest(items, rank, k) == sorted(items.tolist(), key=ranks.__getitem__)[:k]
