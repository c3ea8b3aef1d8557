"""The report reader's layout: joins, real breaks, tables, and the exact map back to the record.

Layout rules get synthetic texts written here (the layouts crawlers produce, in a few lines);
the whole corpus then proves the map: every section's pieces, with the dropped whitespace put
back, are the record text, and every figure's evidence and every section start is on the page
at its own characters.
"""

from __future__ import annotations

import copy
import html
import re
from html.parser import HTMLParser

import pytest
from conftest import fetch_page

from indexer.model.record import TableCell
from indexer.search.display import WHITESPACE, sentence_ends
from indexer.search.layout import (
    RAGGED_NOTE,
    RUN_TOGETHER_NOTE,
    block_pieces,
    display_map,
    layout,
)
from webui.reader import report_sections


def _shown(text: str, blocks) -> list[str]:
    """What each block shows, as plain text (table rows as 'cell | cell')."""
    def read(pieces):  # a whitespace piece reads as a space in HTML
        return "".join(" " if text[x:y] in WHITESPACE else text[x:y] for x, y in pieces)

    return [[" | ".join(read(c.pieces) for c in row) for row in b.rows] if b.rows else read(b.pieces)
            for b in blocks]


def test_crawler_breaks_inside_a_sentence_and_a_date_are_joined():
    text = "本报告中所列数据的统计期限自\n2016\n年\n1\n月\n1\n日起至\n2016\n年\n12\n月\n31\n日止。\n一、概述\n全市因政府信息公开被申请行政复议\n3\n件。"
    blocks = layout(text, 0, len(text))
    assert [b.kind for b in blocks] == ["p", "h", "p"]
    assert _shown(text, blocks) == ["本报告中所列数据的统计期限自2016年1月1日起至2016年12月31日止。",
                                    "一、概述", "全市因政府信息公开被申请行政复议3件。"]


def test_real_breaks_are_kept():
    text = "第一段结束：\n下一段\n（一）小标题\n正文一句，\n接着写完。\n\n空行之后\nhttp://a.gov\n/x 与 www\nsite\n1.第一项"
    assert _shown(text, layout(text, 0, len(text))) == [
        "第一段结束：", "下一段", "（一）小标题", "正文一句，接着写完。", "空行之后http://a.gov/x 与 www site",
        "1.第一项"]


def test_a_crawled_table_with_whole_rows_is_a_grid():
    text = "指标名称\n数量\n单位\n主动公开信息数\n12\n3\n受理申请数\n0\n0\n行政复议数\n1\n0\n结语一句。"
    blocks = layout(text, 0, len(text))
    assert [b.kind for b in blocks] == ["table", "p"]
    assert blocks[0].note == ""
    assert _shown(text, blocks)[0] == ["指标名称 数量 单位", "主动公开信息数 | 12 | 3", "受理申请数 | 0 | 0",
                                       "行政复议数 | 1 | 0"]
    assert [len(row) for row in blocks[0].rows] == [1, 3, 3, 3]
    assert blocks[0].rows[0][0].colspan == 3


def test_a_crawled_table_that_lost_empty_cells_keeps_values_in_printed_order():
    text = "申请人情况\n自\n然\n人\n商业\n企业\n总计\n一、本年新收\n1\n0\n1\n二、上年结转\n0\n（三）不予\n公开\n1.属于国家秘密\n0"
    (block,) = layout(text, 0, len(text))
    assert block.note == RAGGED_NOTE
    assert _shown(text, [block])[0] == ["申请人情况 自然人 商业企业 总计", "一、本年新收 | 1 0 1", "二、上年结转 | 0",
                                        "（三）不予公开", "1.属于国家秘密 | 0"]


def test_an_indicator_table_under_a_signature_keeps_units_in_their_own_cells():
    text = ("特此报告。\n某某局\n2013年12月30日\n指标名称\n计量单位\n2013年度\n历年累计\n主动公开信息数\n条\n28\n184\n"
            "受理申请总数\n件\n0\n行政复议数\n件\n0\n0")
    blocks = layout(text, 0, len(text))
    assert [b.kind for b in blocks] == ["p", "p", "p", "table"]
    assert blocks[3].note == RAGGED_NOTE
    assert _shown(text, blocks)[3] == ["指标名称 计量单位 2013年度 历年累计", "主动公开信息数 | 条 | 28 184",
                                       "受理申请总数 | 件 | 0", "行政复议数 | 件 | 0 0"]


def test_a_standard_crawled_table_with_whole_rows_gets_its_column_heads():
    heads = "申请人情况\n自然人\n法人或其他组织\n总计\n商业\n企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n"
    text = heads + "一、本年新收\n5\n1\n0\n0\n0\n0\n6\n二、上年结转\n0\n0\n0\n0\n0\n0\n0"
    (block,) = layout(text, 0, len(text))
    assert block.note == ""
    assert [[("".join(text[a:b] for a, b in c.pieces), c.colspan, c.rowspan) for c in row]
            for row in block.rows[:3]] == [
        [("", 1, 3), ("申请人情况", 7, 1)],
        [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)],
        [("商业企业", 1, 1), ("科研机构", 1, 1), ("社会公益组织", 1, 1), ("法律服务机构", 1, 1), ("其他", 1, 1)]]
    assert _shown(text, [block])[0][3:] == ["一、本年新收 | 5 | 1 | 0 | 0 | 0 | 0 | 6",
                                            "二、上年结转 | 0 | 0 | 0 | 0 | 0 | 0 | 0"]


def test_a_table_run_together_on_one_line_is_shown_as_printed_with_a_note():
    text = ("三、申请情况。表格如下申请人情况自然人总计一、本年新收640020470二、上年结转0000000"
            "三、本年度办理结果（一）予以公开270020130（二）部分公开0000000（三）不予公开1000001（四）无法提供0000000")
    blocks = layout(text, 0, len(text))
    assert [(b.kind, b.note) for b in blocks] == [("h", ""), ("raw", RUN_TOGETHER_NOTE)]
    assert _shown(text, blocks) == ["三、申请情况。表格如下", text[len("三、申请情况。表格如下"):]]


def test_html_cells_give_the_grid_with_their_spans():
    text = "前言。\n项目\t数量\n商\n业\t2\n合计\t2\n后记。"
    cells = [[TableCell("项目", 4, 6), TableCell("数量", 7, 9, colspan=2)],
             [TableCell("商\n业", 10, 13, rowspan=2), TableCell("2", 14, 15)],
             [TableCell("合计", 16, 18), TableCell("2", 19, 20)]]
    blocks = layout(text, 0, len(text), [cells])
    assert [b.kind for b in blocks] == ["p", "table", "p"]
    grid = blocks[1].rows
    assert [[("".join(text[a:b] for a, b in c.pieces), c.header, c.colspan, c.rowspan) for c in row]
            for row in grid] == [[("项目", True, 1, 1), ("数量", True, 2, 1)],
                                 [("商业", True, 1, 2), ("2", False, 1, 1)],
                                 [("合计", True, 1, 1), ("2", False, 1, 1)]]


def test_table_rows_end_sentences_but_a_number_and_its_unit_do_not():
    text = "规章\n0\n规范性文件\n3\n6\n行政许可\n60\n于\n2016\n年完成"
    ends = sentence_ends(text)
    assert [text[:e].split("\n")[-1] for e in ends] == ["0", "6", "60"]


class _Fragments(HTMLParser):
    """Text inside each figure (by key, all its fragments), each section's reading text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str | None] = []
        self.figs: dict[str, str] = {}
        self.first_text: dict[str, str] = {}
        self.section: str | None = None
        self.note = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "data-slug" in a:
            self.section = a["id"]
        if tag == "p" and a.get("class") == "grid-note":
            self.note += 1
        if tag == "span" and a.get("class") == "fig":
            self.stack.append((a.get("id") or "fig-" + a["data-fig"])[4:])
        elif tag == "span":
            self.stack.append(None)

    def handle_endtag(self, tag):
        if tag == "span":
            self.stack.pop()
        if tag == "p" and self.note:
            self.note -= 1

    def handle_data(self, data):
        if self.note:
            return
        for key in {k for k in self.stack if k}:
            self.figs[key] = self.figs.get(key, "") + data
        if self.section and data.strip() and self.section not in self.first_text:
            self.first_text[self.section] = data


def _expected_fig(text, pieces, start, end):
    return "".join(text[max(a, start):min(b, end)] for a, b in pieces if a < end and b > start)


def test_the_whole_corpus_maps_back_exactly(index, app):
    """For every report: the pieces with the dropped whitespace put back are the record text; the
    page shows each figure's evidence and each section's first character; nothing is changed."""
    reports = [index.get_report(r.report_id) for r in index.reports()]
    assert len(reports) == 259 - 4 + 3  # 255 texts and 3 HTML pages; SOURCES.md is not a report
    for report in reports:
        before = copy.deepcopy(report.to_dict(with_tables=True))
        text = report.text
        all_pieces = []
        for s in report.sections:
            blocks = layout(text, s.start, s.end, report.tables)
            pieces = block_pieces(blocks)
            shown, offsets = display_map(text, blocks)
            assert offsets == sorted(set(offsets)), report.report_id
            assert all(s.start <= k < s.end for k in offsets)
            rebuilt = list(shown)
            gaps = [k for k in range(s.start, s.end) if k not in set(offsets)]
            assert all(text[k] in WHITESPACE for k in gaps), (report.report_id, s.slug)
            assert "".join(text[k] for k in sorted(offsets + gaps)) == text[s.start:s.end]
            assert len(rebuilt) == len(offsets)
            first = len(text[s.start:s.end]) - len(text[s.start:s.end].lstrip(WHITESPACE))
            assert not offsets or offsets[0] == s.start + first
            all_pieces.extend(pieces)
        with app.test_request_context():
            sections = report_sections(report, [])
        page = "".join(f'<section id="{x["anchor"]}" data-slug="{x["slug"]}">{x["html"]}</section>'
                       for x in sections)
        parsed = _Fragments()
        parsed.feed(page)
        for key, fig in report.stats.items():
            if 0 <= fig.start < fig.end <= len(text) and not _crossed(report, key):
                assert parsed.figs.get(key) == _expected_fig(text, all_pieces, fig.start, fig.end), \
                    (report.report_id, key)
        for x, s in zip(sections, report.sections):
            body = text[s.start:s.end].lstrip(WHITESPACE)
            if body:
                assert parsed.first_text[x["anchor"]][0] == body[0], (report.report_id, x["anchor"])
        assert report.to_dict(with_tables=True) == before


def _crossed(report, key) -> bool:
    """A figure span that partly overlaps another is clipped to nest (reader._nested)."""
    f = report.stats[key]
    return any(o.start < f.start < o.end < f.end or f.start < o.start < f.end < o.end
               for k, o in report.stats.items() if k != key)


def test_the_html_report_of_2021_shows_its_tables_as_grids(client):
    page = fetch_page(client, "/reports/putian-1698102")
    tables = re.findall(r'<table class="grid">(.*?)</table>', page, re.DOTALL)
    assert len(tables) == 4
    rows = [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r) for r in re.findall(r"<tr>(.*?)</tr>", tables[0])]
    assert [html.unescape(re.sub("<[^>]+>", "", c)) for c in rows[6]] == ["行政许可", "27"]
    assert [html.unescape(re.sub("<[^>]+>", "", c)) for c in rows[3]] == ["行政规范性文件", "0", "0", "10"]
    assert '<th scope="col" colspan="5">法人或其他组织</th>' in tables[1]
    assert '<th scope="col" rowspan="2">自然人</th>' in tables[1]
    assert '<th scope="row" colspan="3">一、本年新收政府信息公开申请数量</th>' in tables[1]


def test_raw_view_shows_the_text_as_extracted(client, index):
    report = index.get_report("putian-1695454")
    page = fetch_page(client, "/reports/putian-1695454?view=raw")
    assert '<table class="grid">' not in page
    body = "".join(re.findall(r'<div class="text">(.*?)</div>', page, re.DOTALL))
    assert html.unescape(re.sub(r"<[^>]+>", "", body)) == report.text
    read = fetch_page(client, "/reports/putian-1695454")
    assert "2021年1月1日至2021年12月31日止。" in html.unescape(re.sub(r"<[^>]+>", "", read))
    assert 'href="/reports/putian-1695454?view=raw"' in read


@pytest.mark.parametrize("q, count", [("政府信息公开", None), ("火箭发射", 0)])
def test_find_box_marks_every_occurrence_with_numbered_anchors(client, index, q, count):
    report = index.get_report("putian-1695454")
    expected = report.text.replace("\n", "").count(q) if count is None else count
    page = fetch_page(client, f"/reports/putian-1695454?q={q}")
    assert f'<span class="find-count" aria-live="polite">共{expected}处</span>' in page
    ids = re.findall(r'<mark id="m(\d+)">', page)
    assert [int(n) for n in ids] == list(range(1, expected + 1))
    if expected:
        assert '<a class="find-next" href="#m1" rel="nofollow">下一处</a>' in page
        assert f'<a class="find-prev" href="#m{expected}" rel="nofollow">上一处</a>' in page
