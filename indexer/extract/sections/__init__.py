"""Canonical sections: which span of a report is its overview, its 主动公开 part, its statistics...

A report is cut at the headings it prints. Headings are looked for in a *squeezed* copy of the
text (whitespace removed, each character mapped back to its offset), so crawler line breaks inside
a heading ("三、收到和处理⏎政府信息公开申请情况", "一 、概⏎述") do not matter. Four passes:

1. Numbered headings: a top-level marker (一、 / 第一部分 / 1.) at a line start, or inside a line
   right after a sentence end (the one-line Pingtan bodies), then heading text naming a section
   (`CUES`). Sub-headings (（一）, 1、 under 一、) are not markers; table row labels
   ("一、本年新收政府信息公开申请数量") are refused by name. Of the candidates, the heaviest run
   with increasing numbers is kept, so a paragraph opener ("三、完善平台建设。进一步…"), a list
   inside a section or a heading line the crawler repeated or moved cannot break the outline. In
   the 2019/2021 format the six numbers are fixed and decide where the printed words are vague or
   missing. A heading line naming no canonical section that fills a gap in the run is `other`.
2. Tables and fixed items: where a heading is missing, a standard table tells the section
   ("第二十条第（一）项" opens 主动公开, "勾稽关系"/"申请人情况" opens 依申请公开, the
   行政复议/行政诉讼 header row opens 复议与诉讼; "（一）信息处理费…" after 问题 opens 其他事项).
3. Lead-ins: reports without numbering open sections with a short phrase ("加强组织领导。…",
   "针对尚存的问题，我们制定了如下整改计划：…"); these only fill sections still missing, and not
   once the sections the introduction announces ("…等六部分组成") are all there.
4. A trailing 附件/附表/统计表 block is the appendix.

Text before the first section is the preamble, whatever it says: the "本年报由…等六部分组成"
sentence names every section but is not a heading. Signature and date lines stay in the section
they close. Sections cover the text exactly, in order; a slug may repeat.

Modules: `cues` (the heading vocabulary), `candidate` (what the passes share), `numbered`
(pass 1), `inferred` (passes 2-4); this module runs the passes and assembles the sections.
"""

from __future__ import annotations

from indexer.extract.folded import fold_han
from indexer.extract.sections.candidate import Candidate, squeeze
from indexer.extract.sections.cues import CUES, classify, expected_sections, numeral
from indexer.extract.sections.inferred import add_appendix, add_lead_ins, add_tables
from indexer.extract.sections.numbered import numbered_headings
from indexer.model.record import Section

__all__ = ["CUES", "classify", "expected_sections", "numeral", "split_sections"]


def split_sections(text: str) -> list[Section]:
    """Sections covering `text` in order, without gaps or overlaps.

    Headings are read with traditional characters folded (same offsets); a section's heading
    keeps the characters as printed."""
    folded = fold_han(text)
    sq = squeeze(folded)
    chosen = numbered_headings(folded, sq)
    chosen = add_tables(folded, sq, chosen)
    chosen = add_lead_ins(folded, chosen)
    chosen = add_appendix(folded, chosen)
    return _build(text, chosen)


def _printed(text: str, start: int, end: int) -> str:
    """The heading as printed: crawler line breaks removed, ends stripped."""
    return "".join(part.strip() for part in text[start:end].split("\n")).strip()


def _build(text: str, chosen: list[Candidate]) -> list[Section]:
    sections: list[Section] = []
    starts = sorted({c.start: c for c in chosen if 0 <= c.start < len(text)}.values(),
                    key=lambda c: c.start)
    if not starts or starts[0].start > 0:
        starts.insert(0, Candidate(0, 0, "preamble"))
    for i, c in enumerate(starts):
        end = starts[i + 1].start if i + 1 < len(starts) else len(text)
        heading = _printed(text, c.start, min(c.end, end)).rstrip("：:。")
        sections.append(Section(c.slug or "other", heading, c.start, end))
    return sections
