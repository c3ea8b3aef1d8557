"""Numbers in reports: table cells, prose counts, and the numbers that are never counts.

A count is a number followed by a count unit (条, 件, 次, 项 ...). Dates (2016年1月1日), working-day
limits (20个工作日), document numbers (北区教〔2005〕16号), phone numbers, fax numbers and postcodes
are numbers too, and the guards here keep them out of the statistics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

DIGITS = "0-9０-９"
CN_DIGITS = "零〇一二两三四五六七八九十百千万"
NUM = rf"(?:[{DIGITS}]+|[{CN_DIGITS}]+)"
COUNT_UNITS = "条件次项宗起份个篇家人元"
# Whitespace as crawlers leave it inside and around table cells.
_CELL_SPACE = re.compile(r"[\s\u00a0\u3000]+")
_CELL_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
_CELL_ZEROS = re.compile(r"^0(?:[\s\u00a0\u3000]+0)+$")
WORD_ZERO_CELLS = {"暂无", "无"}
_CELL_FIRST = set("0123456789暂无")   # how every cell value above begins
_CONTACT_LABEL = re.compile(r"(电话|传真|邮编|邮政编码|热线|手机|联系方式|QQ)[:：\s]*$")
_SPACE = " \t\n\r\u00a0\u3000"
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class Count:
    """A count found in text: its value and span, and whether it is approximate (余/多)."""

    value: int
    start: int
    end: int
    approx: bool = False


def cell_value(text: str) -> tuple[int | float | None, bool]:
    """A table cell as (number, stated_in_words); (None, False) when it is not a number.

    "00" and "0 0" are how crawls print a zero cell; "暂无"/"无" state zero in words.
    """
    s = text.strip(" \t\n\r\u00a0\u3000")
    if not s or s[0] not in _CELL_FIRST:     # most lines: no regex needed to say no
        return None, False
    if _CELL_ZEROS.match(s):
        return 0, False
    if s in WORD_ZERO_CELLS:
        return 0, True
    if _CELL_NUMBER.match(s):
        return (float(s) if "." in s else int(s)), False
    return None, False


def number_value(token: str) -> int | None:
    """An Arabic or Chinese numeral as an integer; None when it is not one."""
    token = token.translate(_FULLWIDTH)
    if token.isdigit():
        return int(token)
    try:
        value = cn2an.cn2an(token, "strict")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return int(value) if float(value).is_integer() else None


def is_count_at(text: str, start: int, end: int) -> bool:
    """Whether the number text[start:end] is a count rather than a date, code or phone number."""
    # A crawl may put the number on a line of its own: look past the line breaks around it.
    after = text[end:end + 12].lstrip(_SPACE)[:4]
    before = text[max(0, start - 16):start].rstrip(_SPACE)[-8:]
    if not after or after[0] not in COUNT_UNITS + "余多":
        return False
    if after.startswith(("个工作日", "个月", "个小时", "多年", "余年")) or after[:2] in ("件事",):
        return False
    if before.endswith(("-", "—", "〔", "[", "［", "(", "（", "第")):
        return False
    if _CONTACT_LABEL.search(before):
        return False
    return True


_COUNT = re.compile(rf"({NUM})(余|多)?(?=[{COUNT_UNITS}])")


def find_counts(text: str, start: int = 0, end: int | None = None) -> list[Count]:
    """Every count in text[start:end] (Arabic or Chinese numerals followed by a count unit)."""
    found = []
    for match in _COUNT.finditer(text, start, len(text) if end is None else end):
        s, e = match.span(1)
        if s > 0 and re.match(rf"[{DIGITS}{CN_DIGITS}.．]", text[s - 1]):
            continue  # part of a longer number the regex did not start at
        unit_end = match.end()
        if not is_count_at(text, s, e):
            continue
        value = number_value(match.group(1))
        if value is None:
            continue
        found.append(Count(value, s, unit_end + 1, bool(match.group(2))))
    return found
