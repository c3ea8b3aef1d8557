"""HTML pages: home, search, report reader, agencies."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from indexer.errors import GongkaiError
from indexer.model.record import Report
from indexer.search.passages import query_terms

from .facets import build_facets
from .index import get_index
from .labels import FACET_LABELS, SORT_LABELS, chinese_date, region_label, section_label, value_label
from .marking import term_spans
from .reader import figures_of, report_sections
from .search import PER_PAGE, search_request
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
    return dict(hit, link=report_url(hit["report_id"], q), region_text=region_label(hit.get("region")),
                passages=passages)


@bp.route("/search")
def search():
    """Results grouped by report, with facets, chips, pagination and sort; 400 on a bad query."""
    state = SearchState.from_args(request.args)
    context: dict[str, Any] = {"state": state, "sort_labels": SORT_LABELS,
                               "facet_labels": FACET_LABELS, "error": None}
    try:
        result = get_index().search(search_request(state))
    except GongkaiError as exc:
        context.update(error=exc.message, result=None, hits=[], facets=[], pages=0)
        return render_template("search.html", **context), exc.status
    pages = max(1, -(-result["total"] // PER_PAGE))
    context.update(result=result, hits=[_decorate(h, state.q) for h in result["hits"]],
                   facets=build_facets(result["facets"], state), pages=pages)
    return render_template("search.html", **context)


@bp.route("/reports/<report_id>")
def report(report_id: str):
    """The whole report: metadata, table of contents, sections with anchors, figures, flags."""
    record = get_index().get_report(report_id)
    q = request.args.get("q", "").strip()
    marks = term_spans(record.text, query_terms(q)) if q else []
    region = {"province": record.region.province, "city": record.region.city,
              "county": record.region.county}
    return render_template("report.html", report=record, q=q, marks=len(marks),
                           sections=report_sections(record, marks), figures=figures_of(record),
                           flags=[f.message for f in record.flags], region_text=region_label(region),
                           published=chinese_date(record.published),
                           agency_link=agency_url(record.agency) if record.agency else None,
                           original_link=original_url(record.report_id))


def _listing(report: Report) -> dict[str, Any]:
    """What the agency pages show of a report."""
    return {"report_id": report.report_id, "source": report.source, "title": report.title,
            "year": report.year, "link": report_url(report.report_id),
            "region_text": region_label(vars(report.region))}


def _by_agency(reports: list[Report]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in reports:
        groups.setdefault(r.agency or "", []).append(_listing(r))
    return groups


@bp.route("/agencies")
def agencies():
    """Every agency with its region and a row of years: which reports exist."""
    reports = get_index().reports()
    years = sorted({r.year for r in reports if r.year is not None})
    rows = []
    for name, group in sorted(_by_agency(reports).items(), key=lambda kv: (kv[0] == "", kv[0])):
        cells = {}
        for r in group:
            cells.setdefault(r["year"], []).append(r)
        rows.append({"name": name, "link": agency_url(name) if name else None,
                     "region_text": group[0]["region_text"], "count": len(group),
                     "cells": cells})
    return render_template("agencies.html", rows=rows, years=years, report_count=len(reports),
                           show_unknown=any(r.year is None for r in reports))


@bp.route("/agencies/<path:name>")
def agency(name: str):
    """One agency's reports by year."""
    group = _by_agency(get_index().reports()).get(name)
    if not group:
        abort(404, f"没有找到机关「{name}」。")
    items = sorted(group, key=lambda r: (r["year"] is None, -(r["year"] or 0), r["report_id"]))
    return render_template("agency.html", name=name, reports=items,
                           region_text=items[0]["region_text"],
                           search_link=SearchState(filters={"agency": (name,)}).url())
