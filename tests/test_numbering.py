"""Section numbers from backend ids (`indexer/backends/numbering.py`): the table path (ids close
together) and the binary-search path (ids spread wide) give what the naive rule gives."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from indexer.backends.numbering import Numbering

live_ids = st.one_of(
    st.sets(st.integers(1, 200), max_size=120),                 # close together: a table
    st.sets(st.integers(1, (1 << 63) - 1), max_size=120))       # 63-bit hashes: binary search
asked = st.lists(st.integers(0, 260), max_size=300)


def naive(ids: list[int], found: list[int]) -> list[int]:
    position = {i: n for n, i in enumerate(ids)}
    return sorted({position[f] for f in found if f in position})


@given(live_ids, asked, st.data())
@example({5, 6, 9}, [9, 9, 4, 6, 10], None)
def test_numbers_and_lookup_agree_with_the_naive_rule(live, found, data):
    ids = sorted(live)
    if data is not None and ids and data.draw(st.booleans()):
        found = found + data.draw(st.lists(st.sampled_from(ids), max_size=300))   # live ones
    numbering = Numbering(ids)
    numbers = numbering.numbers(np.array(found, dtype=np.int64))
    assert numbers.dtype == np.int32 and numbers.tolist() == naive(ids, found)
    got, where = numbering.lookup(found)
    assert got.tolist() == numbers.tolist()
    assert [found[w] for w in where.tolist()] == [ids[n] for n in got.tolist()]


def test_the_paths_are_chosen_by_how_close_the_ids_are():
    assert Numbering(range(10, 1010, 3))._table is not None          # 3 apart: a table
    assert Numbering(range(10, 10010, 10))._table is None            # 10 apart: binary search
    assert Numbering([])._table is None and Numbering([]).numbers([5]).tolist() == []


def test_ids_must_be_ascending_and_unique():
    with pytest.raises(ValueError, match="ascending and unique"):
        Numbering([3, 3, 4])
