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
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.model.record import Section

# The canonical sections (REPORTS.md, "Canonical sections"), in report order, with their labels.
LABELS: dict[str, str] = {
    "preamble": "前言", "overview": "总体情况", "proactive": "主动公开", "requests": "依申请公开",
    "fees": "收费及减免", "appeals": "复议与诉讼", "problems": "问题与改进", "other": "其他事项",
    "appendix": "附件",
}
SLUGS = tuple(LABELS)

# (slug, priority, cue) matched in squeezed heading text. A priority-3 cue names one thing only
# and wins over the broader 2 and 1: "依申请公开政府信息的收费及减免情况" is about fees.
CUES: tuple[tuple[str, int, str], ...] = (
    ("overview", 1, r"概述|概况|总体情况|基本(工作)?情况|工作情况|组织领导|机构建设|保障经费"
                    r"|工作机制|主要(做法|措施)|主要任务落实"),
    ("proactive", 2, r"^政府信息公开的?情况$|主动公开|重点领域|重点工作|回应解读|解读回应|政策解读|回应(社会|公众)?关切"),
    ("requests", 2, r"依申请|依法申请|申请公开|收到和处理|不予公开|公开申请(的)?(办理|处理|受理)?情况"),
    ("fees", 3, r"收费|减免"),
    ("appeals", 3, r"行政复议|行政诉讼|复议|诉讼|申诉|投诉举报"),
    ("problems", 3, r"存在的?(主要)?问题|主要问题|问题(和|及|与)?(改进|整改)|改进(措施|情况|方向)"
                    r"|工作打算|下一?步(工作)?(打算|计划|安排|思路)|整改(计划|措施)|努力方向"),
    ("other", 3, r"其他需要|需要(报告|说明)的(其他)?事项|其他(应|需)?(报告|说明)?的?事项|说明的?事项"),
    ("appendix", 3, r"^附件|^附表|^附[:：]|统计表|附表"),
)
_CUE_RES = [(slug, prio, re.compile(pattern)) for slug, prio, pattern in CUES]

# Row labels of the 2019/2021 application table, numbered like headings.
_TABLE_ROW = re.compile(r"^(本年度?新收|上年度?结转|本年度?办理结果|结转下年度|本年度?结转)")
# Words a heading ends with; what follows the last one in a run-on line is body text.
_TAIL = re.compile(r"情况|措施|事项|概述|概况|附表|附件|统计表|方向|打算|计划|困难")
_TAIL_END = re.compile("(?:" + _TAIL.pattern + ")$")
_STOP = set("。；;！!？?：:（(，,《“\"【[")
_SENTENCE_END = set("。！？!?）)」”\"")
_FIXED_2019 = {1: "overview", 2: "proactive", 3: "requests", 4: "appeals", 5: "problems",
               6: "other"}
_FORMAT_2019 = re.compile(r"收到和处理政府信息公开申请|第二十条第[（(]一[)）]项|勾稽关系"
                          r"|本年度?新收政府信息公开申请")
_MARKER = re.compile(r"(?P<cn>[一二三四五六七八九十]{1,3})[、.．]|第(?P<part>[一二三四五六七八九十]{1,3})部分[、.．:：]?"
                     r"|(?P<ar>[1-9]\d?)[.．、](?!\d)")
_TABLES = (
    ("proactive", re.compile(r"第二十条第[（(]一[)）]项信息内容")),
    ("requests", re.compile(r"[（(]?本列数据的?勾稽关系|申请人情况自然人")),
    ("appeals", re.compile(r"行政复议行政诉讼(结果维持|未经复议)")),
    ("other", re.compile(r"[（(]一[)）](收取)?信息处理费")),
)
_EXPECTED = re.compile(r"(?:由|包括|包含)[^。]{2,200}?([二三四五六七八九十])个?(?:部分|方面)")
_LEAD_IN = re.compile(r"[^。；;：:，,！？]{2,20}(?:[，,][^。；;：:，,！？]{2,20})?(?=[。：:])")
_NEXT_MARKER = re.compile(r"[一二三四五六七八九十]{1,3}、")
_ENUMERATION = re.compile(r"[一二三四五六七八九十]是")
_SUB_MARKER = re.compile(r"^\s*([（(][一二三四五六七八九十\d]+[)）]|[\d一二三四五六七八九十]+\s*[、.．]|[一二三四五六七八九十]是)")
_CN_DIGITS = set("一二三四五六七八九十")    # the first character of _NEXT_MARKER and _ENUMERATION
_INK = re.compile(r"[^\s\u200b\ufeff]+")
_APPENDIX_LINE = re.compile(r"^(附件|附表|附[:：]|附\d)|统计表[:：]?$")


@dataclass
class Squeezed:
    """The text without whitespace; `pos[i]` is the offset of `text[i]` in the original."""

    text: str
    pos: list[int]

    def gap(self, source: str, i: int) -> str:
        """The whitespace of `source` between squeezed characters i-1 and i."""
        return source[self.pos[i - 1] + 1:self.pos[i]] if 0 < i < len(self.pos) else ""


@dataclass
class Candidate:
    """A place where a section may start."""

    start: int            # offset in the original text
    end: int              # end of the printed heading (== start when inferred)
    slug: str | None
    number: int | None = None
    style: str = ""       # cn | part | ar (numbered) | table | lead | line (appendix)
    weight: int = 0


def squeeze(text: str) -> Squeezed:
    """The text with whitespace (and zero-width characters) removed, with an offset map."""
    # Run by run rather than character by character: \s is exactly str.isspace.
    runs, pos = [], []
    for m in _INK.finditer(text):
        runs.append(m.group())
        pos.extend(range(*m.span()))
    return Squeezed("".join(runs), pos)


def numeral(value: str) -> int:
    """一 .. 九十九 as an int."""
    digits = {c: i + 1 for i, c in enumerate("一二三四五六七八九")}
    if "十" not in value:
        return digits.get(value[-1], 0)
    tens, _, units = value.partition("十")
    return digits.get(tens, 1) * 10 + digits.get(units, 0)


def classify(heading: str) -> str | None:
    """The canonical slug a (squeezed) heading text names, or None."""
    best = None
    for slug, prio, cue in _CUE_RES:
        m = cue.search(heading)
        if m and m.start() <= 30 and (best is None or (prio, -m.start()) > best[0]):
            best = ((prio, -m.start()), slug)
    return best[1] if best else None


def expected_sections(text: str) -> int | None:
    """How many parts the introduction says the report has ("…等六部分组成"), if it says."""
    m = _EXPECTED.search(re.sub(r"\s+", "", text[:2000]))
    return numeral(m.group(1)) if m else None


def split_sections(text: str) -> list[Section]:
    """Sections covering `text` in order, without gaps or overlaps."""
    sq = squeeze(text)
    chosen = _numbered(text, sq)
    chosen = _add_tables(text, sq, chosen)
    chosen = _add_lead_ins(text, chosen)
    chosen = _add_appendix(text, chosen)
    return _build(text, chosen)


# --- pass 1: numbered headings ---------------------------------------------------------------

def _line_start(text: str, offset: int) -> bool:
    """Whether only whitespace stands between the previous line break and `offset`."""
    i = offset - 1
    while i >= 0 and text[i] != "\n":
        if not text[i].isspace():
            return False
        i -= 1
    return True


def _after_sentence(text: str, offset: int) -> bool:
    """A marker inside a line must follow a sentence end, a number or a space, not a word."""
    prev = text[offset - 1]
    return (prev in _SENTENCE_END or prev.isspace() or prev.isdigit()
            or (prev.isascii() and prev.isalpha()))


def _heading_extent(text: str, sq: Squeezed, body: int, at_line_start: bool) -> int:
    """Squeezed index where the heading text that starts at `body` ends."""
    squeezed, pos = sq.text, sq.pos
    j, limit = body, min(len(squeezed), body + 45)
    while j < limit:
        ch, size = squeezed[j], j - body        # size: length of the heading text so far
        if size and (ch in _STOP or (ch.isdigit() and size > 1)):
            break
        if ch in _CN_DIGITS and ((size >= 4 and _ENUMERATION.match(squeezed, j))
                                 or _NEXT_MARKER.match(squeezed, j)):
            break
        if size and pos[j] - pos[j - 1] > 1:    # whitespace before this character
            if _TAIL_END.search(squeezed, body, j):
                break
            if "\n" in text[pos[j - 1] + 1:pos[j]]:
                if size >= 4 and len("".join(_line_at(text, pos[j]).split())) > 12:
                    break
            elif not at_line_start and size >= 2:
                break
        j += 1
    tails = [m.end() for m in _TAIL.finditer(squeezed, body, j)]
    return tails[-1] if tails else j


def _line_at(text: str, offset: int) -> str:
    """The rest of the line from `offset`."""
    end = text.find("\n", offset)
    return text[offset:end] if end >= 0 else text[offset:]


def _numbered_candidates(text: str, sq: Squeezed) -> list[Candidate]:
    fixed = _FORMAT_2019.search(sq.text) is not None
    found = []
    for m in _MARKER.finditer(sq.text):
        begin = sq.pos[m.start()]
        style = "cn" if m.group("cn") else "part" if m.group("part") else "ar"
        at_line_start = _line_start(text, begin)
        if at_line_start:
            weight = 10
        elif style != "cn" or text[begin - 1] in "一二三四五六七八九十第（(":
            continue
        else:
            weight = 8 if _after_sentence(text, begin) else 5
        number = int(m.group("ar")) if style == "ar" else numeral(m.group(style))
        body = m.end()
        end = _heading_extent(text, sq, body, at_line_start)
        words = sq.text[body:end]
        if _TABLE_ROW.match(words):
            continue
        slug = classify(words)
        if weight == 5 and not (slug and _TAIL_END.search(words) and len(words) >= 4):
            continue
        if fixed and style == "cn" and number in _FIXED_2019:
            bare = not words or (at_line_start and len(words) <= 2)
            if slug in (None, "overview", "proactive", "requests") and (slug or bare):
                slug = _FIXED_2019[number]
        if slug is None:
            # Kept only to fill a gap in the numbering: a heading line of its own.
            after = text[sq.pos[end - 1] + 1:sq.pos[end - 1] + 2] if end > body else "x"
            rest = _line_at(text, sq.pos[end - 1] + 1) if at_line_start else ""
            if weight < 8 or not _TAIL_END.search(words) or rest.strip() or not after.isspace():
                continue
            weight = 0
        stop = sq.pos[end - 1] + 1 if end > body else sq.pos[m.end() - 1] + 1
        if at_line_start:
            stop = _whole_line(text, stop)
        found.append(Candidate(begin, stop, slug, number, style, weight))
    return found


def _whole_line(text: str, stop: int) -> int:
    """A heading line printed in full: "三、依申请公开…情况，政府信息公开的收费及减免情况，因…的情况"."""
    line_end = text.find("\n", stop)
    line_end = len(text) if line_end < 0 else line_end
    rest = "".join(text[stop:line_end].split())
    if rest and len(rest) <= 80 and not re.search(r"[。；;！!？?]", rest) and _TAIL_END.search(rest):
        return len(text[:line_end].rstrip())
    return stop


def _numbered(text: str, sq: Squeezed) -> list[Candidate]:
    """The heaviest run of numbered headings of one style with increasing numbers."""
    every = _numbered_candidates(text, sq)
    found = [c for c in every if c.slug]
    if not found:
        return []
    styles = {}
    for c in found:
        styles[c.style] = styles.get(c.style, 0) + c.weight
    style = max(styles, key=lambda s: (styles[s], s == "cn", s == "part"))
    found = [c for c in found if c.style == style]
    best: list[tuple[int, int]] = []          # (score, previous index)
    for j, c in enumerate(found):
        score, prev = c.weight + (1 if c.number == 1 else 0), -1
        for i in range(j):
            if found[i].number < c.number:
                step = 2 if found[i].number + 1 == c.number else 0
                if best[i][0] + c.weight + step >= score:   # ties: the later copy of a line
                    score, prev = best[i][0] + c.weight + step, i
        best.append((score, prev))
    j = max(range(len(found)), key=lambda k: best[k][0])
    run = []
    while j >= 0:
        run.append(found[j])
        j = best[j][1]
    return _fill_gaps(run[::-1], [c for c in every if not c.slug and c.style == style])


def _fill_gaps(run: list[Candidate], unnamed: list[Candidate]) -> list[Candidate]:
    """A numbered heading line that names no canonical section ("四、政府信息公开保密审查机制及运行
    情况") but sits exactly in a gap of the run is a section of its own: `other`."""
    filled = list(run)
    for a, b in zip(run, run[1:]):
        if b.number - a.number != 2:
            continue
        for c in unnamed:
            if a.start < c.start < b.start and c.number == a.number + 1:
                filled.append(Candidate(c.start, c.end, "other", c.number, c.style, c.weight))
                break
    return sorted(filled, key=lambda c: c.start)


# --- passes 2-4: tables, lead-ins, appendix --------------------------------------------------

def _slug_at(chosen: list[Candidate], offset: int) -> str:
    slug = "preamble"
    for c in chosen:
        if c.start <= offset:
            slug = c.slug or slug
    return slug


def _add_tables(text: str, sq: Squeezed, chosen: list[Candidate]) -> list[Candidate]:
    """Open a section where a standard table shows up outside its own section."""
    for slug, cue in _TABLES:
        m = cue.search(sq.text)
        if not m:
            continue
        begin = sq.pos[m.start()]
        line = text.rfind("\n", 0, begin) + 1
        if _line_start(text, begin):
            begin = line
        here = _slug_at(chosen, begin)
        if slug == "other" and here != "problems":
            continue
        if here != slug and slug not in _after(chosen, begin):
            inferred = Candidate(begin, begin, slug, style="table")
            chosen = sorted(chosen + [inferred], key=lambda c: c.start)
    return chosen


def _after(chosen: list[Candidate], offset: int) -> set[str]:
    return {c.slug for c in chosen if c.start > offset}


def _add_lead_ins(text: str, chosen: list[Candidate]) -> list[Candidate]:
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
    if len(line) <= 24 and not any(ch in line for ch in "。，,；;") and _TAIL.search(line[-3:]):
        return line.rstrip("：:")
    if _SUB_MARKER.match(line):
        return None
    m = _LEAD_IN.match(line)
    return m.group(0) if m else None


def _add_appendix(text: str, chosen: list[Candidate]) -> list[Candidate]:
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


# --- assembling ------------------------------------------------------------------------------

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
