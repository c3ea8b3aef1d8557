"""The array search core: rules that must hold for every input (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.text.near_duplicates import SAME, candidates, representatives
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


@given(st.lists(st.tuples(st.sampled_from(["甲局", "乙局", None]), st.sampled_from([2019, 2020]),
                          st.lists(st.integers(0, 40), max_size=SIZE, unique=True).map(sorted)),
                min_size=0, max_size=14))
@settings(max_examples=300, deadline=None)
def test_every_version_is_shown_as_an_earlier_near_duplicate_of_its_key(reports):
    keys = [(agency, year) if agency else None for agency, year, _v in reports]
    sources = [f"{(7 * i) % 15:02d}.txt" for i in range(len(reports))]
    rows = np.zeros((len(reports), SIZE), dtype=np.uint32)
    for i, (_a, _y, values) in enumerate(reports):
        rows[i, :len(values)] = values
    sizes = np.array([len(v) for _a, _y, v in reports], dtype=np.int8)
    shown_as = representatives(keys, sources, rows, sizes).tolist()
    for i, rep in enumerate(shown_as):
        if rep >= 0:   # another version: of a report shown as itself, earlier, alike
            assert shown_as[rep] == -1 and keys[rep] == keys[i] is not None
            assert sources[rep] < sources[i]
            assert similarity(reports[rep][2], reports[i][2]) >= SAME
        else:          # shown as itself: no earlier shown report of its key is like it
            assert not any(shown_as[j] == -1 and keys[j] == keys[i] is not None
                           and sources[j] < sources[i] and sizes[i]
                           and similarity(reports[j][2], reports[i][2]) >= SAME
                           for j in range(len(reports)))


@given(st.lists(st.integers(0, 1000), min_size=0, max_size=50, unique=True), st.integers(0, 60))
def test_smallest_are_the_first_by_rank(ranks, k):
    rank = np.array(ranks, dtype=np.int64)
    items = np.arange(len(ranks))
    assert _smallest(items, rank, k) == sorted(items.tolist(), key=ranks.__getitem__)[:k]
