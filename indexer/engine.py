"""The index on disk and everything that touches Whoosh: schema, analyzers, writing, matching.

A generation directory holds three parts, one entry per report *section*:

* `whoosh/` — one Whoosh document per section: `words`, jieba words at ordinal positions (what
  ranks a match: BM25 over words), plus columns (report id, section slug and ordinal, `sid`);
* `texts.bin` — the folded text of every section (UTF-8), memory-mapped;
* `grams.bin` + `grams.idx` — for every character bigram, the sorted ids (`sid`) of the
  sections that contain it, as uint32 arrays.

Exact matching ("any run of two or more characters that occurs in a report finds it"): a run
occurs in a section only if all its bigrams do, so the sections listed under its rarest bigram are
the candidates, and each is checked with one C-speed `find` in `texts.bin`. The bigram lists are
kept beside Whoosh rather than in it because Whoosh writes postings in pure Python: bigrams are
~70% of all postings and made indexing several times slower, while positional phrase matching
over bigrams cost ~1 ms per candidate section (also Python). Sections whose `words` hold the run
as a whole word need no check.

The analyzers live here at a stable import path because Whoosh pickles the schema, analyzers
included, into the index.
"""

from __future__ import annotations

import bisect
import mmap
import os
import pickle
import shutil
import threading
from array import array
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh import columns
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import COLUMN, ID, TEXT, Schema
from whoosh.matching import ListMatcher, NullMatcher

from .analysis import bigrams, gram_set, word_tokens

COMMON_SHARE = 0.2  # a word in more than this share of sections does not rank (see scoring_query)
GRAM_EXTENSION = 32  # a section's text for exact matching runs this far into the next section


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


class WordsField(TEXT):
    """`words`: jieba words with their ordinal positions.

    `index` builds the postings straight from (word, position) pairs: the same values Whoosh's
    Positions format makes from the tokenizer's Token stream, without a Token per word."""

    def index(self, value: Any, **kwargs: Any):
        poses: dict[str, list[int]] = defaultdict(list)
        for word, pos in word_tokens(value):
            poses[word].append(pos)
        encode = self.format.encode
        for word, poslist in poses.items():
            yield word.encode("utf-8"), len(poslist), float(len(poslist)), encode(poslist)


def make_schema() -> Schema:
    """The index schema (one document per section)."""
    # Facet values and figures are not indexed: they are per report, so filters on them are
    # set operations over the report -> sections map the engine keeps (see `Engine`).
    return Schema(
        report_id=ID(stored=True, sortable=True),
        section=ID(sortable=True),
        ordinal=COLUMN(columns.NumericColumn("i")),
        sid=COLUMN(columns.NumericColumn("I")),
        words=WordsField(analyzer=WordTokenizer(), phrase=True),
    )


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


class GramWriter:
    """Writes a generation's texts and bigram lists: the previous generation's plus new sections.

    Section ids only grow, so appending new ids keeps every list sorted; the ids of deleted
    sections stay in the lists (their Whoosh documents are gone, so they never match) until the
    next full build.
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


def _load_meta(gen: Path) -> dict[str, Any]:
    with open(gen / "grams.idx", "rb") as fh:
        return pickle.load(fh)


def _map(path: Path) -> bytes | mmap.mmap:
    """A read-only memory map of a file (b"" when it is empty)."""
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return b""
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


class _DocSet(wq.Query):
    """A set of documents as a query (matches them all with score 0), to intersect with."""

    def __init__(self, engine: "Engine", docs: set[int]):
        self.docs = sorted(docs)
        self.leaves = {id(sub): (offset, sub.doc_count_all())
                       for sub, offset in engine.searcher.leaf_searchers()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _DocSet) and self.docs == other.docs

    def __hash__(self) -> int:
        return hash(tuple(self.docs))

    def estimate_size(self, ixreader: Any) -> int:
        return len(self.docs)

    def estimate_min_size(self, ixreader: Any) -> int:
        return len(self.docs)

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        offset, count = self.leaves[id(searcher)]
        lo = bisect.bisect_left(self.docs, offset)
        hi = bisect.bisect_left(self.docs, offset + count)
        if lo == hi:
            return NullMatcher()
        return ListMatcher([d - offset for d in self.docs[lo:hi]], all_weights=0.0)


def doc_count(path: str) -> int:
    """How many (live) section documents the index at `path` holds."""
    with whoosh_index.open_dir(path).searcher() as searcher:
        return searcher.doc_count()


# --- reading -------------------------------------------------------------------------------

class Engine:
    """An open generation: a searcher, per-document lookups, texts and bigram lists."""

    def __init__(self, gen: str | Path):
        gen = Path(gen)
        self.ix = whoosh_index.open_dir(str(gen / "whoosh"))
        self._local = threading.local()
        self._searchers: list[Any] = []
        self._searchers_lock = threading.Lock()
        reader = self.searcher.reader()
        n = reader.doc_count_all()
        meta = _load_meta(gen)
        self.grams: dict[str, tuple[int, int]] = meta["grams"]
        starts, lengths = meta["starts"], meta["lengths"]
        self.texts = _map(gen / "texts.bin")
        self.grams_bin = _map(gen / "grams.bin")
        self.doc_report: list[str] = [""] * n
        self.doc_section: list[str] = [""] * n
        self.doc_span: list[tuple[int, int]] = [(0, 0)] * n
        self.doc_ordinal: list[int] = [0] * n
        self.doc_of_sid: dict[int, int] = {}
        self.live: frozenset[int] = frozenset(reader.all_doc_ids())
        self.report_docs: dict[str, list[int]] = {}
        self.section_docs: dict[str, set[int]] = {}
        if n:
            names = ("report_id", "section", "ordinal", "sid")
            rcol, scol, ocol, icol = (list(reader.column_reader(name)) for name in names)
            for docnum in sorted(self.live):
                rid, slug, sid = rcol[docnum], scol[docnum], icol[docnum]
                self.doc_report[docnum] = rid
                self.doc_section[docnum] = slug
                self.doc_ordinal[docnum] = ocol[docnum]
                self.doc_span[docnum] = (starts[sid], starts[sid] + lengths[sid])
                self.doc_of_sid[sid] = docnum
                self.report_docs.setdefault(rid, []).append(docnum)
                self.section_docs.setdefault(slug, set()).add(docnum)

    @property
    def searcher(self) -> Any:
        """This thread's searcher (web workers are threads; a searcher is not shared)."""
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            searcher = self._local.searcher = self.ix.searcher()
            with self._searchers_lock:
                self._searchers.append(searcher)
        return searcher

    def close(self) -> None:
        with self._searchers_lock:
            for searcher in self._searchers:
                searcher.close()
            self._searchers.clear()
        for mapped in (self.texts, self.grams_bin):
            if isinstance(mapped, mmap.mmap):
                mapped.close()

    def doc_count(self) -> int:
        return self.searcher.doc_count()

    def doc_frequency(self, field: str, text: str) -> int:
        return self.searcher.doc_frequency(field, text)

    def _docs(self, query: Any) -> set[int]:
        return set(self.searcher.docs_for_query(query))

    def gram_docs(self, gram: str) -> set[int]:
        """Live documents whose text contains the bigram."""
        off, n = self.grams.get(gram, (0, 0))
        sids = array("I")
        sids.frombytes(self.grams_bin[off * 4:(off + n) * 4])
        doc_of = self.doc_of_sid
        return {doc_of[sid] for sid in sids if sid in doc_of}

    def substring_docs(self, folded: str) -> set[int]:
        """Documents whose folded text contains `folded` verbatim (see the module docstring)."""
        if not folded:
            return set()
        if len(folded) == 1:
            candidates: Iterable[int] = self.live
            sure: set[int] = set()
        else:
            grams = set(bigrams(folded))
            if any(g not in self.grams for g in grams):
                return set()
            candidates = self.gram_docs(min(grams, key=lambda g: (self.grams[g][1], g)))
            if len(folded) == 2:
                return candidates
            sure = set()
            if self.doc_frequency("words", folded):
                sure = self._docs(wq.Term("words", folded)) & candidates
                candidates = candidates - sure
        pattern = folded.encode("utf-8")
        find, span = self.texts.find, self.doc_span
        return sure | {d for d in candidates if find(pattern, *span[d]) >= 0}

    def docs_of_reports(self, report_ids: Iterable[str]) -> set[int]:
        """Every section document of the given reports."""
        out: set[int] = set()
        for rid in report_ids:
            out.update(self.report_docs.get(rid, ()))
        return out

    def docs_of_sections(self, slugs: Iterable[str]) -> set[int]:
        """Every section document with one of the given slugs."""
        out: set[int] = set()
        for slug in slugs:
            out |= self.section_docs.get(slug, set())
        return out

    def scoring_query(self, words: list[str]) -> Any:
        """What ranks matches: BM25 over the query's words as whole words (a match that holds
        none of them as a word, only as a substring, is ranked after those that do).

        Words found in more than COMMON_SHARE of the sections are left out when rarer ones are
        there: they barely move BM25, and Whoosh scores every section that holds them, in
        Python (a query of two such words cost seconds at 10k reports). A query of common words
        alone ranks by its rarest one, where Whoosh's block-quality skipping keeps it fast."""
        freqs = {w: self.doc_frequency("words", w) for w in dict.fromkeys(words)}
        freqs = {w: f for w, f in freqs.items() if f}
        if not freqs:
            return None
        limit = COMMON_SHARE * max(1, self.doc_count())
        chosen = [w for w, f in freqs.items() if f <= limit] or [min(freqs, key=freqs.get)]
        terms = [wq.Term("words", w) for w in chosen]
        return terms[0] if len(terms) == 1 else wq.Or(terms)

    def top_reports(self, query: Any, allowed: set[int], limit: int) -> list[tuple[str, float]]:
        """(report_id, best section score) of the `limit` best-scoring reports among `allowed`.

        Whoosh reads postings in Python (~2 us each), so the search must let it skip: when
        `allowed` is a small part of what the query scores, the query is intersected with it
        (only blocks holding allowed sections are decoded); otherwise Whoosh searches without a
        filter, skipping low-quality blocks, and hits outside `allowed` are dropped here. Whoosh's
        `collapse=` is not used: it is ignored when a filter is given."""
        if query is None or not allowed or limit <= 0:
            return []
        scored = query.estimate_size(self.searcher.reader())
        selective = len(allowed) * 4 < scored
        if selective:
            query = wq.And([query, _DocSet(self, allowed)])
        want = limit * 4
        while True:
            results = self.searcher.search(query, limit=want)
            hits = results[:want]
            best: dict[str, float] = {}
            for hit in hits:
                if selective or hit.docnum in allowed:
                    best.setdefault(self.doc_report[hit.docnum], hit.score)
            if len(best) >= limit or len(hits) < want:
                return list(best.items())[:limit]
            want *= 4

    def scores(self, query: Any, docs: set[int]) -> dict[int, float]:
        """Scores of a small set of documents (skipping straight to each one)."""
        if query is None or not docs:
            return {}
        out: dict[int, float] = {}
        context = self.searcher.context()
        for sub, offset in self.searcher.leaf_searchers():
            local = sorted(d - offset for d in docs if offset <= d < offset + sub.doc_count_all())
            if not local:
                continue
            matcher = query.matcher(sub, context)
            for doc in local:
                if not matcher.is_active():
                    break
                if matcher.id() < doc:
                    matcher.skip_to(doc)
                if matcher.is_active() and matcher.id() == doc:
                    out[doc + offset] = matcher.score()
        return out

