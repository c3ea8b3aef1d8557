"""An open generation of a Sphinx cluster: what search asks of an index, as SphinxQL over the
head's distributed indexes, seeing only the documents of the published generation G
(``born <= G AND died > G``)."""

from __future__ import annotations

import json
import threading
from math import log
from collections.abc import Iterator
from typing import Any

from indexer.backends.seam import SectionInfo
from indexer.backends.sphinx.head import Head
from indexer.backends.sphinx.schema import DIST_RECORDS, DIST_SECTIONS
from indexer.backends.sphinx.sphinxql import escape_match, phrase_match, quote, unpack, words_match
from indexer.errors import NotFound, Unavailable
from indexer.model.record import Report

COMMON_SHARE = 0.2           # as the embedded index: a word in more sections does not rank
BM25_B, BM25_K1 = 0.75, 1.2  # the embedded index's BM25F parameters


class SphinxReader:
    """Generation `generation` of the cluster behind `head`, opened."""

    def __init__(self, head: Head, generation: int):
        self.head, self.generation = head, generation
        self.name = f"generation {generation}"
        self._live = f"born <= {generation} AND died > {generation}"
        self._local = threading.local()
        missing: set[str] = set()
        self._sections, self._summaries = self._list_sections(missing), self._list_reports(missing)
        self.complete = not missing   # a listing with a shard missing is not kept (see backend)
        if missing:
            self._missing().update(missing)

    def _missing(self) -> set[str]:
        found = getattr(self._local, "missing", None)
        if found is None:
            found = self._local.missing = set()
        return found

    def _all(self, sql: str, missing: set[str], options: str = "") -> tuple[tuple, ...]:
        """Every row a query matches (max_matches raised to the total found). A query over
        sections can match no more than the live ones: once they are listed, one round trip."""
        more = f", {options}" if options else ""
        sections = getattr(self, "_sections", None)
        if sections is not None and f"FROM {DIST_SECTIONS} " in sql:
            n = max(1, len(sections))
            return self.head.search(f"{sql} LIMIT 0,{n} OPTION max_matches={n}{more}", missing).rows
        first = self.head.search(f"{sql} LIMIT 0,1 OPTION max_matches=1{more}", missing)
        total = first.total_found
        if total <= 1:
            return first.rows
        return self.head.search(f"{sql} LIMIT 0,{total} OPTION max_matches={total}{more}",
                                missing).rows

    def _list_sections(self, missing: set[str]) -> list[SectionInfo]:
        rows = self._all(f"SELECT id, report_id, section, ordinal, wordcount FROM {DIST_SECTIONS} "
                         f"WHERE {self._live} ORDER BY id ASC", missing)
        self._length = {int(i): int(n) or 1 for i, _r, _s, _o, n in rows}
        self._avg_length = sum(self._length.values()) / max(1, len(rows)) or 1
        return [SectionInfo(int(i), rid, slug, int(o)) for i, rid, slug, o, _n in rows]

    def _list_reports(self, missing: set[str]) -> dict[str, dict[str, Any]]:
        rows = self._all(f"SELECT id, report_id, summary FROM {DIST_RECORDS} WHERE {self._live}",
                         missing)
        return {rid: json.loads(summary) for _id, rid, summary in rows}

    # --- SectionIndex ---------------------------------------------------------------------

    def sections(self) -> Iterator[SectionInfo]:
        return iter(self._sections)

    def summaries(self) -> dict[str, dict[str, Any]]:
        return self._summaries

    def record(self, report_id: str) -> Report:
        if report_id not in self._summaries:
            raise NotFound(f"no report with id '{report_id}'")
        answer = self.head.search(f"SELECT id, record FROM {DIST_RECORDS} WHERE "
                                  f"report_id = {quote(report_id)} AND {self._live} LIMIT 0,1",
                                  self._missing())
        if not answer.rows:
            raise Unavailable(f"report '{report_id}' is on a shard that does not answer now; "
                              "try again later")
        return Report.from_dict(json.loads(unpack(answer.rows[0][1])))

    def exact(self, folded: str) -> set[int]:
        """Sections holding the run: a phrase of its characters over `chars` (exact as is)."""
        if not folded:
            return set()
        rows = self._grouped(f"SELECT born, GROUP_CONCAT(id) FROM {DIST_SECTIONS} WHERE "
                             f"MATCH({phrase_match(folded)}) AND {self._live} GROUP BY born",
                             "ranker=none")
        return {int(i) for row in rows for i in row[1].split(",")}

    def _grouped(self, sql: str, options: str) -> tuple[tuple, ...]:
        """A query that folds every matching section into one row per generation it was born in
        (GROUP_CONCAT): a few long strings split at C speed instead of a row per section."""
        return self.head.search(f"{sql} LIMIT 0,1000 OPTION max_matches=1000, {options}",
                                self._missing()).rows

    def word_scores(self, words: list[str]) -> dict[int, float] | None:
        """BM25F over the words, computed here as the embedded index computes it (searchd
        gives each section's term frequency, the index's own lengths and document frequencies
        give the rest: the same statistics on every shard), the common words left out the same
        way. The sum of the words' scores, in section order."""
        freqs = {w: self._frequency(w) for w in dict.fromkeys(words) if escape_match(w).strip()}
        freqs = {w: f for w, f in freqs.items() if f}
        if not freqs:
            return None
        n = len(self._sections)
        chosen = [w for w, f in freqs.items() if f <= COMMON_SHARE * max(1, n)] \
            or [min(freqs, key=freqs.get)]
        total: dict[int, float] = {}
        for word in chosen:
            idf = log(n / (freqs[word] + 1)) + 1
            for number, tf in self._frequencies(word):
                norm = BM25_K1 * ((1 - BM25_B) + BM25_B * self._length.get(number, 1)
                                  / self._avg_length)
                total[number] = total.get(number, 0.0) + idf * (tf * (BM25_K1 + 1)) / (tf + norm)
        return dict(sorted(total.items()))

    def _frequencies(self, word: str) -> list[tuple[int, int]]:
        """(section, how often the word occurs in its words) for every section holding it (the
        two GROUP_CONCATs of a group run over its rows in one order)."""
        rows = self._grouped(f"SELECT born, WEIGHT() AS tf, GROUP_CONCAT(id), GROUP_CONCAT(tf) "
                             f"FROM {DIST_SECTIONS} WHERE MATCH({words_match([word])}) AND "
                             f"{self._live} GROUP BY born", "ranker=expr('sum(hit_count)')")
        return [(int(i), int(tf)) for row in rows
                for i, tf in zip(row[2].split(","), row[3].split(","))]

    def _frequency(self, word: str) -> int:
        answer = self.head.search(f"SELECT id FROM {DIST_SECTIONS} WHERE "
                                  f"MATCH({words_match([word])}) AND {self._live} LIMIT 0,1",
                                  self._missing())
        return answer.total_found

    def missing(self) -> list[str]:
        found = self._missing()
        out = sorted(found)
        found.clear()
        return out

    def close(self) -> None:
        self.head.close()
