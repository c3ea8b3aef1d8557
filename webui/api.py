"""JSON API: the same searches and records as the pages, as plain data."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from .index import get_index
from .search import search_request
from .urls import SearchState

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/search")
def search():
    """Exactly the `gongkai search --json` object for the same parameters."""
    state = SearchState.from_args(request.args)
    per_page = request.args.get("per_page", "10")
    if not per_page.isdigit() or not 1 <= int(per_page) <= 1000:
        from indexer.errors import GongkaiError

        raise GongkaiError("per_page 必须是 1 到 1000 之间的整数。")
    return jsonify(get_index().search(search_request(state, int(per_page))))


@bp.route("/reports/<report_id>")
def report(report_id: str):
    """The report record: metadata, text, sections, statistics."""
    return jsonify(get_index().get_report(report_id).to_dict())
