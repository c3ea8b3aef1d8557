"""HTML pages: home, search, report reader, agencies."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request

from indexer.errors import GongkaiError
from indexer.model.agencies import Agency
from indexer.model.record import Report
from indexer.search.passages import query_terms

from .facets import build_facets
from .index import get_index
from .labels import (ERROR_HEADINGS, FACET_LABELS, SORT_LABELS, chinese_date, region_label,
                     section_label, value_label, year_span)
from .marking import term_spans
from .reader import figures_of, report_sections
from .search import search_request, zero_result_hints
from .understanding import understanding
from .urls import SearchState, agency_url, original_url, report_url

bp = Blueprint("views", __name__)


@bp.app_template_global()
def facet_value_label(facet: str, value: Any) -> str:
    return value_label(facet, value)


@bp.route("/")
def home():
    """Search box, syntax help and browse entry points."""
    index = get_index()
    state = SearchState()
    return render_template("home.html", state=state, facets=build_facets(index.facets(), state),
                           report_count=index.size())


def _decorate(hit: dict[str, Any], q: str) -> dict[str, Any]:
    """A hit with the page's links and labels (report link carries the query to mark)."""
    passages = [dict(p, label=section_label(p["section"]),
                     link=report_url(hit["report_id"], q, p["anchor"]))
                for p in hit["passages"]]
    versions = [dict(v, link=report_url(v["report_id"], q)) for v in hit.get("versions", [])]
    return dict(hit, link=report_url(hit["report_id"], q), region_text=region_label(hit.get("region")),
                passages=passages, versions=versions)


@bp.route("/search")
def search():
    """Results grouped by report, with facets, chips, pagination and sort; 400 on a bad query."""
    context: dict[str, Any] = {"sort_labels": SORT_LABELS, "facet_labels": FACET_LABELS,
                               "error": None, "zero": None}
    try:
        state = SearchState.from_args(request.args)
        context["state"] = state
        result = get_index().search(search_request(state))
    except GongkaiError as exc:
        context.setdefault("state", SearchState(q=request.args.get("q", "").strip()))
        context.update(error=exc.message, error_heading=ERROR_HEADINGS.get(exc.code, "检索式有误"),
                       result=None, hits=[], facets=[], pages=0)
        return render_template("search.html", **context), exc.status
    if not result["total"]:
        context["zero"] = zero_result_hints(get_index(), state)
    pages = max(1, -(-result["total"] // state.per_page))
    context.update(result=result, hits=[_decorate(h, state.q) for h in result["hits"]],
                   facets=build_facets(result["facets"], state), pages=pages,
                   understanding=understanding(result, state))
    return render_template("search.html", **context)


@bp.route("/reports/<report_id>")
def report(report_id: str):
    """The whole report: metadata, table of contents, sections with anchors, figures, flags."""
    index = get_index()
    record = index.get_report(report_id)
    canonical = index.agency_of(report_id)
    q = request.args.get("q", "").strip()
    marks = term_spans(record.text, query_terms(q)) if q else []
    region = {"province": record.region.province, "city": record.region.city,
              "county": record.region.county}
    raw = request.args.get("view") == "raw"
    return render_template("report.html", report=record, q=q, marks=len(marks), raw=raw,
                           sections=report_sections(record, marks, raw), figures=figures_of(record),
                           flags=[f.message for f in record.flags], region_text=region_label(region),
                           published=chinese_date(record.published),
                           agency_link=agency_url(canonical) if canonical else None,
                           agency_canonical=canonical,
                           original_link=original_url(record.report_id))


def _listing(report: Report) -> dict[str, Any]:
    """What the agency pages show of a report."""
    return {"report_id": report.report_id, "source": report.source, "title": report.title,
            "year": report.year, "agency": report.agency, "link": report_url(report.report_id),
            "region_text": region_label(vars(report.region))}


def _names(agency: Agency) -> list[dict[str, Any]]:
    """The names an agency appeared under other than its display name, with their years."""
    return [dict(n, years=year_span(n["first"], n["last"])) for n in agency.names
            if n["name"] != agency.name]


def _cells(group: list[dict[str, Any]]) -> dict[Any, list[dict[str, Any]]]:
    cells: dict[Any, list[dict[str, Any]]] = {}
    for r in group:
        cells.setdefault(r["year"], []).append(r)
    return cells


@bp.route("/agencies")
def agencies():
    """Every agency (one row for all the names it appeared under) with its region and a row of
    years: which reports exist."""
    index = get_index()
    reports = index.reports()
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in reports:
        groups.setdefault(index.agency_of(r.report_id) or "", []).append(_listing(r))
    years = sorted({r.year for r in reports if r.year is not None})
    known = index.agencies()
    rows = []
    for name, group in sorted(groups.items(), key=lambda kv: (kv[0] == "", kv[0])):
        rows.append({"name": name, "link": agency_url(name) if name else None,
                     "names": _names(known[name]) if name else [],
                     "region_text": group[0]["region_text"], "count": len(group),
                     "cells": _cells(group)})
    return render_template("agencies.html", rows=rows, years=years, report_count=len(reports),
                           show_unknown=any(r.year is None for r in reports))


@bp.route("/agencies/<path:name>")
def agency(name: str):
    """One agency's reports by year; any name it appeared under leads to its page."""
    index = get_index()
    found = index.agency(name)
    if found.name != name:
        return redirect(agency_url(found.name))
    wanted = set(found.reports)
    items = [_listing(r) for r in index.reports() if r.report_id in wanted]
    items.sort(key=lambda r: (r["year"] is None, -(r["year"] or 0), r["report_id"]))
    merged_into = [dict(m, link=agency_url(m["name"])) for m in found.merged_into]
    formed_from = [dict(m, link=agency_url(m["name"])) for m in found.formed_from]
    return render_template("agency.html", name=found.name, reports=items, names=_names(found),
                           merged_into=merged_into, formed_from=formed_from,
                           region_text=items[0]["region_text"],
                           search_link=SearchState(filters={"agency": (found.name,)}).url())
