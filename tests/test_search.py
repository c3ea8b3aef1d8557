"""Search: query semantics, verbatim recall, passages, facets, filters.

Most tests run on the small index (fourteen real reports, tests/fixtures/small_corpus.md) and
compare with brute force over its records; the corpus-wide totals run on the whole corpus's index."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.text.analysis import word_tokens
from indexer.errors import GongkaiError, NotFound
from indexer.indexing.workers import section_docs
from indexer.text.normalize import fold, is_han
from indexer.search import SearchRequest
from indexer.search.passages import section_anchors

ALL = 1000  # per_page large enough for every report of either corpus
SMALL = 14  # reports in the small corpus


def search(index, q="", **kw):
    kw.setdefault("per_page", ALL)
    return index.search(SearchRequest(q=q, **kw))


def ids(result) -> set[str]:
    return {hit["report_id"] for hit in result["hits"]}


@pytest.fixture(scope="module")
def records(small_index):
    """report_id -> (Report, the folded text each section is matched against) of the small corpus,
    for brute-force comparisons: a section's text runs TEXT_OVERLAP characters into the next section."""
    out = {}
    for row in small_index.reports():
        report = small_index.get_report(row.report_id)
        out[row.report_id] = (report, [doc.text for doc in section_docs(report)])
    return out


def brute(records, predicate) -> set[str]:
    """Reports with a section whose folded text satisfies `predicate`."""
    return {rid for rid, (_r, sections) in records.items() if any(map(predicate, sections))}


# --- semantics ---------------------------------------------------------------------------------

def test_phrase_finds_every_report_that_contains_it(small_index, records):
    """jieba's bundled analyzer finds 0 of these (character offsets as positions)."""
    result = search(small_index, '"政府信息公开"')
    assert result["total"] == SMALL
    assert ids(result) == {rid for rid, (r, _s) in records.items() if "政府信息公开" in fold(r.text)}


def test_dictionary_word_plain_and_quoted(small_index, records):
    expected = brute(records, lambda s: "依申请公开" in s)
    assert len(expected) == 13  # all but 湘桥 (001_…), whose heading is 依法申请公开
    assert ids(search(small_index, "依申请公开")) == expected
    assert ids(search(small_index, '"依申请公开"')) == expected


def test_part_of_a_word_and_across_words(small_index):
    assert ids(search(small_index, "湘桥")) == {"001_b8557501b183c911"}        # inside 湘桥区
    assert ids(search(small_index, '"教育发布"')) == {"000_34846fc542f213aa"}  # 江北 教育 发布


def has(records, term: str) -> set[str]:
    """Reports with `term` somewhere in their folded text."""
    return brute(records, lambda s: term in s)


def test_words_separated_by_spaces_are_anded_across_the_report(small_index, records):
    result = search(small_index, "复议 收费")
    assert ids(result) == has(records, "复议") & has(records, "收费")
    assert result["total"] == 13  # 复议 is in all 14, 收费 in all but putian-991070
    # more than a section-level AND would find: the words may sit in different sections
    assert ids(result) > brute(records, lambda s: "复议" in s and "收费" in s)
    # the passages shown come from the sections holding either word
    for hit in result["hits"][:5]:
        assert all("<mark>" in p["html"] for p in hit["passages"])


def test_words_typed_together_must_share_a_section(small_index, records):
    assert ids(search(small_index, "教育发布")) == brute(records, lambda s: "教育" in s and "发布" in s)


def test_or_not_and_parentheses(small_index, records):
    assert ids(search(small_index, "湘桥 OR 教育发布")) == brute(
        records, lambda s: "湘桥" in s or ("教育" in s and "发布" in s))
    assert ids(search(small_index, "复议 -申请")) == has(records, "复议") - has(records, "申请")
    assert ids(search(small_index, "复议 NOT 申请")) == ids(search(small_index, "复议 -申请"))
    assert ids(search(small_index, "-申请")) == set(records) - has(records, "申请")
    assert ids(search(small_index, "(湘桥 OR 江北) 教育局")) == (
        (has(records, "湘桥") | has(records, "江北")) & has(records, "教育局"))


def test_field_syntax_in_queries(small_index, records):
    by_year = Counter(r.year for r, _s in records.values())
    assert search(small_index, "year:2016")["total"] == by_year[2016] == 4
    assert search(small_index, "year:2016-2019")["total"] == sum(by_year[y] for y in range(2016, 2020))
    assert ids(search(small_index, "section:fees 收费")) == {
        rid for rid, (r, secs) in records.items()
        if any(s.slug == "fees" and "收费" in text for s, text in zip(r.sections, secs))}
    sanming = {rid for rid, (r, _s) in records.items() if r.agency == "三明市人民政府"}
    assert len(sanming) == 2
    assert ids(search(small_index, "agency:三明市人民政府")) == sanming
    assert ids(search(small_index, "agency:三明市")) >= sanming  # a part of a name: every agency holding it


def test_figure_filter(small_index, records):
    def received(r):
        fig = r.stats.get("requests_received")
        return fig.value if fig else None

    expected = {rid for rid, (r, _s) in records.items()
                if isinstance(received(r), int) and received(r) > 10}
    assert expected
    assert ids(search(small_index, "requests_received:>10")) == expected


def test_traditional_and_simplified_match_each_other(small_index):
    assert ids(search(small_index, '"政府資訊公開"')) == ids(search(small_index, '"政府资讯公开"'))
    assert ids(search(small_index, '"依申請公開"')) == ids(search(small_index, '"依申请公开"'))
    assert search(small_index, '"依申請公開"')["total"] == 13


def test_full_width_forms_match(small_index):
    assert ids(search(small_index, '"２０１９年"')) == ids(search(small_index, '"2019年"'))


def test_crawler_line_breaks_do_not_prevent_a_match(small_index):
    # The files say 三明\n市人民政府\n20\n23\n年 and 201\n9\n年，\n市民宗局.
    assert "sanming-2006885" in ids(search(small_index, '"三明市人民政府2023年"'))
    result = search(small_index, '"2019年，市民宗局"')
    assert ids(result) == {"putian-1440005"}
    assert "<mark>2019年，市民宗局</mark>" in result["hits"][0]["passages"][0]["html"]


def test_empty_query_lists_every_report_by_year(index):
    result = search(index, "", per_page=5)
    assert result["total"] == 258
    years = [hit["year"] for hit in result["hits"]]
    assert years == sorted(years, reverse=True)


# --- verbatim recall (property) ----------------------------------------------------------------

@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_run_of_han_characters_finds_its_report(small_index, records, data):
    # Draws do not depend on the text (it may change between runs; the example database must
    # replay): positions are drawn as large integers and reduced modulo what the text allows.
    rid = data.draw(st.sampled_from(sorted(records)))
    text = records[rid][0].text
    runs = [m.group() for m in re.finditer(r"[\u4e00-\u9fff]{2,}", text)]
    run = runs[data.draw(st.integers(0, 10**6)) % len(runs)]
    length = 2 + data.draw(st.integers(0, 14)) % (min(len(run), 16) - 1)
    start = data.draw(st.integers(0, 10**6)) % (len(run) - length + 1)
    piece = run[start:start + length]
    assert all(is_han(c) for c in piece)
    assert rid in ids(search(small_index, piece)), piece
    assert rid in ids(search(small_index, f'"{piece}"')), piece


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_quoted_queries_return_only_reports_containing_the_phrase(small_index, records, data):
    rid = data.draw(st.sampled_from(sorted(records)))
    folded = fold(records[rid][0].text)
    start = data.draw(st.integers(0, 10**6)) % max(1, len(folded) - 4)
    piece = folded[start:start + data.draw(st.integers(2, 6))]
    # “ and ” are quote marks in the query syntax too (a Chinese keyboard types them).
    if any(q in piece for q in '"\u201c\u201d') or not piece.strip() or \
            not any(ch.isalnum() for ch in piece):
        return
    found = ids(search(small_index, f'"{piece}"'))
    query = fold(piece).strip()
    assert rid in found
    assert all(query in fold(records[r][0].text) for r in found)


# --- ranking, pages --------------------------------------------------------------------------

def test_pages_follow_the_ranking(small_index):
    first = search(small_index, "申请", per_page=5, page=1)
    second = search(small_index, "申请", per_page=5, page=2)
    both = search(small_index, "申请", per_page=10)
    assert [h["report_id"] for h in first["hits"] + second["hits"]] == \
        [h["report_id"] for h in both["hits"]]
    scores = [h["score"] for h in both["hits"]]
    assert scores == sorted(scores, reverse=True)
    assert len({h["report_id"] for h in search(small_index, "申请")["hits"]}) == SMALL


def test_whole_word_matches_rank_above_substring_only_matches(small_index, records):
    # 信息公开 is a word in most reports; in some it occurs only inside 政府信息公开 (one word
    # whose search-mode sub-words are 政府/信息/公开): those match, but rank last with score 0.
    hits = search(small_index, "信息公开")["hits"]
    assert len(hits) == SMALL
    has_word = {rid for rid, (_r, secs) in records.items()
                if any(w == "信息公开" for text in secs for w, _p in word_tokens(text))}
    zero = [h["report_id"] for h in hits if h["score"] == 0]
    assert zero and set(zero) == set(records) - has_word
    assert [h["report_id"] for h in hits[-len(zero):]] == zero


def test_filters_keep_the_ranking_order(small_index):
    # A filtered ranking is the unfiltered one restricted to the reports the filter allows, on
    # every page (the engine ranks the filtered reports without scoring them apart).
    everything = [h["report_id"] for h in search(small_index, "申请")["hits"]]
    for filters in ({"year": ["2020"]}, {"city": ["莆田市"]}, {"year": ["2019"], "city": ["莆田市"]}):
        result = search(small_index, "申请", filters=filters)
        filtered = [h["report_id"] for h in result["hits"]]
        allowed = set(filtered)
        assert 0 < len(filtered) < len(everything)
        assert filtered == [rid for rid in everything if rid in allowed]
        first = search(small_index, "申请", filters=filters, per_page=3)["hits"]
        second = search(small_index, "申请", filters=filters, per_page=3, page=2)["hits"]
        assert [h["report_id"] for h in first + second] == filtered[:6]


def test_sort_by_year(small_index):
    hits = search(small_index, "申请", sort="year", per_page=50)["hits"]
    years = [h["year"] or 0 for h in hits]
    assert years == sorted(years, reverse=True)


# --- passages --------------------------------------------------------------------------------

def test_hit_shape_and_anchors(small_index):
    """Results carry section anchors and the terms to mark; the web UI builds the URLs."""
    result = search(small_index, '"湘桥"')
    assert result["terms"] == ["湘桥"]
    hit = result["hits"][0]
    assert hit["report_id"] == "001_b8557501b183c911"
    assert set(hit) == {"report_id", "source", "title", "agency", "year", "region", "score",
                        "passages", "versions"}
    assert hit["versions"] == []   # no other version of this report is indexed
    assert set(hit["region"]) == {"province", "city", "county"}
    assert 1 <= len(hit["passages"]) <= 3
    anchors = section_anchors(s.slug for s in small_index.get_report(hit["report_id"]).sections)
    for p in hit["passages"]:
        assert set(p) == {"section", "heading", "anchor", "html"}
        assert p["anchor"] in anchors and p["anchor"].startswith(p["section"])
        assert "<mark>湘桥</mark>" in p["html"]


def test_passages_are_short_sentences_with_every_term_marked(small_index):
    for hit in search(small_index, "复议 收费", per_page=20)["hits"]:
        for p in hit["passages"]:
            plain = re.sub(r"</?mark>", "", p["html"])
            assert len(plain) <= 125
            marked = set(re.findall(r"<mark>(.*?)</mark>", p["html"]))
            assert marked and marked <= {"复议", "收费"}
            assert "复议" not in re.sub(r"<mark>.*?</mark>", "", p["html"])


def test_passages_escape_text_before_adding_marks(small_index):
    # The report quotes 《…印发\n<政府信息公开信息处理费管理办法>的通知》.
    result = search(small_index, '"信息处理费管理办法"')
    hit = next(h for h in result["hits"] if h["report_id"] == "putian-1697626")
    html = next(p["html"] for p in hit["passages"] if "&lt;" in p["html"])
    assert "&lt;政府信息公开<mark>信息处理费管理办法</mark>&gt;" in html
    assert re.sub(r"</?mark>", "", html).count("<") == 0


def test_section_filter_narrows_passages(small_index):
    result = search(small_index, "申请", filters={"section": ["requests"]}, per_page=50)
    assert result["total"] > 0
    assert {p["section"] for h in result["hits"] for p in h["passages"]} == {"requests"}


def test_second_section_with_a_slug_gets_a_numbered_anchor():
    assert section_anchors(["preamble", "requests", "requests", "fees", "requests"]) == [
        "preamble", "requests", "requests-2", "fees", "requests-3"]


# --- facets and filters ------------------------------------------------------------------------

def test_facets_count_matching_reports(small_index, records):
    result = search(small_index, '"政府信息公开"')
    years = Counter(r.year for r, _s in records.values() if r.year is not None)
    assert {f["value"]: f["count"] for f in result["facets"]["year"]} == dict(years)
    sections = Counter(slug for rid, (r, secs) in records.items()
                       for slug in {s.slug for s, text in zip(r.sections, secs)
                                    if "政府信息公开" in text})
    assert {f["value"]: f["count"] for f in result["facets"]["section"]} == dict(sections)
    assert set(result["facets"]) == {"agency", "year", "section", "province", "city"}


def test_filters_or_within_a_facet_and_across_facets(small_index, records):
    y2016 = search(small_index, "申请", filters={"year": [2016]})
    y2017 = search(small_index, "申请", filters={"year": ["2017"]})
    both = search(small_index, "申请", filters={"year": ["2016", "2017"]})
    assert both["total"] == y2016["total"] + y2017["total"]
    narrowed = search(small_index, "申请", filters={"year": ["2016", "2017"], "city": ["莆田市"]})
    assert ids(narrowed) == {rid for rid in ids(both) if records[rid][0].region.city == "莆田市"}
    # A facet's counts ignore its own filter, so other years can still be added.
    assert len(both["facets"]["year"]) > 2


def test_overall_facets_and_reports(index):
    facets = index.facets()
    assert sum(f["count"] for f in facets["year"]) == 258 - sum(
        1 for r in index.reports() if r.year is None)
    assert len(index.reports()) == index.size() == 258
    first = index.reports()[0]   # records without their text, by source
    assert (first.source, first.text, first.agency) == (
        "education/000_34846fc542f213aa.txt", "", "江北区教育局")
    assert first.sections == index.get_report(first.report_id).sections


def test_get_report(small_index):
    report = small_index.get_report("001_b8557501b183c911")
    assert report.source == "education/001_b8557501b183c911.txt"
    with pytest.raises(NotFound, match="没有编号为「nope」的报告。"):
        small_index.get_report("nope")


# --- bad requests --------------------------------------------------------------------------------

@pytest.mark.parametrize("request_kw, message", [
    ({"per_page": 0}, "每页条数（per_page）必须是 1 到 1000 之间的整数"),
    ({"per_page": 1001}, "每页条数（per_page）必须是 1 到 1000 之间的整数"),
    ({"page": 0}, "页码（page）必须是"),
    ({"sort": "date"}, "排序（sort）只能是"),
    ({"filters": {"colour": ["red"]}}, "未知的筛选条件 'colour'"),
    ({"filters": {"agency": ["没有这个机关"]}}, "没有机关为「没有这个机关」的报告。"),
    ({"filters": {"section": ["nope"]}}, "未知章节 'nope'"),
    ({"filters": {"year": ["20x6"]}}, "年度应写作 2016"),
    ({"q": "agency:没有这个机关"}, "没有机关与「没有这个机关」相符的报告"),
    ({"q": "申" * 5000}, "查询过长"),
])
def test_bad_requests_are_gongkai_errors(small_index, request_kw, message):
    with pytest.raises(GongkaiError, match=message):
        small_index.search(SearchRequest(**request_kw))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=st.text(max_size=40))
def test_any_query_gives_a_result_or_a_gongkai_error(small_index, q):
    try:
        result = small_index.search(SearchRequest(q=q, per_page=3))
    except GongkaiError as exc:
        assert exc.message
    else:
        assert 0 <= result["total"] <= SMALL


def test_passages_together_show_every_term(small_index):
    """依申请公开 is too common to rank, yet each hit still shows a passage holding it."""
    result = search(small_index, "依申请公开 复议", per_page=10)
    assert result["total"] == 13
    for hit in result["hits"]:
        marked = {m for p in hit["passages"] for m in re.findall(r"<mark>(.*?)</mark>", p["html"])}
        assert {"依申请公开", "复议"} <= marked, hit["report_id"]


# --- the whole corpus: its totals ------------------------------------------------------------------

def test_corpus_wide_totals(index):
    """The totals of the queries above over the whole corpus (258 reports)."""
    assert search(index, '"政府信息公开"')["total"] == 258
    assert search(index, "依申请公开")["total"] == search(index, '"依申请公开"')["total"] == 255
    assert search(index, '"依申請公開"')["total"] == 255
    assert search(index, "依申请公开 复议")["total"] == 255
    assert search(index, "复议 收费")["total"] == 227
    assert search(index, "year:2016")["total"] == 17
    assert search(index, "agency:三明市人民政府")["total"] == 13
    assert search(index, "申请")["total"] == search(index, "信息公开")["total"] == 258
