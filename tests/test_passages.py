"""Passages: sentences cut at Chinese punctuation and real breaks, never at a crawler's line break.

Synthetic texts reproduce the layouts (a sentence broken over lines inside its year and its
number, a heading line, a crawled table); hypothesis checks the rules for any text with random
line breaks: a passage never cuts inside a number or a run of Han characters, and every
occurrence of a query term inside a passage is marked.
"""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.search.display import WHITESPACE
from indexer.search.highlight import match_spans, passages
from indexer.text.normalize import fold, fold_char, is_han


def _plain(passage_html: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", passage_html))


def test_a_sentence_broken_by_the_crawler_keeps_its_year_and_number():
    text = "一、概述\n本机关认真落实条例。\n2016\n年，全市因政府信息公开被申请\n行政复议\n3\n件，行政诉讼\n1\n件。\n二、其他\n无。"
    (p,) = passages(text, [fold("行政复议")])
    assert _plain(p.html) == "2016年，全市因政府信息公开被申请行政复议3件，行政诉讼1件。"
    assert "<mark>行政复议</mark>" in p.html


def test_a_heading_passage_is_shown_only_when_nothing_better_matched():
    text = "一、行政复议情况\n本年度未发生行政复议案件。\n二、其他\n无。"
    found = passages(text, [fold("行政复议")])
    assert [_plain(p.html) for p in found] == ["本年度未发生行政复议案件。"]
    only = passages("一、行政复议情况\n本年度无此类案件。", [fold("行政复议")])
    assert [_plain(p.html) for p in only] == ["一、行政复议情况"]


def test_a_passage_from_a_table_shows_its_row_label_and_values():
    text = ("三、申请情况\n申请人情况\n自然人\n总计\n一、本年新收政府信息公开申请数量\n12\n0\n12\n"
            "二、上年结转政府信息公开申请数量\n0\n（一）予以公开\n7\n0\n7\n四、复议\n全年无复议。")
    found = passages(text, [fold("予以公开")])
    assert [_plain(p.html) for p in found] == ["（一）予以公开 7 0 7"]
    found = passages(text, [fold("本年新收")])
    assert [_plain(p.html) for p in found] == ["一、本年新收政府信息公开申请数量 12 0 12"]


# --- properties over arbitrary texts with random line breaks ------------------------------------

_HAN = "政府信息公开申请办理结果本年度全市被行政复议件份条主动网站答复受理"
_runs = st.one_of(st.text(alphabet=_HAN, min_size=1, max_size=12),
                  st.text(alphabet="0123456789", min_size=1, max_size=5))


@st.composite
def _texts(draw):
    sentences = []
    for _ in range(draw(st.integers(1, 8))):
        clauses = ["".join(draw(st.lists(_runs, min_size=1, max_size=5)))
                   for _ in range(draw(st.integers(1, 4)))]
        sentences.append("，".join(clauses) + draw(st.sampled_from("。！？；")))
    clean = "".join(sentences)
    cuts = sorted(draw(st.sets(st.integers(0, len(clean)), max_size=len(clean) // 2)))
    broken, last = [], 0
    for cut in cuts:
        broken.append(clean[last:cut])
        broken.append(draw(st.sampled_from(["\n", " \n", "\n\t", "\r\n"])))
        last = cut
    broken.append(clean[last:])
    text = "".join(broken)
    start = draw(st.integers(0, max(0, len(clean) - 2)))
    term = clean[start:start + draw(st.integers(1, 4))]
    return text, term


def _near(text: str, pos: int, step: int) -> str:
    while 0 <= pos < len(text) and text[pos] in WHITESPACE:
        pos += step
    return text[pos] if 0 <= pos < len(text) else ""


def _cuts_inside(text: str, pos: int) -> bool:
    """A cut between two digits or two Han characters, whitespace between them ignored; two
    numbers on lines of their own (table values) are two numbers."""
    left, right = _near(text, pos - 1, -1), _near(text, pos, 1)
    head = text[:pos].rstrip(WHITESPACE)
    after = pos
    while after < len(text) and text[after] in WHITESPACE:
        after += 1
    if head.rsplit("\n", 1)[-1].strip(WHITESPACE).isdigit() and "\n" in text[len(head):after]:
        return False
    return bool(left and right) and ((left.isdigit() and right.isdigit())
                                     or (is_han(left) and is_han(right)))


@settings(max_examples=150, deadline=None)
@given(_texts(), st.integers(20, 120))
def test_a_passage_never_cuts_inside_a_number_or_a_run_of_han(case, width):
    text, term = case
    for p in passages(text, [fold(term)], limit=5, width=width):
        assert not _cuts_inside(text, p.start), (text, p.start)
        assert not _cuts_inside(text, p.end), (text, p.end)


def _marked_chars(passage_html: str) -> list[tuple[str, bool]]:
    out, inside = [], False
    for token in re.split(r"(</?mark>)", passage_html):
        if token in ("<mark>", "</mark>"):
            inside = token == "<mark>"
            continue
        out.extend((fold_char(ch), inside) for ch in html.unescape(token) if ch not in WHITESPACE)
    return out


@settings(max_examples=150, deadline=None)
@given(_texts())
def test_marks_always_cover_the_query_terms(case):
    text, term = case
    folded = fold(term)
    found = passages(text, [folded], limit=5)
    assert found, (text, term)   # the term was taken from the text
    for p in found:
        chars = _marked_chars(p.html.removeprefix("…").removesuffix("…"))
        plain = "".join(ch for ch, _m in chars)
        inside = [(a, b) for a, b, _k in match_spans(text, [folded]) if p.start <= a and b <= p.end]
        hits = [m.start() for m in re.finditer(f"(?={re.escape(folded)})", plain)]
        assert len(hits) == len(inside)
        for at in hits:
            assert all(marked for _ch, marked in chars[at:at + len(folded)])
