"""Statistics: the figures a report prints, each with the span of text that states it.

`extract_stats(report)` returns ``{key: figure}`` for the keys of `FIGURES` the report gives, where
a figure is ``{"value", "section", "start", "end", "approx", "stated_in_words", "source"}`` and
``report.text[start:end]`` is the evidence. Sources, tried in this order:

1. the application and appeals tables of the 2019/2021 formats — from HTML cells when the page
   had markup, else from the flattened crawl text (`stats_tables`);
2. the indicator table of earlier reports (指标名称 | 计量单位 | 数量);
3. prose, read only inside the section a figure belongs to (`stats_prose`).

Sums the tables do not print (不予公开 = its eight reasons) are derived and marked ``derived``.
Broken table rules are listed under ``stats["_flags"]`` with the numbers as printed; a key that
starts with "_" is not a figure.
"""

from __future__ import annotations

from typing import Any

from indexer.model.record import Report
from indexer.extract.figures.checks import appeal_sum_flags, row_sum_flag, table_flags
from indexer.extract.figures.prose import prose_figures
from indexer.extract.figures.tables import (APPEAL_COLUMNS, REQUEST_ROWS, Cell, Row, appeal_cells, html_rows,
                           indicator_readings, request_readings, split_wrapped, text_rows)

FIGURES: dict[str, str] = {
    "proactive_published": "主动公开信息条数",
    "requests_received": "本年新收申请",
    "requests_carried_over": "上年结转申请",
    "requests_granted": "予以公开",
    "requests_partly_granted": "部分公开",
    "requests_refused": "不予公开",
    "requests_unable": "无法提供",
    "requests_not_processed": "不予处理",
    "requests_other": "其他处理",
    "requests_total": "办理结果总计",
    "requests_carried_forward": "结转下年度继续办理",
    "fees_collected": "收费（元）",
    "reconsiderations": "行政复议总计",
    "lawsuits": "行政诉讼总计",
    "lawsuits_direct": "未经复议直接起诉总计",
    "lawsuits_after_reconsideration": "复议后起诉总计",
    "refused_state_secret": "不予公开：属于国家秘密",
    "refused_law_prohibited": "不予公开：其他法律行政法规禁止公开",
    "refused_safety_stability": "不予公开：危及“三安全一稳定”",
    "refused_third_party": "不予公开：保护第三方合法权益",
    "refused_internal_affairs": "不予公开：属于三类内部事务信息",
    "refused_process_info": "不予公开：属于四类过程性信息",
    "refused_enforcement_file": "不予公开：属于行政执法案卷",
    "refused_query_matter": "不予公开：属于行政查询事项",
    "unable_not_exist": "无法提供：本机关不掌握相关政府信息",
    "unable_need_create": "无法提供：没有现成信息需要另行制作",
    "unable_unclear": "无法提供：补正后申请内容仍不明确",
    "not_processed_petition": "不予处理：信访举报投诉类申请",
    "not_processed_repeat": "不予处理：重复申请",
    "not_processed_publication": "不予处理：要求提供公开出版物",
    "not_processed_mass_repeat": "不予处理：无正当理由大量反复申请",
    "not_processed_confirm": "不予处理：要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "其他处理：申请人逾期不补正",
    "other_no_fee": "其他处理：申请人逾期未缴纳费用",
    "other_other": "其他处理：其他",
}
MAIN_FIGURES: list[str] = [
    "proactive_published", "requests_received", "requests_carried_over", "requests_granted",
    "requests_partly_granted", "requests_refused", "requests_unable", "requests_not_processed",
    "requests_other", "requests_total", "requests_carried_forward", "fees_collected",
    "reconsiderations", "lawsuits",
]
# Table rows a sum stands for, when the table prints only the reasons.
DERIVED: dict[str, list[str]] = {
    "requests_refused": [k for k in FIGURES if k.startswith("refused_")],
    "requests_unable": [k for k in FIGURES if k.startswith("unable_")],
    "requests_not_processed": [k for k in FIGURES if k.startswith("not_processed_")],
    "requests_other": [k for k in FIGURES if k.startswith("other_")],
}
ROW_LABELS = {key: FIGURES[key] for key, _ in REQUEST_ROWS}


def figure(report: Report, value: int | float, start: int, end: int, source: str, *,
           approx: bool = False, words: bool = False, **extra: Any) -> dict[str, Any]:
    """One figure with its evidence span and the section the span lies in."""
    section = report.section_at(start)
    return {"value": value, "section": section.slug if section else None, "start": start,
            "end": end, "approx": approx, "stated_in_words": words, "source": source, **extra}


def _cell_figure(report: Report, cell: Cell, source: str) -> dict[str, Any]:
    return figure(report, cell.value, cell.start, cell.end, source, words=cell.words)


def _table_sources(report: Report) -> list[tuple[str, list[Row]]]:
    """HTML tables first (cells are exact), then the flattened text."""
    sources = [("html", rows) for rows in html_rows(report)]
    return sources + [("table", text_rows(report.text))]


def _read_requests(report: Report, sources: list[tuple[str, list[Row]]], stats: dict[str, Any],
                   flags: list[dict[str, Any]]) -> set[str]:
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
            flags.append({"rule": "unreadable_row", "message": f"{ROW_LABELS[reading.key]}: "
                          f"{reading.problem}；未读取数字",
                          "values": {"row": reading.key,
                                     "cells": [c.text for c in reading.printed]}})
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


def _derive(report: Report, stats: dict[str, Any]) -> None:
    for key, parts in DERIVED.items():
        if key in stats:
            continue
        present = [p for p in parts if p in stats]
        # 2019 tables have no 其他处理 reasons: require every reason row the table format has.
        needed = [p for p in parts if p != "other_other"] if key == "requests_other" else parts
        if not present or any(p not in stats for p in needed):
            continue
        figs = [stats[p] for p in present]
        stats[key] = figure(report, sum(f["value"] for f in figs), figs[0]["start"],
                            figs[-1]["end"], figs[0]["source"], derived=present,
                            words=all(f["stated_in_words"] for f in figs))


def _read_appeals(report: Report, sources: list[tuple[str, list[Row]]], stats: dict[str, Any],
                  flags: list[dict[str, Any]]) -> None:
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
            flags.append({"rule": "unreadable_row", "message": f"行政复议、行政诉讼: "
                          f"{len(printed)} 个数值对应 {APPEAL_COLUMNS} 栏，无法对齐；未读取数字",
                          "values": {"row": "appeals", "cells": [c.text for c in printed]}})
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
                     stats: dict[str, Any]) -> None:
    for source, rows in sources:
        readings = indicator_readings(rows)
        if readings:
            for key, _row, cell in readings:
                stats.setdefault(key, _cell_figure(report, cell, f"{source}-indicator"))
            return


def figures_in(stats: dict[str, Any]) -> dict[str, Any]:
    """The figures of a report's stats: every entry but the flags (keys starting with "_")."""
    return {key: fig for key, fig in stats.items() if not key.startswith("_")}


def extract_stats(report: Report) -> dict[str, Any]:
    """The figures a report gives, each with its evidence span, plus "_flags" when a rule breaks."""
    stats: dict[str, Any] = {}
    flags: list[dict[str, Any]] = []
    # Rows are read once and shared: the readers only look at them.
    sources = _table_sources(report)
    empty = _read_requests(report, sources, stats, flags)
    _read_appeals(report, sources, stats, flags)
    _read_indicators(report, sources, stats)
    _derive(report, stats)
    for key, fig in prose_figures(report).items():
        stats.setdefault(key, fig)
    values = {k: f["value"] for k, f in stats.items()}
    for key, parts in DERIVED.items():
        if key not in values and any(p in values or p in empty for p in parts):
            values[key] = sum(values.get(p, 0) for p in parts)
    flags.extend(table_flags(values, empty))
    if flags:
        stats["_flags"] = flags
    return stats
