"""Statistics: the figures a report prints, each with the span of text that states it.

`extract_stats(report)` returns ``{key: Figure}`` for the keys of `FIGURE_LABELS` the report
gives (`indexer.model`), where ``report.text[figure.start:figure.end]`` is the evidence. Sources, tried in this order:

1. the application and appeals tables of the 2019/2021 formats — from HTML cells when the page
   had markup, else from the flattened crawl text (`figures.tables`);
2. the indicator table of earlier reports (指标名称 | 计量单位 | 数量);
3. prose, read only inside the section a figure belongs to (`figures.prose`).

Sums the tables do not print (不予公开 = its eight reasons) are derived and marked ``derived``.
Broken table rules are returned beside the figures as `Flag`s, with the numbers as printed.
"""

from __future__ import annotations


from indexer.model.record import Figure, Flag, Report
from indexer.model.vocabulary import FIGURE_KEYS, FIGURE_LABELS
from indexer.extract.folded import fold_han
from indexer.extract.figures.checks import appeal_sum_flags, row_sum_flag, table_flags
from indexer.extract.figures.prose import prose_figures
from indexer.extract.figures.tables import (APPEAL_COLUMNS, REQUEST_ROWS, Cell, Row, appeal_cells, html_rows,
                           indicator_readings, request_readings, split_wrapped, text_rows)

# Table rows a sum stands for, when the table prints only the reasons.
DERIVED: dict[str, list[str]] = {
    "requests_refused": [k for k in FIGURE_KEYS if k.startswith("refused_")],
    "requests_unable": [k for k in FIGURE_KEYS if k.startswith("unable_")],
    "requests_not_processed": [k for k in FIGURE_KEYS if k.startswith("not_processed_")],
    "requests_other": [k for k in FIGURE_KEYS if k.startswith("other_")],
}
ROW_LABELS = {key: FIGURE_LABELS[key] for key, _ in REQUEST_ROWS}


def figure(report: Report, value: int | float, start: int, end: int, source: str, *,
           approx: bool = False, words: bool = False, derived: list[str] | None = None) -> Figure:
    """One figure with its evidence span and the section the span lies in."""
    section = report.section_at(start)
    return Figure(value, section.slug if section else None, start, end, approx=approx,
                  stated_in_words=words, source=source, derived=derived)


def _cell_figure(report: Report, cell: Cell, source: str) -> Figure:
    return figure(report, cell.value, cell.start, cell.end, source, words=cell.words)


def _table_sources(report: Report) -> list[tuple[str, list[Row]]]:
    """HTML tables first (cells are exact), then the flattened text; a traditional-character
    report's row labels are read folded (`fold_han`: same length, so offsets stay the original's)."""
    sources = [("html", rows) for rows in html_rows(report, fold=lambda s: fold_han(s, like=report.text))]
    return sources + [("table", text_rows(fold_han(report.text)))]


def _read_requests(report: Report, sources: list[tuple[str, list[Row]]], stats: dict[str, Figure],
                   flags: list[Flag]) -> set[str]:
    """Figures of the application table; returns the keys of rows printed empty."""
    for source, rows in sources:
        readings = request_readings(rows)
        if any(r.printed for r in readings):
            break
    else:
        return set()
    empty = set()
    for reading in readings:
        total = reading.columns[-1]
        if reading.problem and reading.problem != "dropped":
            flags.append(Flag("unreadable_row", f"{ROW_LABELS[reading.key]}: "
                               f"{reading.problem}；未读取数字",
                               {"row": reading.key, "cells": [c.text for c in reading.printed]}))
            continue
        if total is None or total.value is None:
            if not reading.printed:
                empty.add(reading.key)
            continue
        stats[reading.key] = _cell_figure(report, total, source)
        problem = row_sum_flag(reading, ROW_LABELS[reading.key])
        if problem:
            flags.append(problem)
    return empty


def _derive(report: Report, stats: dict[str, Figure]) -> None:
    for key, parts in DERIVED.items():
        if key in stats:
            continue
        present = [p for p in parts if p in stats]
        # 2019 tables have no 其他处理 reasons: require every reason row the table format has.
        needed = [p for p in parts if p != "other_other"] if key == "requests_other" else parts
        if not present or any(p not in stats for p in needed):
            continue
        figs = [stats[p] for p in present]
        stats[key] = figure(report, sum(f.value for f in figs), figs[0].start,
                            figs[-1].end, figs[0].source, derived=present,
                            words=all(f.stated_in_words for f in figs))


def _read_appeals(report: Report, sources: list[tuple[str, list[Row]]], stats: dict[str, Figure],
                  flags: list[Flag]) -> None:
    for source, rows in sources:
        found = appeal_cells(rows)
        if not found or not any(c.value is not None for c in found[0]):
            continue
        cells, positional = found
        printed = [c for c in cells if c.value is not None]
        columns: list[Cell] | None = None
        if positional and len(cells) == APPEAL_COLUMNS and len(printed) == APPEAL_COLUMNS:
            columns = cells
        elif len(printed) == APPEAL_COLUMNS:
            columns = printed
        elif len(printed) > APPEAL_COLUMNS:
            columns = split_wrapped(printed, 5, 3)
        elif printed and all(c.value == 0 for c in printed):
            # Every printed cell reads 0: the report states no case at all.
            zero = Cell(0, printed[0].start, printed[-1].end, False, "0")
            columns = [zero] * APPEAL_COLUMNS
        if columns is None:
            flags.append(Flag("unreadable_row", f"行政复议、行政诉讼: "
                               f"{len(printed)} 个数值对应 {APPEAL_COLUMNS} 栏，无法对齐；未读取数字",
                               {"row": "appeals", "cells": [c.text for c in printed]}))
            return
        stats["reconsiderations"] = _cell_figure(report, columns[4], source)
        stats["lawsuits_direct"] = _cell_figure(report, columns[9], source)
        stats["lawsuits_after_reconsideration"] = _cell_figure(report, columns[14], source)
        stats["lawsuits"] = figure(report, columns[9].value + columns[14].value,
                                   min(columns[9].start, columns[14].start),
                                   max(columns[9].end, columns[14].end), source,
                                   derived=["lawsuits_direct", "lawsuits_after_reconsideration"])
        flags.extend(appeal_sum_flags(columns))
        return


def _read_indicators(report: Report, sources: list[tuple[str, list[Row]]],
                     stats: dict[str, Figure]) -> None:
    for source, rows in sources:
        readings = indicator_readings(rows)
        if readings:
            for key, _row, cell in readings:
                stats.setdefault(key, _cell_figure(report, cell, f"{source}-indicator"))
            return


def extract_stats(report: Report) -> tuple[dict[str, Figure], list[Flag]]:
    """The figures a report gives, each with its evidence span, and the rules its tables break."""
    stats: dict[str, Figure] = {}
    flags: list[Flag] = []
    # Rows are read once and shared: the readers only look at them.
    sources = _table_sources(report)
    empty = _read_requests(report, sources, stats, flags)
    _read_appeals(report, sources, stats, flags)
    _read_indicators(report, sources, stats)
    _derive(report, stats)
    for key, fig in prose_figures(report).items():
        stats.setdefault(key, fig)
    values = {k: f.value for k, f in stats.items()}
    for key, parts in DERIVED.items():
        if key not in values and any(p in values or p in empty for p in parts):
            values[key] = sum(values.get(p, 0) for p in parts)
    flags.extend(table_flags(values, empty))
    return stats, flags
