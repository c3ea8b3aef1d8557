"""An open generation of the embedded index: BM25 word scores from Whoosh, exact matches from
the bigram lists, records and summaries from the store."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index

from indexer.backends.numbering import Numbering
from indexer.backends.seam import Listing, Scores, Sections, sections_from
from indexer.backends.whoosh.common import CommonPostings
from indexer.backends.whoosh.docs import DocColumns, read_docs
from indexer.backends.whoosh.exact import ExactMatcher
from indexer.backends.whoosh.grams import GramLists
from indexer.backends.whoosh.internals import live_docnums
from indexer.backends.whoosh.words import WordScorer
from indexer.backends.whoosh.writer import WORDS
from indexer.model.record import Report
from indexer.store import Generation


class WhooshReader(Listing):
    """One generation, opened. Section numbers are Whoosh document numbers."""

    def __init__(self, generation: Generation, part: str):
        self.name = generation.name
        self._generation = generation
        # Summaries are read from disk one at a time when asked for; the columns were written
        # when the generation was published (their large arrays are mapped, not read).
        self._summaries: Mapping[str, dict[str, Any]] = generation.summaries()
        self.ix = whoosh_index.open_dir(str(generation.part(part) / WORDS))
        self._local = threading.local()
        self._searchers: list[Any] = []
        self._lock = threading.Lock()
        self.grams = GramLists(generation.part(part))
        reader = self.searcher.reader()
        # the live docnums, ascending (a Whoosh index with deletions skips the deleted ones)
        self.live = live_docnums(self.searcher.leaf_searchers())
        self._columns = generation.columns()
        self._read_columns(reader, generation.part(part))
        this = weakref.ref(self)   # no cycle: the finalizer below runs when the reader is dropped
        self.words = WordScorer(lambda: this().searcher, self._numbering.ids,
                                CommonPostings(generation.part(part)))
        # Searchers and mapped files are released when the reader is dropped (a re-index swapped
        # in a new generation and the last search using this one let go of it), or at exit.
        self._finalizer = weakref.finalize(self, _release, self._searchers, self._lock, self.grams)

    def _read_columns(self, reader: Any, part: Path) -> None:
        """The live sections as the seam's columns (section number = rank of the docnum) and
        the exact matcher over their section ids, from the documents' columns (`docs.py`)."""
        docnums = self.live
        self._numbering = Numbering(docnums)
        docs = read_docs(part, reader)
        self._sections = _section_columns(docs, docnums, self._columns.ids)
        number_of_sid = np.full(len(self.grams.starts), -1, dtype=np.int32)
        number_of_sid[docs.sid[docnums]] = np.arange(len(docnums), dtype=np.int32)
        self._exact_matcher = ExactMatcher(self.grams, number_of_sid)

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

    def exact(self, folded: str) -> np.ndarray:
        """Sections whose folded text contains `folded` verbatim (see `exact.py`)."""
        return self._exact_matcher.numbers(folded)


def _section_columns(docs: DocColumns, docnums: np.ndarray, report_ids: list[str]) -> Sections:
    """The seam's `Sections` of the live docnums: each document's report code mapped to its
    place in the generation's report columns, by numpy indexing (no loop per section)."""
    if not len(docnums):
        return sections_from([], report_ids)
    number_of = {rid: i for i, rid in enumerate(report_ids)}
    place = np.fromiter((number_of.get(rid, -1) for rid in docs.report_ids), dtype=np.int32,
                        count=len(docs.report_ids))
    return Sections(place[docs.report[docnums]], docs.slug[docnums].astype(np.int16),
                    docs.ordinal[docnums].astype(np.int32), list(docs.slugs))


def _release(searchers: list[Any], lock: threading.Lock, grams: GramLists) -> None:
    with lock:
        for searcher in searchers:
            searcher.close()
        searchers.clear()
    grams.close()
