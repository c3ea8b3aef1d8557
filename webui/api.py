"""JSON API: the same searches and records as the pages, as plain data."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from .index import get_index
from .search import search_request, zero_result_hints
from .understanding import understanding
from .urls import SearchState, report_url

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/search")
def search():
    """The library's search result for the same parameters, with the URLs of reports and of the
    sections passages come from (the terms to mark are in the report URLs' `?q=`)."""
    state = SearchState.from_args(request.args)
    result = get_index().search(search_request(state))
    out = {"query": result["query"], "total": result["total"], "page": result["page"],
           "per_page": result["per_page"], "sort": state.sort,
           "hits": [_hit(h) for h in result["hits"]], "facets": result["facets"],
           "partial": result["partial"], "missing": result["missing"],
           **_understood(result, state)}
    if not result["total"]:
        out["zero_results"] = zero_result_hints(get_index(), state)
    return jsonify(out)


def _understood(result: dict[str, Any], state: SearchState) -> dict[str, Any]:
    """What the query names, the chips for it and did-you-mean, each with its page URL."""
    links = understanding(result, state)
    chips = [dict(chip, url=link["url"]) for chip, link in zip(result["chips"], links["chips"])]
    return {"understood": result["understood"], "chips": chips,
            "suggestions": links["suggestions"]}


def _hit(hit: dict[str, Any]) -> dict[str, Any]:
    rid = hit["report_id"]
    out = {k: v for k, v in hit.items() if k != "passages"}
    out["url"] = report_url(rid)
    out["passages"] = [{"section": p["section"], "heading": p["heading"],
                        "url": report_url(rid, anchor=p["anchor"]), "html": p["html"]}
                       for p in hit["passages"]]
    return out


@bp.route("/reports/<report_id>")
def report(report_id: str):
    """The report record: metadata, text, sections, statistics."""
    return jsonify(get_index().get_report(report_id).to_dict())
