"""A least-recently-used cache of arrays, bounded by the bytes its values hold (not by their
number: one common word's scores are megabytes, a rare one's a few bytes). Thread-safe: a
waitress or gunicorn worker answers requests from several threads over one open reader."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class BytesCache:
    """Values (anything with `nbytes`) by key, the least recently used dropped first once they
    hold more than `limit` bytes; a value bigger than the whole limit is returned, not kept."""

    def __init__(self, limit: int):
        self.limit = limit
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __contains__(self, key: Hashable) -> bool:
        return key in self._values

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: Hashable, compute: Callable[[], Any],
            keep: Callable[[], bool] | None = None) -> Any:
        """The value of `key`: kept, or computed (outside the lock) and kept unless `keep`
        (asked after computing) says no — an answer missing a shard's part is not kept."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = compute()
        if keep is not None and not keep():
            return value
        with self._lock:
            if key not in self._values and value.nbytes <= self.limit:
                self._values[key] = value
                self._bytes += value.nbytes
            while self._bytes > self.limit:
                self._bytes -= self._values.popitem(last=False)[1].nbytes
        return value

    @property
    def nbytes(self) -> int:
        """The bytes the kept values hold."""
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._bytes = 0


def read_only(value: Any) -> Any:
    """A numpy array made read-only (a kept answer is shared by every search that asks)."""
    value.flags.writeable = False
    return value
