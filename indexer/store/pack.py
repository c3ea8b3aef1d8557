"""Packs: many small JSON documents (records, summaries) as zstandard frames, in one file or in
memory.

A pack is a folder::

    frames.zst   one zstandard frame per document, back to back
    index.bin    int64 start and end of each document's frame, in document order
    ids.json     the documents' ids, in the same order
    dict.zst     the zstandard dictionary every frame was compressed with (absent: none)

A document is read alone (one `pread`, one decompression: ~35 us for a 14 KB record), so a
reader keeps no document in memory. Frames share a dictionary trained on the first documents a
full run writes (`TRAIN_AFTER`); at 10k synthetic reports it halves the size of per-document
frames (records 52 -> 23 MB, summaries 12 -> 4.2 MB). An incremental run writes its pack with
the previous generation's dictionary, so an unchanged document is carried over as its
compressed bytes (`copy_from`), never decompressed or compressed again.

`MemoryPack` holds the frames in memory instead: for a reader whose documents come from
elsewhere (a cluster's web node lists every summary when it opens). Parsed, 100,000 summaries
(sections, figures with their evidence) are ~2.4 GB of Python objects; as UTF-8 JSON, 380 MB;
as frames with a dictionary trained on the first `MemoryPack.TRAIN_ON`, ~45 MB (3,000 synthetic
summaries: 3,799 bytes of JSON each, 455 compressed; 6 us to compress, ~44 us to decompress and
parse).
"""

from __future__ import annotations

import json
import os
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import zstandard

FRAMES, INDEX, IDS, DICT = "frames.zst", "index.bin", "ids.json", "dict.zst"
LEVEL = 3               # zstandard level: level 9 saves 5% more for 3x the time
TRAIN_AFTER = 1000      # documents held back to train the dictionary on
TRAIN_BYTES = 16 << 20  # ... or this many bytes of them, whichever comes first
DICT_SIZE = 256_000     # bytes of a trained dictionary
MIN_SAMPLES = 64        # fewer documents than this: no dictionary (training needs examples)


def trained_dictionary(samples: list[bytes], size: int) -> bytes:
    """A zstandard dictionary of `size` bytes trained on the samples; b"" when they are too few
    or too alike to train one."""
    if len(samples) < MIN_SAMPLES:
        return b""
    try:
        return zstandard.train_dictionary(size, samples).as_bytes()
    except zstandard.ZstdError:   # too little or too uniform text
        return b""


class _Framer:
    """Documents compressed into zstandard frames, each handed to `emit(doc_id, frame)` in the
    order added, with a dictionary: `dictionary` when given (b"": none), else one trained on
    the first documents, held back until `TRAIN_AFTER` of them (`train_after`) or
    `TRAIN_BYTES` have come, or until `train()` is called. `dictionary` is the one used (None
    while training)."""

    def __init__(self, emit: Callable[[str, bytes], Any], dictionary: bytes | None = None,
                 train_after: int = TRAIN_AFTER, dict_size: int = DICT_SIZE):
        self._emit, self._train_after, self._dict_size = emit, train_after, dict_size
        self._held: list[tuple[str, bytes]] | None = None if dictionary is not None else []
        self._held_bytes = 0
        self.dictionary = dictionary
        self._compressor = _compressor(dictionary) if dictionary is not None else None

    @property
    def training(self) -> bool:
        return self._held is not None

    def add(self, doc_id: str, data: bytes) -> None:
        if self._held is None:
            self._emit(doc_id, self._compressor.compress(data))
            return
        self._held.append((doc_id, data))
        self._held_bytes += len(data)
        if len(self._held) >= self._train_after or self._held_bytes >= TRAIN_BYTES:
            self.train()

    def train(self) -> None:
        """Train the dictionary on the documents held (when still training) and emit them."""
        if self._held is None:
            return
        held, self._held = self._held, None
        self.dictionary = trained_dictionary([data for _, data in held], self._dict_size)
        self._compressor = _compressor(self.dictionary)
        for doc_id, data in held:
            self._emit(doc_id, self._compressor.compress(data))


def _compressor(dictionary: bytes) -> zstandard.ZstdCompressor:
    if dictionary:
        return zstandard.ZstdCompressor(level=LEVEL,
                                        dict_data=zstandard.ZstdCompressionDict(dictionary))
    return zstandard.ZstdCompressor(level=LEVEL)


def _decompressor(local: threading.local,
                  dictionary: zstandard.ZstdCompressionDict | None) -> zstandard.ZstdDecompressor:
    """The calling thread's decompressor (one is not shared between threads)."""
    decompressor = getattr(local, "decompressor", None)
    if decompressor is None:
        decompressor = local.decompressor = (
            zstandard.ZstdDecompressor(dict_data=dictionary) if dictionary
            else zstandard.ZstdDecompressor())
    return decompressor


class PackWriter:
    """Writes one pack. `dictionary`: the previous generation's (an incremental run), or None
    to train one on the first documents (a full run). A document written twice under one id
    keeps its first position and its last content."""

    def __init__(self, path: Path, dictionary: bytes | None = None):
        self.path = path
        path.mkdir(parents=True)
        self._out = open(path / FRAMES, "wb")
        self._spans: dict[str, tuple[int, int]] = {}
        self._framer = _Framer(self._append, dictionary)

    def add(self, doc_id: str, data: bytes) -> None:
        """A document (its UTF-8 JSON)."""
        self._framer.add(doc_id, data)

    def copy_from(self, previous: "PackReader", doc_id: str) -> None:
        """A document of a pack with the same dictionary, carried over compressed."""
        if self._framer.training:   # a full run trains its own dictionary: recompress
            self.add(doc_id, previous.raw(doc_id))
            return
        self._append(doc_id, previous.frame(doc_id))

    def _append(self, doc_id: str, frame: bytes) -> None:
        start = self._out.tell()
        self._out.write(frame)
        self._spans[doc_id] = (start, start + len(frame))

    def close(self) -> None:
        """Write the index, the ids and the dictionary (the frames are complete after this)."""
        self._framer.train()
        self._out.close()
        if self._framer.dictionary:
            (self.path / DICT).write_bytes(self._framer.dictionary)
        spans = array("q")
        for start, end in self._spans.values():
            spans.extend((start, end))
        (self.path / INDEX).write_bytes(spans.tobytes())
        (self.path / IDS).write_text(json.dumps(list(self._spans), ensure_ascii=False),
                                     encoding="utf-8")

    def discard(self) -> None:
        if not self._out.closed:
            self._out.close()


class PackReader:
    """An open pack: documents by id, read and decompressed one at a time (thread-safe)."""

    def __init__(self, path: Path):
        self.path = path
        self.ids: list[str] = json.loads((path / IDS).read_text(encoding="utf-8"))
        self._position = {doc_id: i for i, doc_id in enumerate(self.ids)}
        self._spans = array("q")
        self._spans.frombytes((path / INDEX).read_bytes())
        dict_path = path / DICT
        self.dictionary = dict_path.read_bytes() if dict_path.exists() else b""
        self._dict = zstandard.ZstdCompressionDict(self.dictionary) if self.dictionary else None
        self._fd = os.open(path / FRAMES, os.O_RDONLY)
        self._local = threading.local()

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._position

    def __len__(self) -> int:
        return len(self.ids)

    def frame(self, doc_id: str) -> bytes:
        """The compressed frame of a document; KeyError when the pack lacks it."""
        i = self._position[doc_id]
        start, end = self._spans[2 * i], self._spans[2 * i + 1]
        return os.pread(self._fd, end - start, start)

    def raw(self, doc_id: str) -> bytes:
        """A document's bytes (its UTF-8 JSON); KeyError when the pack lacks it."""
        return _decompressor(self._local, self._dict).decompress(self.frame(doc_id))

    def read(self, doc_id: str) -> Any:
        """A document, parsed."""
        return json.loads(self.raw(doc_id))

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:
        self.close()


class LazyDocuments(Mapping[str, Any]):
    """A pack as a read-only mapping: id -> parsed document, read from disk when asked for;
    iteration in pack order. Nothing is cached (a caller that needs a document twice keeps it)."""

    def __init__(self, pack: PackReader):
        self.pack = pack

    def __getitem__(self, doc_id: str) -> Any:
        return self.pack.read(doc_id)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self.pack

    def __iter__(self) -> Iterator[str]:
        return iter(self.pack.ids)

    def __len__(self) -> int:
        return len(self.pack)


class MemoryPack(Mapping[str, Any]):
    """Documents held in memory as zstandard frames, from (id, JSON text) pairs: id -> parsed
    document, decompressed when asked for; iteration in their order. The dictionary is trained
    on the first `TRAIN_ON` (64 KB: 2,000 summaries do not fill a larger one). Thread-safe."""

    TRAIN_ON = 2000
    DICT_SIZE = 64 << 10

    def __init__(self, texts: Iterable[tuple[str, str]]):
        self._frames: dict[str, bytes] = {}
        self._local = threading.local()
        framer = _Framer(self._frames.__setitem__, train_after=self.TRAIN_ON,
                         dict_size=self.DICT_SIZE)
        for doc_id, text in texts:
            framer.add(doc_id, text.encode("utf-8"))
        framer.train()
        self._dict = zstandard.ZstdCompressionDict(framer.dictionary) if framer.dictionary else None

    @property
    def dictionary(self) -> bytes:
        """The trained dictionary (b"": none)."""
        return self._dict.as_bytes() if self._dict else b""

    def __getitem__(self, doc_id: str) -> Any:
        return json.loads(_decompressor(self._local, self._dict).decompress(self._frames[doc_id]))

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._frames

    def __iter__(self) -> Iterator[str]:
        return iter(self._frames)

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def nbytes(self) -> int:
        """The bytes of the frames and the dictionary."""
        return sum(len(frame) for frame in self._frames.values()) + len(self.dictionary)
