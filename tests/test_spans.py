"""SpanFinder (indexer/backends/whoosh/spans.py) answers as the naive rule, `pattern in
buffer[start:end]`, for every span: in one window or several (a tiny window limit forces the cut
a texts.bin over 2 GB needs), in the calling thread or split between threads, for patterns numpy
would trim (a trailing NUL), and for spans that do not cover the whole buffer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.backends.whoosh.spans import THREAD_SPANS, SpanFinder, window_bounds

ALPHABET = "公开政府信息a1\0"
texts = st.lists(st.text(alphabet=ALPHABET, min_size=0, max_size=12), max_size=25)


def laid_out(pieces: list[str], gaps: list[int]) -> tuple[bytes, np.ndarray, np.ndarray]:
    """The pieces one after the other, with `gaps[i]` bytes of filler before piece i (spans
    need not touch)."""
    data, starts, ends, pos = [], [], [], 0
    for piece, gap in zip(pieces, gaps):
        data.append(b"x" * gap)
        pos += gap
        raw = piece.encode("utf-8")
        data.append(raw)
        starts.append(pos)
        pos += len(raw)
        ends.append(pos)
    return b"".join(data), np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)


@given(texts, st.lists(st.integers(0, 3), min_size=25, max_size=25),
       st.text(alphabet=ALPHABET, min_size=1, max_size=4), st.integers(12, 64), st.data())
def test_contains_equals_naive_in_any_windows(pieces, gaps, run, limit, data):
    pieces = [p for p in pieces if len(p.encode("utf-8")) <= limit]
    buffer, starts, ends = laid_out(pieces, gaps)
    chosen = sorted(data.draw(st.sets(st.integers(0, max(0, len(pieces) - 1)))))
    chosen = [i for i in chosen if i < len(pieces)]
    pattern = run.encode("utf-8")
    finder = SpanFinder(buffer, starts, ends, limit=limit)
    got = finder.contains(pattern, starts[chosen], ends[chosen]).tolist()
    assert got == [pattern in buffer[starts[i]:ends[i]] for i in chosen]


@given(texts, st.integers(12, 40))
def test_windows_are_cut_between_spans_and_hold_every_span(pieces, limit):
    pieces = [p for p in pieces if len(p.encode("utf-8")) <= limit]
    buffer, starts, ends = laid_out(pieces, [1] * len(pieces))
    bounds = window_bounds(starts, ends, len(buffer), limit)
    assert bounds[0] == 0 and bounds[-1] == len(buffer)
    assert all(0 < high - low <= limit or high == low for low, high in zip(bounds, bounds[1:]))
    for start, end in zip(starts.tolist(), ends.tolist()):
        window = max(i for i, low in enumerate(bounds[:-1]) if low <= start)
        assert end <= bounds[window + 1]


def test_a_span_longer_than_a_window_is_refused():
    buffer, starts, ends = laid_out(["政府信息公开", "公开"], [0, 0])
    with pytest.raises(ValueError, match="longer than a window"):
        window_bounds(starts, ends, len(buffer), limit=10)


def test_many_spans_are_split_between_threads_and_answer_in_order():
    n = 3 * THREAD_SPANS + 7
    pieces = ["政府信息" if i % 3 == 0 else "公开" if i % 3 == 1 else "信息公开" for i in range(n)]
    buffer, starts, ends = laid_out(pieces, [0] * n)
    found = SpanFinder(buffer, starts, ends).contains("信息".encode("utf-8"), starts, ends)
    assert found.tolist() == [i % 3 != 1 for i in range(n)]
    assert int(found.sum()) == 2 * THREAD_SPANS + 5


def test_a_pattern_ending_in_nul_is_searched_as_it_is():
    buffer, starts, ends = laid_out(["a\0b", "ab\0", "a"], [0, 0, 0])
    finder = SpanFinder(buffer, starts, ends)
    assert finder.contains(b"b\0", starts, ends).tolist() == [False, True, False]
    assert finder.contains(b"a\0", starts, ends).tolist() == [True, False, False]


def test_an_empty_buffer_and_no_spans():
    empty = np.zeros(0, dtype=np.int64)
    assert SpanFinder(b"", empty, empty).contains(b"a", empty, empty).tolist() == []
