"""Text normalisation for indexing and querying, keeping a map back to the original text.

Search must match what a person types against what a crawler saved, so both sides are folded the
same way, character by character:

* full-width forms become half-width (``２０１６`` -> ``2016``, ``：`` -> ``:``) by NFKC where NFKC
  gives one character; ASCII letters are lower-cased;
* traditional characters fold to simplified (``資訊公開`` -> ``资讯公开``) through OpenCC's t2s
  conversion applied to single characters, so the length never changes;
* NBSP, U+3000, tabs and line breaks are whitespace; whitespace next to a Han character or
  between two digits is dropped (crawlers break ``三明`` / ``市`` and ``201`` / ``9`` / ``年``, and
  signatures are spaced out: ``柳  州  市``), any other run becomes one space.

`normalize` returns the folded text and, for every folded character, its offset in the original,
so a match found in the folded text is shown and linked as the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WS = set(" \t\n\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff")


@dataclass(frozen=True)
class Normalized:
    """Folded text plus `offsets[i]` = original offset of `text[i]` (one extra entry: the end)."""

    text: str
    offsets: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the folded span [start, end)."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1


def is_han(ch: str) -> bool:
    """True for CJK unified ideographs (basic block and extension A, compatibility)."""
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


@lru_cache(maxsize=1)
def _t2s_table() -> dict[int, str]:
    import opencc

    converter = opencc.OpenCC("t2s")
    chars = [chr(o) for o in range(0x3400, 0xA000) if not 0x4DC0 <= o <= 0x4DFF]
    converted = converter.convert("\n".join(chars)).split("\n")
    table = {}
    if len(converted) == len(chars):
        for src, dst in zip(chars, converted):
            if dst != src and len(dst) == 1:
                table[ord(src)] = dst
    return table


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """Fold one character (width, case, traditional -> simplified); always one character."""
    if ch in _WS:
        return " "
    o = ord(ch)
    if o < 128:
        return ch.lower()
    if is_han(ch):
        return _t2s_table().get(o, ch)
    nfkc = unicodedata.normalize("NFKC", ch)
    if len(nfkc) == 1:
        return nfkc.lower() if nfkc.isascii() else nfkc
    return ch


class _FoldTable(dict):
    """`fold_char` of every character met so far, by code point: a table for `str.translate`
    (which asks `__missing__` for a character it has not seen)."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = fold_char(chr(code))
        return folded


_FOLD = _FoldTable()
_SPACE_RUN = re.compile(" +")


def normalize(text: str) -> Normalized:
    """Fold `text` for matching; see the module docstring for the rules.

    Every character is folded at C speed (`str.translate`, one character for one), then each run
    of whitespace is dropped, or kept as one space (at its first offset) where it separates two
    characters that `_glue` does not join; leading and trailing whitespace is dropped."""
    folded = text.translate(_FOLD)
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for run in _SPACE_RUN.finditer(folded):
        a, b = run.span()
        if a > pos:
            parts.append(folded[pos:a])
            offsets.extend(range(pos, a))
        if parts and b < len(folded) and not _glue(folded[a - 1], folded[b]):
            parts.append(" ")
            offsets.append(a)
        pos = b
    if pos < len(folded):
        parts.append(folded[pos:])
        offsets.extend(range(pos, len(folded)))
    offsets.append(len(text) if not offsets else offsets[-1] + 1)
    return Normalized("".join(parts), tuple(offsets))


def _glue(left: str, right: str) -> bool:
    """Whether whitespace between two folded characters is a crawler artefact to drop."""
    if is_han(left) or is_han(right):
        return True
    if left.isdigit() and right.isdigit():
        return True
    return not (left.isalnum() and right.isalnum())


def fold(text: str) -> str:
    """The folded text alone (queries, facet values)."""
    return normalize(text).text
