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

import mmap
import os
import pickle
import shutil
import threading
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from heapq import nlargest
from itertools import accumulate, islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from whoosh import columns
from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import COLUMN, ID, TEXT, Schema
from whoosh.writing import NO_MERGE

from indexer.text.analysis import bigrams, gram_set, word_tokens

COMMON_SHARE = 0.2  # a word in more than this share of sections does not rank (see scoring_query)
BM25_B, BM25_K1 = 0.75, 1.2  # Whoosh's BM25F defaults: scores are the ones Whoosh would give
WORD_CACHE = 8  # words whose scores stay in memory (a query reads each word twice)
GRAM_EXTENSION = 32  # a section's text for exact matching runs this far into the next section
SEGMENT_DOCS = 16000  # sections per commit while indexing (see add_documents)


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
                  limitmb: int = 256, segment_docs: int = SEGMENT_DOCS) -> int:
    """Add section documents (see `indexing.section_docs`); returns how many were added.

    A commit every `segment_docs` documents: Whoosh sorts a writer's postings in memory up to
    `limitmb` and beyond that spills sorted runs to disk and merges them, in Python, at commit
    (a whole extra pass over every posting; 1k reports fit, 10k do not). Smaller commits keep
    every writer's postings in memory. They leave more segments, which are not merged: a merge is
    slow (one process) and recounts field lengths from their one-byte encodings, which would
    shift BM25's average length and so every score."""
    ix = whoosh_index.open_dir(path)
    stream = iter(docs)
    n = 0
    for first in stream:
        if procs > 1:
            writer = ix.writer(procs=procs, multisegment=True, limitmb=limitmb)
        else:
            writer = ix.writer(limitmb=limitmb)
        try:
            writer.add_document(**first)
            n += 1
            for doc in islice(stream, segment_docs - 1):
                writer.add_document(**doc)
                n += 1
        except BaseException:
            writer.cancel()
            raise
        if n <= segment_docs:  # the run's first commit: Whoosh's usual policy, as before
            writer.commit()
        else:
            writer.commit(mergetype=NO_MERGE)
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


def _blocks(matcher: Any) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """A term's postings as (ids, weights) per block, decoded in bulk.

    Whoosh's matcher interface costs several Python calls per posting; a common word has ~60,000
    of them. Its on-disk blocks are (delta-coded ids, weights, positions) tuples, read here a block
    at a time at C speed. Deleted documents are not filtered out (callers keep live ones)."""
    matcher = getattr(matcher, "child", matcher)  # FilterMatcher (deletions) -> the postings
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            matcher._read_weights()
            yield list(accumulate(matcher._data[0])), matcher._weights
            matcher._next_block()
        return
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():  # postings inlined in the term info (rare words)
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    yield ids, weights


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
        # (report, slug) of each document as one int, report number * key_base + slug number:
        # sets of them are built and counted at C speed (tuples would be hashed every time).
        self.doc_key: list[int] = [0] * n
        self.report_ids: list[str] = []
        self.report_number: dict[str, int] = {}
        self.slugs: list[str] = []
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
        self.slugs = sorted(self.section_docs)
        self.key_base = max(1, len(self.slugs))
        slug_number = {slug: i for i, slug in enumerate(self.slugs)}
        self.report_ids = list(self.report_docs)
        self.report_number = {rid: i for i, rid in enumerate(self.report_ids)}
        for docnum in self.live:
            self.doc_key[docnum] = (self.report_number[self.doc_report[docnum]] * self.key_base
                                    + slug_number[self.doc_section[docnum]])
        # BM25's length part of each section, as Whoosh's BM25F computes it per posting.
        searcher = self.searcher
        avgfl = searcher.avg_field_length("words") or 1
        self._norm = [BM25_K1 * ((1 - BM25_B) + BM25_B * (searcher.doc_field_length(d, "words", 1)
                                                          or 1) / avgfl) for d in range(n)]
        self._word_cache: OrderedDict[str, dict[int, float]] = OrderedDict()
        self._cache_lock = threading.Lock()

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

    def word_scores(self, word: str) -> dict[int, float]:
        """BM25 score of every live section holding `word` as a word, in docnum order.

        The same score Whoosh's BM25F gives (same formula, statistics and encoded lengths),
        computed over postings read a block at a time: scoring through Whoosh's matchers costs
        ~13 us per section in Python, and a common word is in most sections."""
        with self._cache_lock:
            if word in self._word_cache:
                self._word_cache.move_to_end(word)
                return self._word_cache[word]
        searcher = self.searcher
        out: dict[int, float] = {}
        if searcher.doc_frequency("words", word):
            idf, k, norm, live = searcher.idf("words", word), BM25_K1 + 1, self._norm, self.live
            deleted = len(live) < len(norm)
            for sub, offset in searcher.leaf_searchers():
                reader = sub.reader()
                if ("words", word) not in reader:
                    continue
                for ids, weights in _blocks(reader.postings("words", word)):
                    if offset:
                        ids = [d + offset for d in ids]
                    values = [idf * ((w * k) / (w + norm[d])) for d, w in zip(ids, weights)]
                    out.update(zip(ids, values))
            if deleted:  # postings still list deleted sections
                out = {d: v for d, v in out.items() if d in live}
        with self._cache_lock:
            self._word_cache[word] = out
            while len(self._word_cache) > WORD_CACHE:
                self._word_cache.popitem(last=False)
        return out

    def gram_docs(self, gram: str) -> set[int]:
        """Live documents whose text contains the bigram."""
        off, n = self.grams.get(gram, (0, 0))
        sids = array("I")
        sids.frombytes(self.grams_bin[off * 4:(off + n) * 4])
        docs = set(map(self.doc_of_sid.get, sids))  # at C speed; deleted sections map to None
        docs.discard(None)
        return docs

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
            rarest = sorted(grams, key=lambda g: (self.grams[g][1], g))
            candidates = self.gram_docs(rarest[0])
            if len(folded) == 2:
                return candidates
            # Narrow by more bigrams while a list costs less to decode (C speed, ~0.1 us an id)
            # than the `find`s it saves (~1 us a candidate, in a Python loop).
            for gram in rarest[1:4]:
                if self.grams[gram][1] > 8 * len(candidates):
                    break
                candidates &= self.gram_docs(gram)
            sure = set()
            if self.doc_frequency("words", folded):
                sure = candidates.intersection(self.word_scores(folded))
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

    def scoring_query(self, words: list[str]) -> dict[int, float] | None:
        """What ranks matches: BM25 over the query's words as whole words (a match that holds
        none of them as a word, only as a substring, is ranked after those that do), as
        docnum -> score; None when no word occurs as a word.

        Words found in more than COMMON_SHARE of the sections are left out when rarer ones are
        there: they barely move BM25 next to a rarer word. A query of common words alone ranks by
        its rarest one."""
        freqs = {w: self.doc_frequency("words", w) for w in dict.fromkeys(words)}
        freqs = {w: f for w, f in freqs.items() if f}
        if not freqs:
            return None
        limit = COMMON_SHARE * max(1, self.doc_count())
        chosen = [w for w, f in freqs.items() if f <= limit] or [min(freqs, key=freqs.get)]
        if len(chosen) == 1:
            return self.word_scores(chosen[0])
        # Whoosh's Or: the sum of the scores of the words a section holds (in query order).
        scored = [self.word_scores(word) for word in chosen]
        total = dict(scored[0])
        for scores in scored[1:]:
            get = total.get
            total.update([(d, get(d, 0.0) + score) for d, score in scores.items()])
        return dict(sorted(total.items()))

    def top_reports(self, scores: dict[int, float] | None, limit: int, docs: set[int],
                    reports: set[str] | None = None,
                    slugs: set[str] | None = None) -> list[tuple[str, float]]:
        """(report_id, best section score) of the `limit` best-scoring reports, best first, over
        the sections in `docs` of the `reports` (None: any) with a slug in `slugs` (None: any).

        Among equal scores the lower docnum comes first (nlargest is stable and the candidates
        are in docnum order), so pages of one query never overlap."""
        if not scores or not docs or limit <= 0 or reports is not None and not reports:
            return []
        doc_report, doc_section = self.doc_report, self.doc_section
        # Candidates: the smallest of the scored sections, the matching ones, those of the
        # allowed reports; the conditions are checked only on the best of them.
        n_reports = float("inf") if reports is None else 8 * len(reports)
        if len(scores) <= min(len(docs), n_reports):
            items: Iterable[tuple[int, float]] = scores.items()
        elif len(docs) <= n_reports:
            items = [(d, scores[d]) for d in sorted(docs) if d in scores]
        else:
            items = [(d, scores[d]) for d in sorted(self.docs_of_reports(reports))
                     if d in scores]
        want = limit * 4
        while True:
            top = nlargest(want, items, key=itemgetter(1))
            best: dict[str, float] = {}
            for d, score in top:
                if d in docs and (reports is None or doc_report[d] in reports) and (
                        slugs is None or doc_section[d] in slugs):
                    best.setdefault(doc_report[d], score)
                    if len(best) == limit:
                        return list(best.items())
            if len(top) < want:
                return list(best.items())
            want *= 4

    def scores(self, scores: dict[int, float] | None, docs: set[int]) -> dict[int, float]:
        """Scores of a set of documents (those no scoring word reaches are left out)."""
        if not scores:
            return {}
        return {d: scores[d] for d in docs if d in scores}
