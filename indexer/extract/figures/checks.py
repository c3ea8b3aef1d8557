"""Consistency checks on the figures a report prints: flagged, never corrected."""

from __future__ import annotations

from typing import Any

from indexer.model.record import Flag
from indexer.extract.figures.tables import PERSON_COLUMNS, Cell, RowReading

RESULT_KEYS = ["requests_granted", "requests_partly_granted", "requests_refused",
               "requests_unable", "requests_not_processed", "requests_other"]


def flag(rule: str, message: str, values: dict[str, Any]) -> Flag:
    """One consistency flag: the rule broken, a readable message and the numbers as printed."""
    return Flag(rule, message, values)


def row_sum_flag(reading: RowReading, label: str) -> Flag | None:
    """自然人 + 法人或其他组织 … = 总计 for one row of the application table."""
    printed = reading.printed
    if len(printed) < 2:
        return None
    if len(printed) == PERSON_COLUMNS and reading.columns == printed or reading.row.positional:
        parts = [c for c in reading.columns[:-1] if c is not None]
        total = reading.columns[-1]
    else:
        parts, total = printed[:-1], printed[-1]
    if total is None or not parts:
        return None
    if sum(c.value for c in parts) == total.value:
        return None
    shown = [c.value for c in parts]
    return flag("row_sum", f"{label}：申请人各列 {' + '.join(map(str, shown))} = "
                f"{sum(shown)}，但总计栏为 {total.value}",
                {"row": reading.key, "columns": shown, "total": total.value})


def appeal_sum_flags(columns: list[Cell]) -> list[Flag]:
    """结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计 for each of the three appeal groups."""
    flags = []
    names = ["行政复议", "未经复议直接起诉", "复议后起诉"]
    for g, name in enumerate(names):
        group = [c.value for c in columns[g * 5:(g + 1) * 5]]
        if None in group or sum(group[:4]) == group[4]:
            continue
        flags.append(flag("appeal_sum", f"{name}：各结果 {' + '.join(map(str, group[:4]))} = "
                          f"{sum(group[:4])}，但总计栏为 {group[4]}",
                          {"group": name, "results": group[:4], "total": group[4]}))
    return flags


def table_flags(values: dict[str, Any], empty: set[str]) -> list[Flag]:
    """The printed check 一 + 二 = 三（七）+ 四, and the results adding up to 三（七）总计.

    `values` are the figures as printed (derived sums included); a row of the table printed with
    every cell empty (`empty`) counts as 0 here, in the check only, never as a figure.
    """
    def v(key: str) -> Any:
        return values.get(key, 0 if key in empty else None)

    flags = []
    received, carried, total, forward = (v("requests_received"), v("requests_carried_over"),
                                         v("requests_total"), v("requests_carried_forward"))
    if None not in (received, carried, total, forward) and received + carried != total + forward:
        flags.append(flag("balance", f"一 新收 {received} + 二 结转 {carried} = "
                          f"{received + carried}，但 三（七）总计 {total} + 四 结转下年 {forward} = "
                          f"{total + forward}",
                          {"requests_received": received, "requests_carried_over": carried,
                           "requests_total": total, "requests_carried_forward": forward}))
    results = {key: v(key) for key in RESULT_KEYS}
    if total is not None and all(x is not None for x in results.values()) \
            and sum(results.values()) != total:
        flags.append(flag("results_sum", f"办理结果合计 {sum(results.values())}，但 "
                          f"三（七）总计栏为 {total}", {**results, "requests_total": total}))
    return flags
