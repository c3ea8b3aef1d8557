"""Figures stated in prose (mostly reports before 2019), read only inside their own section.

Each rule names the sections it may read and patterns tried in order; the first match in the
first matching section wins. A number must be a count (`numbers.is_count_at`): followed by
a count unit and not part of a date, document number, phone number or postcode. Zero stated in
words ("未收到…申请", "不存在…收费", "均不收取任何费用") gives 0 with ``stated_in_words``.

The patterns read a copy of the text with traditional characters folded (`extract.folded`, same
offsets), and a number may stand on a line of its own: crawls of city-government pages print
"共受理政府信息公开申请⏎553⏎件". The phrasings are the ones reports use across provinces:
受理/收到/新收…申请X件, 全年共受理X件, 办结X件 (the results total), 被申请行政复议X件,
提起行政诉讼X件, 收取费用X元.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.model.record import Figure, Report
from indexer.extract.folded import fold_han
from indexer.extract.figures.numbers import CN_DIGITS, DIGITS, is_count_at, number_value

# A number, possibly on a line of its own ("申请\n553\n件"), possibly approximate (余/多).
N = rf"\s*(?P<n>[{DIGITS}]+|[{CN_DIGITS}]+)\s*(?P<approx>余|多)?\s*"
_CLAUSE = r"[^。；;\n]"  # stay inside one clause: a pattern never spans two statements
# "Not" words, minus the table labels that contain them (尚未审结, 未经复议直接起诉, 无正当理由…).
NOT = r"(?:(?<!尚)未(?!经复议|审结)|没有|无(?!正当理由))"


@dataclass(frozen=True)
class Rule:
    """Where a figure may be read and how it is phrased."""

    key: str
    sections: tuple[str, ...]
    numbers: tuple[str, ...] = ()
    zero_words: tuple[str, ...] = ()


RULES: list[Rule] = [
    Rule("proactive_published", ("proactive",), numbers=(
        rf"(?<!应)主动公开{_CLAUSE}{{0,15}}?(?:共计?|累计)?[^。；;\n\d{CN_DIGITS}]{{0,6}}?{N}条",
        rf"(?:共计?|累计|全年){_CLAUSE}{{0,12}}?公开(?:发布)?[^。；;\n\d{CN_DIGITS}]{{0,6}}?{N}条",
    )),
    Rule("requests_received", ("requests",), numbers=(
        rf"(?:受理|收到|新收|接到|接收){_CLAUSE}{{0,20}}?申请[^。；;\n\d{CN_DIGITS}]{{0,8}}?{N}"
        r"(?:件|条|宗|份|个)",
        rf"(?:全年|本年度?|年内)?共(?:计)?(?:受理|收到|接到){N}(?:件|宗|份)",
    ), zero_words=(
        rf"(?:未|没有)(?:收到|受理|接到|发生){_CLAUSE}{{0,25}}?申请",
        rf"无(?!正当理由){_CLAUSE}{{0,8}}?申请",
    )),
    # 2019 on, the overview sums up each part ("（三）依申请公开。全年共收到政府信息公开申请16件"):
    # read there only in these strict phrasings, and only when the part itself gave nothing.
    Rule("proactive_published", ("overview",), numbers=(
        rf"(?<!应)主动公开(?:政府)?信息(?:共计?|累计)?{N}条",
    )),
    Rule("requests_received", ("overview",), numbers=(
        rf"(?:共|全年|累计)(?:收到|受理|接收){_CLAUSE}{{0,12}}?(?:公开)?申请{N}件",
    )),
    Rule("requests_total", ("requests",), numbers=(
        rf"(?:已|均已|共)?(?:办结|答复){N}件",
    )),
    Rule("fees_collected", ("fees",), numbers=(
        # one amount in the clause only: "邮寄费1000元，复印费2000元" is not a total to pick from
        rf"收(?:取|费){_CLAUSE}{{0,10}}?{N}元(?![^。；;\n]*?[\d０-９]元)",
    ), zero_words=(
        rf"(?:不存在|{NOT}){_CLAUSE}{{0,20}}?收(?:费|取)",
        rf"(?:均|一律|全部|都)不收(?:取|费)",
        rf"收费{_CLAUSE}{{0,12}}?(?:[:：]\s*无|为零)",
    )),
    Rule("fees_collected", ("other",), zero_words=(
        rf"{NOT}{_CLAUSE}{{0,6}}?收取{_CLAUSE}{{0,4}}?信息处理费",
    )),
    Rule("reconsiderations", ("appeals",), numbers=(
        rf"行政复议[^。；;\n\d{CN_DIGITS}]{{0,8}}?{N}(?:件|起|宗|次)",
    ), zero_words=(rf"{NOT}{_CLAUSE}{{0,30}}?复议",)),
    Rule("lawsuits", ("appeals",), numbers=(
        rf"行政诉讼[^。；;\n\d{CN_DIGITS}]{{0,8}}?{N}(?:件|起|宗|次)",
    ), zero_words=(rf"{NOT}{_CLAUSE}{{0,40}}?诉讼",)),
]


def _figure(report: Report, value: int, start: int, end: int, section: str, *,
            approx: bool = False, words: bool = False) -> Figure:
    return Figure(value, section, start, end, approx=approx, stated_in_words=words, source="prose")


_SINCE_EVER = re.compile(r"截至|截止|历年|自.{0,12}以来")


def _cumulative(text: str, start: int) -> bool:
    """Whether the sentence before `start` counts since ever ("截至2016年底，…累计…19.24万条")."""
    before = text[max(0, start - 40):start]
    sentence = re.split(r"[。；;]", before)[-1]
    return bool(_SINCE_EVER.search(sentence))


def _read(report: Report, text: str, rule: Rule) -> Figure | None:
    for section in report.sections:
        if section.slug not in rule.sections:
            continue
        for pattern in rule.numbers:
            for m in re.compile(pattern).finditer(text, section.start, section.end):
                s, e = m.span("n")
                value = number_value(m.group("n"))
                if value is None or not is_count_at(text, s, e) or _cumulative(text, m.start()):
                    continue
                return _figure(report, value, s, m.end(), section.slug,
                               approx=bool(m.group("approx")))
        for pattern in rule.zero_words:
            m = re.compile(pattern).search(text, section.start, section.end)
            if m:
                return _figure(report, 0, m.start(), m.end(), section.slug, words=True)
    return None


def prose_figures(report: Report) -> dict[str, Figure]:
    """Figures found in the prose of the report's sections (a section read only for its own)."""
    found: dict[str, Figure] = {}
    text = fold_han(report.text)
    for rule in RULES:
        if rule.key not in found:
            fig = _read(report, text, rule)
            if fig:
                found[rule.key] = fig
    return found
