"""Text analysis for the index: folding, word segmentation and character bigrams.

Everything the index stores is derived from the *folded* text (`indexer.normalize.fold`: width,
case, traditional -> simplified, crawler whitespace), so a query folded the same way matches
what a crawler saved. Two token streams are made from it:

* **words** — jieba's search mode. Every precise-mode word gets the next ordinal position; the
  2- and 3-character sub-words search mode adds share their word's position, so a phrase of
  words means adjacent words (jieba's bundled Whoosh analyzer puts the character offset there,
  which makes every phrase query miss). Queries are segmented in precise mode.
* **grams** — character bigrams at ordinal positions: a phrase of bigrams is an exact substring,
  so any run of two or more characters that occurs in a section finds it, whatever jieba made of it.

Segmentation runs on rjieba (jieba-rs), about 25x faster than jieba; `segment_reference` is
jieba itself, and tests/test_analysis.py proves the token streams identical on the corpus. The
compatibility layer is small: jieba splits non-Han runs at every non-alphanumeric character
(``2017-12-31`` -> ``2017 - 12 - 31``) where rjieba keeps them whole.

The user dictionary (`indexer/data/userdict.txt`) is loaded once per process, lazily, in every
process that segments (index workers, web workers, the CLI); its hash is recorded in the index.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import threading
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from indexer.text.normalize import is_han

ANALYZER_VERSION = "2"  # bump when the analyzers or the index layout change: forces a full build
USERDICT = Path(__file__).resolve().parent.parent / "data" / "userdict.txt"

# jieba's finalseg keeps ``6.2016``, ``77%`` and ``--`` whole but splits ``www.gov.cn`` at dots.
_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_loaded_pid: int | None = None
_load_lock = threading.Lock()


def userdict_entries() -> list[tuple[str, int]]:
    """(word, frequency) pairs of the domain user dictionary."""
    entries = []
    for line in USERDICT.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts:
            entries.append((parts[0], int(parts[1]) if len(parts) > 1 else 50000))
    return entries


@lru_cache(maxsize=1)
def userdict_hash() -> str:
    """A hash of the user dictionary; a change forces a full re-index."""
    return hashlib.sha1(USERDICT.read_bytes()).hexdigest()[:16]


def index_signature() -> str:
    """What the index must have been built with to be read with this code."""
    return f"analyzer={ANALYZER_VERSION};userdict={userdict_hash()}"


def _rjieba():
    """rjieba with the user dictionary, loaded once per process (also after a fork)."""
    global _loaded_pid
    import rjieba

    if _loaded_pid != os.getpid():
        with _load_lock:   # a server worker's threads: one loads, the others wait (rjieba's
            if _loaded_pid != os.getpid():   # dictionary refuses a second writer: "Already borrowed")
                for word, freq in userdict_entries():
                    rjieba.add_word(word, freq, None)
                _loaded_pid = os.getpid()
    return rjieba


@lru_cache(maxsize=1)
def _jieba():
    """The reference jieba, with the same user dictionary (tests and the naive benchmark)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for word, freq in userdict_entries():
        tokenizer.add_word(word, freq)
    return tokenizer


def _split_non_han(tokens) -> Iterator[tuple[str, int, int]]:
    """jieba's handling of non-Han runs (split as its finalseg does), each span once."""
    seen: set[tuple[int, int]] = set()
    for word, start, end in tokens:
        pieces = [word]
        if len(word) > 1 and not is_han(word[0]):
            pieces = [p for p in _SKIP.split(word) if p]
        pos = start
        for piece in pieces:
            span = (pos, pos + len(piece))
            pos += len(piece)
            if span not in seen:
                seen.add(span)
                yield piece, span[0], span[1]


def segment(text: str, mode: str = "search") -> list[tuple[str, int, int]]:
    """(word, start, end) tokens of folded `text`, as jieba's `tokenize(text, mode)` gives them."""
    rj = _rjieba()
    words = list(_split_non_han(rj.tokenize(text, "default", True)))
    if mode == "default":
        return words
    # jieba's search mode, rebuilt on the precise words: dictionary 2- and 3-grams, then the word.
    has_word = rj.has_word
    out = []
    for word, start, end in words:
        n = len(word)
        if n > 2:
            out.extend((word[i:i + 2], start + i, start + i + 2)
                       for i in range(n - 1) if has_word(word[i:i + 2]))
        if n > 3:
            out.extend((word[i:i + 3], start + i, start + i + 3)
                       for i in range(n - 2) if has_word(word[i:i + 3]))
        out.append((word, start, end))
    return out


def segment_reference(text: str, mode: str = "search") -> list[tuple[str, int, int]]:
    """The same tokens from jieba itself (the reference `segment` is tested against)."""
    return list(_jieba().tokenize(text, mode=mode, HMM=True))


@lru_cache(maxsize=200_000)
def is_wordlike(token: str) -> bool:
    """Whether a token is worth indexing (not whitespace or punctuation alone)."""
    return any(ch.isalnum() for ch in token)


def _precise(text: str) -> list[str]:
    """Precise-mode words (rjieba, with jieba's splitting of non-Han runs), as strings."""
    out: list[str] = []
    for word in _rjieba().cut(text, True):
        if len(word) > 1 and not is_han(word[0]):
            out.extend(p for p in _SKIP.split(word) if p)
        else:
            out.append(word)
    return out


@lru_cache(maxsize=200_000)
def _subwords(word: str) -> tuple[str, ...]:
    """The dictionary 2- and 3-grams jieba's search mode adds for a word, in its order."""
    has_word = _rjieba().has_word
    n = len(word)
    subs = [word[i:i + 2] for i in range(n - 1) if n > 2 and has_word(word[i:i + 2])]
    subs += [word[i:i + 3] for i in range(n - 2) if n > 3 and has_word(word[i:i + 3])]
    return tuple(sub for sub in subs if is_wordlike(sub))


def word_tokens(folded: str) -> Iterator[tuple[str, int]]:
    """(word, ordinal position) for folded text: jieba's search mode, where the sub-words of a
    precise-mode word share its position; punctuation takes a position but is not indexed."""
    for pos, word in enumerate(_precise(folded)):
        if len(word) > 2:
            for sub in _subwords(word):
                yield sub, pos
        if is_wordlike(word):
            yield word, pos


def reference_word_tokens(folded: str) -> list[tuple[str, int]]:
    """`word_tokens` computed from jieba itself (what tests compare with): every search-mode
    token takes the ordinal of the precise-mode word whose span holds it."""
    starts = [start for _w, start, _e in segment_reference(folded, "default")]
    return [(word, bisect.bisect_right(starts, start) - 1)
            for word, start, _end in segment_reference(folded, "search") if is_wordlike(word)]


def query_words(folded: str) -> list[str]:
    """The words of a folded query term, precise mode, punctuation dropped."""
    return [w for w, _s, _e in segment(folded, "default") if is_wordlike(w)]


def gram_set(folded: str) -> set[str]:
    """The distinct bigrams (pairs of adjacent characters) of folded text."""
    return {folded[i:i + 2] for i in range(len(folded) - 1)}


def bigrams(folded: str) -> list[str]:
    """The bigrams of a folded query phrase, in order (consecutive positions)."""
    return [folded[i:i + 2] for i in range(len(folded) - 1)]
