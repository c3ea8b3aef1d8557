"""Passes 2-4: sections opened without a numbered heading.

2. Tables and fixed items: where a heading is missing, a standard table tells the section.
3. Lead-ins: a short phrase opening a paragraph ("加强组织领导。…") or a short unnumbered heading
   line, only for sections still missing and not once the announced parts are all there.
4. A trailing 附件/附表/统计表 block is the appendix.
"""

from __future__ import annotations

import re

from indexer.extract.sections.candidate import Candidate, Squeezed, line_start, slug_at
from indexer.extract.sections.cues import TAIL, classify, expected_sections

_TABLES = (
    ("proactive", re.compile(r"第二十条第[（(]一[)）]项信息内容")),
    ("requests", re.compile(r"[（(]?本列数据的?勾稽关系|申请人情况自然人")),
    ("appeals", re.compile(r"行政复议行政诉讼(结果维持|未经复议)")),
    ("other", re.compile(r"[（(]一[)）](收取)?信息处理费")),
)
_LEAD_IN = re.compile(r"[^。；;：:，,！？]{2,20}(?:[，,][^。；;：:，,！？]{2,20})?(?=[。：:])")
_SUB_MARKER = re.compile(r"^\s*([（(][一二三四五六七八九十\d]+[)）]|[\d一二三四五六七八九十]+\s*[、.．]|[一二三四五六七八九十]是)")
_APPENDIX_LINE = re.compile(r"^(附件|附表|附[:：]|附\d)|统计表[:：]?$")


def add_tables(text: str, sq: Squeezed, chosen: list[Candidate]) -> list[Candidate]:
    """Open a section where a standard table shows up outside its own section."""
    for slug, cue in _TABLES:
        m = cue.search(sq.text)
        if not m:
            continue
        begin = sq.pos[m.start()]
        line = text.rfind("\n", 0, begin) + 1
        if line_start(text, begin):
            begin = line
        here = slug_at(chosen, begin)
        if slug == "other" and here != "problems":
            continue
        if here != slug and slug not in _after(chosen, begin):
            inferred = Candidate(begin, begin, slug, style="table")
            chosen = sorted(chosen + [inferred], key=lambda c: c.start)
    return chosen


def _after(chosen: list[Candidate], offset: int) -> set[str]:
    return {c.slug for c in chosen if c.start > offset}


def add_lead_ins(text: str, chosen: list[Candidate]) -> list[Candidate]:
    """Unnumbered headings and lead-in phrases, for sections no heading has opened."""
    present = {c.slug for c in chosen}
    expected = expected_sections(text)
    if expected is not None and len(present) >= expected:
        return chosen
    first_table = min((c.start for c in chosen if c.style == "table"), default=len(text))
    offset, previous = 0, ""
    for line in text.split("\n"):
        begin = offset + len(line) - len(line.lstrip())
        offset += len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        if begin >= first_table:
            break                                # lines only move further past the table
        closed, previous = _sentence_closed(previous), stripped
        if not closed:
            continue
        phrase = _lead_in_phrase(stripped)
        if not phrase:
            continue
        slug = classify("".join(phrase.split()))
        if slug in (None, "appendix") or slug in present:
            continue
        lead = Candidate(begin, begin + len(phrase), slug, style="lead")
        chosen = sorted(chosen + [lead], key=lambda c: c.start)
        present.add(slug)
    return chosen


def _sentence_closed(line: str) -> bool:
    """Whether a line ends a sentence (not a bare "（二）" marker the crawler split off)."""
    if not line or _SUB_MARKER.match(line) and len(line) <= 5:
        return False
    return line[-1] in "。！？!?：:" or (line[-1] in "）)" and len(line) > 5)


def _lead_in_phrase(line: str) -> str | None:
    """"加强组织领导" of "加强组织领导。为切实…", or a short unnumbered heading line."""
    if len(line) <= 24 and not any(ch in line for ch in "。，,；;") and TAIL.search(line[-3:]):
        return line.rstrip("：:")
    if _SUB_MARKER.match(line):
        return None
    m = _LEAD_IN.match(line)
    return m.group(0) if m else None


def add_appendix(text: str, chosen: list[Candidate]) -> list[Candidate]:
    """A trailing 附件/附表/统计表 block: its first title line after the last heading."""
    if chosen and chosen[-1].slug == "appendix":
        return chosen
    offset = text.find("\n", max(chosen[-1].start if chosen else 0, len(text) // 3)) + 1
    if offset == 0:
        return chosen
    previous = None
    for line in text[offset:].split("\n"):
        begin = offset + len(line) - len(line.lstrip())
        offset += len(line) + 1
        squeezed = "".join(line.split())
        if len(squeezed) <= 40 and _APPENDIX_LINE.search(squeezed) and "下载" not in squeezed:
            if squeezed.startswith("年") and previous and previous[1].isdigit():
                begin = previous[0]              # "2015⏎年度…统计表": the year the crawler split off
            return chosen + [Candidate(begin, offset - 1, "appendix", style="line")]
        if squeezed:
            previous = (begin, squeezed)
    return chosen
