"""An open generation of the embedded index: BM25 word scores from Whoosh, exact matches from
the bigram lists, records and summaries from the store."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np
from whoosh import index as whoosh_index

from indexer.backends.bm25 import BM25_K1, idf, length_norm, ranking_words, summed
from indexer.backends.seam import Listing, Numbering, Scores, Sections, sections_from
from indexer.backends.whoosh.exact import ExactMatcher
from indexer.backends.whoosh.grams import GramLists
from indexer.backends.whoosh.internals import blocks
from indexer.backends.whoosh.writer import WORDS

from indexer.model.record import Report
from indexer.store import Generation

WORD_CACHE = 8  # words whose scores stay in memory (a query reads each word twice)


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
        self.live: frozenset[int] = frozenset(reader.all_doc_ids())
        self._columns = generation.columns()
        self._read_columns(reader)
        self._deletions = len(self.live) < reader.doc_count_all()
        self._norm = self._length_norms(reader.doc_count_all())
        self._word_cache: OrderedDict[str, dict[int, float]] = OrderedDict()
        # Searchers and mapped files are released when the reader is dropped (a re-index swapped
        # in a new generation and the last search using this one let go of it), or at exit.
        self._finalizer = weakref.finalize(self, _release, self._searchers, self._lock, self.grams)

    def _read_columns(self, reader: Any) -> None:
        """The live sections as the seam's columns (section number = rank of the docnum) and
        the exact matcher over their section ids: one list per Whoosh column, converted once."""
        docnums = np.array(sorted(self.live), dtype=np.int64)
        self._numbering = Numbering(docnums)
        names = ("report_id", "section", "ordinal", "sid")
        rcol, scol, ocol, icol = ((list(reader.column_reader(name)) if len(docnums) else [])
                                  for name in names)
        self._sections = _section_columns(rcol, scol, ocol, docnums, self._columns.ids)
        number_of_sid = np.full(len(self.grams.starts), -1, dtype=np.int32)
        if len(docnums):
            number_of_sid[np.asarray(icol, dtype=np.int64)[docnums]] = np.arange(
                len(docnums), dtype=np.int32)
        self._exact_matcher = ExactMatcher(self.grams, number_of_sid)

    def _length_norms(self, n: int) -> list[float]:
        """BM25's length part of each section, as Whoosh's BM25F computes it per posting, with
        the average length taken over the live sections' stored (one-byte encoded) lengths: it
        depends only on which sections are live, not on deleted ones or on how segments were
        written or merged, so an incrementally updated index scores as a full rebuild does."""
        length = self.searcher.doc_field_length
        lengths = [length(d, "words", 1) or 1 for d in range(n)]
        avgfl = (sum(lengths[d] for d in self.live) / len(self.live) if self.live else 0) or 1
        return [length_norm(fl, avgfl) for fl in lengths]

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
        """BM25 over the words as whole words (`bm25.ranking_words` of them, summed); None when
        no word occurs as a word."""
        freqs = {w: self._doc_frequency(w) for w in dict.fromkeys(words)}
        freqs = {w: f for w, f in freqs.items() if f}
        if not freqs:
            return None
        return self._numbering.scores(
            summed([self._word(word) for word in ranking_words(freqs, len(self.live))]))

    def _word(self, word: str) -> dict[int, float]:
        """BM25 score of every live section holding `word` as a word, in docnum order.

        The same score Whoosh's BM25F gives (same formula, statistics and encoded lengths),
        computed over postings read a block at a time (`internals.blocks`): scoring through
        Whoosh's matchers costs ~13 us per section in Python, and a common word is in most."""
        with self._lock:
            if word in self._word_cache:
                self._word_cache.move_to_end(word)
                return self._word_cache[word]
        out = self._postings_scores(word)
        with self._lock:
            self._word_cache[word] = out
            while len(self._word_cache) > WORD_CACHE:
                self._word_cache.popitem(last=False)
        return out

    def _doc_frequency(self, word: str) -> int:
        """How many live sections hold the word (Whoosh's count includes deleted ones)."""
        if not self._deletions:
            return self.searcher.doc_frequency("words", word)
        return len(self._word(word)) if self.searcher.doc_frequency("words", word) else 0

    def _postings_scores(self, word: str) -> dict[int, float]:
        """Whoosh's BM25F over the live sections only: idf `log(N / (n + 1)) + 1` with N the live
        sections and n the live ones holding the word (Whoosh counts deleted ones too)."""
        searcher = self.searcher
        if not searcher.doc_frequency("words", word):
            return {}
        postings: list[tuple[list[int], Any]] = []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            if ("words", word) not in reader:
                continue
            for ids, weights in blocks(reader.postings("words", word)):
                postings.append(([d + offset for d in ids] if offset else ids, weights))
        live = self.live
        if self._deletions:  # postings still list deleted sections
            postings = [tuple(map(list, zip(*pairs))) for pairs in
                        ([(d, w) for d, w in zip(ids, weights) if d in live]
                         for ids, weights in postings) if pairs]
        if not postings:
            return {}
        n = sum(len(ids) for ids, _ in postings)
        weight, k, norm = idf(len(live), n), BM25_K1 + 1, self._norm
        out: dict[int, float] = {}
        for ids, weights in postings:
            out.update(zip(ids, [weight * ((w * k) / (w + norm[d])) for d, w in zip(ids, weights)]))
        return out

    def exact(self, folded: str) -> np.ndarray:
        """Sections whose folded text contains `folded` verbatim (see `exact.py`)."""
        return self._exact_matcher.numbers(folded)


def _section_columns(rcol: list[str], scol: list[str], ocol: list[int], docnums: np.ndarray,
                     report_ids: list[str]) -> Sections:
    """The seam's `Sections` of the live docnums from Whoosh's per-document columns (every
    document, live and deleted): dict look-ups through `map` and numpy indexing, no Python loop
    per section; slugs are numbered in order of first appearance, as `sections_from` does."""
    if not len(docnums):
        return sections_from([], report_ids)
    rids = np.asarray(rcol, dtype=object)[docnums].tolist()
    slugs = np.asarray(scol, dtype=object)[docnums].tolist()
    number_of = {rid: i for i, rid in enumerate(report_ids)}
    slug_of = {name: i for i, name in enumerate(dict.fromkeys(slugs))}
    n = len(docnums)
    return Sections(np.fromiter(map(number_of.__getitem__, rids), dtype=np.int32, count=n),
                    np.fromiter(map(slug_of.__getitem__, slugs), dtype=np.int16, count=n),
                    np.asarray(ocol, dtype=np.int32)[docnums], list(slug_of))


def _release(searchers: list[Any], lock: threading.Lock, grams: GramLists) -> None:
    with lock:
        for searcher in searchers:
            searcher.close()
        searchers.clear()
    grams.close()
