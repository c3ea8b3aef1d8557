"""A section laid out for reading: paragraphs, heading lines, tables, and text kept as printed.

`layout(text, start, end, tables)` returns `Block`s (`display.py`) in text order:

1. rows of an HTML table (`Report.tables`) that lie inside the section become a grid with the
   page's own rowspan/colspan; a cell's wrapped lines are joined;
2. a crawled line that runs a whole table together ("规章000行政规范性文件77132470…") cannot be
   split into cells without guessing: it is shown as printed, with `RUN_TOGETHER_NOTE`;
3. a run of short lines with stand-alone values (`display.table_runs`) becomes rows: a label
   (its wrapped lines joined), its unit (条, 件) and its values. Crawls drop empty cells, so the values get a column
   each only when every row has the same number of them; otherwise each row's values stay in
   one cell in printed order, with `RAGGED_NOTE`; the standard application and appeals tables
   with all their values get their two- and three-level column heads (`standard_head`);
4. everything else becomes paragraphs (`display.real_break`).

Every block is made of pieces of the original text, in order; nothing is invented or re-ordered.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from indexer.model.record import TableCell
from indexer.search.display import (HEADING_START, WHITESPACE, Block, Cell, Line, Piece, is_heading,
                                    is_value, joined, lines_of, real_break, table_runs)
from indexer.text.normalize import is_han

RUN_TOGETHER_NOTE = "此表格无法可靠还原，按原文显示。"
RAGGED_NOTE = "抓取的文本丢掉了空单元格，各数值所在的列无法确定：每行的数值按原文顺序列出。"
_RUN_KEYS = ("本年新收", "指标名称", "申请人情况", "第二十条", "计量单位")
# Column and group labels of the standard tables, so lines a crawl wrapped are joined back.
KNOWN_LABELS = (
    "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构",
    "其他", "总计", "行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结",
    "未经复议直接起诉", "复议后起诉", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数",
    "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "处理决定数量",
    "本年处理决定数量", "采购项目数量", "采购总金额", "本年收费金额（单位：万元）", "三、本年度办理结果",
    "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理", "指标名称", "计量单位")

UNITS = {"条", "件", "个", "份", "项", "次", "人", "人次", "元", "万元", "篇", "期", "家"}
REQUEST_HEAD = ("申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织",
                "法律服务机构", "其他")
_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
APPEAL_HEAD = ("行政复议", "行政诉讼", *_RESULTS, "未经复议直接起诉", "复议后起诉", *_RESULTS, *_RESULTS)
Tables = Sequence[Sequence[Sequence[TableCell]]]


def layout(text: str, start: int, end: int, tables: Tables = ()) -> list[Block]:
    """The blocks of text[start:end] (see the module docstring)."""
    lines = lines_of(text, start, end)
    regions = _html_regions(text, tables, start, end, lines)
    grids = [Block("table", rows=rows) for _a, _b, rows in regions]
    split: list[Line] = []
    owner: list[object] = []
    for line in lines:
        k = next((k for k, (a, b, _r) in enumerate(regions) if a <= line.start < b), None)
        if k is not None:
            split.append(line)
            owner.append(("grid", k))
            continue
        for part, raw in _split_run_together(line):
            split.append(part)
            owner.append(("raw", len(split)) if raw else None)
    lines = split
    for first, stop in _free_stretches(owner):
        for a, b in table_runs(lines[first:stop]):
            for k in range(first + a, first + b):
                owner[k] = ("crawl", first + a)
    blocks: list[Block] = []
    k = 0
    while k < len(lines):
        j = k + 1
        while j < len(lines) and owner[j] == owner[k]:
            j += 1
        kind = owner[k][0] if owner[k] else None
        if kind == "grid":
            blocks.append(grids[owner[k][1]])
        elif kind == "raw":
            blocks.append(Block("raw", [(lines[k].start, lines[k].end)], note=RUN_TOGETHER_NOTE))
        elif kind == "crawl":
            blocks.append(crawl_table(text, lines[k:j]))
        else:
            blocks.extend(paragraphs(text, lines[k:j]))
        k = j
    return blocks


def paragraphs(text: str, lines: list[Line]) -> list[Block]:
    """Lines joined into paragraphs at the joins, cut at the real breaks."""
    groups: list[list[Line]] = []
    for i, line in enumerate(lines):
        if not groups or real_break(lines, i):
            groups.append([])
        groups[-1].append(line)
    return [Block("h" if len(g) == 1 and is_heading(g[0]) else "p", joined(text, g))
            for g in groups]


def crawl_table(text: str, lines: list[Line]) -> Block:
    """A crawled table run as rows: label cells and value cells (see the module docstring)."""
    groups: list[tuple[list[Line], list[Line]]] = []
    labels: list[Line] = []
    values: list[Line] = []
    for k, line in enumerate(lines):
        unit = (labels and not values and line.text in UNITS and k + 1 < len(lines)
                and is_value(lines[k + 1]))
        if is_value(line) or unit:
            values.append(line)
            continue
        if values:
            groups.append((labels, values))
            labels, values = [], []
        labels.append(line)
    groups.append((labels, values))
    counts = {len(v) for _l, v in groups if v}
    uniform = len(counts) == 1 and (max(counts) > 1 or sum(bool(v) for _l, v in groups) > 1)
    units = any(v and v[0].text in UNITS for _l, v in groups)
    width = 1 + (max(counts) if uniform else 1 + units)
    rows: list[list[Cell]] = []
    for labels, values in groups:
        segments = [label_groups(seg) for seg in _segments(labels)]
        last = segments.pop() if values and segments else []
        if len(last) > 1 and not _column_words(last):    # header lines above the row's label
            segments.append(last[:-1])
            last = last[-1:]
        n = len(values) if uniform else 0
        for segment in segments:
            rows.extend(standard_head(text, segment, n)
                        or [[Cell(label_pieces(text, segment), True, width)]])
        if not values:
            continue
        head = standard_head(text, last, n)
        label = [] if head else [Cell(label_pieces(text, last), True)]
        rows.extend(head or [])
        rows.append([*label, *_value_cells(text, values, uniform, units)])
    return Block("table", rows=rows, note="" if uniform else RAGGED_NOTE)


def standard_head(text: str, groups: list[list[Line]], n: int) -> list[list[Cell]] | None:
    """The header rows of a standard table (申请人情况 over 7 columns, 行政复议/行政诉讼 over 15)
    when the label groups are its column words in printed order and each row has all its values;
    the cells keep the text order, so rowspan/colspan place them."""
    names = ["".join("".join(line.text.split()) for line in g) for g in groups]

    def head(group: list[Line], colspan: int = 1, rowspan: int = 1) -> Cell:
        return Cell(joined(text, group), True, colspan, rowspan)

    if n == 7 and names[-9:] == list(REQUEST_HEAD):
        lead, g = groups[:-9], groups[-9:]
        return [[Cell(label_pieces(text, lead), True, 1, 3), head(g[0], 7)],
                [head(g[1], 1, 2), head(g[2], 5), head(g[3], 1, 2)],
                [head(x) for x in g[4:]]]
    if n == 15 and names == list(APPEAL_HEAD):
        return [[head(groups[0], 5), head(groups[1], 10)],
                [*(head(x, 1, 2) for x in groups[2:7]), head(groups[7], 5), head(groups[8], 5)],
                [head(x) for x in groups[9:]]]
    return None


def _value_cells(text: str, values: list[Line], uniform: bool, units: bool) -> list[Cell]:
    """A row's value cells: one per value when every row has as many; else its unit (when the
    table has units) and then all its values in one cell, in printed order."""
    if uniform:
        return [Cell([(v.start, v.end)]) for v in values]
    unit = values[:1] if values[0].text in UNITS else []
    cells = [Cell([(u.start, u.end) for u in unit])] if units else []
    return [*cells, Cell(joined(text, values[len(unit):], spaced=True))]


def _column_words(groups: list[list[Line]]) -> bool:
    """Label groups that are all column words of a standard table (行政复议 … 总计): a header
    whose values' columns are not known, not a row label under a header."""
    return all("".join("".join(line.text.split()) for line in g) in KNOWN_LABELS for g in groups)


def _segments(labels: list[Line]) -> list[list[Line]]:
    """Label lines cut where a numbered label starts ("（三）…" / "1.…": a row of its own)."""
    segments: list[list[Line]] = []
    for line in labels:
        if not segments or HEADING_START.match(line.text):
            segments.append([])
        segments[-1].append(line)
    return segments


def label_groups(lines: list[Line]) -> list[list[Line]]:
    """Label lines grouped into labels: the parts of one known label, single characters, and a
    parenthesised remark ("（区分处理的…）") stay with the line before them."""
    groups: list[list[Line]] = []
    run = ""
    for line in lines:
        bare = "".join(line.text.split())
        prev = groups[-1][-1] if groups else None
        glued = prev is not None and (
            any(n.startswith(run + bare) for n in KNOWN_LABELS)
            or (len(prev.text) == 1 and len(bare) == 1 and is_han(bare))
            or (bare.startswith(("（", "(")) and not HEADING_START.match(bare)))
        if glued:
            groups[-1].append(line)
            run += bare
        else:
            groups.append([line])
            run = bare
    return groups


def label_pieces(text: str, groups: list[list[Line]]) -> list[Piece]:
    """Pieces of label groups: a group's lines joined, one space between groups."""
    pieces: list[Piece] = []
    for group in groups:
        if pieces:
            pieces.append((pieces[-1][1], pieces[-1][1] + 1))
        pieces.extend(joined(text, group))
    return pieces


def _split_run_together(line: Line) -> list[tuple[Line, bool]]:
    """A line with a table run together cut off at the table's first word: (part, is_table)."""
    at = min((line.text.find(key) for key in _RUN_KEYS if key in line.text), default=-1)
    rest = line.text[at:] if at >= 0 else ""
    if at < 0 or len(re.findall(r"\d+", rest)) < 6 or rest.count("。") > 1:
        return [(line, False)]
    head = line.text[:at].rstrip(WHITESPACE)
    table = Line(line.start + at, line.end, rest, bool(head) or line.blank_before)
    if not head:
        return [(table, True)]
    return [(Line(line.start, line.start + len(head), head, line.blank_before), False), (table, True)]


def _free_stretches(owner: list[object]) -> list[tuple[int, int]]:
    stretches = []
    k = 0
    while k < len(owner):
        if owner[k] is None:
            j = k
            while j < len(owner) and owner[j] is None:
                j += 1
            stretches.append((k, j))
            k = j
        else:
            k += 1
    return stretches


def _html_regions(text: str, tables: Tables, start: int, end: int,
                  lines: list[Line]) -> list[tuple[int, int, list[list[Cell]]]]:
    """(start, end, rows) of each run of HTML table rows inside [start, end) whose cells cover
    whole lines and leave only whitespace between them."""
    starts, ends = {ln.start for ln in lines}, {ln.end for ln in lines}
    regions = []
    for table in tables:
        group: list[Sequence[TableCell]] = []
        for row in [*table, []]:
            if row and start <= min(c.start for c in row) and max(c.end for c in row) <= end:
                group.append(row)
                continue
            region = _grid(text, group, starts, ends) if group else None
            if region:
                regions.append(region)
            group = []
    return regions


def _grid(text: str, rows: list[Sequence[TableCell]], starts: set[int],
          ends: set[int]) -> tuple[int, int, list[list[Cell]]] | None:
    cells = sorted((c for row in rows for c in row if c.end > c.start), key=lambda c: c.start)
    if not cells or cells[0].start not in starts or cells[-1].end not in ends:
        return None
    for a, b in itertools.pairwise(cells):
        if b.start < a.end or text[a.end:b.start].strip(WHITESPACE):
            return None
    grid = [[Cell(joined(text, lines_of(text, c.start, c.end)),
                  header=_is_label(c.text),
                  colspan=getattr(c, "colspan", 1), rowspan=getattr(c, "rowspan", 1))
             for c in row] for row in rows]
    return cells[0].start, cells[-1].end, grid


def _is_label(cell_text: str) -> bool:
    bare = cell_text.strip(WHITESPACE)
    return bool(bare) and not is_value(Line(0, len(bare), bare))


def block_pieces(blocks: list[Block]) -> list[Piece]:
    """Every piece of the blocks, in display order."""
    pieces: list[Piece] = []
    for block in blocks:
        pieces.extend(block.pieces)
        for row in block.rows:
            for cell in row:
                pieces.extend(cell.pieces)
    return pieces


def display_map(text: str, blocks: list[Block]) -> tuple[str, list[int]]:
    """The text the blocks show and, for each of its characters, its offset in `text`."""
    offsets = [k for a, b in block_pieces(blocks) for k in range(a, b)]
    return "".join(text[k] for k in offsets), offsets
