"""How a report's text reads: the crawler's line breaks joined, real breaks kept, tables as rows.

Crawled reports keep the line breaks of the page they were saved from: a sentence, a date or a
number may be cut over several lines ("2016" / "年" / "1" / "月"), and a table arrives one cell per
line. This module decides, for every line break of a text, what a reader should see:

* a **real break** (a new paragraph): after a line ending in 。！？；：, after a heading line, before
  a numbered heading ("一、", "（一）", "1."), at an empty line, around an HTML table row (its
  cells are split by tabs);
* a **join** everywhere else: the whitespace is not shown, or shown as one space between two
  Latin words or two table values (`gap_piece`);
* inside a crawled **table run** (short lines holding at least three stand-alone values, or one
  under two standard column words such as 行政复议 / 行政诉讼), a row
  ends after its values (`table_runs` here; `crawl_table` in `layout.py` draws it).

Everything is described by *pieces*: spans ``(start, end)`` of the original text, shown verbatim
and in order. What lies between two pieces is whitespace that is not shown, so a display offset
maps back to a record offset piece by piece, and the record text is the pieces with the dropped
whitespace put back. Passages (`highlight.py`) cut sentences with the same breaks.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from indexer.text.normalize import is_han

Piece = tuple[int, int]

WHITESPACE = " \t\r\n\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff"
SENTENCE_END = "。！？；!?;"
_BREAK_END = re.compile(r"[。！？；：!?;:][”’」』）)】]*$")
HEADING_START = re.compile(r"(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]"
                           r"|\d{1,2}[.．、](?!\d)|附件|附表)")
_VALUE = re.compile(r"\d[\d,]*(?:\.\d+)?(?:[ \t\u00a0\u3000]+\d[\d,]*(?:\.\d+)?)*|暂无")
_DATE = re.compile(r"(?:\d{4}|二[〇○零一二三四五六七八九]{3})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月"
                   r"\s*[\d一二三四五六七八九十]{1,3}\s*日")
_UNIT_START = set("年月日号个件条份次人名万亿元%％余多项家所期篇天时")
_SHORT = 48           # longest line of a table run
_RUN_VALUES = 3       # stand-alone values that make a run of short lines a table
_TABLE_STARTS = ("（本列数据", "申请人情况", "指标名称", "第二十条", "行政复议", "信息内容")
_TABLE_WORDS = {"行政复议", "行政诉讼", "结果维持", "指标名称", "申请人情况", "信息内容", "计量单位"}


@dataclass(frozen=True)
class Line:
    """One non-blank line: its bounds without surrounding whitespace, and its text."""

    start: int
    end: int
    text: str
    blank_before: bool = False


@dataclass
class Block:
    """A paragraph ("p"), a heading line ("h"), a table ("table") or text shown as printed
    ("raw"). Tables hold rows of cells; the others hold pieces."""

    kind: str
    pieces: list[Piece] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""


@dataclass
class Cell:
    """One table cell: its pieces, whether it labels a row or column, and its extent."""

    pieces: list[Piece]
    header: bool = False
    colspan: int = 1
    rowspan: int = 1


def lines_of(text: str, start: int, end: int) -> list[Line]:
    """The non-blank lines of text[start:end], stripped of surrounding whitespace."""
    out: list[Line] = []
    blank = False
    offset = start
    for part in text[start:end].split("\n"):
        a = offset + len(part) - len(part.lstrip(WHITESPACE))
        b = offset + len(part.rstrip(WHITESPACE))
        if b > a:
            out.append(Line(a, b, text[a:b], blank))
            blank = False
        elif out:
            blank = True
        offset += len(part) + 1
    return out


def is_value(line: Line) -> bool:
    """A line that is only a number (or numbers separated by spaces), or 暂无."""
    return bool(_VALUE.fullmatch(line.text))


def is_heading(line: Line) -> bool:
    """A short line that starts with a heading number ("一、", "（二）", "3.")."""
    return bool(HEADING_START.match(line.text)) and len(line.text) <= 40 \
        and not line.text.endswith(("，", ","))


def standalone(lines: list[Line], i: int) -> bool:
    """A value line that is not the first part of a number with its unit ("2016" / "年")."""
    if not is_value(lines[i]):
        return False
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    return nxt is None or nxt.blank_before or nxt.text[0] not in _UNIT_START


def real_break(lines: list[Line], i: int) -> bool:
    """Whether the break between lines i-1 and i starts a new paragraph (a stand-alone value
    belongs to the label above it unless a sentence ended there)."""
    prev, line = lines[i - 1], lines[i]
    if standalone(lines, i):
        return line.blank_before or bool(_BREAK_END.search(prev.text))
    if "\t" in prev.text or "\t" in line.text:   # rows of an HTML table: cells split by tabs
        return True
    return (line.blank_before or bool(_BREAK_END.search(prev.text)) or is_heading(prev)
            or (len(prev.text) <= 60 and prev.text.endswith(("报告", "年报")))
            or bool(HEADING_START.match(line.text)) or bool(_DATE.fullmatch(line.text))
            or bool(_DATE.fullmatch(prev.text)))


def gap_piece(text: str, prev: Line, line: Line, values: bool = False) -> Piece | None:
    """The whitespace shown where two lines are joined: one character (read as a space) between
    two Latin words, or before a table value (`values`); none where a word or number was cut."""
    left, right = text[prev.end - 1], text[line.start]
    latin = (left.isascii() and left.isalnum() and right.isascii() and right.isalnum()
             and not (left.isdigit() and right.isdigit()))
    return (prev.end, prev.end + 1) if latin or values else None


def joined(text: str, lines: list[Line], spaced: bool = False) -> list[Piece]:
    """Pieces of lines read as one run of text (a paragraph, a cell, a label); `spaced`: a space
    between every two lines (a row of values)."""
    pieces: list[Piece] = []
    for i, line in enumerate(lines):
        if i:
            gap = gap_piece(text, lines[i - 1], line, spaced)
            if gap:
                pieces.append(gap)
        pieces.append((line.start, line.end))
    return pieces


def table_runs(lines: list[Line]) -> list[tuple[int, int]]:
    """(first, end) line indexes of crawled tables: runs of short lines with at least
    `_RUN_VALUES` stand-alone values, from the first header line to the last value."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and (is_value(lines[j]) or (
                len(lines[j].text) <= _SHORT and not _BREAK_END.search(lines[j].text))):
            j += 1
        values = [k for k in range(i, j) if standalone(lines, k)]
        headed = sum(lines[k].text in _TABLE_WORDS for k in range(i, j)) >= 2
        if len(values) >= _RUN_VALUES or (values and headed):
            first = i
            while first < values[0] and _top_heading(lines[first]) and not is_value(
                    lines[first + 1]):
                first += 1
            first = next((k for k in range(first, values[0])
                          if lines[k].text.startswith(_TABLE_STARTS)), first)
            runs.append((first, values[-1] + 1))
        i = max(j, i + 1)
    return runs


def _top_heading(line: Line) -> bool:
    return bool(re.match(r"[一二三四五六七八九十]{1,3}、", line.text))


def sentence_ends(text: str) -> list[int]:
    """Offsets where a sentence ends: after sentence punctuation, at a real line break, and
    after each row of a crawled table (its label and values read as one sentence)."""
    ends = {m.end() for m in re.finditer(f"[{SENTENCE_END}]", text)}
    lines = lines_of(text, 0, len(text))
    in_table = [False] * len(lines)
    for first, end in table_runs(lines):
        ends.add(lines[end - 1].end)
        for k in range(first, end):
            in_table[k] = True
    for i in range(1, len(lines)):
        prev, line = lines[i - 1], lines[i]
        row_end = in_table[i] and in_table[i - 1] and is_value(prev) and not is_value(line)
        if real_break(lines, i) or row_end:
            ends.add(prev.end)
    return sorted(ends)


def sentence_at(ends: list[int], length: int, offset: int) -> tuple[int, int]:
    """The sentence (start, end) holding `offset`, given `sentence_ends`."""
    k = bisect_right(ends, offset)
    return (ends[k - 1] if k else 0), (ends[k] if k < len(ends) else length)


def shown_chars(text: str, start: int, end: int) -> list[str]:
    """Per character of text[start:end], what a one-line passage shows: whitespace dropped where
    a line or a word was cut, one space where two lines or Latin words or values meet."""
    shown = list(text[start:end])
    lines = lines_of(text, start, end)
    for m in re.finditer(f"[{WHITESPACE}]+", text[start:end]):
        a, b = start + m.start(), start + m.end()
        left = text[a - 1] if a > start else ""
        right = text[b] if b < end else ""
        for k in range(a, b):
            shown[k - start] = ""
        gap = text[a:b]
        if left and right and "\n" not in gap and ("\t" in gap or _inline_space(left, right)):
            shown[a - start] = " "
    for i in range(1, len(lines)):
        prev, line = lines[i - 1], lines[i]
        value = is_value(line) and standalone(lines, i)
        if real_break(lines, i) or gap_piece(text, prev, line, value):
            shown[prev.end - start] = " "
    return shown


def _inline_space(left: str, right: str) -> bool:
    han = is_han(left) or is_han(right)
    return not han and not (left.isdigit() and right.isdigit()) and left.isalnum() \
        and right.isalnum()

