"""The statistics pages: rows, sorting, facets, CSV, JSON, chart, errors.

They run on the small index (fourteen real reports, tests/fixtures/small_corpus.md), except the
coverage over the whole index and the chart's cap at eight agencies, which need the whole corpus."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from html import unescape
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.cli import main
from indexer.model.figures_table import COLUMNS, EXPORT_COLUMNS, HEADERS
from indexer.model.vocabulary import FIGURE_LABELS as FIGURES
from conftest import facet_rows, fetch_page as page
from webui.chart import MAX_LINES, line_chart, nice_scale
from webui.stats import SORT_COLUMNS

JIANGBEI = "000_34846fc542f213aa"   # 江北区教育局 2016, 宁波市: 539 items published, no requests
YINZHOU = "003_2d9d6b829977fe3e"    # 鄞州区教育局 2019: 3 requests, a table that fails three checks
LINYE = "莆田市林业局"               # 18 reports, 2008-2025, every one gives requests_received;
                                     # in the small corpus 2016 (2), 2019 (1), 2020 (0)
SHENJI = "莆田市审计局"              # requests_received for 2008-2025 except 2016 (and one more year);
                                     # in the small corpus 2015 (0), 2016 (none), 2017 (0)
SMALL = 14                           # reports in the small corpus


def api(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_json()


def table_rows(html: str) -> list[str]:
    """The report ids of the table's rows, in order."""
    return re.findall(r'<tr data-report="([^"]+)">', html)


def row_html(html: str, report_id: str) -> str:
    return re.search(rf'<tr data-report="{report_id}">(.*?)</tr>', html, re.S)[1]


def series(html: str) -> dict[str, tuple[str, list[str]]]:
    """agency -> (path d, years of its dots) of the chart's SVG."""
    out = {}
    for name, body in re.findall(r'<g class="series" data-agency="([^"]*)">(.*?)</g>', html, re.S):
        paths = re.findall(r'<path d="([^"]*)"', body)
        assert len(paths) == 1, name  # one path per agency, gaps are pen lifts inside it
        out[unescape(name)] = (paths[0], re.findall(r"<circle [^>]*><title>[^<]* (\d{4})年：", body))
    return out


# --- the table ----------------------------------------------------------------------------------

def test_nav_links_to_the_stats_page(small_client):
    assert '<a href="/stats">统计</a>' in page(small_client, "/")


def test_row_of_a_known_report_with_figure_links_that_land_on_the_evidence(small_client):
    html = page(small_client, "/stats?city=" + quote("宁波市"))
    assert table_rows(html) == [JIANGBEI, YINZHOU]  # default order: agency, then year
    assert f"共 <strong>2</strong> 份报告（全部 {SMALL} 份）" in html
    row = row_html(html, JIANGBEI)
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)   # the agency: a row header
    assert unescape(re.sub(r"<[^>]+>", "", cells[0])) == "江北区教育局"
    assert re.sub(r"<[^>]+>", "", cells[1]) == "2016"
    assert cells[2] == "浙江省 宁波市 江北区"
    assert (f'<td class="num" data-key="requests_received"><a href="/reports/{JIANGBEI}#fig-requests_received">0</a>'
            in row)
    assert (f'<td class="num" data-key="proactive_published"><a href="/reports/{JIANGBEI}#fig-proactive_published">'
            f'539</a>' in row)
    assert '<td class="empty" data-key="requests_total">—</td>' in row  # not given: a dash, never 0
    # Every figure link of the row lands on an anchor the report page has.
    report_page = page(small_client, f"/reports/{JIANGBEI}")
    anchors = re.findall(rf'href="/reports/{JIANGBEI}#(fig-[a-z_]+)"', row)
    assert sorted(anchors) == ["fig-fees_collected", "fig-lawsuits", "fig-proactive_published",
                               "fig-reconsiderations", "fig-requests_received"]
    for anchor in anchors:
        assert f'id="{anchor}"' in report_page


def test_flags_show_as_a_marker_with_the_messages_and_a_details_row(small_client):
    html = page(small_client, "/stats?agency=" + quote("鄞州区教育局"))
    row = row_html(html, YINZHOU)
    marker = re.search(r'<a class="flag" href="#flags-[^"]+" title="([^"]*)">⚠ (\d+)</a>', row)
    assert marker[2] == "3"
    assert unescape(marker[1]).split("；") == [
        "办理结果总计：申请人各列 66 = 66，但总计栏为 6",
        "一 新收 3 + 二 结转 0 = 3，但 三（七）总计 6 + 四 结转下年 0 = 6",
        "办理结果合计 3，但 三（七）总计栏为 6"]
    details = re.search(rf'<tr class="flag-details" id="flags-{YINZHOU}">(.*?)</tr>', html, re.S)[1]
    assert "鄞州区教育局 2019 的统计数字提示（3）" in details
    assert len(re.findall(r"<li>", details)) == 3
    assert '<a class="flag"' not in row_html(page(small_client, "/stats?city=" + quote("宁波市")), JIANGBEI)


def test_sort_by_a_column_descending_puts_empty_cells_last(small_client):
    html = page(small_client, "/stats?sort=requests_received&order=desc")
    ids = table_rows(html)
    assert len(ids) == SMALL
    data = api(small_client, "/api/stats?sort=requests_received&order=desc")
    assert [r["report_id"] for r in data["rows"]] == ids  # the page and the API agree
    assert [(r["agency"], r["year"], r["requests_received"]) for r in data["rows"][:5]] == [
        ("三明市人民政府", 2023, 302), ("三明市人民政府", 2016, 150), ("平潭综合实验区", 2023, 81),
        ("鄞州区教育局", 2019, 3), (LINYE, 2016, 2)]
    values = [r["requests_received"] for r in data["rows"]]
    assert values[-1:] == [None] and None not in values[:-1]  # 莆田市审计局 2016 gives none
    assert data["rows"][-1]["report_id"] == "putian-991069"
    ascending = [r["requests_received"] for r in api(small_client, "/api/stats?sort=requests_received&order=asc")["rows"]]
    assert ascending == [0] * 7 + [1, 2, 3, 81, 150, 302, None]


@pytest.mark.parametrize("column", SORT_COLUMNS)
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_every_column_sorts_in_order_with_empty_cells_last(small_client, column, order):
    rows = api(small_client, f"/api/stats?sort={column}&order={order}")["rows"]
    assert len(rows) == SMALL
    if column == "region":
        values = [" ".join(dict.fromkeys(v for v in (r["province"], r["city"]) if v)) or None for r in rows]
    elif column == "flags":
        values = [len(r["flag_details"]) for r in rows]
    else:
        values = [r[column] for r in rows]
    present = [v for v in values if v is not None]
    assert values == present + [None] * (len(values) - len(present))
    if column != "region":  # region sorts by its full label (with the county), checked above by prefix
        assert present == sorted(present, reverse=order == "desc")


def test_column_headers_link_to_their_sort_and_flip_the_current_one(small_client):
    html = page(small_client, "/stats?city=" + quote("宁波市") + "&sort=requests_received&order=desc")
    links = {key: unescape(href) for key, href in
             re.findall(r'<th scope="col" data-column="([a-z_]+)"[^>]*><a href="([^"]*)"', html)}
    assert list(links) == list(SORT_COLUMNS)
    city = "city=" + quote("宁波市")
    assert links["requests_received"] == f"/stats?{city}&sort=requests_received&order=asc"
    assert links["year"] == f"/stats?{city}&sort=year"
    assert links["lawsuits"] == f"/stats?{city}&sort=lawsuits"
    assert 'data-column="requests_received" class="current" aria-sort="descending"' in html
    assert "本年新收申请 ↓" in html


def test_filter_by_agency_and_years_with_facet_counts(small_client):
    one = page(small_client, "/stats?agency=" + quote(LINYE) + "&year=2019")
    assert len(table_rows(one)) == 1
    html = page(small_client, "/stats?agency=" + quote(LINYE) + "&year=2019&year=2020")
    ids = table_rows(html)
    assert len(ids) == 2  # two values of one facet: OR
    data = api(small_client, "/api/stats?agency=" + quote(LINYE) + "&year=2019&year=2020")
    assert [(r["agency"], r["year"], r["requests_received"]) for r in data["rows"]] == [
        (LINYE, 2019, 1), (LINYE, 2020, 0)]
    assert data["reports"] == 2 and data["of"] == SMALL
    # A facet's counts ignore its own filter: every year of the agency, each with its one report.
    years = facet_rows(html, "year")
    assert len(years) == 3
    assert years == [("2020年", 1, True), ("2019年", 1, True), ("2016年", 1, False)]
    assert ("2019年", 1, True) in years and ("2020年", 1, True) in years
    assert facet_rows(html, "city") == [("莆田市", 2, False)]
    assert (LINYE, 2, True) in facet_rows(html, "agency")
    assert 'data-facet="section"' not in html  # figures belong to reports, not sections
    chips = re.findall(r'<ul class="chips"[^>]*>(.*?)</ul>', html, re.S)[0]
    assert f"机关：{LINYE}" in chips and "年度：2019年" in chips and "年度：2020年" in chips
    # The facet toggles stay on the stats page.
    toggle = re.search(r'data-facet="year">.*?<a href="([^"]*)" rel="nofollow" data-value="2019"', html, re.S)[1]
    assert unescape(toggle) == "/stats?agency=" + quote(LINYE) + "&year=2020"


def test_year_ranges_filter_like_the_search_page(small_client):
    data = api(small_client, "/api/stats?city=" + quote("宁波市") + "&year=2016-2019")
    assert [r["report_id"] for r in data["rows"]] == [JIANGBEI, YINZHOU]
    assert api(small_client, "/api/stats?city=" + quote("宁波市") + "&year=2017-2018")["rows"] == []


# --- CSV and JSON: the rows of `gongkai stats` ---------------------------------------------------

def test_csv_has_a_bom_the_cli_header_and_one_row_per_report(small_client):
    response = small_client.get("/stats.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ",".join(HEADERS[c] for c in EXPORT_COLUMNS)   # Chinese by default
    assert lines[0].startswith("报告编号,标题,机关,统一机关名称,年度,省份,城市,原文网址,主动公开信息条数,"
                               "主动公开信息条数（约数）,本年新收申请,")
    assert len(list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))) == SMALL
    keys = small_client.get("/stats.csv?headers=keys").data.decode("utf-8-sig")
    assert keys.split("\r\n")[0] == ",".join(EXPORT_COLUMNS)
    assert set(COLUMNS) < set(EXPORT_COLUMNS)
    filtered = small_client.get("/stats.csv?headers=keys&agency=" + quote(LINYE)
                                + "&year=2019&year=2020").data
    rows = list(csv.DictReader(io.StringIO(filtered.decode("utf-8-sig"))))
    assert [(r["agency"], r["year"], r["requests_received"]) for r in rows] == [(LINYE, "2019", "1"),
                                                                                 (LINYE, "2020", "0")]


def test_csv_and_json_are_what_gongkai_stats_prints_for_the_same_reports(small_client, small_corpus_dir):
    files = [str(small_corpus_dir / "education" / f"{rid}.txt") for rid in (JIANGBEI, YINZHOU)]
    cli_csv = CliRunner().invoke(main, ["stats", "--csv", *files])
    assert cli_csv.exit_code == 0, cli_csv.output
    cli_rows = list(csv.DictReader(io.StringIO(cli_csv.stdout_bytes.decode("utf-8-sig"))))
    web = small_client.get("/stats.csv?headers=keys&city=" + quote("宁波市")).data
    web_rows = list(csv.DictReader(io.StringIO(web.decode("utf-8-sig"))))
    assert [{k: r[k] for k in COLUMNS} for r in web_rows] == cli_rows   # the CLI's columns

    cli_json = json.loads(CliRunner().invoke(main, ["stats", "--json", *files]).stdout)
    data = api(small_client, "/api/stats?city=" + quote("宁波市"))
    assert [{k: r[k] for k in COLUMNS} for r in data["rows"]] == cli_json["rows"]
    assert data["coverage"] == cli_json["coverage"]
    assert data["columns"] == COLUMNS
    yinzhou = data["rows"][1]
    assert yinzhou["flags"] == "row_sum;balance;results_sum"
    assert [f["rule"] for f in yinzhou["flag_details"]] == ["row_sum", "balance", "results_sum"]
    assert yinzhou["figures"]["requests_received"] == {
        "value": 3, "approx": False, "url": f"/reports/{YINZHOU}#fig-requests_received"}
    assert yinzhou["url"] == f"/reports/{YINZHOU}"


def test_json_coverage_over_the_whole_index(client):
    data = api(client, "/api/stats")
    assert data["reports"] == 258
    assert set(data["coverage"]) == set(FIGURES)
    assert data["coverage"]["requests_received"] == 238
    assert data["coverage"]["proactive_published"] == 187
    assert data["coverage"]["reconsiderations"] == 223
    assert sum(r["requests_received"] is not None for r in data["rows"]) == 238


# --- the chart ----------------------------------------------------------------------------------

def test_chart_has_one_line_per_agency_and_one_dot_per_year_with_a_value(small_client):
    url = f"/stats?agency={quote(SHENJI)}&agency={quote(LINYE)}&chart=requests_received"
    html = page(small_client, url)
    svg = re.search(r"<svg .*?</svg>", html, re.S)[0]
    lines = series(svg)
    assert list(lines) == [SHENJI, LINYE]  # in the order the agencies were chosen
    assert lines[LINYE][1] == ["2016", "2019", "2020"]
    assert lines[SHENJI][1] == ["2015", "2017"]  # no value in 2016: no dot, no zero
    # 林业局 has no report for 2017-2018: two runs, the second one a line 2019-2020.
    assert lines[LINYE][0].count("M") == 2 and lines[LINYE][0].count("L") == 1
    assert re.findall(r'<text x="[^"]*" y="[^"]*">(\d{4})</text>', svg) == [str(y) for y in range(2015, 2021)]
    assert ">年度</text>" in svg and ">本年新收申请</text>" in svg
    legend = re.search(r'<ul class="legend">(.*?)</ul>', html, re.S)[1]
    assert re.findall(r"</svg>([^<]+)</li>", legend) == [SHENJI, LINYE]
    assert "只画出" not in html
    # The values drawn are the table's values.
    rows = api(small_client, url.replace("/stats", "/api/stats"))["rows"]
    for name, (_d, years) in lines.items():
        assert years == [str(r["year"]) for r in sorted(rows, key=lambda r: r["year"])
                         if r["agency"] == name and r["requests_received"] is not None]


def test_a_missing_year_is_a_gap_not_a_zero(small_client):
    html = page(small_client, f"/stats?agency={quote(SHENJI)}&chart=requests_received")
    d, years = series(html)[SHENJI]
    assert "2016" not in years and "2015" in years and "2017" in years
    assert d.count("M") == len([y for y in years if str(int(y) - 1) not in years])
    assert d.count("M") >= 2


def test_chart_is_capped_at_eight_agencies_and_says_so(client):
    html = page(client, "/stats?chart=requests_received")
    lines = series(html)
    assert len(lines) == MAX_LINES
    # The largest figures first (an agency's largest value over its years): the city government
    # leads; it was left out while agencies with the most years came first.
    largest: dict[str, int] = {}
    for row in api(client, "/api/stats")["rows"]:
        if row["agency_canonical"] and row["year"] is not None and row["requests_received"] is not None:
            agency = row["agency_canonical"]   # one line per agency across its names
            largest[agency] = max(largest.get(agency, 0), row["requests_received"])
    expected = sorted(largest, key=lambda a: (-largest[a], a))
    assert list(lines) == expected[:MAX_LINES]
    assert expected[0] == "莆田市人民政府"
    assert "共有 24 个机关有“本年新收申请”，图中只画出数字最大的 8 个。" in html


def test_chart_agencies_can_be_picked_with_checkboxes_without_javascript(client):
    html = page(client, "/stats?chart=requests_received")
    form = re.search(r'<form class="chart-pick" action="/stats" method="get">(.*?)</form>', html, re.S)[1]
    boxes = re.findall(r'<input type="checkbox" name="line" value="([^"]+)"( checked)?>', form)
    assert len(boxes) == 24 and sum(bool(c) for _, c in boxes) == MAX_LINES
    assert re.findall(r'<input type="hidden" name="([a-z]+)" value="([^"]*)">', form) == [
        ("chart", "requests_received")]
    picked = page(client, "/stats?chart=requests_received&line=" + quote(LINYE) + "&line="
                  + quote("莆田市人民政府"))
    assert list(series(picked)) == [LINYE, "莆田市人民政府"]
    assert "共有 24 个机关" not in picked and '<details open>' in picked


def test_chart_form_keeps_filters_and_works_without_javascript(small_client):
    html = page(small_client, "/stats?city=" + quote("宁波市") + "&sort=year&chart=lawsuits")
    form = re.search(r'<form class="chart-form" action="/stats" method="get">(.*?)</form>', html, re.S)[1]
    assert re.findall(r'<input type="hidden" name="([a-z]+)" value="([^"]*)">', form) == [
        ("city", "宁波市"), ("sort", "year")]
    assert '<option value="lawsuits" selected>行政诉讼总计</option>' in form
    assert len(re.findall(r"<option ", form)) == len(FIGURES) + 1


def test_agency_names_are_escaped_in_the_chart(small_app):
    name = '<script>alert("x")</script> & 局'
    chart = line_chart([(name, {2019: 1, 2020: 2})], title="<b>标题</b>", y_label="本年新收申请")
    with small_app.test_request_context():
        from flask import render_template

        html = render_template("_chart.html", chart=chart)
    assert "<script>" not in html and "<b>" not in html
    assert 'data-agency="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; 局"' in html
    assert series(html) == {name: (series(html)[name][0], ["2019", "2020"])}


def test_a_selected_agency_name_with_markup_is_escaped_on_the_page(small_client):
    html = page(small_client, "/stats?agency=" + quote("<i>局</i>") + "&chart=lawsuits")
    assert "<i>局</i>" not in html
    assert "&lt;i&gt;局&lt;/i&gt;" in html
    assert table_rows(html) == []
    assert "所选报告都没有“行政诉讼总计”这项数字，无法画图。" in html


# --- mistakes: a clear message, never a traceback -----------------------------------------------

@pytest.mark.parametrize("query, message", [
    ("sort=bogus", "不能按「bogus」排序。可以排序的列：agency、year、region、"),
    ("order=up", "排序方向只能是 asc（升序）或 desc（降序），而不是「up」。"),
    ("chart=bogus", "没有「bogus」这项统计数字。可以画图的统计数字：proactive_published、"),
    ("year=abc", "年度应写成 2016 或 2016-2019 这样的形式，而不是「abc」。"),
])
def test_bad_parameters_are_400_with_a_chinese_message(small_client, query, message):
    html = page(small_client, f"/stats?{query}", status=400)
    assert message in html
    response = small_client.get(f"/api/stats?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["message"].startswith(message)
    assert small_client.get(f"/stats.csv?{query}").status_code == 400


# --- the chart's geometry, for every input ------------------------------------------------------

_SERIES = st.dictionaries(st.integers(2000, 2030), st.one_of(st.none(), st.integers(0, 10**6)),
                          max_size=20)


@settings(max_examples=200, deadline=None)
@given(data=st.lists(_SERIES, min_size=1, max_size=10))
def test_chart_geometry_gaps_and_bounds(data):
    chart = line_chart([(f"机关{i}", s) for i, s in enumerate(data)], title="t", y_label="y")
    assert len(chart["lines"]) == min(len(data), MAX_LINES)
    for line, values in zip(chart["lines"], data):
        years = sorted(y for y, v in values.items() if v is not None)
        assert [p["year"] for p in line["points"]] == years
        runs = sum(1 for y in years if y - 1 not in years)
        assert line["d"].count("M") == runs and line["d"].count("L") == len(years) - runs
        for p in line["points"]:
            assert chart["left"] <= p["x"] <= chart["right"]
            assert chart["top"] - 0.1 <= p["y"] <= chart["bottom"] + 0.1
            if values[p["year"]] == 0:
                assert p["y"] == chart["bottom"]


@given(high=st.floats(0, 1e9, allow_nan=False))
def test_nice_scale_covers_the_values_in_a_few_round_steps(high):
    top, step = nice_scale(high)
    assert top >= high
    assert 1 <= round(top / step) <= 10
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 6) in (1, 2, 5, 10)
