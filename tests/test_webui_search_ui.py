"""The search page's everyday controls: sort orders, the year range, Chinese error messages with
machine codes (page and API agree), zero results with per-term counts and looser searches, the
筛选 button that holds the filters."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import fetch_page as page
from indexer.search import SearchRequest
from indexer.search.term_counts import simplified, terms_of

Q = quote('"依申请公开"')


def years_on(html: str) -> list[int]:
    return [int(y) for y in re.findall(r'<span class="year">(\d{4})年度</span>', html)]


def test_oldest_first_is_the_reverse_year_order_with_unknown_years_last(small_index):
    newest = small_index.search(SearchRequest(sort="newest", per_page=100))["hits"]
    oldest = small_index.search(SearchRequest(sort="oldest", per_page=100))["hits"]
    assert {h["report_id"] for h in newest} == {h["report_id"] for h in oldest}
    known = [h["year"] for h in oldest if h["year"] is not None]
    assert known == sorted(known) and known[0] == 2015
    assert [h["year"] for h in newest if h["year"] is not None] == sorted(known, reverse=True)
    assert oldest[-1]["year"] is None or all(h["year"] is not None for h in oldest)


def test_year_range_on_the_page_filters_and_shows_a_removable_chip(small_client):
    html = page(small_client, f"/search?q={Q}&year_from=2016&year_to=2017&sort=oldest")
    assert "共 <strong>5</strong> 份报告" in html
    assert set(years_on(html)) == {2016, 2017}
    assert f'<a href="/search?q={Q}&amp;sort=oldest" title="去掉这个条件">年度：2016年–2017年' in html
    form = re.search(r'<form class="year-range" action="/search" method="get">(.*?)</form>', html, re.S)[1]
    assert re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', form) == [
        ("q", '&#34;依申请公开&#34;'), ("sort", "oldest")]
    assert 'name="year_from" inputmode="numeric" min="1900" max="2100" value="2016"' in form
    open_end = page(small_client, f"/search?q={Q}&year_from=2019")
    assert min(years_on(open_end)) >= 2019 and "年度：2019年–" in open_end


@pytest.mark.parametrize("query, heading, message, code", [
    ("q=x&agency=nope", "筛选条件有误", "没有机关为「nope」的报告。", "unknown_value"),
    ("q=x&section=foo", "筛选条件有误", "未知章节 &#39;foo&#39;", "unknown_section"),
    ("q=agency:nope", "检索式有误", "没有机关与「nope」相符的报告（agency:nope）。", "unknown_query_value"),
    ("q=x&page=0", "请求有误", "页码（page）必须是不小于 1 的整数。", "bad_page"),
    ("q=x&per_page=abc", "请求有误", "每页条数（per_page）必须是 1 到 1000 之间的整数。", "bad_per_page"),
    ("q=x&sort=date", "请求有误", "排序（sort）只能是 relevance（相关度）", "bad_sort"),
    ("q=x&year_to=98", "年度范围有误", "年度应写作四位数字（1900–2100），而不是「98」。", "bad_year"),
])
def test_bad_requests_are_400_in_chinese_on_the_page_and_in_the_api(small_client, query, heading,
                                                                   message, code):
    html = page(small_client, f"/search?{query}", status=400)
    assert f'<div class="notice error" role="alert"><strong>{heading}：</strong>{message}' in html
    response = small_client.get(f"/api/search?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"].startswith(unescape(message))


def test_unknown_report_is_a_chinese_404_with_a_code(small_client):
    response = small_client.get("/api/reports/nope")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found", "message": "没有编号为「nope」的报告。"}}


def test_zero_results_count_each_term_and_suggest_dropping_one(small_client):
    data = small_client.get("/api/search?q=" + quote("依申请公开 火星") + "&city=" + quote("莆田市")).get_json()
    assert data["total"] == 0
    city = "&city=%E8%8E%86%E7%94%B0%E5%B8%82"
    assert data["zero_results"] == {
        "terms": [{"term": "依申请公开", "total": 8, "without_filters": 13,
                   "url": "/search?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80" + city},
                  {"term": "火星", "total": 0, "without_filters": 0,
                   "url": "/search?q=%E7%81%AB%E6%98%9F" + city}],
        "suggestions": [{"kind": "drop", "term": "火星", "q": "依申请公开", "total": 8,
                         "url": "/search?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80" + city}]}
    html = page(small_client, "/search?q=" + quote("依申请公开 火星") + "&city=" + quote("莆田市"))
    block = re.search(r'<div class="zero-results">(.*?)</div>', html, re.S)[1]
    assert '>去掉「火星」，搜索「依申请公开」</a> <span class="count">8 份报告</span>' in block
    assert re.findall(r'<th scope="row"><a [^>]+>([^<]+)</a></th><td class="num">(\d+)</td>'
                      r'<td class="num">(\d+)</td>', block) == [("依申请公开", "8", "13"),
                                                                 ("火星", "0", "0")]


def test_zero_results_of_a_quoted_phrase_and_of_traditional_input(small_client):
    quoted = small_client.get("/api/search?q=" + quote('"依申请公开 火星"')).get_json()
    assert [(s["kind"], s["q"], s["total"]) for s in quoted["zero_results"]["suggestions"]] == [
        ("drop", "依申请公开", 13)]
    assert "zero_results" not in small_client.get(f"/api/search?q={Q}").get_json()
    assert simplified("依申請公開 ABC") == "依申请公开 ABC"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_terms_of_any_query_are_its_own_space_separated_parts(q):
    terms = terms_of(q)
    assert len(terms) <= 8
    assert all(t and not t.isspace() and t in q for t in terms)


def test_a_filters_button_above_the_results_leads_to_the_filters(small_client):
    html = page(small_client, f"/search?q={Q}&city=" + quote("莆田市") + "&year_from=2016")
    results = html[html.index('<section class="results" id="results" tabindex="-1">'):]
    assert results.index('<a href="#filters" role="button">筛选（已选 2 项）</a>') < results.index(
        '<div class="summary">')
    assert '<div class="filters" id="filters" tabindex="-1">' in html
    assert '<p class="filters-back"><a href="#results">↑ 回到结果</a></p>' in html
    stats = page(small_client, "/stats")
    assert '<a href="#filters" role="button">筛选</a>' in stats and 'id="filters"' in stats


_VALUES = st.text(alphabet="莆田市局2016 -:", min_size=1, max_size=6).map(str.strip).filter(bool)


@settings(max_examples=200, deadline=None)
@given(q=st.text(max_size=30).map(str.strip), agencies=st.lists(_VALUES, max_size=3, unique=True),
       years=st.lists(st.integers(2000, 2030).map(str), max_size=3, unique=True),
       page=st.integers(1, 500), per_page=st.integers(1, 1000),
       sort=st.sampled_from(["relevance", "newest", "oldest"]),
       year_range=st.tuples(st.none() | st.integers(1900, 2100), st.none() | st.integers(1900, 2100)))
def test_every_search_state_survives_its_own_query_string(q, agencies, years, page, per_page, sort,
                                                         year_range):
    from werkzeug.datastructures import MultiDict

    from webui.urls import SearchState

    low, high = year_range
    if low and high and low > high:
        low, high = high, low
    filters = {k: tuple(v) for k, v in (("agency", agencies), ("year", years)) if v}
    state = SearchState(q=q, filters=filters, page=page, sort=sort, per_page=per_page,
                        year_from=low, year_to=high)
    assert SearchState.from_args(MultiDict(state.params())) == state


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=8))
@example("\x1c3")   # a Unicode space int() refuses: stripped, page 3 (found by Hypothesis)
def test_any_page_value_is_a_page_number_or_a_clear_error(raw):
    from werkzeug.datastructures import MultiDict

    from indexer.errors import GongkaiError
    from webui.urls import SearchState

    try:
        state = SearchState.from_args(MultiDict([("page", raw), ("per_page", raw)]))
    except GongkaiError as exc:
        assert exc.status == 400 and exc.code in ("bad_page", "bad_per_page")
        assert exc.message.endswith("整数。")
    else:
        assert state.page >= 1 and 1 <= state.per_page <= 1000
        # the value stripped as str.strip does (any Unicode space, \x1c included: int() would refuse it)
        assert raw.strip() == "" or int(raw.strip()) == state.page == state.per_page


@settings(max_examples=120, deadline=None)
@given(name=st.sampled_from(["page", "per_page", "sort", "year", "year_from", "year_to", "section"]),
       value=st.text(max_size=8))
def test_any_parameter_value_is_a_page_or_a_400_never_a_500(small_app, name, value):
    client = small_app.test_client()
    for url in ("/search", "/api/search", "/search.json"):
        response = client.get(url, query_string={"q": "申请", name: value})
        assert response.status_code in (200, 400), (url, name, value)
