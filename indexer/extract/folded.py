"""Han characters folded to simplified, everything else as it is: one character for one.

Reports from Taiwan, Hong Kong and Macau print 資訊公開 / 政府資訊公開年度報告 in traditional
characters. Extraction matches its cues and patterns in simplified characters, so it reads a copy
of the text where every Han character is folded (`indexer.text.normalize.fold_char`, OpenCC t2s
character by character). The copy has the same length as the text and the same whitespace and
punctuation, so every offset found in it is an offset into the original, and spans of the record
(sections, figures) always point at the characters as printed.
"""

from __future__ import annotations

from indexer.text.normalize import fold_char, is_han


def fold_han(text: str) -> str:
    """`text` with traditional Han characters folded to simplified; same length, same offsets."""
    if text.isascii():
        return text
    return "".join(fold_char(ch) if is_han(ch) else ch for ch in text)
