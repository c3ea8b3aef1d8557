"""The statistics pages: a filterable, sortable table of report figures, a chart, JSON and CSV.

`/stats` shows one row per report (the columns of `gongkai stats`), filtered by the search page's
facets (several values of one facet = OR) and sorted by any column (empty cells always last).
`?chart=<figure>` adds a line chart of that figure over the years for the agencies in the table.
`/api/stats` and `/stats.csv` give the same rows for the same URL parameters; rows, columns and CSV
come from `indexer.model.figures_table`, so the CSV is the one `gongkai stats --csv` writes, and the
reports and facet counts from the search library's facet engine (`Index.select`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from indexer.errors import GongkaiError
from indexer.model.figures_table import (COLUMNS, EXPORT_COLUMNS, HEADERS, coverage, export_row,
                                         render_csv, stats_row)
from indexer.model.record import Report
from indexer.model.vocabulary import FIGURE_LABELS, MAIN_FIGURES, REPORT_FACETS
from indexer.search.query import year_values

from .chart import MAX_LINES, line_chart, number_label
from .facets import build_facets
from .index import get_index
from .labels import FACET_LABELS, region_label, value_label
from .urls import SearchState, agency_url, read_filters, report_url, whole_arg

bp = Blueprint("stats", __name__)

FILTERS = REPORT_FACETS
COLUMN_LABELS: dict[str, str] = {"agency": "机关", "year": "年度", "region": "地区",
                                 **{key: FIGURE_LABELS[key] for key in MAIN_FIGURES}, "flags": "提示"}
SORT_COLUMNS = tuple(COLUMN_LABELS)
# Text columns read A→Z first; numbers biggest first, which is what one sorts them for.
_ASCENDING = {"agency", "region"}
STATS_PER_PAGE = 100   # rows of the table per page (`page`, `per_page` up to MAX_STATS_PER_PAGE)
MAX_STATS_PER_PAGE = 1000


@dataclass(frozen=True)
class StatsState(SearchState):
    """Filters, sort column and order, and charted figure of the statistics page (all in the URL)."""

    column: str = ""   # "" = by agency, then year
    order: str = ""    # "" = the column's natural order
    chart: str = ""
    lines: tuple[str, ...] = ()   # agencies picked for the chart (`line=`); none: the largest
    per_page: int = STATS_PER_PAGE

    @classmethod
    def from_args(cls, args) -> "StatsState":
        """Read the state from request arguments; an unknown column, order or figure is an error."""
        filters = read_filters(args, FILTERS)
        for value in filters.get("year", ()):
            try:
                year_values(value)
            except GongkaiError:
                raise GongkaiError(f"年度应写成 2016 或 2016-2019 这样的形式，而不是「{value}」。") from None
        column = args.get("sort", "").strip()
        if column and column not in SORT_COLUMNS:
            raise GongkaiError(f"不能按「{column}」排序。可以排序的列：{'、'.join(SORT_COLUMNS)}。")
        order = args.get("order", "").strip()
        if order and order not in ("asc", "desc"):
            raise GongkaiError(f"排序方向只能是 asc（升序）或 desc（降序），而不是「{order}」。")
        chart = args.get("chart", "").strip()
        if chart and chart not in FIGURE_LABELS:
            raise GongkaiError(f"没有「{chart}」这项统计数字。可以画图的统计数字：{'、'.join(FIGURE_LABELS)}。")
        lines = tuple(dict.fromkeys(v.strip() for v in args.getlist("line") if v.strip()))
        return cls(filters=filters, column=column, order=order, chart=chart, lines=lines,
                   page=whole_arg(args, "page", "页码（page）必须是不小于 1 的整数。", 1),
                   per_page=whole_arg(args, "per_page", f"每页行数（per_page）必须是 1 到 "
                                      f"{MAX_STATS_PER_PAGE} 之间的整数。", STATS_PER_PAGE,
                                      MAX_STATS_PER_PAGE))

    @property
    def descending(self) -> bool:
        if self.order:
            return self.order == "desc"
        return bool(self.column) and self.column not in _ASCENDING

    def params(self) -> list[tuple[str, str]]:
        pairs = [(name, v) for name in FILTERS for v in self.filters.get(name, ())]
        if self.column:
            pairs.append(("sort", self.column))
        if self.order:
            pairs.append(("order", self.order))
        if self.chart:
            pairs.append(("chart", self.chart))
            pairs.extend(("line", name) for name in self.lines)
        if self.per_page != STATS_PER_PAGE:
            pairs.append(("per_page", str(self.per_page)))
        if self.page != 1:
            pairs.append(("page", str(self.page)))
        return pairs

    def url(self, endpoint: str = "stats.index") -> str:
        """This state's URL at `endpoint` (the page, `stats.csv` or `stats.api`)."""
        query = urlencode(self.params())
        return url_for(endpoint) + ("?" + query if query else "")

    def sort_link(self, column: str) -> str:
        """Sort by `column`; on the current column, the other direction."""
        if column == self.column:
            return replace(self, order="asc" if self.descending else "desc", page=1).url()
        return replace(self, column=column, order="", page=1).url()

    def without_filters_url(self) -> str:
        return replace(self, filters={}, page=1).url()

    def without_lines_url(self) -> str:
        return replace(self, lines=(), page=1).url()

    def page_url(self, page: int) -> str:
        return replace(self, page=page).url()


def _sort_value(report: Report, row: dict[str, Any], column: str) -> Any:
    if column == "region":
        return region_label({"province": report.region.province, "city": report.region.city,
                             "county": report.region.county}) or None
    if column == "flags":
        return len(report.flags)
    return row[column]


def ordered(reports: list[Report], state: StatsState,
            agency_of: dict[str, str | None]) -> list[tuple[Report, dict[str, Any]]]:
    """`(report, stats_row)` pairs sorted by the state's column; empty cells last either way.
    By agency means by canonical agency (`agency_of`): a renamed agency's reports stay together."""
    pairs = [(r, stats_row(r, agency_of.get(r.report_id))) for r in reports]
    pairs.sort(key=lambda p: (agency_of.get(p[0].report_id) is None,
                              agency_of.get(p[0].report_id) or "", p[0].year or 0, p[0].source))
    if not state.column:
        return pairs
    present = [p for p in pairs if _sort_value(*p, state.column) is not None]
    empty = [p for p in pairs if _sort_value(*p, state.column) is None]
    # Stable sorts: ties keep the agency/year order.
    present.sort(key=lambda p: _sort_value(*p, state.column), reverse=state.descending)
    return present + empty


def _figure_cells(report: Report) -> list[dict[str, Any]]:
    cells = []
    for key in MAIN_FIGURES:
        fig = report.stats.get(key)
        cells.append({"key": key, "value": fig.value if fig else None,
                      "approx": bool(fig and fig.approx),
                      "link": report_url(report.report_id, anchor=f"fig-{key}") if fig else None})
    return cells


def _flags(report: Report) -> list[dict[str, Any]]:
    return [vars(f) for f in report.flags]


def _region_text(report: Report) -> str:
    return region_label({"province": report.region.province, "city": report.region.city,
                         "county": report.region.county})


def chart_of(reports: list[Report], state: StatsState, agency_of: dict[str, str | None],
             wanted: list[str]) -> dict[str, Any] | None:
    """The chart of `state.chart` over years, one line per canonical agency (`agency_of`: a
    renamed agency is one line), at most MAX_LINES; `wanted`: the agencies the filter names."""
    if not state.chart:
        return None
    series: dict[str, dict[int, Any]] = {}
    for report in sorted(reports, key=lambda r: r.source):
        fig = report.stats.get(state.chart)
        value = fig.value if fig else None
        agency = agency_of.get(report.report_id)
        if agency and report.year is not None and isinstance(value, (int, float)):
            # Two reports of one agency and year: the first (by file) is drawn.
            series.setdefault(agency, {}).setdefault(report.year, value)
    # The largest figures first (an agency's largest value over the years), then by name.
    largest = sorted(series, key=lambda a: (-max(series[a].values()), a))
    wanted = state.lines or wanted
    names = [a for a in wanted if a in series] if wanted else largest
    label = FIGURE_LABELS[state.chart]
    chart = line_chart([(a, series[a]) for a in names[:MAX_LINES]],
                       title=f"{label}（按年度）", y_label=label)
    drawn = set(names[:MAX_LINES])
    chart.update(key=state.chart, agencies=len(names), capped=len(names) > MAX_LINES,
                 max_lines=MAX_LINES, picked=bool(state.lines),
                 choices=[{"name": a, "checked": a in drawn, "largest": number_label(
                     max(series[a].values()))} for a in largest])
    return chart


def _agency_of(reports: list[Report]) -> dict[str, str | None]:
    """The canonical agency of each report (display name)."""
    index = get_index()
    return {r.report_id: index.agency_of(r.report_id) for r in reports}


def _wanted_agencies(state: StatsState) -> list[str]:
    """The canonical agencies the agency filter names (any of their names), in filter order."""
    index, out = get_index(), []
    for name in state.filters.get("agency", ()):
        try:
            known = index.agency(name)
        except GongkaiError:   # a value no report has: the table is empty, so is the chart
            continue
        if known.name not in out:
            out.append(known.name)
    return out


def _rows(state: StatsState) -> tuple[list[tuple[Report, dict[str, Any]]], dict[str, list], int]:
    index = get_index()
    chosen, counts = index.select(state.filters)
    return ordered(chosen, state, _agency_of(chosen)), counts, index.size()


@bp.route("/stats")
def index():
    """The table of figures with facets, sortable headers, flags and an optional chart."""
    state = StatsState.from_args(request.args)
    pairs, counts, total = _rows(state)
    agency_of = _agency_of([r for r, _ in pairs])
    start = (state.page - 1) * state.per_page
    rows = [{"report": r, "row": row, "link": report_url(r.report_id),
             "agency_link": agency_url(agency_of[r.report_id]) if agency_of[r.report_id] else None,
             "agency_canonical": agency_of[r.report_id],
             "region_text": _region_text(r), "cells": _figure_cells(r), "flags": _flags(r)}
            for r, row in pairs[start:start + state.per_page]]
    facets = [f for f in build_facets(counts, state) if f["name"] in FILTERS]
    columns = [{"key": key, "label": label, "link": state.sort_link(key),
                "current": key == state.column,
                "arrow": ("↓" if state.descending else "↑") if key == state.column else ""}
               for key, label in COLUMN_LABELS.items()]
    return render_template("stats.html", state=state, rows=rows, total=total, facets=facets,
                           matched=len(pairs), first=start + 1,
                           pages=max(1, -(-len(pairs) // state.per_page)),
                           columns=columns, figures=FIGURE_LABELS,
                           chart=chart_of([r for r, _ in pairs], state, agency_of, _wanted_agencies(state)),
                           facet_labels=FACET_LABELS, value_label=value_label,
                           csv_url=replace(state, page=1).url("stats.csv"),
                           api_url=replace(state, page=1).url("stats.api"))


@bp.route("/stats.csv")
def csv():
    """Every row (not one page) as CSV (UTF-8 with BOM, for Excel): the columns of `gongkai stats
    --csv` plus title, source URL and an approximate flag per figure; Chinese headers, or the
    column keys with `?headers=keys`."""
    state = StatsState.from_args(request.args)
    headers = request.args.get("headers", "").strip()
    if headers not in ("", "zh", "keys"):
        raise GongkaiError(f"headers 只能是 zh（中文表头）或 keys（英文列名），而不是「{headers}」。")
    pairs, _counts, _total = _rows(state)
    agency_of = _agency_of([r for r, _ in pairs])
    body = render_csv([export_row(r, agency_of[r.report_id]) for r, _row in pairs], EXPORT_COLUMNS,
                      None if headers == "keys" else HEADERS).encode("utf-8")
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=gongkai-stats.csv"})


@bp.route("/api/stats")
def api():
    """The rows (the CSV's columns, plus every figure with its link and the flags) and coverage."""
    state = StatsState.from_args(request.args)
    pairs, _counts, total = _rows(state)
    rows = []
    for report, row in pairs:
        figures = {key: {"value": fig.value, "approx": fig.approx,
                         "url": report_url(report.report_id, anchor=f"fig-{key}")}
                   for key, fig in report.stats.items()}
        rows.append({**row, "url": report_url(report.report_id), "figures": figures,
                     "flag_details": _flags(report)})
    return jsonify({"reports": len(rows), "of": total, "filters": dict(state.filters),
                    "sort": state.column or None, "order": state.order or None,
                    "columns": COLUMNS, "coverage": coverage([r for r, _ in pairs]), "rows": rows})
