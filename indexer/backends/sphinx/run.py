"""One indexing run against a Sphinx cluster.

Documents carry the generations they live in (`born`, `died`; see `schema`) and ids a run counts
up from above every id in the cluster (`ID_ROOM`). The `words` field holds jieba's search-mode
words of the folded section, space separated, and `wordcount` their number. A run at generation
N = G + 1 (G published) writes new and changed reports with ``born = N`` and marks the sections of
changed, vanished (or, for a full run, all) reports ``died = N``: readers at G see none of it.
`publish` writes N into the head's meta in one statement — the moment the run becomes visible —
and then deletes what no generation from G on can see. A run killed before that leaves G live and
complete; the next run first removes its leftovers. Every replica of a shard gets every write
(searchd does not replicate RT indexes), and a run refuses to start unless every replica answers.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from typing import Any

from indexer.backends.seam import SectionDoc
from indexer.backends.sphinx.head import Head, node_connection
from indexer.backends.sphinx.schema import (DIST_SECTIONS, ID_END, LIVE, META, META_GENERATION,
                                            META_LOCK, RECORDS, SECTIONS)
from indexer.backends.sphinx.sphinxql import chars_field, grams_field, pack, quote, unpack
from indexer.errors import GongkaiError
from indexer.text.analysis import word_tokens

BATCH_BYTES = 2 << 20   # one REPLACE statement (searchd's max_packet_size is 32M here, 8M default)
# Document ids come from a counter, above every id in the cluster: short numbers (7 digits at a
# million sections, not a 19-digit hash) make the id lists of a search 2.5 times shorter and
# let a reader look them up in a table (`numbering`). Ids above ID_ROOM (a cluster of the older
# layout, whose ids were 63-bit hashes) leave no room above: a run then counts up from 1, below
# the lowest id there.
ID_ROOM = 1 << 62


def prepare(doc: SectionDoc) -> tuple[int, str]:
    """A section as the VALUES of its row but for id and generations (runs in the indexing
    workers): jieba's words, the characters, their bigrams, report, slug, ordinal, word count."""
    words = [word for word, _pos in word_tokens(doc.words)]
    return doc.ordinal, (f"{quote(' '.join(words))}, {quote(chars_field(doc.text))}, "
                         f"{quote(grams_field(doc.text))}, "
                         f"{quote(doc.report_id)}, {quote(doc.slug)}, {doc.ordinal}, {len(words)}")


def shard_of(report_id: str, shards: int) -> int:
    """The shard a report lives on: a stable hash (never Python's salted `hash`)."""
    digest = hashlib.blake2b(report_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


class SphinxRun:
    """An `IndexRun` on the cluster behind `head` (a context manager holding the run lock)."""

    def __init__(self, head: Head, signature: str, full: bool):
        self.head, self.signature, self.full, self.procs = head, signature, full, 1
        self.prepare = prepare
        self.holder = f"{socket.gethostname()}:{os.getpid()}"
        self._buffers: dict[int, list[tuple[str, str]]] = {}
        self._sizes: dict[int, int] = {}
        self._next_id, self._id_end = 1, ID_END

    def __enter__(self) -> "SphinxRun":
        self.replicas = {s: [node_connection(*node) for node in nodes]
                         for s, nodes in self.head.nodes().items()}
        try:
            self._lock()
            self._open()
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        try:
            self.head.query(f"DELETE FROM {META} WHERE id = {META_LOCK}")
        finally:
            self._close()

    def _close(self) -> None:
        for conns in self.replicas.values():
            for conn in conns:
                conn.close()

    def _lock(self) -> None:
        rows = self.head.query(f"SELECT id, holder FROM {META} WHERE id = {META_LOCK}").rows
        if rows and not _stale(rows[0][1]):
            raise GongkaiError(f"another indexing run ({rows[0][1]}) is writing to the cluster "
                               f"at {self.head.address}; wait for it to finish")
        self.head.query(f"REPLACE INTO {META} (id, generation, signature, files, holder) "
                        f"VALUES ({META_LOCK}, 0, '', '', {quote(self.holder)})")

    def _open(self) -> None:
        rows = self.head.query(f"SELECT id, generation, signature, files FROM {META} "
                               f"WHERE id = {META_GENERATION}").rows
        published, signature, files = (rows[0][1:] if rows else (0, "", ""))
        self.published = int(published)
        if not rows or signature != self.signature:
            self.full = True
        # What the published generation holds, even on a full run (the removal check of a run).
        self.live_files: dict[str, dict[str, Any]] = json.loads(unpack(files)) if files else {}
        self.files: dict[str, dict[str, Any]] = {} if self.full else self.live_files
        self.generation = self.published + 1
        live, g = f"died = {LIVE}", self.published
        self._everywhere(f"DELETE FROM {{index}} WHERE born > {g}",  # a killed run's leftovers
                         f"UPDATE {{index}} SET died = {LIVE} WHERE died > {g} AND died < {LIVE}")
        if self.full:
            self._everywhere(f"UPDATE {{index}} SET died = {self.generation} WHERE {live}")
        self._next_id, self._id_end = self._free_ids()

    def _free_ids(self) -> tuple[int, int]:
        """[first, end): the ids this run may give, none of them held by a document of any
        replica (above the highest; below the lowest when the highest leaves no room)."""
        low, high = ID_END, 0
        for conns in self.replicas.values():
            for conn in conns:
                with conn.cursor() as cur:
                    for index in (SECTIONS, RECORDS):
                        for order in ("ASC", "DESC"):
                            cur.execute(f"SELECT id FROM {index} ORDER BY id {order} LIMIT 0,1")
                            for (found,) in cur.fetchall():
                                low, high = min(low, int(found)), max(high, int(found))
        return (high + 1, ID_END) if high < ID_ROOM else (1, low)

    def _ids(self, count: int) -> range:
        first = self._next_id
        if first + count > self._id_end:
            raise GongkaiError("the cluster has no free document ids left below its older "
                               "documents; empty it and index again with --full")
        self._next_id += count
        return range(first, first + count)

    def _everywhere(self, *statements: str) -> None:
        for conns in self.replicas.values():
            for conn in conns:
                with conn.cursor() as cur:
                    for statement in statements:
                        for index in (SECTIONS, RECORDS):
                            cur.execute(statement.format(index=index))

    # --- IndexRun -------------------------------------------------------------------------

    def keep(self, report_id: str) -> None:
        """Unchanged reports keep their documents (died stays LIVE)."""

    def delete_reports(self, report_ids: list[str]) -> None:
        for rid in report_ids:
            for conn in self.replicas[shard_of(rid, len(self.replicas))]:
                with conn.cursor() as cur:
                    for index in (SECTIONS, RECORDS):
                        cur.execute(f"UPDATE {index} SET died = {self.generation} WHERE "
                                    f"report_id = {quote(rid)} AND died = {LIVE}")

    def add(self, report_id: str, record_json: str, summary: dict[str, Any],
            docs: list[tuple[int, str]]) -> None:
        shard, n = shard_of(report_id, len(self.replicas)), self.generation
        *ids, record_id = self._ids(len(docs) + 1)
        rows = [(SECTIONS, f"({i}, {values}, {n}, {LIVE})") for i, (_o, values) in zip(ids, docs)]
        title = summary.get("title") or ""
        rows.append((RECORDS, f"({record_id}, {quote(title)}, "
                              f"{quote(report_id)}, {n}, {LIVE}, "
                              f"{quote(json.dumps(summary, ensure_ascii=False))}, "
                              f"{quote(pack(record_json))})"))
        self._buffers.setdefault(shard, []).extend(rows)
        self._sizes[shard] = self._sizes.get(shard, 0) + sum(len(v) for _i, v in rows)
        if self._sizes[shard] > BATCH_BYTES:
            self._flush(shard)

    def _flush(self, shard: int) -> None:
        rows, self._buffers[shard], self._sizes[shard] = self._buffers.get(shard, []), [], 0
        columns = {SECTIONS: "(id, words, chars, grams, report_id, section, ordinal, wordcount, "
                             "born, died)",
                   RECORDS: "(id, title, report_id, born, died, summary, record)"}
        for index, cols in columns.items():
            values = [v for i, v in rows if i == index]
            if not values:
                continue
            for conn in self.replicas[shard]:
                with conn.cursor() as cur:
                    cur.execute(f"REPLACE INTO {index} {cols} VALUES " + ", ".join(values))

    def publish(self, files: dict[str, dict[str, Any]]) -> tuple[str, int]:
        for shard in list(self._buffers):
            self._flush(shard)
        self._everywhere("FLUSH RTINDEX {index}")
        self.head.query(f"REPLACE INTO {META} (id, generation, signature, files, holder) VALUES "
                        f"({META_GENERATION}, {self.generation}, {quote(self.signature)}, "
                        f"{quote(pack(json.dumps(files, ensure_ascii=False)))}, '')")
        # What no generation from the one before on can see any more.
        self._everywhere(f"DELETE FROM {{index}} WHERE died <= {self.published}")
        g = self.generation
        count = self.head.query(f"SELECT id FROM {DIST_SECTIONS} WHERE born <= {g} AND "
                                f"died > {g} LIMIT 0,1", meta=True)
        return f"generation {g}", count.total_found


def _stale(holder: str) -> bool:
    """A lock left by a run on this machine whose process is gone (killed) can be taken over."""
    host, _sep, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
