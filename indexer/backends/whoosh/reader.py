"""An open generation of the embedded index: BM25 word scores from Whoosh, exact matches from
the bigram lists, records and summaries from the store."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from typing import Any

import numpy as np
from whoosh import index as whoosh_index

from indexer.backends.seam import Listing, Numbering, Scores, no_sections, sections_from
from indexer.backends.whoosh.common import CommonPostings
from indexer.backends.whoosh.grams import GramLists
from indexer.backends.whoosh.words import WordScorer, WordScores
from indexer.backends.whoosh.writer import WORDS

from indexer.model.columns import report_columns
from indexer.model.record import Report
from indexer.store import Generation


class WhooshReader(Listing):
    """One generation, opened. Section numbers are Whoosh document numbers."""

    def __init__(self, generation: Generation, manifest: dict[str, Any], part: str):
        self.name = generation.name
        self._generation = generation
        self._summaries: dict[str, dict[str, Any]] = manifest["reports"]
        self.ix = whoosh_index.open_dir(str(generation.part(part) / WORDS))
        self._local = threading.local()
        self._searchers: list[Any] = []
        self._lock = threading.Lock()
        self.grams = GramLists(generation.part(part))
        reader = self.searcher.reader()
        self.live: frozenset[int] = frozenset(reader.all_doc_ids())
        self._columns = report_columns(list(self._summaries), self._summaries)
        self._span: dict[int, tuple[int, int]] = {}
        self._number_of_sid: dict[int, int] = {}
        self._read_columns(reader)
        this = weakref.ref(self)   # no cycle: the finalizer below runs when the reader is dropped
        self.words = WordScorer(lambda: this().searcher, self._numbering.ids,
                                CommonPostings(generation.part(part)))
        # Searchers and mapped files are released when the reader is dropped (a re-index swapped
        # in a new generation and the last search using this one let go of it), or at exit.
        self._finalizer = weakref.finalize(self, _release, self._searchers, self._lock, self.grams)

    def _read_columns(self, reader: Any) -> None:
        docnums = sorted(self.live)
        self._numbering = Numbering(docnums)
        rows: list[tuple[str, str, int]] = []
        if docnums:
            names = ("report_id", "section", "ordinal", "sid")
            rcol, scol, ocol, icol = (list(reader.column_reader(name)) for name in names)
            for docnum in docnums:
                sid = icol[docnum]
                rows.append((rcol[docnum], scol[docnum], ocol[docnum]))
                self._span[docnum] = self.grams.span(sid)
                self._number_of_sid[sid] = docnum
        self._sections = sections_from(rows, self._columns.ids)

    @property
    def searcher(self) -> Any:
        """This thread's searcher (web workers are threads; a searcher is not shared)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._local.searcher = self.ix.searcher()
            with self._lock:
                self._searchers.append(searcher)
        return searcher

    def missing(self) -> list[str]:
        return []   # one machine: nothing can be missing

    def close(self) -> None:
        self._finalizer()

    # --- SectionIndex ---------------------------------------------------------------------

    def record(self, report_id: str) -> Report:
        self.check_known(report_id)
        return self._generation.read_record(report_id)

    def word_scores(self, words: list[str]) -> Scores | None:
        """BM25 over the words as whole words (see `words.WordScorer`); None when no word
        occurs as a word."""
        return self.words.word_scores(words)

    def _word(self, word: str) -> WordScores:
        """The word's BM25 score in every live section holding it, by docnum (iterating it
        gives the docnums)."""
        return self.words.scored(word)

    def _doc_frequency(self, word: str) -> int:
        """How many live sections hold the word."""
        return self.words.frequency(word)

    def exact(self, folded: str) -> np.ndarray:
        """Sections whose folded text contains `folded` verbatim (see `grams`)."""
        found = self._exact(folded)
        return self._numbering.numbers(found) if found else no_sections()

    def _exact(self, folded: str) -> set[int]:
        """The docnums of the sections whose folded text contains `folded`."""
        if not folded:
            return set()
        if len(folded) == 1:
            return self._verified(folded, self.live)
        rarest = self.grams.rarest(folded)
        if rarest is None:
            return set()
        candidates = self._numbers(self.grams.sids(rarest[0]))
        if len(folded) == 2:
            return candidates
        # Narrow by more bigrams while a list costs less to decode (C speed, ~0.1 us an id)
        # than the `find`s it saves (~1 us a candidate, in a Python loop).
        for gram in rarest[1:4]:
            if self.grams.size(gram) > 8 * len(candidates):
                break
            candidates &= self._numbers(self.grams.sids(gram))
        sure: set[int] = set()
        if self._doc_frequency(folded):  # held as a word: no check needed
            sure = candidates.intersection(self._word(folded))
            candidates -= sure
        return sure | self._verified(folded, candidates)

    def _numbers(self, sids: Iterable[int]) -> set[int]:
        """Section numbers of section ids, at C speed; deleted sections are dropped."""
        numbers = set(map(self._number_of_sid.get, sids))
        numbers.discard(None)
        return numbers

    def _verified(self, folded: str, candidates: Iterable[int]) -> set[int]:
        pattern = folded.encode("utf-8")
        find, span = self.grams.texts.find, self._span
        return {d for d in candidates if find(pattern, *span[d]) >= 0}


def _release(searchers: list[Any], lock: threading.Lock, grams: GramLists) -> None:
    with lock:
        for searcher in searchers:
            searcher.close()
        searchers.clear()
    grams.close()
