"""Pass 1: numbered headings, the backbone of the outline.

A top-level marker (一、 / 第一部分 / 1.) at a line start, or inside a line right after a sentence
end, then heading text naming a section (`cues.classify`). Sub-headings and table row labels are
refused; of the candidates, the heaviest run with increasing numbers is kept (`numbered_headings`),
and in the 2019/2021 format the six fixed numbers decide where the printed words are vague.
"""

from __future__ import annotations

import itertools
import re

from indexer.extract.sections.candidate import Candidate, Squeezed, line_at, line_start
from indexer.extract.sections.cues import TAIL, TAIL_END, classify, numeral

# Row labels of the 2019/2021 application table, numbered like headings.
_TABLE_ROW = re.compile(r"^(本年度?新收|上年度?结转|本年度?办理结果|结转下年度|本年度?结转)")
_STOP = set("。；;！!？?：:（(，,《“\"【[")
_SENTENCE_END = set("。！？!?）)」”\"")
_FIXED_2019 = {1: "overview", 2: "proactive", 3: "requests", 4: "appeals", 5: "problems",
               6: "other"}
_FORMAT_2019 = re.compile(r"收到和处理政府信息公开申请|第二十条第[（(]一[)）]项|勾稽关系"
                          r"|本年度?新收政府信息公开申请")
_MARKER = re.compile(r"(?P<cn>[一二三四五六七八九十]{1,3})[、.．]|第(?P<part>[一二三四五六七八九十]{1,3})部分[、.．:：]?"
                     r"|(?P<ar>[1-9]\d?)[.．、](?!\d)")
_NEXT_MARKER = re.compile(r"[一二三四五六七八九十]{1,3}、")
_ENUMERATION = re.compile(r"[一二三四五六七八九十]是")
_CN_DIGITS = set("一二三四五六七八九十")    # the first character of _NEXT_MARKER and _ENUMERATION


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
            if TAIL_END.search(squeezed, body, j):
                break
            if "\n" in text[pos[j - 1] + 1:pos[j]]:
                if size >= 4 and len("".join(line_at(text, pos[j]).split())) > 12:
                    break
            elif not at_line_start and size >= 2:
                break
        j += 1
    tails = [m.end() for m in TAIL.finditer(squeezed, body, j)]
    return tails[-1] if tails else j


def _numbered_candidates(text: str, sq: Squeezed) -> list[Candidate]:
    fixed = _FORMAT_2019.search(sq.text) is not None
    found = []
    for m in _MARKER.finditer(sq.text):
        begin = sq.pos[m.start()]
        style = "cn" if m.group("cn") else "part" if m.group("part") else "ar"
        at_line_start = line_start(text, begin)
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
        if weight == 5 and not (slug and TAIL_END.search(words) and len(words) >= 4):
            continue
        if fixed and style == "cn" and number in _FIXED_2019:
            bare = not words or (at_line_start and len(words) <= 2)
            if slug in (None, "overview", "proactive", "requests") and (slug or bare):
                slug = _FIXED_2019[number]
        if slug is None:
            # Kept only to fill a gap in the numbering: a heading line of its own.
            after = text[sq.pos[end - 1] + 1:sq.pos[end - 1] + 2] if end > body else "x"
            rest = line_at(text, sq.pos[end - 1] + 1) if at_line_start else ""
            if weight < 8 or not TAIL_END.search(words) or rest.strip() or not after.isspace():
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
    if rest and len(rest) <= 80 and not re.search(r"[。；;！!？?]", rest) and TAIL_END.search(rest):
        return len(text[:line_end].rstrip())
    return stop


def numbered_headings(text: str, sq: Squeezed) -> list[Candidate]:
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
    best = _heaviest_runs(found)
    j = max(range(len(found)), key=lambda k: best[k][0])
    run = []
    while j >= 0:
        run.append(found[j])
        j = best[j][1]
    return _fill_gaps(run[::-1], [c for c in every if not c.slug and c.style == style])


def _heaviest_runs(found: list[Candidate]) -> list[tuple[int, int]]:
    """(score, previous index) of the heaviest increasing run ending at each candidate.

    A run steps from a smaller number to a larger one, +2 for the next number; on a tie the later
    copy of a line wins. Only the best earlier candidate of each number can be the previous one,
    so each candidate looks at one (score, index) per number: linear in the candidates (numbers
    are at most two digits), where comparing every pair grew with the square of the file."""
    best: list[tuple[int, int]] = []
    by_number: dict[int, tuple[int, int]] = {}   # number -> (best score, latest index with it)
    for j, c in enumerate(found):
        score, prev = c.weight + (1 if c.number == 1 else 0), -1
        top = (score - 1, -1)
        for number, (value, i) in by_number.items():
            if number < c.number:
                top = max(top, (value + c.weight + (2 if number + 1 == c.number else 0), i))
        if top[0] >= score and top[1] >= 0:          # ties: the later copy of a line
            score, prev = top
        best.append((score, prev))
        if score >= by_number.get(c.number, (score, -1))[0]:
            by_number[c.number] = (score, j)
    return best


def _fill_gaps(run: list[Candidate], unnamed: list[Candidate]) -> list[Candidate]:
    """A numbered heading line that names no canonical section ("四、政府信息公开保密审查机制及运行
    情况") but sits exactly in a gap of the run is a section of its own: `other`."""
    filled = list(run)
    for a, b in itertools.pairwise(run):
        if b.number - a.number != 2:
            continue
        for c in unnamed:
            if a.start < c.start < b.start and c.number == a.number + 1:
                filled.append(Candidate(c.start, c.end, "other", c.number, c.style, c.weight))
                break
    return sorted(filled, key=lambda c: c.start)
