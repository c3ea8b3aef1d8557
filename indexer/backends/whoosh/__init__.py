"""The embedded backend (the default): a Whoosh index of section words and bigram lists for exact
matching, inside each generation of a `Store` directory.

    schema.py     the section document and its analyzer (pickled into the index by Whoosh)
    internals.py  the one place that reads Whoosh's private posting blocks and length columns
    common.py     the common words' postings, exported as arrays when a run finishes
    words.py      BM25 word scores as numpy arrays (exported or Whoosh postings, byte-bounded cache)
    grams.py      texts and bigram lists (Roaring bitmaps) for exact matching, written and read
    exact.py      exact runs: bigram bitmaps intersected, candidates verified in the texts
    writer.py     the Whoosh index and bigram lists of a new generation
    run.py        one indexing run: a new generation of the store, published atomically
    reader.py     an open generation: BM25 word scores, exact matches, records
"""

from __future__ import annotations

import threading
from pathlib import Path

from indexer.backends.whoosh.reader import WhooshReader
from indexer.backends.whoosh.run import WhooshRun
from indexer.errors import GongkaiError
from indexer.store import Generation, Store
from indexer.text.analysis import index_signature

PART = "whoosh"  # the backend's directory inside a generation
LAYOUT_VERSION = "4"  # bump when the files of PART or the store change: forces a full build


class WhooshBackend:
    """An index directory read and written through the store's generations."""

    def __init__(self, index_dir: str | Path):
        self.store = Store(index_dir)
        self.location = str(index_dir)
        self.signature = f"{index_signature()}-whoosh{LAYOUT_VERSION}"
        self._lock = threading.Lock()
        self._reader: WhooshReader | None = None

    def check(self) -> None:
        """Raise GongkaiError unless there is a live generation this version can read (its
        manifest only: nothing is opened)."""
        current = self._current()
        current.check_signature(current.header(), self.signature)

    def _current(self) -> Generation:
        current = self.store.current()
        if current is None:
            raise GongkaiError(f"no index in {self.location}; run `gongkai index` first")
        return current

    def reader(self) -> WhooshReader:
        """The live generation, opened; reopened when a run has published a new one."""
        current = self._current()
        with self._lock:
            if self._reader is None or self._reader.name != current.name:
                self._reader = _open(current, self.signature)
            return self._reader

    def close(self) -> None:
        with self._lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    def start_run(self, full: bool, procs: int) -> WhooshRun:
        """A run writing a new generation of the store (use as a context manager)."""
        return WhooshRun(self.store, PART, self.signature, full, procs)


def _open(generation: Generation, signature: str) -> WhooshReader:
    """The generation's reader, after its manifest.json (signature and creation time, nothing
    per report or per file) has shown that this version of gongkai wrote it."""
    generation.check_signature(generation.header(), signature)
    return WhooshReader(generation, PART)
