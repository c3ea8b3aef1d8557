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

from indexer.text.normalize import fold_char, is_han

_SAMPLE = 3000          # characters that decide whether a text is traditional
_SHARE = 0.05           # share of changed Han characters above which it is
_LEAST = 3              # and at least this many (one 乾 in a short name does not make it traditional)


def is_traditional(text: str) -> bool:
    """Whether `text` is printed in traditional characters."""
    han = changed = 0
    for ch in text[:_SAMPLE]:
        if is_han(ch):
            han += 1
            changed += fold_char(ch) != ch
    return changed >= _LEAST and changed > _SHARE * han


def fold_han(text: str, like: str | None = None) -> str:
    """`text` with Han characters folded to simplified when `like` (default: `text`) is
    traditional, else `text` itself; always the same length and offsets."""
    if text.isascii() or not is_traditional(text if like is None else like):
        return text
    return "".join(fold_char(ch) if is_han(ch) else ch for ch in text)
