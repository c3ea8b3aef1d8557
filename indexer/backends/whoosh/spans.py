"""Which of many spans of one large buffer (a memory-mapped texts.bin) contain a byte pattern,
answered in C: numpy's string `find` over the buffer seen as one fixed-width string (a view, no
copy), with the spans' bounds given as arrays, so the loop over spans runs without Python
bytecode and without the GIL, split between threads (one per core) when there are many spans.

Measured on the 100k index (678,860 candidate sections of "信息公开"): one `mmap.find` per span
through `map` 381 ms (~190 ns of it the call, the rest the search); numpy's `find` over the same
spans 187 ms in one thread, 100 ms in two.

A numpy fixed-width string holds at most 2**31 - 1 bytes, so a larger buffer is seen as several
windows, cut between spans; a span longer than a window would not fit in one and is refused.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

WINDOW_BYTES = 2**31 - 1   # numpy's largest fixed-width string
THREAD_SPANS = 50_000      # fewer spans than this are searched in the calling thread

_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def _threads() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # not Linux
        return os.cpu_count() or 1


def _executor() -> ThreadPoolExecutor:
    """This process's pool (a forked server worker makes its own: threads do not survive a
    fork)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(_threads(), thread_name_prefix="spans"))
        return _pool[1]


def window_bounds(starts: np.ndarray, ends: np.ndarray, size: int, limit: int) -> list[int]:
    """Offsets cutting [0, size) into windows of at most `limit` bytes, each cut at a span's
    start or between spans, so that every span (ascending, not overlapping) lies inside one
    window; ValueError for a span longer than `limit`."""
    bounds = [0]
    while size - bounds[-1] > limit:
        full = bounds[-1] + limit
        inside = int(np.searchsorted(ends, full, side="right"))   # the first span ending past it
        cut = min(int(starts[inside]), full) if inside < len(starts) else full
        if cut <= bounds[-1]:
            raise ValueError(f"a span of {int(ends[inside] - starts[inside])} bytes is longer "
                             f"than a window ({limit} bytes)")
        bounds.append(cut)
    return bounds + [size]


class SpanFinder:
    """The spans of `buffer` (`starts`, `ends`: int64, ascending, not overlapping) that contain
    a pattern. Keeps views of the buffer until `close` (a memory map cannot be closed while
    they exist)."""

    def __init__(self, buffer: Any, starts: np.ndarray, ends: np.ndarray,
                 limit: int = WINDOW_BYTES):
        bounds = window_bounds(starts, ends, len(buffer), limit)
        self.lows = np.array(bounds[:-1], dtype=np.int64)
        self._buffer = buffer
        self._views = [np.frombuffer(buffer, dtype=f"S{high - low}", count=1, offset=low)
                       if high > low else None for low, high in zip(bounds[:-1], bounds[1:])]

    def contains(self, pattern: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Which of the spans [starts[i], ends[i]) (spans the finder was made with) contain
        `pattern` (a bool array)."""
        n = len(starts)
        if not n:
            return np.zeros(0, dtype=bool)
        if pattern.endswith(b"\0") or not pattern:
            # numpy drops a fixed-width string's trailing NULs (a pattern of them would be
            # empty): the rare pattern ending in one is searched span by span
            find = self._buffer.find
            return np.fromiter((find(pattern, s, e) >= 0 for s, e in
                                zip(starts.tolist(), ends.tolist())), dtype=bool, count=n)
        if len(self.lows) == 1:
            return self._found(self._views[0], pattern, starts, ends)
        window = np.searchsorted(self.lows, starts, side="right") - 1
        out = np.zeros(n, dtype=bool)
        for k in np.unique(window).tolist():
            mine = window == k
            low = self.lows[k]
            out[mine] = self._found(self._views[k], pattern, starts[mine] - low, ends[mine] - low)
        return out

    @staticmethod
    def _found(view: np.ndarray | None, pattern: bytes, starts: np.ndarray,
               ends: np.ndarray) -> np.ndarray:
        if view is None:
            return np.zeros(len(starts), dtype=bool)
        parts = min(_threads(), -(-len(starts) // THREAD_SPANS))
        if parts <= 1:
            return np.strings.find(view, pattern, starts, ends) >= 0
        cuts = np.linspace(0, len(starts), parts + 1).astype(np.int64).tolist()
        found = _executor().map(
            lambda ab: np.strings.find(view, pattern, starts[ab[0]:ab[1]], ends[ab[0]:ab[1]]),
            zip(cuts[:-1], cuts[1:]))
        return np.concatenate(list(found)) >= 0

    def close(self) -> None:
        """Drop the views of the buffer."""
        self._views = []
        self._buffer = b""
