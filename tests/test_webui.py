"""Every page and API route: exact facets, links, anchors, escaping, status.

The home page's counts are the whole corpus's (the session's full index); every other page runs on
the small index (fourteen real reports, tests/fixtures/small_corpus.md)."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import quote

import pytest

from indexer.search import SearchRequest
from conftest import facet_rows, fetch_page as page
from webui import create_app
from webui.marking import term_spans
from indexer.search.passages import query_terms, section_anchors

JIANGBEI = "000_34846fc542f213aa"   # 江北区教育局 2016, 宁波市
XIANGQIAO = "001_b8557501b183c911"  # 潮州市湘桥区教育局 2017
YINZHOU = "003_2d9d6b829977fe3e"    # 鄞州区教育局 2019: table figures, and a table that fails its own check


def hrefs(html: str, css_class: str) -> list[str]:
    return [unescape(h) for h in re.findall(rf'class="{css_class}" href="([^"]*)"', html)]


# --- home -------------------------------------------------------------------------------------

def test_home_has_search_box_syntax_help_and_browse_counts(client):
    html = page(client, "/")
    assert '<input type="search" name="q"' in html
    for example in ("year:2016-2019", '"政府信息公开条例"', "-收费", "OR"):
        assert unescape(example) in unescape(html)
    assert "共收录 <strong>258</strong> 份年度报告" in html
    agencies = re.search(r'data-facet="agency">(.*?)</div>', html, re.S)[1]
    assert (f'<a href="/search?agency={quote("江北区教育局")}">江北区教育局 '
            f'<span class="count">1</span></a>') in agencies
    sections = re.search(r'data-facet="section">(.*?)</div>', html, re.S)[1]
    assert re.findall(r'>(\S+) <span class="count">(\d+)</span>', sections) == [
        ("前言", "254"), ("总体情况", "258"), ("主动公开", "258"), ("依申请公开", "253"),
        ("收费及减免", "110"), ("复议与诉讼", "235"), ("问题与改进", "257"), ("其他事项", "177"),
        ("附件", "90")]
    years = re.findall(r'href="/search\?year=(\d+)">', html)
    assert years == sorted(years, reverse=True) and years[0] == "2025"


# --- search -----------------------------------------------------------------------------------

def test_search_shows_the_report_with_marked_passages_linking_to_sections(small_client, small_index):
    html = page(small_client, "/search?q=" + quote("湘桥区教育局"))
    assert "共 <strong>1</strong> 份报告包含“湘桥区教育局”" in html
    assert f'<a href="/reports/{XIANGQIAO}?q={quote("湘桥区教育局")}">2017年湘桥区教育局政府信息公开年报</a>' in html
    assert '<span class="agency">潮州市湘桥区教育局</span>' in html
    assert '<span class="year">2017年度</span>' in html
    assert '<span class="region">广东省 潮州市 湘桥区</span>' in html
    assert "<mark>湘桥区教育局</mark>" in html
    # Each passage is labelled with its section in Chinese and links to that section's anchor.
    report = small_index.get_report(XIANGQIAO)
    anchors = section_anchors(s.slug for s in report.sections)
    links = hrefs(html, "passage-link")
    assert links
    for link in links:
        path, anchor = link.split("#")
        assert path == f"/reports/{XIANGQIAO}?q={quote('湘桥区教育局')}"
        assert anchor in anchors
    assert '<a class="section-label" href="' + links[0].replace("?q=", "?q=") in html
    assert ">前言" in html


def test_facets_keep_counts_and_several_values_of_one_facet_are_or(small_client):
    html = page(small_client, "/search?q=" + quote("教育局") + "&city=" + quote("宁波市"))
    assert "共 <strong>2</strong> 份报告" in html
    assert facet_rows(html, "agency") == [("江北区教育局", 1, False), ("鄞州区教育局", 1, False)]
    # The city facet ignores its own filter: the other cities stay, with their counts, to add one.
    assert facet_rows(html, "city") == [("宁波市", 2, True), ("三明市", 1, False), ("潮州市", 1, False)]
    assert facet_rows(html, "year") == [("2019年", 1, False), ("2016年", 1, False)]
    both = page(small_client, "/search?q=" + quote("教育局") + "&city=" + quote("宁波市") + "&city=" + quote("潮州市"))
    assert "共 <strong>3</strong> 份报告" in both
    assert [r for r in facet_rows(both, "city") if r[2]] == [("宁波市", 2, True), ("潮州市", 1, True)]


def test_facet_toggle_urls_and_removable_chips(small_client):
    url = "/search?q=" + quote("教育局") + "&agency=" + quote("江北区教育局") + "&agency=" + quote("鄞州区教育局")
    html = page(small_client, url)
    assert "共 <strong>2</strong> 份报告" in html
    chips = re.search(r'<ul class="chips".*?</ul>', html, re.S)[0]
    assert re.findall(r'<a href="([^"]*)" title="去掉这个条件">([^<]*)', chips) == [
        ("/search?q=" + quote("教育局") + "&amp;agency=" + quote("鄞州区教育局"), "机关：江北区教育局 "),
        ("/search?q=" + quote("教育局") + "&amp;agency=" + quote("江北区教育局"), "机关：鄞州区教育局 ")]
    assert f'<a href="/search?q={quote("教育局")}">清除全部</a>' in html
    # Selecting a year switches it on, keeping the agencies; the selected year's link switches it off.
    year_2016 = re.search(r'data-facet="year">.*?<a href="([^"]*)" rel="nofollow" data-value="2016"', html, re.S)[1]
    narrowed = page(small_client, unescape(year_2016))
    assert "共 <strong>1</strong> 份报告" in narrowed
    assert f'data-report="{JIANGBEI}"' in narrowed and f'data-report="{YINZHOU}"' not in narrowed
    off = re.search(r'data-facet="year">.*?<a href="([^"]*)" rel="nofollow" data-value="2016" aria-current',
                    narrowed, re.S)[1]
    assert unescape(off) == url


def test_empty_result_says_so_and_suggests_dropping_a_filter(small_client):
    html = page(small_client, "/search?q=" + quote("教育局") + "&agency=" + quote("江北区教育局") + "&year=2019")
    assert "共 <strong>0</strong> 份报告" in html
    assert "没有找到符合条件的报告。" in html
    assert (f'<a href="/search?q={quote("教育局")}&amp;year=2019">去掉「机关：江北区教育局」</a>') in html
    assert (f'<a href="/search?q={quote("教育局")}&amp;agency={quote("江北区教育局")}">去掉「年度：2019年」</a>'
            in html)


def test_pagination_and_sort_by_year(small_client):
    q = quote('"依申请公开"')
    html = page(small_client, f"/search?q={q}")
    assert "共 <strong>13</strong> 份报告" in html
    assert "第 1 / 2 页" in html
    assert f'<a rel="next" href="/search?q={q}&amp;page=2">下一页 ›</a>' in html
    last = page(small_client, f"/search?q={q}&page=2")
    assert last.count('<article class="hit"') == 3
    assert f'<a rel="prev" href="/search?q={q}">‹ 上一页</a>' in last
    by_year = page(small_client, f"/search?q={q}&sort=year")   # the old name of newest
    assert "<strong>最新在前</strong>" in by_year and f'<a href="/search?q={q}">相关度</a>' in by_year
    assert f'<a href="/search?q={q}&amp;sort=oldest">最早在前</a>' in by_year
    years = [int(y) for y in re.findall(r'<span class="year">(\d{4})年度</span>', by_year)]
    assert years == sorted(years, reverse=True) and years[0] == 2023
    assert by_year == page(small_client, f"/search?q={q}&sort=newest")
    oldest = page(small_client, f"/search?q={q}&sort=oldest")
    years = [int(y) for y in re.findall(r'<span class="year">(\d{4})年度</span>', oldest)]
    assert years == sorted(years) and "<strong>最早在前</strong>" in oldest


def test_results_list_each_report_once(small_client):
    """Results are grouped by report: a report never appears twice, on a page or across pages."""
    q = quote('"依申请公开"')
    seen: list[str] = []
    for n in range(1, 3):
        seen += re.findall(r'<article class="hit" data-report="([^"]+)"', page(small_client, f"/search?q={q}&page={n}"))
    assert len(seen) == len(set(seen)) == 13


def test_malformed_query_is_a_400_with_a_clear_message(small_client):
    html = page(small_client, "/search?q=" + "申" * 5001, status=400)
    assert "查询过长（5001 个字符" in html
    assert '<div class="notice error" role="alert">' in html
    unknown = page(small_client, "/search?q=" + quote("申请") + "&agency=nope", status=400)
    assert "<strong>筛选条件有误：</strong>没有机关为「nope」的报告。" in unknown
    # The filter that caused it can be removed from the page.
    assert f'<a href="/search?q={quote("申请")}" title="去掉这个条件">机关：nope' in unknown


def test_query_and_document_text_are_escaped(small_client):
    html = page(small_client, "/search?q=" + quote("<script>alert(1)</script>"))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- report -----------------------------------------------------------------------------------

def test_report_page_has_metadata_toc_and_section_anchors(small_client, small_index):
    report = small_index.get_report(JIANGBEI)
    html = page(small_client, f"/reports/{JIANGBEI}")
    assert "<h1>江北区教育局2016年度政府信息公开工作报告</h1>" in html
    assert f'<dd><a href="/agencies/{quote("江北区教育局")}">江北区教育局</a></dd>' in html
    assert "<dt>年度</dt><dd>2016年</dd>" in html
    assert "<dt>地区</dt><dd>浙江省 宁波市 江北区</dd>" in html
    anchors = section_anchors(s.slug for s in report.sections)
    assert re.findall(r'<section class="section" id="([^"]+)"', html) == anchors
    assert re.findall(r'<li><a href="#([^"]+)">', html) == anchors
    raw = page(small_client, f"/reports/{JIANGBEI}?view=raw")
    body = "".join(re.findall(r'<div class="text">(.*?)</div>', raw, re.S))
    assert unescape(re.sub(r"<[^>]+>", "", body)) == report.text
    assert "<mark" not in html


def test_report_from_a_search_marks_the_terms(small_client, small_index):
    report = small_index.get_report(JIANGBEI)
    html = page(small_client, f"/reports/{JIANGBEI}?q=" + quote("教育局 -收费"))
    expected = term_spans(report.text, query_terms("教育局"))
    assert len(expected) == report.text.count("教育局") == len(re.findall(r"<mark[^>]*>教育局</mark>", html))
    assert f"已标出检索词“教育局 -收费”：共 {len(expected)} 处。" in html


def test_report_figures_link_to_their_evidence_and_flags_show_as_warnings(small_client, small_index):
    report = small_index.get_report(YINZHOU)
    html = page(small_client, f"/reports/{YINZHOU}")
    fig = report.stats["requests_received"]
    assert fig.value == 3
    assert '<tr data-key="requests_received">\n            <td>本年新收申请</td>' in html
    assert '<td class="num"><a href="#fig-requests_received">3</a>' in html
    assert f'<span class="fig" id="fig-requests_received">{report.text[fig.start:fig.end]}</span>' in html
    assert sorted(re.findall(r'id="fig-([a-z_]+)"', html)) == sorted(report.stats)
    warnings = re.search(r'<div class="notice warning" role="note">(.*?)</div>', html, re.S)[1]
    assert len(report.flags) == 3
    for flag in report.flags:
        assert f"<li>{flag.message}</li>" in unescape(warnings)


def test_unknown_report_is_a_404_page(small_client):
    html = page(small_client, "/reports/no-such-report", status=404)
    assert "<h1>未找到（404）</h1>" in html
    assert "没有编号为「no-such-report」的报告。" in html


# --- agencies ---------------------------------------------------------------------------------

def test_agencies_table_shows_coverage_by_year(small_client):
    html = page(small_client, "/agencies")
    row = re.search(rf'<a href="/agencies/{quote("江北区教育局")}">江北区教育局</a></th>(.*?)</tr>', html, re.S)[1]
    assert "<td>浙江省 宁波市 江北区</td>" in row
    assert '<td class="num">1</td>' in row
    assert row.count('<td class="cell has">') == 1
    assert (f'<a href="/reports/{JIANGBEI}" title="江北区教育局2016年度政府信息公开工作报告">'
            '<span aria-hidden="true">●</span><span class="visually-hidden">2016年：'
            '江北区教育局2016年度政府信息公开工作报告</span></a>') in row   # a text alternative
    header = re.search(r"<thead>(.*?)</thead>", html, re.S)[1]
    years = re.findall(r'<th class="year">(\d+)</th>', header)
    assert years == sorted(years) and years[-1] == "2023"
    # The 2016 column holds the cell: it is the same column index as the year.
    cells = re.findall(r'<td class="cell[^"]*">(.*?)</td>', row, re.S)
    assert JIANGBEI in cells[years.index("2016")]


def test_agency_page_lists_its_reports_by_year(small_client):
    html = page(small_client, "/agencies/" + quote("江北区教育局"))
    assert "<h1>江北区教育局</h1>" in html
    assert re.findall(r'<span class="year">([^<]*)</span> <a href="([^"]*)">', html) == [
        ("2016年度", f"/reports/{JIANGBEI}")]
    assert f'<a href="/search?agency={quote("江北区教育局")}">在该机关的报告中检索</a>' in html
    page(small_client, "/agencies/" + quote("没有这个机关"), status=404)


# --- JSON API ---------------------------------------------------------------------------------

def test_api_search_is_the_library_result_with_urls(small_client, small_index):
    """The API is the library's result, with URLs where the library gives section anchors."""
    response = small_client.get("/api/search?q=" + quote("教育局") + "&city=" + quote("宁波市") + "&per_page=5&sort=year")
    assert response.status_code == 200 and response.mimetype == "application/json"
    expected = small_index.search(SearchRequest(q="教育局", filters={"city": ["宁波市"]}, per_page=5, sort="year"))
    data = response.get_json()
    assert list(data) == ["query", "total", "page", "per_page", "sort", "hits", "facets",
                          "partial", "missing", "understood", "chips", "suggestions"]
    same = ("query", "total", "page", "per_page", "facets", "partial", "missing")
    assert {k: data[k] for k in same} == json.loads(json.dumps({k: expected[k] for k in same}))
    assert (data["partial"], data["missing"]) == (False, [])
    assert len(data["hits"]) == len(expected["hits"]) == data["total"] == 2
    for got, hit in zip(data["hits"], expected["hits"]):
        assert got["url"] == f"/reports/{hit['report_id']}"
        assert {k: v for k, v in got.items() if k not in ("url", "passages")} == \
            json.loads(json.dumps({k: v for k, v in hit.items() if k != "passages"}))
        assert [(p["section"], p["heading"], p["url"], p["html"]) for p in got["passages"]] == [
            (p["section"], p["heading"], f"/reports/{hit['report_id']}#{p['anchor']}", p["html"])
            for p in hit["passages"]]
    assert "教育局" in response.get_data(as_text=True)  # not \u-escaped


def test_api_report_is_the_record(small_client, small_index):
    data = small_client.get(f"/api/reports/{JIANGBEI}").get_json()
    assert data == json.loads(json.dumps(small_index.get_report(JIANGBEI).to_dict()))
    assert (data["agency"], data["year"], data["region"]["city"]) == ("江北区教育局", 2016, "宁波市")


@pytest.mark.parametrize("url, status, message", [
    ("/api/reports/nope", 404, "没有编号为「nope」的报告。"),
    ("/api/search?q=" + "申" * 5001, 400, "查询过长（5001 个字符，上限 "),
    ("/api/search?q=x&per_page=0", 400, "每页条数（per_page）必须是 1 到 1000 之间的整数。"),
    ("/api/nothing-here", 404, "没有找到这个页面。"),
])
def test_api_errors_are_json(small_client, url, status, message):
    response = small_client.get(url)
    assert response.status_code == status
    assert response.get_json()["error"]["message"].startswith(message)


# --- errors and the index -----------------------------------------------------------------------

def test_an_unexpected_error_is_a_plain_500_page(small_index_dir, small_index):
    app = create_app({"INDEX_DIR": str(small_index_dir)})
    app.extensions["gongkai_index"] = small_index

    @app.route("/broken")
    def broken():
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/broken")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "服务器出了点问题，请稍后再试。" in text
    assert "secret internal detail" not in text and "Traceback" not in text
