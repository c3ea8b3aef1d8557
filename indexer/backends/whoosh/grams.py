"""Exact matching beside Whoosh: every section's folded text and, per character bigram, the
sections that contain it.

A generation holds `texts.bin` (the folded text of every section, UTF-8, memory-mapped) and
`grams.bin` + `grams.idx` (for every bigram, the sorted section ids `sid` as uint32 arrays, and
where each section's text lies in texts.bin). A run of characters occurs in a section only if all
its bigrams do, so the sections listed under its rarest bigrams are the candidates, each checked
with one C-speed `find` in texts.bin. The lists are kept beside Whoosh rather than in it because
Whoosh writes postings in pure Python: bigrams are ~70% of all postings and made indexing several
times slower, while positional phrase matching over bigrams cost ~1 ms per candidate section.
"""

from __future__ import annotations

import mmap
import os
import pickle
import shutil
from array import array
from collections import defaultdict
from pathlib import Path
from typing import Any

from indexer.text.analysis import bigrams, gram_set

class GramWriter:
    """Writes a generation's texts and bigram lists: the previous generation's plus new sections.

    Section ids only grow, so appending new ids keeps every list sorted; the ids of deleted
    sections stay in the lists (their Whoosh documents are gone, so they never match) until the
    next full build or compacting run (`WhooshRun.compacting`).
    """

    def __init__(self, gen: Path, prev: Path | None):
        self.gen = gen
        self.old: dict[str, tuple[int, int]] = {}
        self.old_bin: bytes | mmap.mmap = b""
        self.starts, self.lengths = array("q"), array("I")
        if prev is not None:
            meta = _load_meta(prev)
            self.old, self.starts, self.lengths = meta["grams"], meta["starts"], meta["lengths"]
            self.old_bin = _map(prev / "grams.bin")
            shutil.copyfile(prev / "texts.bin", gen / "texts.bin")
        self.texts = open(gen / "texts.bin", "ab")
        self.new: dict[str, list[int]] = defaultdict(list)

    def add(self, folded: str) -> int:
        """Record one section's folded text; returns its section id."""
        sid = len(self.starts)
        data = folded.encode("utf-8")
        self.starts.append(self.texts.tell())
        self.lengths.append(len(data))
        self.texts.write(data)
        for gram in gram_set(folded):
            self.new[gram].append(sid)
        return sid

    def close(self) -> None:
        """Write grams.bin and grams.idx."""
        self.texts.close()
        grams: dict[str, tuple[int, int]] = {}
        pos = 0
        with open(self.gen / "grams.bin", "wb") as out:
            for gram in self.old.keys() | self.new.keys():
                chunk = b""
                if gram in self.old:
                    off, n = self.old[gram]
                    chunk = self.old_bin[off * 4:(off + n) * 4]
                if gram in self.new:
                    chunk += array("I", self.new[gram]).tobytes()
                out.write(chunk)
                grams[gram] = (pos, len(chunk) // 4)
                pos += len(chunk) // 4
        if isinstance(self.old_bin, mmap.mmap):
            self.old_bin.close()
        meta = {"grams": grams, "starts": self.starts, "lengths": self.lengths}
        with open(self.gen / "grams.idx", "wb") as out:
            pickle.dump(meta, out, protocol=pickle.HIGHEST_PROTOCOL)


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
    """A generation's texts and bigram lists, opened (memory-mapped) for reading."""

    def __init__(self, gen: Path):
        meta = _load_meta(gen)
        self.grams: dict[str, tuple[int, int]] = meta["grams"]
        self.starts, self.lengths = meta["starts"], meta["lengths"]
        self.texts = _map(gen / "texts.bin")
        self.grams_bin = _map(gen / "grams.bin")

    def span(self, sid: int) -> tuple[int, int]:
        """Where a section's text lies in texts.bin."""
        return self.starts[sid], self.starts[sid] + self.lengths[sid]

    def size(self, gram: str) -> int:
        """How many sections list the bigram (0 when none does)."""
        return self.grams.get(gram, (0, 0))[1]

    def sids(self, gram: str) -> array:
        """The ids of the sections whose text contains the bigram."""
        off, n = self.grams.get(gram, (0, 0))
        out = array("I")
        out.frombytes(self.grams_bin[off * 4:(off + n) * 4])
        return out

    def rarest(self, folded: str) -> list[str] | None:
        """The run's bigrams, rarest first; None when one of them occurs nowhere."""
        grams = set(bigrams(folded))
        if any(g not in self.grams for g in grams):
            return None
        return sorted(grams, key=lambda g: (self.grams[g][1], g))

    def close(self) -> None:
        for mapped in (self.texts, self.grams_bin):
            if isinstance(mapped, mmap.mmap):
                mapped.close()
