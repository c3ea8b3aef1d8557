"""Exports of a whole search result (`/search.csv`, `/search.json`): the search page's own
parameters, every hit in the page's order (fetched in batches), bounded, linked from the page."""

from __future__ import annotations

import csv
import io
import json
from urllib.parse import quote

import pytest

from conftest import fetch_page as page
from webui import create_app

Q = quote('"依申请公开"')


@pytest.fixture(scope="module")
def batched(small_index_dir, small_index):
    """The app with batches of 5 hits (13 hits: three batches) and at most 100 rows."""
    app = create_app({"TESTING": True, "INDEX_DIR": str(small_index_dir), "EXPORT_BATCH": 5})
    app.extensions["gongkai_index"] = small_index
    return app.test_client()


def ids_of_pages(client, query: str) -> list[str]:
    """Report ids of every hit, read page by page from the JSON API."""
    out, n = [], 1
    while True:
        data = client.get(f"/api/search?{query}&per_page=4&page={n}").get_json()
        out += [h["report_id"] for h in data["hits"]]
        if n * 4 >= data["total"]:
            return out
        n += 1


@pytest.mark.parametrize("extra", ["", "&sort=oldest", "&sort=newest", "&year_from=2016&year_to=2017",
                                   "&city=" + quote("莆田市")])
def test_json_export_is_every_hit_in_the_pages_order(batched, extra):
    response = batched.get(f"/search.json?q={Q}{extra}&page=2")   # the page number is ignored
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.is_streamed
    data = json.loads(response.get_data(as_text=True))
    expected = ids_of_pages(batched, f"q={Q}{extra}")
    assert [h["report_id"] for h in data["hits"]] == expected
    assert data["total"] == len(expected) and data["truncated"] is False


def test_json_export_rows(batched):
    data = json.loads(batched.get(f"/search.json?q={Q}&sort=oldest").get_data(as_text=True))
    assert (data["query"], data["sort"], data["sort_label"], data["total"]) == (
        '"依申请公开"', "oldest", "最早在前", 13)
    first = data["hits"][0]
    assert first == {
        "report_id": "putian-991068", "title": "莆田市审计局2015年政府信息公开工作年度报告",
        "agency": "莆田市审计局", "year": 2015, "province": "福建省", "city": "莆田市",
        "county": None, "score": first["score"], "url": f"/reports/putian-991068?q={quote(chr(34) + '依申请公开' + chr(34))}",
        "source_url": "https://www.putian.gov.cn/zfxxgk/bmzfxxgk/ptsjj/zfxxgk/zfxxgknb/201601/t20160114_991068.htm",
        "source": "putian/putian-991068.txt"}
    years = [h["year"] for h in data["hits"]]
    assert years == sorted(years)


def test_csv_export_has_chinese_headers_a_bom_and_the_json_rows(batched):
    raw = batched.get(f"/search.csv?q={Q}").data
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.split("\r\n")[0] == "报告编号,标题,机关,年度,省份,城市,区县,相关度得分,本站网址,原文网址,文件"
    rows = list(csv.reader(io.StringIO(text)))[1:]
    data = json.loads(batched.get(f"/search.json?q={Q}").get_data(as_text=True))
    assert [r[0] for r in rows] == [h["report_id"] for h in data["hits"]]
    keys = batched.get(f"/search.csv?q={Q}&headers=keys").data.decode("utf-8-sig")
    assert keys.split("\r\n")[0] == "report_id,title,agency,year,province,city,county,score,url,source_url,source"


def test_export_is_bounded_and_says_so(small_index_dir, small_index):
    app = create_app({"TESTING": True, "INDEX_DIR": str(small_index_dir), "EXPORT_BATCH": 3,
                      "EXPORT_MAX_ROWS": 4})
    app.extensions["gongkai_index"] = small_index
    client = app.test_client()
    data = json.loads(client.get(f"/search.json?q={Q}").get_data(as_text=True))
    assert (len(data["hits"]), data["total"], data["truncated"]) == (4, 13, True)
    lines = client.get(f"/search.csv?q={Q}").data.decode("utf-8-sig").split("\r\n")
    assert len(lines) == 1 + 4 + 2 and lines[-2] == "# 只导出了前 4 份（共 13 份）"


def test_a_bad_export_request_is_a_400_before_any_row(batched):
    response = batched.get("/search.json?q=" + quote("agency:没有这个机关"))
    assert response.status_code == 400
    assert response.get_json() == {"error": {
        "code": "unknown_query_value",
        "message": "没有机关与「没有这个机关」相符的报告（agency:没有这个机关）。"}}
    bad_sort = batched.get(f"/search.csv?q={Q}&sort=random")
    assert bad_sort.status_code == 400 and bad_sort.mimetype == "text/html"
    assert "排序（sort）只能是" in bad_sort.get_data(as_text=True)


def test_the_results_page_links_both_exports_with_its_state(small_client):
    html = page(small_client, f"/search?q={Q}&year_from=2016&sort=oldest&page=2")
    state = f"q={Q}&amp;year_from=2016&amp;sort=oldest"
    assert (f'导出全部结果：<a href="/search.csv?{state}" rel="nofollow" download>CSV</a> · '
            f'<a href="/search.json?{state}" rel="nofollow">JSON</a>') in html
