"""The Whoosh schema of a section document, and its analyzer.

The analyzer lives here at a stable import path because Whoosh pickles the schema, analyzer
included, into the index: moving it is an index format change (`text.analysis.ANALYZER_VERSION`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from whoosh import columns
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import COLUMN, ID, TEXT, Schema
from whoosh.system import pack_uint

from indexer.text.analysis import word_tokens


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
    """`words`: jieba words with their frequencies (no positions: phrases are matched by the
    bigram lists, and positions made the postings ~a third bigger and slower to decode).

    `index` builds the postings straight from the words: the same values Whoosh's Frequency
    format makes from the tokenizer's Token stream, without a Token per word."""

    def index(self, value: Any, **kwargs: Any):
        counts = Counter(word for word, _pos in word_tokens(value))
        for word, count in counts.items():
            yield word.encode("utf-8"), count, float(count), pack_uint(count)


FIELD = "words"  # the field that ranks (BM25 over jieba words)


def make_schema() -> Schema:
    """The index schema (one document per section)."""
    # Facet values and figures are not indexed: they are per report, so filters on them are
    # set operations over the report -> sections map the engine keeps (see `Engine`).
    return Schema(
        report_id=ID(stored=True, sortable=True),
        section=ID(sortable=True),
        ordinal=COLUMN(columns.NumericColumn("i")),
        sid=COLUMN(columns.NumericColumn("I")),
        words=WordsField(analyzer=WordTokenizer(), phrase=False),
    )
