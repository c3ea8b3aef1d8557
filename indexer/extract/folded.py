"""Han characters folded to simplified, everything else as it is: one character for one.

Reports from Taiwan, Hong Kong and Macau (and pages a site converts) print 資訊公開 /
政府資訊公開年度報告 in traditional characters. Extraction matches its cues and patterns in
simplified characters, so it reads a copy of such a text where every Han character is folded
(`indexer.text.normalize.fold_char`, OpenCC t2s character by character). The copy has the same
length as the text and the same whitespace and punctuation, so every offset found in it is an
offset into the original, and spans of the record (sections, figures) point at the characters as
printed.

Folding is lossy for a simplified text: t2s maps a character that is also simplified onto another
one (乾安县 -> 干安县). So a text is folded only when it *is* traditional: when a good share of its
Han characters change under folding (a simplified report changes one in hundreds, a traditional
one about one in four). A fragment (an agency, a header title) is folded by the decision taken on
the text it belongs to (`like`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from indexer.text.normalize import fold_char

_SAMPLE = 3000          # characters that decide whether a text is traditional
_SHARE = 0.05           # share of changed Han characters above which it is
_LEAST = 3              # and at least this many (one 乾 in a short name does not make it traditional)
# Frequent characters only traditional text has: a text with none of them is not traditional, and
# the full table (half a second to build) is only built for one that may be.
_COMMON_TRADITIONAL = re.compile("[們這個來國會對說時開為與發關資訊報條機權無實內點當進過還東車長門問間書]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _fold_table() -> tuple[dict[int, str], re.Pattern[str]]:
    """(Han character -> simplified, for the ones that change; a pattern matching those)."""
    table = {}
    for code in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), *range(0xF900, 0xFB00)):
        folded = fold_char(chr(code))
        if folded != chr(code):
            table[code] = folded
    return table, re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(table)) + "]")


@lru_cache(maxsize=16)
def is_traditional(text: str) -> bool:
    """Whether `text` is printed in traditional characters."""
    sample = text[:_SAMPLE]
    if not _COMMON_TRADITIONAL.search(sample):
        return False
    changed = len(_fold_table()[1].findall(sample))
    return changed >= _LEAST and changed > _SHARE * len(_HAN.findall(sample))


def fold_han(text: str, like: str | None = None) -> str:
    """`text` with Han characters folded to simplified when `like` (default: `text`) is
    traditional, else `text` itself; always the same length and offsets."""
    if text.isascii() or not is_traditional(text if like is None else like):
        return text
    return text.translate(_fold_table()[0])
