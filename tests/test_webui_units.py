"""The web layer's own pieces on real reports: URL states, facet data, term marking, report HTML."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from webui import create_app
from webui.facets import build_facets
from webui.marking import term_spans
from webui.reader import render_span, report_sections
from indexer.errors import GongkaiError
from indexer.search.passages import query_terms, section_anchors
from webui.urls import SearchState

JIANGBEI = "education/000_34846fc542f213aa.txt"


@pytest.fixture(scope="module")
def ctx():
    app = create_app({"INDEX_DIR": "unused-by-these-tests"})
    with app.test_request_context():
        yield


def test_state_round_trips_through_its_url(ctx):
    args = MultiDict([("q", "依申请公开"), ("year", "2016"), ("year", "2017"), ("agency", "江北区教育局"),
                      ("page", "3"), ("sort", "year")])
    state = SearchState.from_args(args)
    assert state.filters == {"agency": ("江北区教育局",), "year": ("2016", "2017")}
    assert state.url() == ("/search?q=%E4%BE%9D%E7%94%B3%E8%AF%B7%E5%85%AC%E5%BC%80"
                           "&agency=%E6%B1%9F%E5%8C%97%E5%8C%BA%E6%95%99%E8%82%B2%E5%B1%80"
                           "&year=2016&year=2017&sort=newest&page=3")   # year: newest
    assert state.request_filters() == {"agency": ["江北区教育局"], "year": [2016, 2017]}


def test_toggle_adds_and_removes_one_value_and_resets_the_page(ctx):
    state = SearchState(q="申请", filters={"year": ("2016",)}, page=4)
    assert state.toggle_url("year", "2017") == "/search?q=%E7%94%B3%E8%AF%B7&year=2016&year=2017"
    assert state.toggle_url("year", "2016") == "/search?q=%E7%94%B3%E8%AF%B7"
    assert state.page_url(2) == "/search?q=%E7%94%B3%E8%AF%B7&year=2016&page=2"
    assert state.sort_url("year") == "/search?q=%E7%94%B3%E8%AF%B7&year=2016&sort=year"


def test_bad_page_per_page_sort_and_years_are_clear_errors():
    """The page and the API read the same state: a wrong value is a 400 with a Chinese message
    and a machine code, never a silent fallback."""
    state = SearchState.from_args(MultiDict([("page", ""), ("sort", ""), ("year", " ")]))
    assert (state.page, state.sort, state.filters, state.per_page) == (1, "relevance", {}, 10)
    for args, code, message in [
            ([("page", "abc")], "bad_page", "页码（page）必须是不小于 1 的整数。"),
            ([("page", "-5")], "bad_page", "页码（page）必须是不小于 1 的整数。"),
            ([("per_page", "0")], "bad_per_page", "每页条数（per_page）必须是 1 到 1000 之间的整数。"),
            ([("sort", "random")], "bad_sort", "排序（sort）只能是 relevance（相关度）、newest（最新在前）"
                                               "或 oldest（最早在前）。"),
            ([("year_from", "20x6")], "bad_year", "年度应写作四位数字（1900–2100），而不是「20x6」。"),
            ([("year_from", "2019"), ("year_to", "2016")], "bad_year",
             "从 2019 年到 2016 年：起始年晚于结束年。")]:
        with pytest.raises(GongkaiError) as caught:
            SearchState.from_args(MultiDict(args))
        assert (caught.value.code, caught.value.message) == (code, message)


def test_year_range_is_a_year_filter_anded_with_ticked_years(ctx):
    state = SearchState.from_args(MultiDict([("year_from", "2016"), ("year_to", "2018年")]))
    assert state.request_filters() == {"year": [2016, 2017, 2018]}
    assert state.url() == "/search?year_from=2016&year_to=2018"
    ticked = SearchState.from_args(MultiDict([("year", "2015"), ("year", "2017"), ("year_from", "2016")]))
    assert ticked.request_filters() == {"year": [2017]}
    outside = SearchState.from_args(MultiDict([("year", "2015"), ("year_to", "2014")]))
    assert outside.request_filters() == {"year": [0]}   # nothing: no report has year 0
    assert SearchState.from_args(MultiDict([("year_to", "1901")])).request_filters() == {
        "year": [1900, 1901]}


def test_repeated_section_slugs_get_numbered_anchors():
    assert section_anchors(["preamble", "requests", "other", "requests", "requests"]) == [
        "preamble", "requests", "other", "requests-2", "requests-3"]


def test_facets_are_plain_data_with_labels_toggles_and_selection(ctx):
    state = SearchState(q="公开", filters={"section": ("requests",), "year": ("2009",)})
    counts = {"year": [{"value": 2016, "count": 3}, {"value": 2019, "count": 1}],
              "section": [{"value": "preamble", "count": 4}, {"value": "requests", "count": 2}]}
    facets = {f["name"]: f for f in build_facets(counts, state)}
    assert [f for f in facets] == ["agency", "year", "section", "province", "city"]
    # Years newest first; a selected value with no match still shows (count 0) so it can be removed.
    assert [(r["value"], r["label"], r["count"], r["selected"]) for r in facets["year"]["results"]] == [
        ("2019", "2019年", 1, False), ("2016", "2016年", 3, False), ("2009", "2009年", 0, True)]
    assert facets["section"]["results"][1] == {
        "value": "requests", "label": "依申请公开", "count": 2, "selected": True,
        "toggle_url": "/search?q=%E5%85%AC%E5%BC%80&year=2009"}
    assert facets["section"]["label"] == "章节"


def test_query_terms_leave_out_operators_fields_and_exclusions():
    """The library's reading of the query: folded, no excluded words, no field conditions."""
    assert query_terms('依申请公开 AND "政府信息 公开" -收费 NOT 复议 year:2016-2019 (申请 OR 诉讼)') == [
        "依申请公开", "政府信息公开", "申请", "诉讼"]
    assert query_terms("ＡＢＣ 資訊") == ["abc", "资讯"]


def test_terms_are_marked_across_crawler_line_breaks(report):
    rep = report(JIANGBEI)
    spans = term_spans(rep.text, query_terms('"江北区教育局"'))
    assert spans and all(rep.text[s:e].replace("\n", "").replace(" ", "") == "江北区教育局"
                         for s, e in spans)


def test_report_sections_cover_the_text_with_marks(ctx, report):
    rep = report(JIANGBEI)
    marks = term_spans(rep.text, query_terms('"教育局"'))
    sections = report_sections(rep, marks, raw=True)
    assert [s["anchor"] for s in sections] == section_anchors(s.slug for s in rep.sections)
    body = "".join(str(s["html"]) for s in sections)
    assert body.count("<mark") == len(marks) == rep.text.count("教育局")
    assert re.findall(r'<mark id="m(\d+)">', body) == [str(n) for n in range(1, len(marks) + 1)]
    assert html.unescape(re.sub(r"<[^>]+>", "", body)) == rep.text


def test_figures_nest_and_marks_split_at_their_edges(ctx):
    text = "共受理<b>申请</b>12件，答复12件。"
    out = str(render_span(text, 0, len(text), [(3, 15, "outer"), (6, 17, "clipped")], [(0, 8)]))
    assert out == ('<mark id="m1">共受理</mark><span class="fig" id="fig-outer"><mark data-m="1">&lt;b&gt;</mark>'
                   '<span class="fig" id="fig-clipped"><mark data-m="1">申请</mark>&lt;/b&gt;12件</span></span>，答复12件。')


_TEXT = st.text(alphabet=st.sampled_from(list("申请公开<>&\"' \n年度報告2016")), max_size=60)


@settings(max_examples=200, deadline=None)
@given(text=_TEXT, q=st.text(alphabet=st.sampled_from(list('申请公开<>"- 年報')), max_size=12),
       figs=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), max_size=4))
def test_rendered_text_is_escaped_and_complete(text, q, figs):
    """For any text, query and figure spans: stripping our tags and unescaping gives the text back."""
    figures = [(min(a, b), max(a, b), f"k{i}") for i, (a, b) in enumerate(figs)
               if min(a, b) < max(a, b) <= len(text)]
    out = str(render_span(text, 0, len(text), figures, term_spans(text, query_terms(q))))
    stripped = re.sub(r'</?mark[^>]*>|<span class="fig" id="fig-k\d">|</span>', "", out)
    assert "<" not in stripped and ">" not in stripped
    assert html.unescape(stripped) == text
    assert out.count("<span") == out.count("</span>") and out.count("<mark") == out.count("</mark>")
