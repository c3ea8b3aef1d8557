"""Everything that touches Whoosh: the schema, the analyzers, writing, and matching.

One Whoosh document per report *section*, all fields from the folded text (`indexer.analysis`):

* `words` — jieba words at ordinal positions: what ranks a match;
* `grams` — the set of character bigrams: candidates for exact-substring matching. A run of
  characters occurs in a section only if all its bigrams do; the candidates from the rarest
  bigram's posting list are then checked with one `find` each in `texts.bin`, the folded text of
  every section, memory-mapped (Whoosh's positional phrase matching over common bigrams cost
  ~1 ms per candidate section, in Python; a `find` costs microseconds);
* report-level fields (agency, year, province, city, `fig_*` figures) copied onto each section.

The analyzers live here at a stable import path because Whoosh pickles the schema, analyzers
included, into the index.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterable, Sequence
from typing import Any

from whoosh import formats
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

from .analysis import bigrams, gram_set, word_tokens

WORD_BOOST = 3.0   # a whole-word match ranks above a substring match
GRAM_EXTENSION = 32  # a section's grams and text run this far into the next: a copied run may cross a heading


class _OrdinalTokenizer(Tokenizer):
    """Base: turns (text, position) pairs into Whoosh tokens."""

    def pairs(self, value: str) -> Iterable[tuple[str, int]]:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs: Any):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, pos in self.pairs(value):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = t.endchar = start_char
            yield t


class WordTokenizer(_OrdinalTokenizer):
    """jieba search-mode words of folded text, at word-ordinal positions."""

    def pairs(self, value: str) -> Iterable[tuple[str, int]]:
        return word_tokens(value)


class GramTokenizer(_OrdinalTokenizer):
    """The distinct character bigrams of folded text (positions are not needed: exact
    substrings are checked against the folded text itself)."""

    def pairs(self, value: str) -> Iterable[tuple[str, int]]:
        return ((g, 0) for g in gram_set(value))


def _grams_field() -> KEYWORD:
    field = KEYWORD(scorable=True, analyzer=GramTokenizer())
    field.format = formats.Existence()
    return field


def make_schema() -> Schema:
    """The index schema (one document per section)."""
    schema = Schema(
        report_id=ID(stored=True, sortable=True),
        section=ID(stored=True, sortable=True),
        ordinal=NUMERIC(int, stored=True),
        tstart=NUMERIC(int, bits=64, sortable=True),
        tlen=NUMERIC(int, bits=64, sortable=True),
        words=TEXT(analyzer=WordTokenizer(), phrase=True),
        grams=_grams_field(),
        agency=ID, year=ID, province=ID, city=ID,
    )
    schema.add("fig_*", NUMERIC(int, bits=64, signed=True), glob=True)
    return schema


# --- writing -------------------------------------------------------------------------------

def create(path: str) -> None:
    """An empty index at `path`."""
    os.makedirs(path, exist_ok=True)
    whoosh_index.create_in(path, make_schema())


def delete_reports(path: str, report_ids: Iterable[str]) -> None:
    """Remove every section document of the given reports."""
    ids = list(report_ids)
    if not ids:
        return
    ix = whoosh_index.open_dir(path)
    with ix.writer() as writer:
        for rid in ids:
            writer.delete_by_term("report_id", rid)


def add_documents(path: str, docs: Iterable[dict[str, Any]], procs: int = 1,
                  limitmb: int = 256) -> int:
    """Add section documents (see `indexing.section_docs`); returns how many were added."""
    ix = whoosh_index.open_dir(path)
    if procs > 1:
        writer = ix.writer(procs=procs, multisegment=True, limitmb=limitmb)
    else:
        writer = ix.writer(limitmb=limitmb)
    n = 0
    try:
        for doc in docs:
            writer.add_document(**doc)
            n += 1
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    return n


def doc_count(path: str) -> int:
    """How many (live) section documents the index at `path` holds."""
    with whoosh_index.open_dir(path).searcher() as searcher:
        return searcher.doc_count()


# --- reading -------------------------------------------------------------------------------

class Engine:
    """An open index: a searcher, per-document lookups, and the folded texts for exact matching."""

    def __init__(self, path: str, texts_path: str):
        self.ix = whoosh_index.open_dir(path)
        self.searcher = self.ix.searcher()
        reader = self.searcher.reader()
        n = reader.doc_count_all()
        self.doc_report: list[str] = [""] * n
        self.doc_section: list[str] = [""] * n
        self.doc_span: list[tuple[int, int]] = [(0, 0)] * n
        self.live: frozenset[int] = frozenset(reader.all_doc_ids())
        if n:
            cols = [reader.column_reader(name) for name in ("report_id", "section", "tstart", "tlen")]
            rcol, scol, tcol, lcol = cols
            for docnum in range(n):
                self.doc_report[docnum] = rcol[docnum]
                self.doc_section[docnum] = scol[docnum]
                start = tcol[docnum]
                self.doc_span[docnum] = (start, start + lcol[docnum])
        self._texts_file = open(texts_path, "rb")
        size = os.fstat(self._texts_file.fileno()).st_size
        self.texts = mmap.mmap(self._texts_file.fileno(), 0, access=mmap.ACCESS_READ) if size else b""

    def close(self) -> None:
        self.searcher.close()
        if isinstance(self.texts, mmap.mmap):
            self.texts.close()
        self._texts_file.close()

    def doc_count(self) -> int:
        return self.searcher.doc_count()

    def doc_frequency(self, field: str, text: str) -> int:
        return self.searcher.doc_frequency(field, text)

    def _docs(self, query: Any) -> set[int]:
        return set(self.searcher.docs_for_query(query))

    def substring_docs(self, folded: str) -> set[int]:
        """Documents whose folded text contains `folded` verbatim.

        Candidates come from the rarest of its bigrams (a posting list); each candidate is then
        checked with one C-speed `find` in the memory-mapped folded texts. Documents holding it
        as a whole jieba word need no check.
        """
        if not folded:
            return set()
        if len(folded) == 1:
            candidates: Iterable[int] = self.live
            sure: set[int] = set()
        else:
            grams = set(bigrams(folded))
            freqs = {g: self.doc_frequency("grams", g) for g in grams}
            if min(freqs.values()) == 0:
                return set()
            rarest = min(grams, key=lambda g: (freqs[g], g))
            candidates = self._docs(wq.Term("grams", rarest))
            if len(folded) == 2:
                return candidates
            sure = self._docs(wq.Term("words", folded)) & candidates if \
                self.doc_frequency("words", folded) else set()
            candidates = candidates - sure
        pattern = folded.encode("utf-8")
        find, span = self.texts.find, self.doc_span
        return sure | {d for d in candidates if find(pattern, *span[d]) >= 0}

    def field_docs(self, field: str, values: Sequence[str]) -> set[int]:
        """Documents whose keyword field has one of `values`."""
        out: set[int] = set()
        for value in values:
            out |= self._docs(wq.Term(field, value))
        return out

    def figure_docs(self, key: str, low: int | None, high: int | None) -> set[int]:
        """Documents of reports whose figure `key` lies in [low, high]."""
        return self._docs(wq.NumericRange(f"fig_{key}", low, high))

    def scoring_query(self, words: list[str]) -> Any:
        """What ranks matches: each word as a word where the index has it, else its bigrams."""
        parts = []
        for word in dict.fromkeys(words):
            if self.doc_frequency("words", word):
                parts.append(wq.Term("words", word, boost=WORD_BOOST))
            else:
                parts.extend(wq.Term("grams", g) for g in dict.fromkeys(bigrams(word)))
        return wq.Or(parts) if parts else None

    def top_reports(self, query: Any, allowed: set[int], limit: int) -> list[tuple[str, float]]:
        """(report_id, best section score) of the `limit` best-scoring reports among `allowed`."""
        if query is None or not allowed or limit <= 0:
            return []
        results = self.searcher.search(query, limit=limit, filter=allowed,
                                       collapse="report_id", collapse_limit=1)
        return [(self.doc_report[hit.docnum], hit.score) for hit in results[:limit]]

    def scores(self, query: Any, docs: set[int]) -> dict[int, float]:
        """Scores of a small set of documents."""
        if query is None or not docs:
            return {}
        results = self.searcher.search(query, limit=len(docs), filter=docs)
        return {hit.docnum: hit.score for hit in results[:len(docs)]}

    def stored(self, docnum: int) -> dict[str, Any]:
        return self.searcher.stored_fields(docnum)
