"""Chrome trimming, title, agency, year: exact values from the real corpus."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.extract.clean import body_bounds
from indexer.extract.metadata import extract_metadata, is_agency, published_of
from indexer.extract.reading import read_document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@dataclass
class Extracted:
    """The stages this module tests, run alone on one corpus file."""

    text: str
    title: str | None
    agency: str | None
    year: int | None
    published: str | None
    url: str | None


@lru_cache(maxsize=None)
def extracted(source: str) -> Extracted:
    doc = read_document(CORPUS / source)
    start, end = body_bounds(doc.text)
    text = doc.text[start:end]
    meta = extract_metadata(text, doc.header)
    return Extracted(text, meta.title, meta.agency, meta.year, meta.published, meta.url)


@pytest.fixture()
def report():
    """`report(source)`: chrome trimming and metadata of one corpus file."""
    return extracted


EDUCATION = [
    ("education/000_34846fc542f213aa.txt", "江北区教育局2016年度政府信息公开工作报告", "江北区教育局", 2016),
    ("education/001_b8557501b183c911.txt", "2017年湘桥区教育局政府信息公开年报", "潮州市湘桥区教育局", 2017),
    ("education/002_8734e6479ea5e4b8.txt", "柳州市教育局2016年政府信息公开工作年度报告", "柳州市教育局", 2016),
    ("education/003_2d9d6b829977fe3e.txt", "鄞州区教育局2019年政府信息公开年度报告", "鄞州区教育局", 2019),
    ("education/004_e736801e236d0d10.txt", "吉林经开区教育局2017年政府信息公开工作年度报告", "吉林经开区教育局", 2017),
]

CRAWLED = [
    # source, agency, year, published
    ("putian/putian-560169.txt", "莆田市统计局", 2008, "2009-01-21"),
    ("putian/putian-1295916.txt", "莆田市统计局", 2018, "2019-01-14"),     # 莆统〔2019〕12号 first
    ("putian/putian-1698210.txt", "莆田市统计局", 2021, "2022-01-13"),     # header publisher 市统计局
    ("putian/putian-1448439.txt", "莆田市人民政府", 2008, None),          # "莆田市2008年度…"
    ("putian/putian-1573404.txt", "莆田市人民政府办公室", 2019, None),
    ("putian/putian-1937569.txt", "莆田市水利局", 2023, "2024-01-25"),     # title over six lines
    ("putian/putian-1108722.txt", "莆田市林业局", 2008, "2009-01-16"),     # body title lacks agency
    ("putian/putian-1210704.txt", "莆田市民族与宗教事务局", 2008, None),
    ("putian/putian-1291966.txt", "莆田市海洋与渔业局", 2018, None),
    ("putian/putian-1308706.txt", "莆田市旅发委", 2018, None),
    ("putian/putian-1434383.txt", "莆田市安监局", 2008, None),
    ("putian/putian-1441137.txt", "莆田市文化和旅游局", 2019, "2020-01-15"),
    ("putian/putian-1967650.txt", "莆田市审计局", 2024, "2025-01-06"),
    ("putian/putian-1698102.html", "莆田市科学技术局", 2021, "2022-01-13"),
    ("sanming/sanming-78734.txt", "三明市人民政府", 2013, None),         # header 发布时间 is "有效性： 有效"
    ("sanming/sanming-1271142.txt", "三明市人民政府", 2018, None),        # header date "2017-07-"
    ("sanming/sanming-2192644.txt", "三明市人民政府", 2025, "2025-01-01"),
    ("pingtan/pingtan-80445.txt", "平潭综合实验区", 2015, "2016-01-12"),
    ("pingtan/pingtan-80506.txt", "平潭综合实验区", 2017, "2018-01-23"),
    ("pingtan/pingtan-80716.txt", "平潭县人民政府", 2011, "2012-04-18"),
    ("pingtan/pingtan-80774.txt", "平潭综合实验区地方税务局", 2013, "2014-02-25"),
    ("pingtan/pingtan-80791.txt", "平潭综合实验区", 2014, "2015-01-02"),    # header says 管委会
    ("pingtan/pingtan-80678.html", "平潭综合实验区", 2011, "2012-04-11"),
    ("pingtan/pingtan-87885.html", "平潭综合实验区", 2023, "2024-03-08"),
]


@pytest.mark.parametrize("source,title,agency,year", EDUCATION)
def test_education_reports(report, source, title, agency, year):
    r = report(source)
    assert (r.title, r.agency, r.year) == (title, agency, year)
    assert r.published is None and r.url is None


@pytest.mark.parametrize("source,agency,year,published", CRAWLED)
def test_crawled_reports(report, source, agency, year, published):
    r = report(source)
    assert (r.agency, r.year) == (agency, year)
    if published:
        assert r.published == published
    assert r.url and r.url.startswith(("https://www.", "http://www."))


def test_body_title_beats_header_title(report):
    # The header title reads "平潭综合实验区管委会2014年度…"; the report names itself without 管委会.
    r = report("pingtan/pingtan-80791.txt")
    assert (r.title, r.agency) == ("平潭综合实验区2014年度政府信息公开工作年度报告", "平潭综合实验区")


def test_wrapped_title_and_document_number(report):
    assert report("putian/putian-1440677.txt").title == "莆田市统计局2019年政府信息公开工作年度报告"
    assert report("putian/putian-1937569.txt").title == "莆田市水利局2023年度政府信息公开工作年度报告"
    assert report("putian/putian-1108722.txt").title == "莆田市林业局2008年政府信息公开工作年度报告"


def test_city_government_report_title_falls_back_to_header(report):
    r = report("sanming/sanming-1073217.txt")
    assert (r.title, r.agency, r.year) == ("三明市2017年政府信息公开工作年度报告", "三明市人民政府", 2017)


def test_year_from_statistics_period_when_title_has_none():
    text = ("本报告根据《中华人民共和国政府信息公开条例》编制。报告统计数据时限为2016年1月1日至"
            "2016年12月31日。\n一、概述\n")
    meta = extract_metadata(text, {"title": "莆田市统计局政府信息公开工作年度报告", "published": "2017-01-03"})
    assert (meta.year, meta.agency, meta.published) == (2016, "莆田市统计局", "2017-01-03")


def test_year_is_null_when_report_does_not_say():
    meta = extract_metadata("我局高度重视政府信息公开工作。\n", {"title": "莆田市统计局政府信息公开工作年度报告",
                                                       "published": "2017-01-03 00:00"})
    assert meta.year is None


def test_crawler_broken_year_in_title():
    meta = extract_metadata("莆田市统计局\n201\n9年政府信息公开工作年度报告\n根据《条例》…", {})
    assert (meta.title, meta.agency, meta.year) == ("莆田市统计局2019年政府信息公开工作年度报告", "莆田市统计局", 2019)


def test_spaced_out_signature_and_fuller_signature(report):
    assert report("education/002_8734e6479ea5e4b8.txt").agency == "柳州市教育局"   # 柳  州  市  教  育  局
    assert report("education/001_b8557501b183c911.txt").agency == "潮州市湘桥区教育局"


def test_agency_is_never_a_sentence_fragment(report):
    sources = [p.relative_to(CORPUS).as_posix() for p in sorted(CORPUS.rglob("*.*"))
               if p.suffix in {".txt", ".html"}]
    assert len(sources) == 258
    agencies = {report(s).agency for s in sources}
    assert all(is_agency(a) for a in agencies)
    assert "社会公布莆田市审计局" not in agencies and "市统计局" not in agencies


def test_published_must_be_a_date():
    assert published_of({"published": "2017-07-"}) is None
    assert published_of({"published": "有效性： 有效"}) is None
    assert published_of({"published": "2009-1-5 00:00"}) == "2009-01-05"


# --- chrome trimming -------------------------------------------------------------------------

def _raw(source: str) -> str:
    return read_document(CORPUS / source).text


def test_putian_560169_navigation_and_footer_trimmed(report):
    raw = _raw("putian/putian-560169.txt")
    assert raw.startswith("|\n莆田市统计局\n返回首页")
    text = report("putian/putian-560169.txt").text
    assert text.startswith("莆田市统计局2008年度政府信息公开工作年度报告\n发布时间：2009-01-21 00:00")
    assert text.endswith("行政申诉数\n件\n0")
    assert "返回首页" not in text and "扫一扫在手机打开当前页" not in text


def test_pingtan_breadcrumb_and_byline_trimmed(report):
    text = report("pingtan/pingtan-80506.txt").text
    assert text.startswith("平潭综合实验区2017年度政府信息公开工作年度报告 根据《中华人民共和国政府信息公开条例》")
    assert "当前位置" not in text and "相关链接" not in text and not text.endswith("附件下载")


def test_byline_under_title_keeps_title(report):
    text = report("education/001_b8557501b183c911.txt").text
    assert text.startswith("2017年湘桥区教育局政府信息公开年报\n")
    assert text.endswith("潮州市湘桥区教育局\xa0\xa0\n2017年12月31日")


def test_translate_search_copy_footer_trimmed(report):
    text = report("putian/putian-1967650.txt").text
    assert text.endswith("莆田市审计局\n2025年1月2日\n（此件主动公开）")


def test_chrome_inside_the_report_is_kept_with_the_signature(report):
    # "|\n电脑版" sits between the last section and the signature: cutting would lose the signature.
    text = report("putian/putian-1441137.txt").text
    assert text.endswith("莆田市文化和旅游局办公室\n2020\n年\n1\n月\n15\n日印发")


def test_plain_report_untouched():
    raw = _raw("education/000_34846fc542f213aa.txt")
    assert body_bounds(raw) == (0, len(raw.rstrip()))


@given(st.text(alphabet=st.sampled_from(list("字号：大中小|附件下载打印关闭翻译搜索复制当前位置报告年 \n2017-相关链接>"))
               | st.characters()))
def test_body_bounds_always_within_text(text):
    start, end = body_bounds(text)
    assert 0 <= start <= end <= len(text)


FOOTER_WORDS = ["附件下载：", "扫一扫在手机打开当前页", "打印", "关闭", "相关文章", "翻译", "搜索", "复制",
                "|", "电脑版", "打印本页", "关闭窗口", "主办单位：莆田市人民政府办公室", "网站标识码：3503000001"]


@settings(max_examples=60, deadline=None)
@given(source=st.sampled_from([s for s, *_ in EDUCATION + CRAWLED]),
       footer=st.lists(st.sampled_from(FOOTER_WORDS), min_size=1, max_size=6),
       sep=st.sampled_from(["\n", " ", "\n\n"]))
def test_appended_footer_is_always_trimmed(source, footer, sep):
    raw = _raw(source)
    if "\n" not in sep:   # 主办单位 / 网站标识码 are footer lines, not words inside a line
        footer = [w for w in footer if "：" not in w or w == "附件下载："]
    assert body_bounds(raw + sep + sep.join(footer)) == body_bounds(raw)
