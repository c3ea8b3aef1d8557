"""Report layouts from every province and kind of unit: synthetic fixtures, exact values.

Each fixture is a minimal text written for the rule it tests (not a copy of a real page); the
last tests check the real corpus reports the rules were made for.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.extract.figures import extract_stats
from indexer.extract.report import extract_report
from indexer.extract.sections import split_sections
from indexer.model.record import Region, Report

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def report_of(text: str) -> Report:
    """A record of `text` alone: its sections and its figures (no file, no header)."""
    report = Report(report_id="r", source="r.txt", title=None, agency=None, year=None,
                    published=None, url=None, region=Region(), text=text,
                    sections=split_sections(text))
    report.stats, report.flags = extract_stats(report)
    return report


def evidence(report: Report, key: str) -> str:
    fig = report.stats[key]
    return report.text[fig.start:fig.end]


# --- 4. figures from prose, as city-government pages print them -------------------------------

CITY_PROSE = (
    "一、概述\n本市推进政府信息公开工作。\n"
    "二、主动公开政府信息情况\n2017\n年，全市各级政府及工作部门主动公开政府信息\n1200\n条。\n"
    "三、政府信息依申请公开办理情况\n全市各级政府及工作部门共受理政府信息公开申请\n553\n件，"
    "比去年增加\n44%\n。在\n553\n件申请中，已答复\n553\n件。\n"
    "四、政府信息公开的收费及减免情况\n各部门对依申请公开均不收取任何费用。\n"
    "五、因政府信息公开申请行政复议、提起行政诉讼的情况\n全市因政府信息公开被申请行政复议\n3\n件，"
    "提起行政诉讼\n10\n件。\n"
)


def test_numbers_on_lines_of_their_own():
    r = report_of(CITY_PROSE)
    values = {k: f.value for k, f in r.stats.items()}
    assert values == {"proactive_published": 1200, "requests_received": 553, "requests_total": 553,
                      "fees_collected": 0, "reconsiderations": 3, "lawsuits": 10}
    assert evidence(r, "requests_received") == "553\n件"
    assert evidence(r, "requests_total") == "553\n件"
    assert evidence(r, "lawsuits") == "10\n件"
    assert r.stats["requests_received"].section == "requests"
    assert r.stats["requests_received"].source == "prose"
    assert r.stats["fees_collected"].stated_in_words is True
    assert evidence(r, "fees_collected") == "均不收取"
    assert r.flags == []


@pytest.mark.parametrize("sentence, key, value", [
    ("我单位共收到公民提出的政府信息公开申请12件。", "requests_received", 12),
    ("全年共受理7件，均按时答复。", "requests_received", 7),
    ("本年度共接到8件。", "requests_received", 8),
    ("全部申请均已办结9件。", "requests_total", 9),
])
def test_request_phrasings(sentence, key, value):
    r = report_of("三、依申请公开政府信息情况\n" + sentence + "\n")
    assert r.stats[key].value == value
    assert r.stats[key].approx is False


@pytest.mark.parametrize("sentence, key, value, words", [
    ("本机关被申请行政复议2件，提起行政诉讼1件。", "reconsiderations", 2, False),
    ("本机关被申请行政复议2件，提起行政诉讼1件。", "lawsuits", 1, False),
    ("未发生因政府信息公开提起行政复议的情况。", "reconsiderations", 0, True),
])
def test_appeal_phrasings(sentence, key, value, words):
    r = report_of("四、因政府信息公开申请行政复议、提起行政诉讼的情况\n" + sentence + "\n")
    assert r.stats[key].value == value
    assert r.stats[key].stated_in_words is words


def test_fees_collected_in_yuan():
    r = report_of("四、政府信息公开的收费及减免情况\n全年收取费用\n120\n元。\n")
    assert r.stats["fees_collected"].value == 120
    assert evidence(r, "fees_collected") == "120\n元"


def test_a_category_of_proactive_items_is_not_the_total():
    r = report_of("二、主动公开政府信息情况\n工作动态类\n8\n条；其他应主动公开信息\n2\n条。\n")
    assert "proactive_published" not in r.stats


# --- the real reports the rules were made for -----------------------------------------------

@pytest.mark.parametrize("name, figures", [
    ("putian-1448447.txt", {"proactive_published": 18554, "requests_received": 383,
                            "requests_total": 383, "fees_collected": 0, "reconsiderations": 3,
                            "lawsuits": 4}),
    ("putian-1448448.txt", {"proactive_published": 18557, "requests_received": 553,
                            "requests_total": 553, "reconsiderations": 3, "lawsuits": 10}),
    ("putian-1448449.txt", {"proactive_published": 17407, "requests_received": 777,
                            "requests_total": 777, "reconsiderations": 4, "lawsuits": 11}),
])
def test_putian_city_government_reports(name, figures):
    r = extract_report(CORPUS / "putian" / name, CORPUS)
    assert r.agency == "莆田市人民政府"
    assert {k: f.value for k, f in r.stats.items()} == figures
    assert r.text[r.stats["requests_received"].start:r.stats["requests_received"].end] \
        .replace("\n", "") == f"{figures['requests_received']}件"


# --- 1. title, agency and year from the body alone -----------------------------------------

def meta_of(text: str, header: dict[str, str] | None = None):
    from indexer.extract.clean import body_bounds
    from indexer.extract.metadata import extract_metadata

    start, end = body_bounds(text)
    return extract_metadata(text[start:end], header or {})


OPENING = "根据《中华人民共和国政府信息公开条例》要求，"
BODY = "\n一、总体情况\n本单位做好政府信息公开工作。\n"


@pytest.mark.parametrize("text, agency, year, title", [
    (OPENING + "由甲县乙镇人民政府编制的2020年政府信息公开年度报告如下。" + BODY,
     "甲县乙镇人民政府", 2020, "2020年政府信息公开年度报告"),
    (OPENING + "现公布2021年甲市统计局政府信息公开工作年度报告。" + BODY,
     "甲市统计局", 2021, "2021年甲市统计局政府信息公开工作年度报告"),
    (OPENING + "现公布甲县丙镇人民政府2020年政府信息公开工作年度报告。" + BODY,
     "甲县丙镇人民政府", 2020, "甲县丙镇人民政府2020年政府信息公开工作年度报告"),
    ("本报告由甲县丁乡人民政府党政办公室编制。统计期限为2019年1月1日至2019年12月31日。" + BODY,
     "甲县丁乡人民政府", 2019, None),
    (OPENING + "甲县戊镇政府编制2020年政府信息公开年度报告。" + BODY,
     "甲县戊镇政府", 2020, "2020年政府信息公开年度报告"),
])
def test_agency_and_year_from_a_sentence(text, agency, year, title):
    meta = meta_of(text)
    assert (meta.agency, meta.year, meta.title) == (agency, year, title)


def test_closing_signature_with_a_date_line():
    for date in ("2020年1月15日", "二〇二〇年一月十五日"):
        text = "本年度政府信息公开工作报告如下。" + BODY + "\n甲市乙区水利局\n" + date + "\n"
        assert meta_of(text).agency == "甲市乙区水利局"


def test_a_date_with_lost_digits_is_not_a_date_line():
    from indexer.extract.metadata_body import DATE_LINE

    assert DATE_LINE.match("2020年1月15日") and DATE_LINE.match("二〇二〇年一月十五日")
    assert not DATE_LINE.match("201911日") and not DATE_LINE.match("2019年13月1日")


def test_title_over_two_lines():
    meta = meta_of("甲省乙市丙县丁镇人民政府\n2020年政府信息公开工作年度报告\n" + OPENING + BODY)
    assert (meta.title, meta.agency, meta.year) == (
        "甲省乙市丙县丁镇人民政府2020年政府信息公开工作年度报告", "甲省乙市丙县丁镇人民政府", 2020)


def test_report_wrapped_in_a_notice():
    text = ("甲县人民政府办公室关于印发甲县乙镇人民政府2019年政府信息公开工作年度报告的通知\n"
            "各乡镇人民政府，县直各单位：\n现将报告印发给你们，请遵照执行。\n甲县人民政府办公室\n"
            "2020年3月1日\n甲县乙镇人民政府2019年政府信息公开工作年度报告\n" + OPENING + BODY)
    meta = meta_of(text)
    assert (meta.title, meta.agency, meta.year) == (
        "甲县乙镇人民政府2019年政府信息公开工作年度报告", "甲县乙镇人民政府", 2019)


def test_document_number_and_signer_lines_are_not_the_title():
    text = ("甲统〔2021〕3号\n签发人：张三\n甲市统计局2020年政府信息公开工作年度报告\n" + OPENING + BODY)
    meta = meta_of(text)
    assert (meta.title, meta.agency, meta.year) == (
        "甲市统计局2020年政府信息公开工作年度报告", "甲市统计局", 2020)


def test_page_chrome_above_the_title():
    text = ("用微信扫描二维码分享\n字号 大 中 小\n打印本页\n关闭窗口\n"
            "甲市乙区教育局2020年政府信息公开工作年度报告\n" + OPENING + BODY)
    meta = meta_of(text)
    assert (meta.title, meta.agency) == ("甲市乙区教育局2020年政府信息公开工作年度报告", "甲市乙区教育局")


def test_publisher_naming_a_web_site_is_not_the_agency():
    text = OPENING + "由甲市乙区卫生健康局编制本报告。" + BODY
    for site in ("甲市人民政府网站", "甲市政府门户网站"):
        meta = meta_of(text, {"title": "政府信息公开工作年度报告", "publisher": site})
        assert meta.agency == "甲市乙区卫生健康局"


# --- 2. traditional characters -----------------------------------------------------------------

TRADITIONAL = (
    "廣州市統計局2020年政府資訊公開工作年度報告\n"
    "本報告依據《政府資訊公開條例》編製。\n"
    "一、總體情況\n本機關持續推進資訊公開工作。\n"
    "二、主動公開政府資訊情況\n全年主動公開政府資訊\n35\n條。\n"
    "三、收到和處理政府資訊公開申請情況\n全年共受理政府資訊公開申請\n12\n件。\n"
    "四、政府資訊公開行政復議、行政訴訟情況\n本機關被申請行政復議\n1\n件。\n"
)


def test_traditional_report_is_read_as_a_report(tmp_path):
    path = tmp_path / "trad.txt"
    path.write_text(TRADITIONAL, encoding="utf-8")
    r = extract_report(path, tmp_path)
    assert r.text == TRADITIONAL.rstrip()                      # the record keeps the characters
    assert r.title == "廣州市統計局2020年政府資訊公開工作年度報告"  # as printed
    assert r.agency == "广州市统计局"                          # the facet value, folded
    assert r.year == 2020
    assert (r.region.province, r.region.city, r.region.adcode) == ("广东省", "广州市", "440100")
    assert [s.slug for s in r.sections] == ["preamble", "overview", "proactive", "requests", "appeals"]
    assert r.sections[3].heading == "三、收到和處理政府資訊公開申請情況"
    values = {k: f.value for k, f in r.stats.items()}
    assert values == {"proactive_published": 35, "requests_received": 12, "reconsiderations": 1}
    fig = r.stats["requests_received"]
    assert r.text[fig.start:fig.end] == "12\n件"                # offsets into the original


def test_traditional_text_without_the_simplified_cue_is_not_refused(tmp_path):
    from indexer.extract.reading import read_document

    path = tmp_path / "t.txt"
    path.write_text("二〇二一年度資訊公開報告\n本年度無申請。\n", encoding="utf-8")
    assert read_document(path).text.startswith("二〇二一年度資訊公開報告")


def test_simplified_text_is_never_folded():
    from indexer.extract.folded import fold_han, is_traditional

    text = "乾安县教育局2020年政府信息公开工作年度报告"
    assert not is_traditional(text) and fold_han(text) == text
    assert fold_han("乾", like=TRADITIONAL) == "干"            # folded only with a traditional text


# --- 3. every kind of reporting unit ----------------------------------------------------------

UNIT_BODY = "\n根据《中华人民共和国政府信息公开条例》要求编制本报告。\n一、总体情况\n做好工作。\n"


def unit_of(text: str) -> tuple:
    from indexer.extract.regions import resolve_region

    meta = meta_of(text)
    region = resolve_region(meta.agency, text, {})
    return meta.agency, meta.year, region.province, region.city, region.county, region.adcode


@pytest.mark.parametrize("text, expected", [
    ("荔城区黄石镇人民政府2020年政府信息公开工作年度报告" + UNIT_BODY,
     ("荔城区黄石镇人民政府", 2020, "福建省", "莆田市", "荔城区", "350304")),
    # the township's own name looks like a city (黄石市): the county named with it decides
    ("黄石镇人民政府2020年政府信息公开工作年度报告" + UNIT_BODY + "联系地址：荔城区黄石镇府前路1号。\n",
     ("黄石镇人民政府", 2020, "福建省", "莆田市", "荔城区", "350304")),
    ("两城镇2020年政府信息公开工作年度报告" + UNIT_BODY + "地址：微山县两城镇府前路1号。\n",
     ("两城镇人民政府", 2020, "山东省", "济宁市", "微山县", "370826")),
    ("城厢区龙桥街道2020年政府信息公开工作年度报告" + UNIT_BODY,
     ("城厢区龙桥街道办事处", 2020, "福建省", "莆田市", "城厢区", "350302")),
    ("苏州高新技术产业开发区管委会2020年政府信息公开工作年度报告" + UNIT_BODY,
     ("苏州高新技术产业开发区管委会", 2020, "江苏省", "苏州市", None, "320500")),
    ("泉州经济技术开发区管理委员会2021年政府信息公开工作年度报告" + UNIT_BODY,
     ("泉州经济技术开发区管理委员会", 2021, "福建省", "泉州市", None, "350500")),
    ("宁德市人民政府办公室2020年政府信息公开工作年度报告" + UNIT_BODY,
     ("宁德市人民政府办公室", 2020, "福建省", "宁德市", None, "350900")),
    ("福建省教育厅2020年政府信息公开工作年度报告" + UNIT_BODY,
     ("福建省教育厅", 2020, "福建省", None, None, "350000")),
    ("国家统计局福建调查总队2020年政府信息公开工作年度报告" + UNIT_BODY,
     ("国家统计局福建调查总队", 2020, "福建省", None, None, "350000")),
    ("国家税务总局浙江省税务局2020年政府信息公开工作年度报告" + UNIT_BODY,
     ("国家税务总局浙江省税务局", 2020, "浙江省", None, None, "330000")),
    ("福州海关2020年政府信息公开工作年度报告" + UNIT_BODY,
     ("福州海关", 2020, "福建省", "福州市", None, "350100")),
    ("厦门大学2019—2020学年信息公开年度报告" + UNIT_BODY,
     ("厦门大学", 2019, "福建省", "厦门市", None, "350200")),
    ("温州市中心医院2020年信息公开工作年度报告" + UNIT_BODY,
     ("温州市中心医院", 2020, "浙江省", "温州市", None, "330300")),
    ("国网福建省电力有限公司2020年信息公开工作年度报告" + UNIT_BODY,
     ("国网福建省电力有限公司", 2020, "福建省", None, None, "350000")),
])
def test_every_kind_of_unit_gets_agency_year_and_region(text, expected):
    assert unit_of(text) == expected


def test_township_name_is_never_read_as_a_place():
    from indexer.extract.regions.townships import township_of

    assert township_of("莆田市荔城区黄石镇人民政府") == ("莆田市荔城区", "黄石镇")
    assert township_of("龙桥街道办事处") == ("", "龙桥街道")
    assert township_of("莆田市住房和城乡建设局") is None
    assert township_of("镇江市人民政府") is None


UNIVERSITY = (
    "甲大学2020-2021学年信息公开工作年度报告\n根据《高等学校信息公开办法》编制本报告。\n"
    "一、概述\n学校重视信息公开。\n二、主动公开情况\n按清单公开信息。\n"
    "三、信息公开的方式和途径\n通过学校网站公开。\n"
    "四、依申请公开和不予公开情况\n全年收到信息公开申请3件。\n"
    "五、对信息公开的评议情况\n师生评议良好。\n"
    "六、因学校信息公开工作受到举报、复议、诉讼的情况\n本学年未发生行政复议。\n"
    "七、信息公开工作存在的主要问题及改进情况\n公开内容有待丰富。\n"
    "八、其他需要报告的事项\n无。\n"
)


def test_university_report_sections_map_to_canonical_slugs():
    r = report_of(UNIVERSITY)
    assert [s.slug for s in r.sections] == ["preamble", "overview", "proactive", "proactive", "requests",
                                            "other", "appeals", "problems", "other"]
    assert r.stats["requests_received"].value == 3
    assert r.stats["reconsiderations"].value == 0


@pytest.mark.parametrize("sentence, agency, year", [
    ("按照《高等学校信息公开办法》要求，现编制2023—2024学年甲大学信息公开工作报告。", "甲大学", 2023),
    ("本报告由甲县人民政府办公室根据《条例》和上级要求编制。统计期限为2020年1月1日至12月31日。",
     "甲县人民政府办公室", 2020),
])
def test_more_sentences_naming_the_report(sentence, agency, year):
    meta = meta_of(sentence + BODY)
    assert (meta.agency, meta.year) == (agency, year)


def test_page_tools_above_the_report_are_trimmed():
    from indexer.extract.clean import body_bounds

    text = ("用微信扫描二维码分享\n字号 大 中 小\n打印本页\n关闭窗口\n"
            "甲市乙区教育局2020年政府信息公开工作年度报告\n" + OPENING + BODY)
    start, _end = body_bounds(text)
    assert text[start:].startswith("甲市乙区教育局2020年")
    plain = "甲市乙区教育局2020年政府信息公开工作年度报告\n打印本页\n" + OPENING
    assert body_bounds(plain)[0] == 0          # only the top is trimmed


def test_page_index_above_the_report():
    text = ("首页 > 政府信息公开 > 年报\n索引号：001234/2021-00012  发布机构：甲市乙区统计局\n"
            "生成日期：2021-01-20  主题分类：统计\n2020年政府信息公开工作年度报告\n" + OPENING + BODY)
    meta = meta_of(text)
    assert (meta.title, meta.agency, meta.year) == ("2020年政府信息公开工作年度报告", "甲市乙区统计局", 2020)


def test_signature_with_the_date_on_its_line():
    text = "本年度政府信息公开工作报告如下。" + BODY + "\n甲市乙区司法局  2021年1月20日\n"
    assert meta_of(text).agency == "甲市乙区司法局"


@pytest.mark.parametrize("page_title", [
    "甲县2020年政府信息公开工作年度报告 - 甲县人民政府",
    "甲县2020年政府信息公开工作年度报告|甲县政府门户网站",
    "甲县2020年政府信息公开工作年度报告_甲县人民政府",
])
def test_site_name_after_the_page_title_is_dropped(page_title):
    meta = meta_of("我县做好政府信息公开工作。" + BODY, {"title": page_title})
    assert (meta.title, meta.agency, meta.year) == ("甲县2020年政府信息公开工作年度报告", "甲县人民政府", 2020)


# --- properties ----------------------------------------------------------------------------------

@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from(list("資訊公開報告條例年度政府信息乾安县 \n\t0123４５，。")), max_size=80))
def test_folding_keeps_every_offset(text):
    from indexer.extract.folded import fold_han

    for like in (None, TRADITIONAL):
        folded = fold_han(text, like=like)
        assert len(folded) == len(text)
        assert all(a == b for a, b in zip(folded, text) if not "\u4e00" <= a <= "\u9fff")


_SPACES = st.text(alphabet=" \n\u3000", max_size=3)


@settings(max_examples=150)
@given(st.integers(0, 99999), _SPACES, _SPACES)
def test_a_count_on_a_line_of_its_own_is_read_with_its_span(value, before, after):
    text = f"三、依申请公开政府信息情况\n全年共受理政府信息公开申请{before}{value}{after}件。\n"
    r = report_of(text)
    fig = r.stats["requests_received"]
    assert fig.value == value
    assert "".join(evidence(r, "requests_received").split()) == f"{value}件"


@settings(max_examples=100)
@given(st.sampled_from(["用微信扫描二维码分享\n", "打印本页\n", "签发人：张三\n", "甲统〔2021〕3号\n", ""]),
       st.sampled_from(["甲市统计局", "甲县乙镇人民政府", "甲大学"]), st.integers(2008, 2024))
def test_agency_is_an_agency_whatever_is_above_the_title(above, agency, year):
    meta = meta_of(above + f"{agency}{year}年政府信息公开工作年度报告\n" + OPENING + BODY)
    assert (meta.agency, meta.year) == (agency, year)


@pytest.mark.parametrize("text, title, agency, year", [
    ("您的位置：首页 > 政府信息公开 > 年报\n甲海关总署（本级机关）2020年政府信息公开工作年度报告\n" + OPENING + BODY,
     "甲海关总署（本级机关）2020年政府信息公开工作年度报告", "甲海关总署", 2020),
    ("点击次数：1382  更新时间：2021-04-07\n" + OPENING + "梳理编制甲门海关关区2021年政府信息公开工作年报。" + BODY,
     "甲门海关关区2021年政府信息公开工作年报", "甲门海关", 2021),
])
def test_central_agency_pages(text, title, agency, year):
    meta = meta_of(text)
    assert (meta.title, meta.agency, meta.year) == (title, agency, year)


def test_agency_with_an_alias_and_dates_that_lost_digits():
    text = ("根据《条例》规定，现公布国家统计局湖南调查总队（以下简称湖南总队）2018年政府信息公开工作报告。"
            "本报告所列统计数据的期限自201811日起至20181231日止。" + BODY)
    meta = meta_of(text)
    assert (meta.agency, meta.year) == ("国家统计局湖南调查总队", 2018)
    assert meta.title == "国家统计局湖南调查总队2018年政府信息公开工作报告"
    assert unit_of(text)[2:] == ("湖南省", None, None, "430000")
    r = report_of(text)
    assert r.stats == {}                        # 201811日, 20181231日 are no counts


def test_overview_sums_up_the_parts_when_the_parts_do_not():
    text = ("一、总体情况\n（一）主动公开。全年共主动公开政府信息\n240\n余条。\n"
            "（二）依申请公开。全年共收到政府信息公开申请16件，均按时答复。\n"
            "二、主动公开政府信息情况\n第二十条第（一）项\n")
    r = report_of(text)
    assert (r.stats["proactive_published"].value, r.stats["proactive_published"].approx) == (240, True)
    assert r.stats["proactive_published"].section == "overview"
    assert r.stats["requests_received"].value == 16


def test_a_count_since_ever_is_not_the_years_count():
    text = ("二、主动公开政府信息情况\n截至2020年底，全市累计主动公开政府信息\n19000\n条。"
            "本年度主动公开政府信息\n1200\n条。\n")
    assert report_of(text).stats["proactive_published"].value == 1200


def test_notice_as_the_page_title():
    meta = meta_of("各乡镇人民政府：\n现将报告印发给你们。" + BODY,
                   {"title": "甲县人民政府办公室关于印发甲县2019年政府信息公开工作年度报告的通知"})
    assert (meta.title, meta.agency, meta.year) == ("甲县2019年政府信息公开工作年度报告", "甲县人民政府", 2019)


def test_the_reports_signature_beats_the_pages_publisher():
    text = "我局认真做好政府信息公开工作。" + BODY + "\n甲市统计局\n2021年1月20日\n"
    meta = meta_of(text, {"title": "政府信息公开工作年度报告", "publisher": "甲市人民政府"})
    assert meta.agency == "甲市统计局"
    assert meta_of("我局认真做好政府信息公开工作。" + BODY,
                   {"title": "政府信息公开工作年度报告", "publisher": "甲市人民政府"}).agency == "甲市人民政府"


@pytest.mark.parametrize("agency, contact, expected", [
    ("中山大学", "如有疑问请联系学校办公室（地址：广州市海珠区新港西路135号，邮编：510275）。",
     ("广东省", "广州市", "海珠区", "440105")),
    # no address: the name is all there is, and 中山 names several units (中山市, 大连中山区 …)
    ("中山大学", "", (None, None, None, None)),
    ("浙江大学", "联系地址：浙江省杭州市西湖区余杭塘路866号。", ("浙江省", "杭州市", "西湖区", "330106")),
])
def test_an_institution_sits_where_its_address_says(agency, contact, expected):
    text = f"{agency}2020-2021学年信息公开工作年度报告" + UNIT_BODY + contact + "\n"
    assert unit_of(text)[:2] == (agency, 2020)
    assert unit_of(text)[2:] == expected


@pytest.mark.parametrize("name", ["putian/putian-1698363.txt", "pingtan/pingtan-87885.html"])
def test_a_report_in_traditional_characters_gives_the_figures_of_its_tables(tmp_path, name):
    """The same report printed in traditional characters (OpenCC s2t of a real 2021-format report:
    a crawled text table and an HTML table) gives the same table figures at the same offsets."""
    import opencc

    source = CORPUS / name
    simplified = extract_report(source, CORPUS)
    traditional = tmp_path / source.name
    header, cue, body = source.read_text(encoding="utf-8").rpartition("正文:")   # the crawler's header stays
    traditional.write_text(header + cue + opencc.OpenCC("s2t").convert(body), encoding="utf-8")
    folded = extract_report(traditional, tmp_path)
    assert folded.text != simplified.text and len(folded.text) == len(simplified.text)
    table = {k: (f.value, f.start, f.end) for k, f in simplified.stats.items() if f.source != "prose"}
    assert len(table) >= 20
    assert {k: (f.value, f.start, f.end) for k, f in folded.stats.items() if k in table} == table
