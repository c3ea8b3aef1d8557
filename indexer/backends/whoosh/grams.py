"""Exact matching beside Whoosh, on disk: every section's folded text and, per character bigram,
the sections that contain it.

A generation holds `texts.bin` (the folded text of every section, UTF-8, one after the other:
a section's text already holds the TEXT_OVERLAP characters it runs into the next one, so the
spans in texts.bin do not overlap) and `grams.bin` + `grams.idx`: per bigram, the set of section
ids (`sid`) holding it as a serialised Roaring bitmap (pyroaring; 38 MB for the 91 MB of raw
uint32 lists at 10k reports, intersected in microseconds: notes in `exact.py`), and where each
section's text lies in texts.bin (`starts`, `lengths`: numpy arrays). The lists are kept beside
Whoosh rather than in it because Whoosh writes postings in pure Python: bigrams are ~70% of all
postings and made indexing several times slower, while positional phrase matching over bigrams
cost ~1 ms per candidate section.
"""

from __future__ import annotations

import mmap
import os
import pickle
import shutil
from array import array
from pathlib import Path
from typing import Any

import numpy as np
from pyroaring import BitMap

from indexer.backends.whoosh.spans import SpanFinder
from indexer.text.analysis import bigrams

FLUSH_SECTIONS = 20000  # new sections whose bigrams are held as one array of keys before
# joining them into the per-bigram bitmaps (8 bytes a (bigram, section) pair until then)
SID_BITS = 16           # a pending key: (bigram code << SID_BITS) | section's place in the batch
CHAR_BITS = 21          # a bigram's code: (first code point << CHAR_BITS) | second (42 bits)


def gram_codes(folded: str) -> np.ndarray:
    """The distinct bigrams of folded text (`analysis.gram_set`) as integer codes, ascending
    (uint64: two 21-bit code points): a section's bigrams in a few numpy calls (~13 us for an
    average section) instead of a set of 2-character strings (~200 us with the id appends)."""
    points = np.frombuffer(folded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if len(points) < 2:
        return np.zeros(0, dtype=np.uint64)
    codes = points[:-1].astype(np.uint64)
    codes <<= np.uint64(CHAR_BITS)
    codes |= points[1:]
    codes.sort()
    return codes[_first_of_each(codes)]


def _first_of_each(ordered: np.ndarray) -> np.ndarray:
    """A mask of the places where a sorted, non-empty array takes a new value."""
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


def gram_of_code(code: int) -> str:
    """The bigram a code stands for."""
    return chr(code >> CHAR_BITS) + chr(code & ((1 << CHAR_BITS) - 1))


class GramWriter:
    """Writes a generation's texts and bigram lists: the previous generation's plus new sections.

    Section ids only grow; the ids of deleted sections stay in the lists (their Whoosh documents
    are gone, so the reader maps them to no section) until the next full build or compacting run
    (`WhooshRun.compacting`).
    """

    def __init__(self, gen: Path, prev: Path | None, flush_sections: int = FLUSH_SECTIONS):
        if not 0 < flush_sections <= 1 << SID_BITS:
            raise ValueError(f"flush_sections must be in 1..{1 << SID_BITS}")
        self.gen = gen
        self.flush_sections = flush_sections
        self.old: dict[str, tuple[int, int, int]] = {}
        self.old_bin: bytes | mmap.mmap = b""
        self.starts, self.lengths = array("q"), array("q")
        if prev is not None:
            meta = _load_meta(prev)
            self.old = meta["grams"]
            self.starts.frombytes(meta["starts"].astype(np.int64).tobytes())
            self.lengths.frombytes(meta["lengths"].astype(np.int64).tobytes())
            self.old_bin = _map(prev / "grams.bin")
            shutil.copyfile(prev / "texts.bin", gen / "texts.bin")
        self.texts = open(gen / "texts.bin", "ab")
        self._end = self.texts.tell()
        self.pending: list[np.ndarray] = []   # per new section: its keys (see SID_BITS)
        self._batch = len(self.starts)         # the id of the first pending section
        self.maps: dict[str, BitMap] = {}

    def add(self, folded: str) -> int:
        """Record one section's folded text; returns its section id."""
        sid = len(self.starts)
        data = folded.encode("utf-8")
        self.starts.append(self._end)
        self.lengths.append(len(data))
        self.texts.write(data)
        self._end += len(data)
        self.pending.append((gram_codes(folded) << np.uint64(SID_BITS))
                            | np.uint64(sid - self._batch))
        if len(self.pending) >= self.flush_sections:
            self._flush()
        return sid

    def _flush(self) -> None:
        """Join the pending sections' bigrams into the per-bigram bitmaps: their keys sorted
        (by bigram, then section), cut where the bigram changes, each run of section ids
        appended to its bigram's bitmap (ids ascend: C-speed appends)."""
        if not self.pending:
            return
        keys = np.sort(np.concatenate(self.pending))
        batch = self._batch
        self._batch += len(self.pending)
        self.pending = []
        if not len(keys):
            return
        codes = keys >> np.uint64(SID_BITS)
        sids = ((keys & np.uint64((1 << SID_BITS) - 1)) + np.uint64(batch)).astype(np.uint32)
        firsts = np.flatnonzero(_first_of_each(codes))
        lasts = np.append(firsts[1:], len(keys))
        maps = self.maps
        for code, first, last in zip(codes[firsts].tolist(), firsts.tolist(), lasts.tolist()):
            ids = array("I")
            ids.frombytes(sids[first:last].tobytes())
            gram = gram_of_code(code)
            found = maps.get(gram)
            if found is None:
                maps[gram] = BitMap(ids)
            else:
                found.update(ids)

    def close(self) -> None:
        """Write grams.bin and grams.idx."""
        self.texts.close()
        self._flush()
        grams: dict[str, tuple[int, int, int]] = {}
        pos = 0
        with open(self.gen / "grams.bin", "wb") as out:
            for gram in self.old.keys() | self.maps.keys():
                chunk, count = self._joined(gram)
                out.write(chunk)
                grams[gram] = (pos, len(chunk), count)
                pos += len(chunk)
        if isinstance(self.old_bin, mmap.mmap):
            self.old_bin.close()
        meta = {"grams": grams, "starts": np.frombuffer(self.starts, dtype=np.int64),
                "lengths": np.frombuffer(self.lengths, dtype=np.int64)}
        with open(self.gen / "grams.idx", "wb") as out:
            pickle.dump(meta, out, protocol=pickle.HIGHEST_PROTOCOL)

    def _joined(self, gram: str) -> tuple[bytes, int]:
        """A bigram's serialised bitmap (old ids and new ones) and its number of ids."""
        new = self.maps.get(gram)
        if gram in self.old:
            off, size, count = self.old[gram]
            if new is None:
                return bytes(self.old_bin[off:off + size]), count
            new |= BitMap.deserialize(self.old_bin[off:off + size])
        assert new is not None
        new.run_optimize()
        return new.serialize(), len(new)


def section_ids(gen: Path) -> int:
    """How many section ids a generation's lists were written with (live and dead)."""
    return len(_load_meta(gen)["starts"])


def _load_meta(gen: Path) -> dict[str, Any]:
    with open(gen / "grams.idx", "rb") as fh:
        return pickle.load(fh)


def _map(path: Path) -> bytes | mmap.mmap:
    """A read-only memory map of a file (b"" when it is empty)."""
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return b""
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


class GramLists:
    """A generation's texts and bigram lists, opened (memory-mapped) for reading. The index of
    bigrams stays a dict: ~59,000 bigrams at 10k reports, unpickled in ~35 ms."""

    def __init__(self, gen: Path):
        meta = _load_meta(gen)
        self.grams: dict[str, tuple[int, int, int]] = meta["grams"]
        self.starts: np.ndarray = meta["starts"]     # int64 [sid]: where its text starts
        self.ends: np.ndarray = meta["starts"] + meta["lengths"]
        self.texts = _map(gen / "texts.bin")
        self.grams_bin = _map(gen / "grams.bin")
        self.finder = SpanFinder(self.texts, self.starts, self.ends)

    def size(self, gram: str) -> int:
        """How many section ids list the bigram (0 when none does)."""
        return self.grams.get(gram, (0, 0, 0))[2]

    def sids(self, gram: str) -> BitMap:
        """The ids of the sections whose text contains the bigram (live and dead)."""
        off, size, _ = self.grams.get(gram, (0, 0, 0))
        return BitMap.deserialize(self.grams_bin[off:off + size]) if size else BitMap()

    def rarest(self, folded: str) -> list[str] | None:
        """The run's bigrams, rarest first; None when one of them occurs nowhere."""
        grams = set(bigrams(folded))
        if any(g not in self.grams for g in grams):
            return None
        return sorted(grams, key=lambda g: (self.grams[g][2], g))

    def close(self) -> None:
        self.finder.close()   # its views of texts.bin first: a map with views cannot close
        for mapped in (self.texts, self.grams_bin):
            if isinstance(mapped, mmap.mmap):
                mapped.close()
