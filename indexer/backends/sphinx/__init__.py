"""The cluster backend: the same search on sharded, replicated Sphinx/Manticore searchd.

    backend = SphinxBackend("sphinx://127.0.0.1:9306")   # the head's SphinxQL listener

Reports are routed to shards by a stable hash of their id; every shard replica holds its reports'
sections and records (`schema`), so web nodes keep no state of their own: they know only the
head. Queries go to the head's distributed indexes (`reader`), runs write every replica of each
shard and publish a generation atomically (`run`). `cluster` starts a local cluster for
development and tests. Only SphinxQL that both searchd 2.2.11 (Debian's sphinxsearch) and
Manticore understand is used (docs/DEPLOY.md).
"""

from __future__ import annotations

import threading

from indexer.backends.sphinx.head import Head, parse_url
from indexer.backends.sphinx.reader import SphinxReader
from indexer.backends.sphinx.run import SphinxRun
from indexer.backends.sphinx.schema import DIST_SECTIONS, META, META_GENERATION
from indexer.errors import GongkaiError
from indexer.text.analysis import index_signature

LAYOUT_VERSION = "5"   # bump when the cluster's indexes change: forces a full build


class SphinxBackend:
    """A cluster, by its head's address."""

    def __init__(self, url: str):
        self.location = url
        self.head = Head(*parse_url(url))
        self.signature = f"{index_signature()}-sphinx{LAYOUT_VERSION}"
        self._lock = threading.Lock()
        self._reader: SphinxReader | None = None

    def check(self) -> None:
        """Raise GongkaiError unless the cluster holds a published generation of this
        signature (one query to the head; nothing is opened)."""
        self._published()

    def _published(self) -> int:
        """The published generation's number, after its signature has been checked."""
        rows = self.head.query(f"SELECT id, generation, signature FROM {META} "
                               f"WHERE id = {META_GENERATION}").rows
        if not rows:
            raise GongkaiError(f"no index in the cluster at {self.head.address}; run "
                               f"`gongkai index --backend {self.location}` first")
        _id, generation, signature = rows[0]
        if signature != self.signature:
            raise GongkaiError(f"the index in the cluster at {self.head.address} was built by "
                               "another version of gongkai (or another user dictionary); run "
                               f"`gongkai index --full --backend {self.location}`")
        return generation

    def reader(self) -> SphinxReader:
        """The published generation, opened; reopened after a run. Every call also asks the
        shards (one cheap query): while one does not answer, the reader is opened afresh without
        its reports (and not kept), so answers come from the rest and say which shard is
        missing; once it answers again, the full reader comes back."""
        generation = self._published()
        missing: set[str] = set()
        # (every shard is asked; no document has id 0, so none is scanned: 2 ms, not 15 at 100k)
        self.head.search(f"SELECT id FROM {DIST_SECTIONS} WHERE id = 0 LIMIT 0,1", missing)
        with self._lock:
            reader = self._reader
            if missing or reader is None or reader.generation != generation or not reader.complete:
                reader = SphinxReader(self.head, int(generation))
                self._reader = reader if reader.complete else None
            return reader

    def start_run(self, full: bool, procs: int) -> SphinxRun:
        return SphinxRun(self.head, self.signature, full)

    def close(self) -> None:
        with self._lock:
            self._reader = None
        self.head.close()
