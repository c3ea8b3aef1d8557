"""The byte-bounded cache of the backends (word scores, exact answers, a cluster's answers)."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from indexer.backends.cache import BytesCache


@given(st.integers(1, 64), st.lists(st.tuples(st.integers(0, 9), st.integers(0, 80)), max_size=60))
def test_the_cache_is_a_least_recently_used_map_bounded_in_bytes(limit, gets):
    cache = BytesCache(limit)
    kept: dict[int, int] = {}   # the model: key -> size, least recently used first
    for key, size in gets:
        value = cache.get(key, lambda: np.zeros(size, dtype=np.uint8))
        if key in kept:
            assert len(value) == kept[key]   # the kept value, not a new one
            kept[key] = kept.pop(key)
        else:
            assert len(value) == size
            if size <= limit:
                kept[key] = size
            while sum(kept.values()) > limit:
                kept.pop(next(iter(kept)))
        assert list(cache._values) == list(kept)
        assert cache.nbytes == sum(kept.values()) <= limit


def test_a_value_is_computed_once_while_it_is_kept():
    cache, calls = BytesCache(100), []
    for _ in range(3):
        cache.get("a", lambda: calls.append(1) or np.zeros(10, dtype=np.uint8))
    assert calls == [1] and cache.nbytes == 10 and len(cache) == 1
    cache.clear()
    assert cache.nbytes == 0 and "a" not in cache


def test_a_value_its_caller_will_not_keep_is_returned_and_computed_again():
    cache, calls = BytesCache(100), []

    def compute():
        calls.append(1)
        return np.arange(len(calls), dtype=np.int8)

    partial = cache.get("公开", compute, keep=lambda: False)
    assert partial.tolist() == [0] and "公开" not in cache and cache.nbytes == 0
    whole = cache.get("公开", compute, keep=lambda: True)
    assert whole.tolist() == [0, 1] and "公开" in cache and cache.nbytes == 2
    assert cache.get("公开", compute, keep=lambda: False) is whole and len(calls) == 2
