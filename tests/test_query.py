"""The query language: parsing into a plain tree, and bad input read sensibly or refused clearly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.errors import GongkaiError
from indexer.search.query import (MAX_QUERY_CHARS, And, Field, Not, Or, Text, parse, positive_texts,
                           year_values)

FIGURES = frozenset({"requests_received", "requests_granted"})


def test_unquoted_words_are_anded():
    assert parse("申请 公开") == And([Text("申请"), Text("公开")])


def test_or_binds_looser_than_and():
    assert parse("申请 公开 OR 复议") == Or([And([Text("申请"), Text("公开")]), Text("复议")])


def test_minus_and_not_negate():
    assert parse("复议 -申请") == And([Text("复议"), Not(Text("申请"))])
    assert parse("复议 NOT 申请") == And([Text("复议"), Not(Text("申请"))])


def test_a_hyphen_inside_a_word_is_not_a_negation():
    assert parse("2016-2019") == Text("2016-2019")


def test_quoted_phrase_is_folded_and_marked_quoted():
    assert parse('"政府資訊公開"') == Text("政府资讯公开", quoted=True)
    assert parse("“依申请公开”") == Text("依申请公开", quoted=True)  # full-width quotes


def test_parentheses_group():
    assert parse("(申请 OR 复议) 公开") == And([Or([Text("申请"), Text("复议")]), Text("公开")])
    assert parse("（申请 OR 复议）公开") == And([Or([Text("申请"), Text("复议")]), Text("公开")])


def test_field_syntax():
    assert parse("year:2016") == Field("year", "2016", values=["2016"])
    assert parse("year:2016-2018") == Field("year", "2016-2018", values=["2016", "2017", "2018"])
    assert parse("year：2016") == Field("year", "2016", values=["2016"])  # full-width colon
    assert parse("section:requests") == Field("section", "requests", values=["requests"])
    assert parse('agency:"三明市 人民政府"') == Field("agency", "三明市 人民政府")
    assert parse("city:莆田市 申请") == And([Field("city", "莆田市"), Text("申请")])


@pytest.mark.parametrize("text, low, high", [
    (">0", 1, None), (">=5", 5, None), ("<3", None, 2), ("<=3", None, 3), ("7", 7, 7),
    ("2-9", 2, 9), ("9-2", 2, 9)])
def test_figure_comparisons(text, low, high):
    node = parse(f"requests_received:{text}", FIGURES)
    assert (node.name, node.low, node.high) == ("requests_received", low, high)


def test_a_colon_after_chinese_text_is_not_a_field():
    assert parse("时间:2019") == Text("时间:2019")


def test_unbalanced_quote_closes_at_the_end():
    # (whitespace next to Han characters folds away, as crawler line breaks do)
    assert parse('"依申请公开 复议') == Text("依申请公开复议", quoted=True)


def test_unbalanced_parentheses_are_read_sensibly():
    assert parse("(申请 OR 复议") == Or([Text("申请"), Text("复议")])
    assert parse("申请) 复议") == And([Text("申请"), Text("复议")])


def test_lone_star_and_punctuation_mean_no_terms():
    assert parse("*") is None
    assert parse("-") is None
    assert parse("  ，。 ") is None
    assert parse("申请*") == Text("申请")  # no wildcard expansion, ever


def test_control_characters_are_spaces():
    assert parse("申请\x00\x07公开\x1b") == And([Text("申请"), Text("公开")])


def test_too_long_is_an_error():
    with pytest.raises(GongkaiError, match=f"查询过长（5000 个字符，上限 {MAX_QUERY_CHARS}）"):
        parse("申" * 5000)


def test_unknown_field_is_an_error_naming_the_fields():
    with pytest.raises(GongkaiError, match="未知字段 'foo:'（可用字段：agency, year, section"):
        parse("foo:bar", FIGURES)


@pytest.mark.parametrize("query, message", [
    ("year:abc", "年度应写作 2016 或 2016-2019，而不是 'abc'"),
    ("year:1900-2100", "过宽"),
    ("section:nope", "未知章节 'nope'"),
    ("agency:", "'agency:' 后面需要一个值"),
    ("requests_received:many", "需要一个数字或比较式"),
])
def test_bad_field_values_are_errors(query, message):
    with pytest.raises(GongkaiError, match=message):
        parse(query, FIGURES)


def test_positive_texts_skip_negations():
    tree = parse('申请 -收费 "行政复议" year:2016')
    assert [t.text for t in positive_texts(tree)] == ["申请", "行政复议"]


def test_year_values():
    assert year_values("2019") == ["2019"]
    assert year_values("2019-2017") == ["2017", "2018", "2019"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list('申请公开 "()-:*year：（）“”\x00\t') + [" OR ", " NOT ", "-"]),
                max_size=40).map("".join))
def test_any_input_parses_or_raises_gongkai_error(q):
    try:
        parse(q, FIGURES)
    except GongkaiError as exc:
        assert exc.message
