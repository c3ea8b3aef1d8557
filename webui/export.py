"""Exports of a whole search result: `/search.csv` and `/search.json` take the search page's own
parameters (q, facet filters, year_from/year_to, sort) and return every hit, not one page — the
convention of Datasette's `.csv`/`.json` links.

Bounded and streamed: the hits are fetched in batches of `EXPORT_BATCH` (app config; default the
library's largest page, 1000) without passages (`SearchRequest.passages=False`, so the cost limit of `webui.limits`
counts them as 0), each batch waiting for the expensive-search gate of `webui.limits` (one
expensive search at a time per process) and written out before the next is fetched; at most
`EXPORT_MAX_ROWS` hits (default 100,000, app config) are written, the rest is cut and said so
(CSV: a last line starting with `#`; JSON: `"truncated": true`). The first batch runs before the
response starts, so a bad query is a 400 with the page's message, not a broken download.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterator

from flask import Blueprint, Response, current_app, request, stream_with_context

from indexer.search import MAX_PER_PAGE

from .index import get_index
from .labels import SORT_LABELS
from .limits import OverBudget
from .search import search_request
from .urls import SearchState, report_url

bp = Blueprint("export", __name__)

EXPORT_BATCH = MAX_PER_PAGE
EXPORT_MAX_ROWS = 100_000
FIELDS = ["report_id", "title", "agency", "year", "province", "city", "county", "score",
          "url", "source_url", "source"]
HEADERS = {"report_id": "报告编号", "title": "标题", "agency": "机关", "year": "年度",
           "province": "省份", "city": "城市", "county": "区县", "score": "相关度得分",
           "url": "本站网址", "source_url": "原文网址", "source": "文件"}


def _batch() -> int:
    return min(MAX_PER_PAGE, int(current_app.config.get("EXPORT_BATCH", EXPORT_BATCH)))


def _search(state: SearchState, page: int) -> dict[str, Any]:
    """One batch of hits, taking its turn at the gate of expensive searches."""
    gate = current_app.extensions.get("gongkai_gate")
    if gate is not None and not gate.acquire(timeout=current_app.config.get("SEARCH_TIME_BUDGET")):
        raise OverBudget()
    try:
        return get_index().search(search_request(state, per_page=_batch(), page=page,
                                                 passages=False))
    finally:
        if gate is not None:
            gate.release()


def _hits(state: SearchState) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    """The first batch's result (errors surface here, before streaming) and every hit as a flat
    row, batch after batch, up to the export limit."""
    first = _search(state, 1)
    limit = current_app.config.get("EXPORT_MAX_ROWS", EXPORT_MAX_ROWS)
    urls = {r.report_id: r.url for r in get_index().reports()}

    def rows() -> Iterator[dict[str, Any]]:
        result, page, sent = first, 1, 0
        while True:
            for hit in result["hits"]:
                if sent >= limit:
                    return
                sent += 1
                region = hit.get("region") or {}
                yield {"report_id": hit["report_id"], "title": hit.get("title"),
                       "agency": hit.get("agency"), "year": hit.get("year"),
                       "province": region.get("province"), "city": region.get("city"),
                       "county": region.get("county"), "score": hit.get("score"),
                       "url": report_url(hit["report_id"], state.q),
                       "source_url": urls.get(hit["report_id"]), "source": hit.get("source")}
            if len(result["hits"]) < _batch() or sent >= limit:
                return
            page += 1
            result = _search(state, page)

    return first, rows()


def _csv_line(values: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(
        ["'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v
         for v in values])
    return out.getvalue()


@bp.route("/search.csv")
def search_csv():
    """Every hit as CSV (UTF-8 with BOM; Chinese headers, `?headers=keys` for the field keys)."""
    state = SearchState.from_args(request.args)
    first, rows = _hits(state)
    keys = request.args.get("headers") == "keys"
    limit = current_app.config.get("EXPORT_MAX_ROWS", EXPORT_MAX_ROWS)

    def body() -> Iterator[str]:
        yield "\ufeff" + _csv_line(FIELDS if keys else [HEADERS[f] for f in FIELDS])
        for row in rows:
            yield _csv_line([row[f] for f in FIELDS])
        if first["total"] > limit:
            yield f"# 只导出了前 {limit} 份（共 {first['total']} 份）\r\n"

    return Response(stream_with_context(body()), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=gongkai-search.csv"})


@bp.route("/search.json")
def search_json():
    """Every hit as one JSON object: the query, filters, sort, total and the hits."""
    state = SearchState.from_args(request.args)
    first, rows = _hits(state)
    limit = current_app.config.get("EXPORT_MAX_ROWS", EXPORT_MAX_ROWS)
    head = {"query": state.q, "filters": dict(state.filters), "year_from": state.year_from,
            "year_to": state.year_to, "sort": state.sort,
            "sort_label": SORT_LABELS[state.sort], "total": first["total"],
            "truncated": first["total"] > limit, "partial": first["partial"]}

    def body() -> Iterator[str]:
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "hits": ['
        for i, row in enumerate(rows):
            yield ("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False)
        yield "\n]}\n"

    return Response(stream_with_context(body()), mimetype="application/json")
