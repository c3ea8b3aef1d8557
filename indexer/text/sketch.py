"""Near-duplicate sketches of report texts: a bottom-k MinHash of the folded text's shingles.

A report crawled twice, or republished under another column, has (nearly) the same text. Its
sketch — the SIZE smallest CRC-32 hashes of its SHINGLE-character runs, after folding and with
punctuation and spaces removed — is computed once at indexing and kept in the report's summary;
two sketches estimate the Jaccard similarity of the two texts' shingle sets (`similarity`).
"""

from __future__ import annotations

import re
import zlib
from heapq import nsmallest

from indexer.text.normalize import fold

SHINGLE = 5
SIZE = 32
_NOT_WORD = re.compile(r"[\W_]+")


def sketch(text: str) -> list[int]:
    """The bottom-SIZE hashes of the text's shingles, ascending ([] for an empty text)."""
    plain = _NOT_WORD.sub("", fold(text))
    shingles = {plain[i:i + SHINGLE] for i in range(max(0, len(plain) - SHINGLE + 1))}
    return sorted(nsmallest(SIZE, {zlib.crc32(s.encode("utf-8")) for s in shingles}))


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the texts behind two sketches (0.0 when one is empty)."""
    if not a or not b:
        return 0.0
    both = set(a) & set(b)
    union = sorted(set(a) | set(b))[:SIZE]
    return sum(1 for h in union if h in both) / len(union)
