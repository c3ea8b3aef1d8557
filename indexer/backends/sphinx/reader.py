"""An open generation of a Sphinx cluster: what search asks of an index, as SphinxQL over the
head's distributed indexes, seeing only the documents of the published generation G
(``born <= G AND died > G``)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from indexer.backends.bm25 import idf, length_norm, ranking_words, scores, summed_arrays
from indexer.backends.cache import BytesCache, read_only
from indexer.backends.numbering import Numbering
from indexer.backends.seam import Listing, Scores, Sections, no_sections, sections_from
from indexer.backends.sphinx.head import Head
from indexer.backends.sphinx.schema import DIST_RECORDS, DIST_SECTIONS, ID_END
from indexer.backends.sphinx.sphinxql import (RUN_AND_WORD_RANKER, escape_match, phrase_match,
                                              run_or_word_match, unpack, words_match)
from indexer.errors import Unavailable
from indexer.model.columns import report_columns
from indexer.model.record import Report
from indexer.store import MemoryPack
from indexer.text.analysis import query_words

LISTING_BYTES = 4 << 20      # about this much per reply when listing sections and summaries
RECORDS_AT_ONCE = 100         # records fetched by one query (a page of hits)
CACHE_BYTES = 64 * 2**20     # the shards' complete answers of recent runs and words, per reader
# Matching ids come back as GROUP_CONCAT strings, one per bucket of ids: searchd 2.2.11 builds a
# group's string in time that grows faster than its length (10k reports, "公开", 70,032 sections:
# one group 549 ms, 16 buckets 95 ms, 256 buckets 76 ms; at 100k one group per generation ran past
# the 10 s agent timeout).
BUCKET = "id % 256"


class SphinxReader(Listing):
    """Generation `generation` of the cluster behind `head`, opened."""

    def __init__(self, head: Head, generation: int):
        self.head, self.generation = head, generation
        self.name = f"generation {generation}"
        self._live = f"born <= {generation} AND died > {generation}"
        self._local = threading.local()
        self._cache = BytesCache(CACHE_BYTES)
        missing: set[str] = set()
        self._summaries = self._list_reports(missing)
        self._columns = report_columns(list(self._summaries), self._summaries)
        self._sections = self._list_sections(missing)
        self.complete = not missing   # a listing with a shard missing is not kept (see backend)
        if missing:
            self._missing().update(missing)

    def _missing(self) -> set[str]:
        found = getattr(self._local, "missing", None)
        if found is None:
            found = self._local.missing = set()
        return found

    def _listing(self, sql: str, missing: set[str]) -> Iterator[tuple]:
        """Every row of a listing (`sql` ends in its WHERE conditions), fetched in slices of the
        range of its ids small enough for one reply (searchd refuses a reply over
        max_packet_size, and a shard that cannot answer would make the listing short); a slice
        at a time, so that a caller keeping less than the rows never holds them all."""
        first = self.head.search(f"{sql} ORDER BY id ASC LIMIT 0,1 OPTION max_matches=1",
                                 missing, meta=True)
        total = first.total_found
        if total <= 1:
            yield from first.rows
            return
        last = self.head.search(f"{sql} ORDER BY id DESC LIMIT 0,1 OPTION max_matches=1",
                                missing).rows
        low, high = int(first.rows[0][0]), int(last[0][0]) if last else ID_END - 1
        row_bytes = max(64, 2 * len(repr(first.rows[0])))
        slices = max(1, -(-total * row_bytes // LISTING_BYTES))
        step = -(-(high + 1 - low) // slices)
        listed = 0
        for start in range(low, high + 1, step):
            rows = self.head.search(
                f"{sql} AND id >= {start} AND id < {start + step} ORDER BY id ASC "
                f"LIMIT 0,{total} OPTION max_matches={total}", missing).rows
            listed += len(rows)
            yield from rows
        if listed < total and not missing:
            missing.add("a listing that came back short")

    def _list_sections(self, missing: set[str]) -> Sections:
        rows = list(self._listing(f"SELECT id, report_id, section, ordinal, wordcount FROM "
                                  f"{DIST_SECTIONS} WHERE {self._live}", missing))
        known = [row for row in rows if row[1] in self._summaries]
        if len(known) < len(rows):   # sections of a report the records listing did not give
            missing.add("a listing that came back short")
        rows = sorted(known, key=lambda row: int(row[0]))
        lengths = np.array([int(n) or 1 for *_row, n in rows], dtype=np.float64)
        average = float(lengths.sum()) / max(1, len(rows)) or 1
        self._norms = length_norm(lengths, average)   # by section number
        self._numbering = Numbering(int(row[0]) for row in rows)
        return sections_from(((rid, slug, int(o)) for _i, rid, slug, o, _n in rows),
                             self._columns.ids)

    def _list_reports(self, missing: set[str]) -> MemoryPack:
        """Every report's summary, kept compressed (`MemoryPack`), and its document's id (a
        filter on id is a lookup: `records`)."""
        self._record_ids: dict[str, int] = {}

        def texts() -> Iterator[tuple[str, str]]:
            for doc_id, report_id, summary in self._listing(
                    f"SELECT id, report_id, summary FROM {DIST_RECORDS} WHERE {self._live}",
                    missing):
                self._record_ids[report_id] = int(doc_id)
                yield report_id, summary
        return MemoryPack(texts())

    # --- SectionIndex ---------------------------------------------------------------------

    def records(self, report_ids: list[str]) -> dict[str, Report]:
        """Records by their documents' ids, RECORDS_AT_ONCE a query (a filter on id is a
        lookup; on report_id, a scan of every record: ~15 ms a report at 100k)."""
        wanted = list(dict.fromkeys(report_ids))
        for rid in wanted:
            self.check_known(rid)
        found: dict[str, Report] = {}
        for start in range(0, len(wanted), RECORDS_AT_ONCE):
            ids = ",".join(str(self._record_ids[rid])
                           for rid in wanted[start:start + RECORDS_AT_ONCE])
            answer = self.head.search(f"SELECT report_id, record FROM {DIST_RECORDS} WHERE "
                                      f"id IN ({ids}) AND {self._live} LIMIT 0,"
                                      f"{RECORDS_AT_ONCE}", self._missing())
            found.update((rid, Report.from_dict(json.loads(unpack(packed))))
                         for rid, packed in answer.rows)
        absent = [rid for rid in wanted if rid not in found]
        if absent:
            raise Unavailable(f"report '{absent[0]}' is on a shard that does not answer now; "
                              "try again later")
        return found

    def _answer(self, key: tuple, compute: Callable[[set[str]], np.ndarray]) -> np.ndarray:
        """An answer of the shards (read-only), kept for the next search — the next page, a
        facet clicked, the same query from another user — when every shard gave its part."""
        missing: set[str] = set()
        value = self._cache.get(key, lambda: read_only(compute(missing)),
                                keep=lambda: not missing)
        self._missing().update(missing)
        return value

    def exact(self, folded: str) -> np.ndarray:
        """Sections holding the run: a phrase of its characters over `chars` (exact as is). A
        run that is one word is asked with its word frequencies (`_run_and_word`)."""
        if not folded:
            return no_sections()
        compute = self._run_and_word if query_words(folded) == [folded] else self._exact
        return self._answer(("exact", folded), lambda missing: compute(folded, missing))

    def _exact(self, folded: str, missing: set[str]) -> np.ndarray:
        rows = self._grouped(f"SELECT {BUCKET} AS bucket, GROUP_CONCAT(id) FROM {DIST_SECTIONS} "
                             f"WHERE MATCH({phrase_match(folded)}) AND {self._live} "
                             f"GROUP BY bucket", "ranker=none", missing)
        return self._numbering.numbers(_integers(row[1] for row in rows))

    def _run_and_word(self, word: str, missing: set[str]) -> np.ndarray:
        """The run's sections and, from the same query, the word's frequencies and count, kept
        as the word's answers: a search asks for a word's exact matches, then for its scores
        (one query instead of three: 不予 at 100k, 65 ms instead of 55 + 40 + 17)."""
        rows = self._grouped(f"SELECT {BUCKET} AS bucket, WEIGHT() AS w, GROUP_CONCAT(id), "
                             f"GROUP_CONCAT(w) FROM {DIST_SECTIONS} WHERE "
                             f"MATCH({run_or_word_match(word)}) AND {self._live} GROUP BY bucket",
                             RUN_AND_WORD_RANKER, missing)
        ids, weights = _integers(row[2] for row in rows), _integers(row[3] for row in rows)
        tfs = weights >> 1
        held = tfs > 0
        if not missing:   # (a partial answer is not kept: see `_answer`)
            frequencies = read_only(np.stack([ids[held], tfs[held]]))
            self._cache.get(("words", word), lambda: frequencies)
            self._cache.get(("count", word),
                            lambda: read_only(np.array([int(held.sum())], dtype=np.int64)))
        return self._numbering.numbers(ids[(weights & 1) == 1])

    def _grouped(self, sql: str, options: str, missing: set[str]) -> tuple[tuple, ...]:
        """A query that folds every matching section into one row per bucket of ids
        (GROUP_CONCAT): a few hundred strings parsed at C speed instead of a row per section."""
        return self.head.search(f"{sql} LIMIT 0,1000 OPTION max_matches=1000, {options}",
                                missing).rows

    def word_scores(self, words: list[str]) -> Scores | None:
        """BM25F over the words, computed here as the embedded index computes it (searchd
        gives each section's term frequency, the index's own lengths and document frequencies
        give the rest: the same statistics on every shard), the common words left out the same
        way. The sum of the words' scores, in section order."""
        freqs = {w: self._frequency(w) for w in dict.fromkeys(words) if escape_match(w).strip()}
        freqs = {w: f for w, f in freqs.items() if f}
        if not freqs:
            return None
        n = len(self._norms)
        scored = []
        for word in ranking_words(freqs, n):
            # (a section outside the listing — a shard back mid-search — is not in the view)
            ids, tfs = self._answer(("words", word),
                                    lambda missing: self._frequencies(word, missing))
            numbers, where = self._numbering.lookup(ids)
            scored.append((numbers, scores(tfs[where].astype(np.float64), self._norms[numbers],
                                           idf(n, freqs[word]))))
        numbers, values = summed_arrays(scored)
        return Scores(numbers.astype(np.int32, copy=False), values)

    def _frequencies(self, word: str, missing: set[str]) -> np.ndarray:
        """[section ids, how often the word occurs in each one's words] (int64, 2 × n) for every
        section holding it (the two GROUP_CONCATs of a group run over its rows in one order)."""
        rows = self._grouped(f"SELECT {BUCKET} AS bucket, WEIGHT() AS tf, GROUP_CONCAT(id), "
                             f"GROUP_CONCAT(tf) FROM {DIST_SECTIONS} WHERE "
                             f"MATCH({words_match([word])}) AND {self._live} GROUP BY bucket",
                             "ranker=expr('sum(hit_count)')", missing)
        ids, tfs = _integers(row[2] for row in rows), _integers(row[3] for row in rows)
        return np.stack([ids, tfs])

    def _frequency(self, word: str) -> int:
        """How many live sections hold the word."""
        def count(missing: set[str]) -> np.ndarray:
            answer = self.head.search(f"SELECT id FROM {DIST_SECTIONS} WHERE "
                                      f"MATCH({words_match([word])}) AND {self._live} LIMIT 0,1",
                                      missing, meta=True)
            return np.array([answer.total_found], dtype=np.int64)
        return int(self._answer(("count", word), count)[0])

    def missing(self) -> list[str]:
        found = self._missing()
        out = sorted(found)
        found.clear()
        return out

    def close(self) -> None:
        self.head.close()


def _integers(lists: Iterable[str]) -> np.ndarray:
    """GROUP_CONCAT strings of integers (comma separated) as one int64 array, parsed in C
    (a Python int() per id took ten times as long: 0.3 s for 700,000 ids)."""
    joined = ",".join(lists)
    return np.fromstring(joined, dtype=np.int64, sep=",") if joined else np.zeros(0, np.int64)
