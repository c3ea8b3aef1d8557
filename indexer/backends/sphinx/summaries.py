"""The summaries of an open cluster generation, held by the web node compressed and parsed one at a
time when asked for.

A reader lists every report's summary when it opens (the columns search counts on are built from
them), and hits, listings and the original-file route read them by id. Parsed, 100,000 summaries
(sections, figures with their evidence) are ~2.4 GB of Python objects per web worker; as UTF-8
JSON, 380 MB; as zstandard frames with a dictionary trained on the first `TRAIN_ON` of them,
~45 MB (3,000 synthetic summaries: 3,799 bytes of JSON each, 455 compressed; 6 us to compress,
~44 us to decompress and parse).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import zstandard

TRAIN_ON = 2000              # summaries the dictionary is trained on
DICTIONARY_BYTES = 64 << 10
LEVEL = 3


class Summaries(Mapping[str, dict[str, Any]]):
    """Report id -> summary, from (report id, summary JSON) pairs; iteration in their order.
    Thread-safe (a decompressor per thread)."""

    def __init__(self, texts: Iterable[tuple[str, str]]):
        self._frames: dict[str, bytes] = {}
        self._dictionary: zstandard.ZstdCompressionDict | None = None
        self._local = threading.local()
        compressor: zstandard.ZstdCompressor | None = None
        first: list[tuple[str, bytes]] = []
        for report_id, text in texts:
            if compressor is not None:
                self._frames[report_id] = compressor.compress(text.encode("utf-8"))
                continue
            first.append((report_id, text.encode("utf-8")))
            if len(first) == TRAIN_ON:
                compressor = self._start(first)
        if compressor is None:
            self._start(first)

    def _start(self, first: list[tuple[str, bytes]]) -> zstandard.ZstdCompressor:
        """A compressor with a dictionary trained on the first summaries (none when they are
        too few or too alike to train one), and those summaries compressed with it."""
        try:
            self._dictionary = zstandard.train_dictionary(DICTIONARY_BYTES,
                                                          [data for _rid, data in first])
        except zstandard.ZstdError:
            self._dictionary = None
        compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=self._dictionary)
        for report_id, data in first:
            self._frames[report_id] = compressor.compress(data)
        return compressor

    def __getitem__(self, report_id: str) -> dict[str, Any]:
        frame = self._frames[report_id]
        decompressor = getattr(self._local, "decompressor", None)
        if decompressor is None:   # a decompressor is not shared between threads
            decompressor = self._local.decompressor = zstandard.ZstdDecompressor(
                dict_data=self._dictionary)
        return json.loads(decompressor.decompress(frame))

    def __contains__(self, report_id: object) -> bool:
        return report_id in self._frames

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def nbytes(self) -> int:
        """The bytes of the compressed frames (and the dictionary)."""
        held = sum(len(frame) for frame in self._frames.values())
        return held + (len(self._dictionary.as_bytes()) if self._dictionary else 0)
