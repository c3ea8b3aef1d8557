"""The PDF layout rules on synthetic pages (lines with boxes, as pdfium gives them): furniture
dropped, wrapped lines joined, tables written with exact cell spans, page spans tiling the text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.extract.pdf_page import Line, PageContent, Table
from indexer.extract.pdf_text import drop_furniture, write_pages

WIDTH, HEIGHT, RIGHT = 595.0, 842.0, 520.0


def line(text: str, top: float, full: bool = True) -> Line:
    """A body line 15 points high; `full` lines reach the column's right edge."""
    return Line(text, 72.0, RIGHT if full else 72.0 + 15 * len(text), top, top + 15)


def page(number: int, *lines: Line, tables: list[Table] | None = None) -> PageContent:
    return PageContent(number, WIDTH, HEIGHT, list(lines), tables or [])


def text_of(pages: list[PageContent]) -> str:
    drop_furniture(pages)
    return write_pages(pages)[0]


def test_wrapped_lines_join_and_sentences_end_lines():
    text = text_of([page(1, line("一、总体情况", 100, full=False),
                         line("本年度我局认真贯彻落实政府信息公开条例各项规定不断", 120),
                         line("提高工作水平，全年主动公开政府信息十二条。", 140),
                         line("二、主动公开政府信息情况", 160, full=False))])
    assert text == ("一、总体情况\n本年度我局认真贯彻落实政府信息公开条例各项规定不断"
                    "提高工作水平，全年主动公开政府信息十二条。\n二、主动公开政府信息情况")


def test_a_line_that_ends_short_of_a_number_it_could_not_split_joins():
    short = Line("全区主动公开政府信息情况如下：全年全区主动公开政府信息", 72, RIGHT - 45, 100, 115)
    text = text_of([page(1, short, line("20690条。其中区直部门主动公开政府信息一千五百条。", 120))])
    assert text == short.text + "20690条。其中区直部门主动公开政府信息一千五百条。"


def test_a_paragraph_runs_over_a_page_break():
    text = text_of([page(1, line("全年共受理政府信息公开申请三十五件，其中依法予以公开", 700)),
                    page(2, line("二十件。", 80, full=False))])
    assert text == "全年共受理政府信息公开申请三十五件，其中依法予以公开二十件。"


def test_running_headers_and_page_numbers_go():
    pages = [page(n, Line("某区人民政府办公室", 250, 340, 30, 42),
                  line(f"第{n}段正文内容。", 300, full=False),
                  Line(f"- {n} -", 290, 310, 800, 810)) for n in (1, 2, 3)]
    pages.append(page(4, line("第4段正文内容。", 300, full=False), Line("第 4 页", 280, 320, 800, 810)))
    assert text_of(pages) == "\n".join(f"第{n}段正文内容。" for n in (1, 2, 3, 4))


def test_a_number_at_a_page_foot_that_is_not_the_page_number_stays():
    # a crawled table's value line ("0") at the foot of page 2 is a value, not a page number
    body = line("收到和处理政府信息公开申请情况如下表所示，单位为件。", 100)
    pages = [page(1, body, line("本年新收政府信息公开申请数量", 700, full=False),
                  Line("0", 72, 80, 800, 810)),
             page(2, line("上年结转政府信息公开申请数量", 700, full=False),
                  Line("0", 72, 80, 800, 810))]
    assert text_of(pages) == (body.text + "\n本年新收政府信息公开申请数量\n0\n"
                              "上年结转政府信息公开申请数量\n0")


def test_a_table_over_a_page_break_is_one_table_with_exact_spans():
    first = Table(72, 520, 600, 780, [["一、本年新收", "3", "5"], ["二、上年结转", "0", "1"]])
    rest = Table(73, 519, 80, 200, [["（七）总计", "3", "6"]])
    pages = [page(1, line("三、收到和处理政府信息公开申请情况", 560, full=False), tables=[first]),
             page(2, line("四、结转下年度继续办理情况说明。", 220, full=False), tables=[rest])]
    text, tables, spans = write_pages(pages)
    assert text.split("\n")[1:4] == ["一、本年新收\t3\t5", "二、上年结转\t0\t1", "（七）总计\t3\t6"]
    assert len(tables) == 1 and [c.text for c in tables[0][2]] == ["（七）总计", "3", "6"]
    assert all(text[c.start:c.end] == c.text for row in tables[0] for c in row)
    assert [s["page"] for s in spans] == [1, 2] and text[spans[1]["start"]:].startswith("（七）总计")


_CELL = st.text(alphabet="一二三四五六七八九十0123456789申请公开（）", min_size=0, max_size=6)
_ITEM = st.one_of(
    st.tuples(st.just("line"), st.text(alphabet="政府信息公开申请件。，0123", min_size=1, max_size=30),
              st.booleans()),
    st.tuples(st.just("table"), st.lists(st.lists(_CELL, min_size=1, max_size=4), min_size=1,
                                         max_size=4), st.booleans()))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_ITEM, max_size=6), min_size=1, max_size=4))
def test_every_cell_span_and_page_span_holds(layout):
    pages = []
    for number, items in enumerate(layout, 1):
        lines, tables = [], []
        for k, (kind, value, flag) in enumerate(items):
            top = 100.0 + 60 * k
            if kind == "line":
                lines.append(Line(value, 72, RIGHT if flag else 200, top, top + 15))
            else:
                tables.append(Table(72, 520, top, top + 50, value))
        pages.append(page(number, *lines, tables=tables))
    text, tables, spans = write_pages(pages)
    for table in tables:
        for row in table:
            for cell in row:
                assert text[cell.start:cell.end] == cell.text
    assert [s["page"] for s in spans] == list(range(1, len(layout) + 1))
    assert spans[-1]["end"] == len(text)
    assert all(a["end"] <= b["start"] and a["start"] <= a["end"] for a, b in zip(spans, spans[1:]))
