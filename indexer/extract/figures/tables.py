"""Statistics tables: the 2019/2021 application and appeals tables and the older indicator table.

Both sources become the same `Row`s (a label and its value cells, with spans into the text):

* crawled text flattens a table to one cell per line; a line holding a number ("3", "00", "0 0",
  "暂无") is a value of the label line above it. Crawls drop empty cells, so a row may hold fewer
  values than columns, and wrap long values onto the next line ("1" / "62" for 162).
* HTML pages keep the cells (`report.tables`), empty ones included, so columns are positional.

Crawls that run all cells of a row together on one line ("本年新收…640020470") give no value
lines, and no figure is read from them: the digits cannot be split without guessing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from indexer.model.record import Report
from indexer.extract.figures.numbers import cell_value

_SPACE = re.compile(r"[\s\u00a0\u3000]+")


@dataclass
class Cell:
    """One value cell: the number as printed (None for an empty HTML cell) and its span."""

    value: int | float | None
    start: int
    end: int
    words: bool = False
    text: str = ""


@dataclass
class Row:
    """A table row: its label (whitespace removed) and value cells; `positional` for HTML rows."""

    label: str
    start: int
    end: int
    cells: list[Cell] = field(default_factory=list)
    positional: bool = False


def text_rows(text: str) -> list[Row]:
    """Rows of a flattened table: each text line is a label, the number lines under it its cells."""
    rows: list[Row] = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip(" \t\r\u00a0\u3000")
        if not stripped:
            continue
        value, words = cell_value(stripped)
        if value is not None:
            lead = len(line) - len(line.lstrip(" \t\r\u00a0\u3000"))
            cell = Cell(value, start + lead, start + lead + len(stripped), words, stripped)
            if rows:
                rows[-1].cells.append(cell)
            continue
        rows.append(Row(_SPACE.sub("", stripped), start, end))
    return rows


def html_rows(report: Report, fold: Callable[[str], str] = str) -> Iterator[list[Row]]:
    """Each HTML table as rows: label cells joined (`fold`ed: traditional labels read as
    simplified), then the value cells in column order."""
    for table in report.tables:
        rows = []
        for cells in table:
            values: list[Cell] = []
            label_parts: list[str] = []
            for c in cells:
                value, words = cell_value(c.text)
                if value is None and c.text.strip():
                    label_parts.append(c.text)
                    values = []  # value cells only count after the last label cell
                    continue
                values.append(Cell(value, c.start, c.end, words, c.text))
            if not cells:
                continue
            rows.append(Row(_SPACE.sub("", fold("".join(label_parts))), cells[0].start, cells[-1].end,
                            values, positional=True))
        yield rows


# The application table (2019 and 2021 formats): figure key -> pattern on the row label.
REQUEST_ROWS: list[tuple[str, str]] = [
    ("requests_received", r"本年度?新收"),
    ("requests_carried_over", r"上年度?结转"),
    ("requests_granted", r"予以公开"),
    ("requests_partly_granted", r"部分公开"),
    ("refused_state_secret", r"国家秘密"),
    ("refused_law_prohibited", r"法律行政法规禁止"),
    ("refused_safety_stability", r"三安全一稳定"),
    ("refused_third_party", r"第三方合法权益"),
    ("refused_internal_affairs", r"内部事务"),
    ("refused_process_info", r"过程性信息"),
    ("refused_enforcement_file", r"行政执法案卷"),
    ("refused_query_matter", r"行政查询事项"),
    ("unable_not_exist", r"不掌握"),
    ("unable_need_create", r"另行制作"),
    ("unable_unclear", r"仍不明确"),
    ("not_processed_petition", r"信访举报投诉"),
    ("not_processed_repeat", r"重复申请"),
    ("not_processed_publication", r"公开出版物"),
    ("not_processed_mass_repeat", r"大量反[复覆]申请"),   # 反覆: the traditional form
    ("not_processed_confirm", r"确认或重新出具"),
    ("requests_other", r"其他处理$"),
    ("other_no_correction", r"逾期不补正"),
    ("other_no_fee", r"缴纳费用"),
    ("other_other", r"^[3３][.．、]?其他$"),
    ("requests_total", r"总计"),
    ("requests_carried_forward", r"结转下年"),
]
# The indicator table of reports before 2019 (指标名称 | 计量单位 | 数量).
INDICATOR_ROWS: list[tuple[str, str]] = [
    ("proactive_published", r"主动公开(政府)?(信息|文件)(总)?数"),
    ("requests_received", r"受理.*申请.*总数|受理依申请公开信息总数"),
    ("requests_total", r"对申请的答复总数"),
    ("requests_granted", r"(?<!部分)同意公开答复"),
    ("requests_partly_granted", r"部分公开答复"),
    ("requests_refused", r"(不予|否决)公开答复"),
    ("requests_other", r"其他类型答复"),
    ("reconsiderations", r"行政复议数"),
    ("lawsuits", r"行政诉讼数"),
]
PERSON_COLUMNS = 7  # 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计
APPEAL_COLUMNS = 15
_NEW_ROW = re.compile(r"本年度?新收")
_APPEAL_HEADER = set("行政复议诉讼结果维持纠正其他尚未审结总计经直接起后情况")


@dataclass
class RowReading:
    """What one table row says: its cells in column order (None where unknown) and any doubt."""

    key: str
    row: Row
    columns: list[Cell | None]
    problem: str = ""
    printed: list[Cell] = field(default_factory=list)


def match_rows(rows: list[Row], spec: list[tuple[str, str]], start: int, limit: int
               ) -> Iterator[tuple[str, Row, list[Cell]]]:
    """(key, row, cells) for each spec row found in order; a label row without values takes the
    values of the unmatched label rows right after it (a label wrapped over lines, a unit column)."""
    patterns = [(key, re.compile(p)) for key, p in spec]
    cursor = start
    for key, pattern in patterns:
        for i in range(cursor, min(limit, len(rows))):
            if pattern.search(rows[i].label):
                break
        else:
            continue
        cursor = i + 1
        cells = rows[i].cells
        j = i + 1
        while not cells and j < min(limit, len(rows), i + 9):
            if any(p.search(rows[j].label) for _, p in patterns):
                break
            cells = rows[j].cells
            j += 1
        yield key, rows[i], cells


def split_wrapped(cells: list[Cell], columns: int, groups: int) -> list[list[Cell]] | None:
    """Rejoin values a crawl wrapped over lines so each group of columns sums to its total.

    Returns the merged cells when exactly one way of joining adjacent values satisfies every
    group's sum (first columns-1 add up to the last); None when no way or several ways do.
    """
    n = len(cells)
    if n < columns * groups or n > columns * groups + 4 or any(
            isinstance(c.value, float) or c.words for c in cells):
        return None
    answers: dict[tuple[int, ...], list[list[Cell]]] = {}
    for cuts in itertools.combinations(range(1, n), columns * groups - 1):
        bounds = (0, *cuts, n)
        parts = [cells[a:b] for a, b in zip(bounds, bounds[1:])]
        if any(len(p) > 1 and p[0].text.startswith("0") for p in parts):
            continue
        values = tuple(int("".join(c.text for c in p)) for p in parts)
        if all(sum(values[g * columns:(g + 1) * columns - 1]) == values[(g + 1) * columns - 1]
               for g in range(groups)):
            answers[values] = parts
        if len(answers) > 1:
            return None
    if len(answers) != 1:
        return None
    (values, parts), = answers.items()
    return [Cell(v, p[0].start, p[-1].end, False, "".join(c.text for c in p))
            for v, p in zip(values, parts)]


def read_person_row(key: str, row: Row, cells: list[Cell]) -> RowReading:
    """Columns of an application-table row (自然人 … 总计); the 总计 column is always the last."""
    printed = [c for c in cells if c.value is not None]
    if row.positional and len(cells) == PERSON_COLUMNS:
        return RowReading(key, row, list(cells), printed=printed)
    if len(printed) == PERSON_COLUMNS:
        return RowReading(key, row, printed, printed=printed)
    if len(printed) > PERSON_COLUMNS:
        merged = split_wrapped(printed, PERSON_COLUMNS, 1)
        if merged:
            return RowReading(key, row, merged, printed=merged)
        return RowReading(key, row, [None] * PERSON_COLUMNS,
                          f"{len(printed)} values for {PERSON_COLUMNS} columns")
    if not printed:
        return RowReading(key, row, [None] * PERSON_COLUMNS)
    # Empty cells were dropped: only the last value's column (总计, the rightmost) is certain.
    columns: list[Cell | None] = [None] * PERSON_COLUMNS
    columns[-1] = printed[-1]
    return RowReading(key, row, columns, "dropped" if len(printed) > 1 else "", printed)


def find_request_table(rows: list[Row]) -> tuple[int, int] | None:
    """(first, limit) row indexes of the application table, or None."""
    for i, row in enumerate(rows):
        if _NEW_ROW.search(row.label):
            start = max(0, i - 1)
            for j in range(i, min(len(rows), i + 120)):
                if "结转下年" in rows[j].label:
                    return start, j + 2
            return start, min(len(rows), i + 80)
    return None


def request_readings(rows: list[Row]) -> list[RowReading]:
    """The rows of the application table found in `rows`."""
    span = find_request_table(rows)
    if span is None:
        return []
    return [read_person_row(key, row, cells)
            for key, row, cells in match_rows(rows, REQUEST_ROWS, *span)]


def appeal_cells(rows: list[Row], start: int = 0) -> tuple[list[Cell], bool] | None:
    """The 15 cells of the appeals table (行政复议 … 总计) after row `start`, or None."""
    for i in range(start, len(rows)):
        label = rows[i].label
        if label in ("行政复议", "行政复议行政诉讼"):
            break
    else:
        return None
    cells: list[Cell] = list(rows[i].cells)
    positional = rows[i].positional
    for row in rows[i + 1:i + 40]:
        if row.label and not set(row.label) <= _APPEAL_HEADER:
            if cells:
                break
            if len(row.label) > 12:
                return None
        cells.extend(row.cells)
        positional = positional or row.positional
        if positional and len(row.cells) == APPEAL_COLUMNS:
            cells = list(row.cells)
            break
    return cells, positional


def indicator_readings(rows: list[Row]) -> list[tuple[str, Row, Cell]]:
    """(key, row, first value cell) from the pre-2019 indicator table (指标名称 | 单位 | 数量)."""
    for i, row in enumerate(rows):
        if "指标名称" in row.label:
            break
    else:
        return []
    found = []
    for key, row, cells in match_rows(rows, INDICATOR_ROWS, i, i + 120):
        printed = [c for c in cells if c.value is not None]
        if printed and not isinstance(printed[0].value, float):
            found.append((key, row, printed[0]))
    return found
