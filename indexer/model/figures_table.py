"""The table of figures: one row per report (identity, region, the main figures, flags), its
columns, per-figure coverage, and the CSV and plain-text forms `gongkai stats` and /stats share."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from typing import Any

from indexer.model.record import Report
from indexer.model.vocabulary import FIGURE_KEYS, FIGURE_LABELS, MAIN_FIGURES

COLUMNS = ["report_id", "agency", "year", "province", "city", *MAIN_FIGURES, "flags",
           "agency_canonical"]
# The export of /stats.csv: COLUMNS plus the title and source URL, and after each main figure
# whether the report states it approximately (余/多/约: "1" or empty).
EXPORT_COLUMNS = ["report_id", "title", "agency", "agency_canonical", "year", "province", "city", "url",
                  *(c for key in MAIN_FIGURES for c in (key, f"{key}_approx")), "flags"]
HEADERS: dict[str, str] = {
    "report_id": "报告编号", "title": "标题", "agency": "机关", "year": "年度", "province": "省份",
    "city": "城市", "url": "原文网址", "flags": "提示", "agency_canonical": "统一机关名称",
    **{key: FIGURE_LABELS[key] for key in MAIN_FIGURES},
    **{f"{key}_approx": f"{FIGURE_LABELS[key]}（约数）" for key in MAIN_FIGURES}}


def stats_row(report: Report, canonical: str | None = None) -> dict[str, Any]:
    """One report as a flat row: identity, region, the main figures (None when not given);
    `canonical`: its agency across its names (indexer/model/agencies.py), last column."""
    row: dict[str, Any] = {"report_id": report.report_id, "agency": report.agency,
                           "year": report.year, "province": report.region.province,
                           "city": report.region.city}
    for key in MAIN_FIGURES:
        fig = report.stats.get(key)
        row[key] = fig.value if fig else None
    row["flags"] = ";".join(f.rule for f in report.flags)
    row["agency_canonical"] = canonical
    return row


def export_row(report: Report, canonical: str | None = None) -> dict[str, Any]:
    """`stats_row` plus title, source URL and an approximate flag per main figure."""
    row = stats_row(report, canonical)
    row.update(title=report.title, url=report.url)
    for key in MAIN_FIGURES:
        fig = report.stats.get(key)
        row[f"{key}_approx"] = 1 if fig and fig.approx else None
    return {c: row[c] for c in EXPORT_COLUMNS}


def coverage(reports: Iterable[Report]) -> dict[str, int]:
    """How many reports give each figure."""
    counts: Counter[str] = Counter()
    for report in reports:
        counts.update(report.stats.keys())
    return {key: counts[key] for key in FIGURE_KEYS}


def render_csv(rows: list[dict[str, Any]], columns: list[str] = COLUMNS,
               headers: dict[str, str] | None = None) -> str:
    """CSV with a UTF-8 BOM so Excel opens the Chinese text correctly. A text cell starting with
    = + - @ (or tab, CR) gets a leading ' so a spreadsheet shows it instead of running it as a
    formula (CSV injection); numbers are left as they are. `headers`: the header line's names
    (default: the column keys)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writerow({c: (headers or {}).get(c, c) for c in columns})
    writer.writerows({k: "'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r")
                      else v for k, v in row.items()} for row in rows)
    return "\ufeff" + out.getvalue()


def render_table(rows: list[dict[str, Any]]) -> str:
    """A plain-text table with short column names."""
    lines = ["\t".join(COLUMNS)]
    for row in rows:
        lines.append("\t".join("" if row[c] is None else str(row[c]) for c in COLUMNS))
    return "\n".join(lines)


def render_coverage(counts: dict[str, int], total: int) -> str:
    """Per-figure coverage, one line per figure."""
    lines = [f"coverage over {total} reports:"]
    lines += [f"  {key:<32} {n:>4}  {FIGURE_LABELS[key]}" for key, n in counts.items()]
    return "\n".join(lines)
