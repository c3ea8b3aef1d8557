"""Canonical sections on the real corpus: exact outlines, every pitfall of REPORTS.md, and the
rule that sections cover any text exactly."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.extract.corpus import Skipped, extract_all
from indexer.extract.sections import expected_sections, split_sections
from indexer.model.vocabulary import SECTION_SLUGS as SLUGS

EDU = {
    "jiangbei": "education/000_34846fc542f213aa.txt",
    "xiangqiao": "education/001_b8557501b183c911.txt",
    "liuzhou": "education/002_8734e6479ea5e4b8.txt",
    "yinzhou": "education/003_2d9d6b829977fe3e.txt",
    "jilin": "education/004_e736801e236d0d10.txt",
}
SIX = ("overview", "proactive", "requests", "appeals", "problems", "other")


def outline(rep):
    return [(s.slug, s.heading) for s in rep.sections]


def slugs(rep):
    return tuple(s.slug for s in rep.sections)


def section_of(rep, sentence: str):
    return rep.section_at(rep.text.index(sentence))


def assert_covers(text: str, sections) -> None:
    assert sections and sections[0].start == 0 and sections[-1].end == len(text)
    for a, b in zip(sections, sections[1:]):
        assert a.end == b.start and a.start < a.end
    assert all(s.slug in SLUGS for s in sections)


# --- the five education reports: exact outlines and where sentences fall ---------------------

EDU_OUTLINES = {
    "jiangbei": [
        ("preamble", ""), ("overview", "一、概述"), ("proactive", "二、主动公开政府信息的情况"),
        ("requests", "三、依申请公开政府信息办理情况"), ("fees", "四、政府信息公开的收费及减免情况"),
        ("appeals", "五、因政府信息公开申请行政复议、提起行政诉讼的情况"),
        ("problems", "六、政府信息公开工作存在的主要问题及改进情况"),
    ],
    "xiangqiao": [
        ("preamble", ""), ("overview", "一、概述"), ("overview", "二、政府信息公开工作情况"),
        ("proactive", "三、主动公开信息情况"), ("requests", "四、依法申请公开政府信息情况"),
        ("fees", "五、政府信息公开的收费及减免情况"),
        ("appeals", "六、因政府信息公开申请行政复议、提起行政诉讼的情况"),
        ("problems", "七、存在的主要问题和改进措施"),
    ],
    "liuzhou": [
        ("preamble", ""), ("overview", "一、本年度政府信息公开工作的基本情况"),
        ("proactive", "二、围绕国家和自治区中心工作推进政府信息公开以及推进重点领域政府信息公开情况"),
        ("requests", "三、依申请公开政府信息和不予公开政府信息的情况"),
        ("fees", "四、政府信息公开的收费及减免情况"),
        ("appeals", "五、因政府信息公开申请行政复议、提起行政诉讼的情况"),
        ("problems", "六、政府信息公开工作存在的主要问题及改进方向"),
        ("other", "七、其他需要报告的事项"),
    ],
    "yinzhou": [
        ("preamble", ""), ("overview", "加强组织领导"), ("problems", "针对尚存的问题，我们制定了如下整改计划"),
        ("proactive", ""), ("requests", "三、收到和处理政府信息公开申请情况"),
        ("appeals", "四、政府信息公开行政复议、行政诉讼情况"),
    ],
    "jilin": [
        ("preamble", ""), ("overview", "一、基本工作情况"), ("proactive", "二、主动公开政府信息情况"),
        ("proactive", "三、回应解读情况"), ("requests", "四、依申请公开政府信息情况"),
        ("appeals", "五、行政复议、诉讼和投诉举报情况"), ("overview", "六、机构建设、保障经费和培训会议情况"),
        ("problems", "七、存在的主要问题及工作打算"),
    ],
}


@pytest.mark.parametrize("name", sorted(EDU_OUTLINES))
def test_education_outlines(report, name):
    rep = report(EDU[name])
    assert outline(rep) == EDU_OUTLINES[name]
    assert_covers(rep.text, rep.sections)


EDU_SENTENCES = {
    "jiangbei": {
        "本年报由概述，主动公开政府信息情况": "preamble",
        "（一）加强领导，落实责任": "overview",
        "共公开发布539余条": "proactive",
        "共受理信息公开申请0件": "requests",
        "不存在政府信息公开的收费及减免情况": "fees",
        "未接到有关政府信息公开方面的复议、诉讼和申诉": "appeals",
        "促进我局政府信息公开工作再上新台阶": "problems",
    },
    "xiangqiao": {
        "如对本报告有疑问": "preamble",
        "1、及时高效发布": "overview",
        "累计主动公开政府信息68条": "proactive",
        "共受理政府信息公开申请0件": "requests",
        "与诉讼(行政复议、行政申诉)有关的费用支出:无": "fees",
        "全年未发生涉及我局有关政府信息公开事务的行政复议": "appeals",
        "潮州市湘桥区教育局": "problems",
    },
    "liuzhou": {
        "工作年度报告": "preamble",
        "等七个方面的内容": "preamble",
        "2016年共发布政策解读5次": "proactive",
        "（三）接待场所建设、完善、维护及工作运行情况": "requests",
        "政府信息依申请公开没有收费现象": "fees",
        "四是做好依申请公开工作": "problems",
        "无其他需要报告的事项": "other",
        "柳  州  市  教  育  局": "other",
        "送：柳州市政务公开": "other",
    },
    "yinzhou": {
        "加强组织领导。为切实做好政务公开工作": "overview",
        "压实保密审查。": "overview",
        "三、完善平台建设。进一步": "overview",
        "五、强化重点公开。": "overview",
        "(1)进一步强化管理": "problems",
        "2019年12月30日": "problems",
        "第二十条第（一）项": "proactive",
        "政府集中采购": "proactive",
        "申请人情况": "requests",
        "一、本年新收政府信息公开申请数量": "requests",
        "三、本年度办理结果": "requests",
        "维持": "appeals",
    },
    "jilin": {
        "等七部分组成": "preamble",
        "回应公众关注热点或重大舆情数1次": "proactive",
        "全年无申请公开情况": "requests",
        "全年无申请公开政府信息及行政复议": "appeals",
        "设有政府信息公开工作专门机构1个": "overview",
        "（二）改进措施": "problems",
    },
}


@pytest.mark.parametrize("name", sorted(EDU_SENTENCES))
def test_education_sentences_fall_in_their_section(report, name):
    rep = report(EDU[name])
    found = {sentence: section_of(rep, sentence).slug for sentence in EDU_SENTENCES[name]}
    assert found == EDU_SENTENCES[name]


# --- the pitfalls of REPORTS.md, each on a real file ------------------------------------------

def test_missing_numbering_bold_lead_ins(report):
    rep = report(EDU["yinzhou"])
    overview = section_of(rep, "加强组织领导。")
    assert (overview.slug, overview.heading) == ("overview", "加强组织领导")
    assert rep.text.startswith("加强组织领导。", overview.start)


def test_paragraph_openers_numbered_mid_way_are_not_headings(report):
    rep = report(EDU["yinzhou"])
    headings = [s.heading for s in rep.sections]
    for opener in ("三、完善平台建设。", "四、落实信息公开。", "五、强化重点公开。"):
        assert section_of(rep, opener).slug == "overview"
        assert not any(h.startswith(opener[:2]) and "平台" in h for h in headings)
    # The numbered headings that do count start at 三, after the unnumbered part.
    numbered = [s.heading[:2] for s in rep.sections if s.heading and s.heading[0] in "一二三四五六"]
    assert numbered == ["三、", "四、"]


@pytest.mark.parametrize("source", ["putian/putian-1438499.txt", "putian/putian-1698102.html",
                                    "pingtan/pingtan-80576.txt", "sanming/sanming-1762786.txt"])
def test_table_row_labels_are_not_headings(report, source):
    rep = report(source)
    for label in ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "四、结转下年度继续办理"):
        assert section_of(rep, label).slug == "requests"
        assert not any(s.heading.startswith(label[:4]) for s in rep.sections)
    assert slugs(rep)[1:] == SIX


@pytest.mark.parametrize("source, count", [(EDU["jiangbei"], 6), (EDU["jilin"], 7),
                                           (EDU["liuzhou"], 7), ("pingtan/pingtan-80445.txt", 7)])
def test_introduction_listing_sections_is_preamble(report, source, count):
    rep = report(source)
    assert expected_sections(rep.text) == count
    intro = re.search(r"[^。]*(部分组成|方面的内容)", rep.text).group(0)
    assert section_of(rep, intro).slug == "preamble"
    assert len(rep.sections) - 1 == count


def test_introduction_broken_into_lines_is_preamble(report):
    # The crawler put each listed section name on a line of its own.
    rep = report("putian/putian-1698618.txt")
    assert section_of(rep, "\n行政机关主动公开政府信息情况\n").slug == "preamble"
    assert slugs(rep) == ("preamble",) + SIX


def test_sub_headings_belong_to_the_section_above(report):
    rep = report(EDU["xiangqiao"])
    assert section_of(rep, "(一)加强组织领导。").heading == "二、政府信息公开工作情况"
    assert section_of(rep, "3、系统发力").heading == "二、政府信息公开工作情况"
    assert section_of(rep, "(一)主要问题").slug == "problems"
    rep = report("putian/putian-1794835.txt")          # （一）主动公开情况 inside 一、总体情况
    assert section_of(rep, "（一）主动公开情况").slug == "overview"


def test_heading_sharing_a_line_with_its_body(report):
    rep = report("pingtan/pingtan-80445.txt")
    assert outline(rep) == [
        ("preamble", ""), ("overview", "一、 概述"), ("proactive", "二、主动公开政府信息情况"),
        ("requests", "三、政府信息依申请公开工作情况"), ("fees", "四、政府信息公开的收费及减免情况"),
        ("appeals", "五、因政府信息公开申请行政复议、提起行政诉讼的情况"), ("problems", "六、主要问题和改进措施"),
        ("appendix", "七、平潭综合实验区政府信息公开情况统计表"),
    ]
    assert section_of(rep, "2015年，在省政府办公厅").slug == "overview"


@pytest.mark.parametrize("source, title", [(EDU["liuzhou"], "柳州市教育局2016年政府信息公开\n工作年度报告"),
                                           (EDU["jilin"], "吉林经开区教育局\n2017年政府信息公开工作年度报告")])
def test_title_wrapped_over_two_lines_stays_in_preamble(report, source, title):
    rep = report(source)
    start = rep.text.index(title)
    assert rep.section_at(start).slug == "preamble"
    assert rep.section_at(start + len(title) - 1).slug == "preamble"


def test_missing_proactive_heading_inferred_from_its_table(report):
    rep = report("putian/putian-1796652.txt")   # the crawl lost 二、 and displaced 六、
    assert outline(rep) == [
        ("preamble", ""), ("overview", "一、总体情况"), ("proactive", ""),
        ("requests", "三、收到和处理政府信息公开申请情况"), ("appeals", "四、政府信息公开行政复议、行政诉讼情况"),
        ("problems", "五、存在的主要问题及改进情况"), ("other", ""),
    ]
    assert rep.text.startswith("第二十条第（一）项", rep.sections[2].start)
    assert section_of(rep, "（一）信息处理费收取情况").slug == "other"
    assert section_of(rep, "莆田市统计局\n2023年1月10日").slug == "other"


def test_missing_requests_and_appeals_headings_inferred_from_tables(report):
    rep = report("putian/putian-1438499.txt")
    text = rep.text
    for heading in ("三、收到和处理政府信息公开申请情况\n", "四、政府信息公开行政复议、行政诉讼情况\n"):
        assert heading in text
        text = text.replace(heading, "")
    sections = split_sections(text)
    assert [(s.slug, s.heading) for s in sections][3:5] == [("requests", ""), ("appeals", "")]
    assert text.startswith("（本列数据的勾稽关系", sections[3].start)
    assert text.startswith("行政复议\n行政诉讼", sections[4].start)


def test_one_line_pingtan_bodies(report, corpus_dir):
    one_line = sorted(p.relative_to(corpus_dir).as_posix()
                      for p in corpus_dir.glob("pingtan/*.txt"))
    seen = 0
    for source in one_line:
        rep = report(source)
        if "\n" in rep.text.strip():
            continue
        seen += 1
        assert len(rep.sections) >= 5, source
        assert all(s.heading[:1] in "一二三四五六七" for s in rep.sections[1:]), source
    assert seen == 17
    rep = report("pingtan/pingtan-80576.txt")         # 2019 format, tables run together
    assert outline(rep)[1:] == [
        ("overview", "一、总体情况"), ("proactive", "二、主动公开政府信息情况"),
        ("requests", "三、收到和处理政府信息公开申请情况"), ("appeals", "四、政府信息公开行政复议、行政诉讼情况"),
        ("problems", "五、存在的主要问题及改进情况"), ("other", "六、其他需要报告的事项"),
    ]
    rep = report("pingtan/pingtan-80774.txt")         # 地方税务局: its own headings
    assert outline(rep)[1:] == [
        ("overview", "一、概述"), ("proactive", "二、主动公开政府信息情况"),
        ("requests", "三、依申请公开、不予公开及咨询政府信息情况"), ("other", "四、审批事项及处理情况"),
        ("appeals", "五、申请行政复议、提起行政诉讼和申诉的情况"),
    ]


@pytest.mark.parametrize("source, headings", [
    ("putian/putian-1560361.txt", ["三、收到和处理政府信息公开申请情况", "五、存在的主要问题及改进情况",
                                   "六、其他需要报告的事项"]),
    ("putian/putian-1291753.txt", ["一、概述", "五、政府信息公开工作存在的主要问题及改进措施"]),
    ("putian/putian-1210705.txt", ["一 、概 述"]),
    ("putian/putian-1569457.txt", ["一、总体情况"]),
])
def test_crawler_line_breaks_inside_headings(report, source, headings):
    rep = report(source)
    printed = [s.heading for s in rep.sections]
    for heading in headings:
        assert heading in printed


def test_heading_that_runs_into_a_sentence_takes_its_first_section(report):
    # "三、依申请公开…情况，…收费及减免情况，因…行政复议…的情况这几条，我局无此类情况。"
    rep = report("putian/putian-1210698.txt")
    assert [(s.slug, s.heading) for s in rep.sections[3:]] == [
        ("requests", "三、依申请公开政府信息办理情况"), ("problems", "四、政府信息公开工作存在的主要问题及改进情况")]
    assert section_of(rep, "这几条，我局无此类情况").slug == "requests"
    # "五、本局政府信息公开工作从总体上来看，…" opens a paragraph of 四, not a section.
    assert section_of(rep, "五、本局政府信息公开工作从总体上来看").slug == "problems"


def test_unnamed_numbered_heading_between_two_sections_is_other(report):
    rep = report("putian/putian-1434385.txt")
    assert section_of(rep, "四、政府信息公开保密审查机制及运行情况").heading == "四、政府信息公开保密审查机制及运行情况"
    assert slugs(rep) == ("preamble", "overview", "proactive", "requests", "other", "fees",
                          "appeals", "problems", "other")


def test_repeated_and_displaced_heading_lines_keep_numbering_monotonic(report):
    # A heading line printed twice: the second copy, after the 复议/诉讼 table, opens 五.
    rep = report("putian/putian-1573404.txt")
    assert slugs(rep)[1:] == SIX
    problems = next(s for s in rep.sections if s.slug == "problems")
    appeals = next(s for s in rep.sections if s.slug == "appeals")
    assert appeals.start < rep.text.index("结果维持") < problems.start
    # A heading the crawler moved after the statistics table does not reopen 三.
    rep = report("putian/putian-991069.txt")
    assert section_of(rep, "三、政府信息依申请公开办理情况").slug == "appendix"


@pytest.mark.parametrize("source, heading", [
    (EDU["xiangqiao"], None),
    ("pingtan/pingtan-80678.html", "附件1：平潭综合实验区管委会2011年政府信息公开情况统计表"),
    ("putian/putian-1210704.txt", "附表"),
    ("putian/putian-512065.txt", "附件"),
    ("putian/putian-991068.txt", "2015年度莆田市审计局政府信息公开有关情况统计表"),
])
def test_trailing_appendix_and_signature(report, source, heading):
    rep = report(source)
    last = rep.sections[-1]
    if heading is None:                          # signature and date stay in the last section
        assert last.slug == "problems" and section_of(rep, "2017年12月31日") is last
    else:
        assert (last.slug, last.heading) == ("appendix", heading)


# --- a spread of crawled reports: every site, every era, the HTML pages ----------------------

PRE = ("preamble", "overview", "proactive", "requests", "fees", "appeals", "problems")
SPREAD = {
    # Putian, before 2019
    "putian/putian-1108722.txt": PRE,
    "putian/putian-1082203.txt": PRE + ("appendix",),
    "putian/putian-1210698.txt": ("preamble", "overview", "proactive", "requests", "problems"),
    "putian/putian-1642155.txt": ("proactive", "overview", "problems", "appendix"),
    "putian/putian-1314093.txt": ("preamble", "overview", "proactive", "problems", "appendix"),
    "putian/putian-991061.txt": ("preamble", "overview", "proactive", "problems", "other",
                                 "appendix"),
    "putian/putian-1448442.txt": PRE + ("other", "appendix"),
    "putian/putian-1291753.txt": ("preamble",) + SIX,
    # Putian, 2019 format and 2021 format (and the HTML page)
    "putian/putian-1440005.txt": ("preamble",) + SIX,
    "putian/putian-1560361.txt": ("preamble",) + SIX,
    "putian/putian-1698102.html": ("preamble",) + SIX,
    "putian/putian-1699237.txt": SIX,
    "putian/putian-2119190.txt": ("preamble",) + SIX,
    # Sanming, every era
    "sanming/sanming-78734.txt": PRE + ("other",),
    "sanming/sanming-1073217.txt": ("preamble",) + SIX,
    "sanming/sanming-1480639.txt": ("preamble",) + SIX,
    "sanming/sanming-2192644.txt": ("preamble",) + SIX,
    # Pingtan: one-line bodies of every era, and the two HTML pages
    "pingtan/pingtan-80716.txt": ("preamble", "overview", "proactive", "requests", "problems"),
    "pingtan/pingtan-80734.txt": ("preamble", "overview", "proactive", "proactive", "requests",
                                  "problems"),
    "pingtan/pingtan-80529.txt": ("preamble", "overview", "proactive", "requests", "appeals",
                                  "problems", "appendix"),
    "pingtan/pingtan-80595.txt": ("preamble",) + SIX,
    "pingtan/pingtan-105587.txt": ("preamble",) + SIX,
    "pingtan/pingtan-80678.html": ("preamble", "overview", "proactive", "requests", "problems",
                                   "appendix"),
    "pingtan/pingtan-87885.html": ("preamble",) + SIX,
}


@pytest.mark.parametrize("source", sorted(SPREAD))
def test_outline_spread(report, source):
    rep = report(source)
    assert slugs(rep) == SPREAD[source]
    assert_covers(rep.text, rep.sections)


# --- the whole corpus --------------------------------------------------------------------------

FORMAT_2019 = re.compile(r"收到和处理政府信息公开申请|第二十条第[（(]一[)）]项")
# Heading lines the crawler printed twice or moved: the numbering keeps the other copy.
DISPLACED = {("putian/putian-1573404.txt", "五、存在的主要问题及改进情况"),
             ("putian/putian-1796652.txt", "六、其他需要报告的事项"),
             ("putian/putian-991069.txt", "三、政府信息依申请公开办理情况")}
HEADING_LINE = re.compile(r"^[ \t\u3000]*([一二三四五六七八九]、[^。；\s]{2,40})[ \t\u3000]*$", re.M)
NAMED = re.compile(r"概述|总体情况|主动公开|依申请|收到和处理|收费|行政复议|存在.{0,4}问题|其他需要|需要说明")


@pytest.fixture(scope="module")
def corpus_reports(corpus_dir):
    return [r for r in extract_all([corpus_dir]) if not isinstance(r, Skipped)]


def test_every_report_is_covered(corpus_reports):
    assert len(corpus_reports) == 258
    for rep in corpus_reports:
        assert_covers(rep.text, rep.sections)


def test_every_report_in_the_2019_or_2021_format_has_the_six_sections(corpus_reports):
    fixed = [r for r in corpus_reports if FORMAT_2019.search(re.sub(r"\s", "", r.text))]
    assert len(fixed) == 94
    for rep in fixed:
        if rep.source == EDU["yinzhou"]:          # prints no 其他 part and its own headings
            continue
        assert tuple(s for s in slugs(rep) if s not in ("preamble", "appendix")) == SIX, rep.source


def test_every_printed_heading_line_opens_its_section(corpus_reports):
    for rep in corpus_reports:
        starts = {s.start for s in rep.sections}
        for m in HEADING_LINE.finditer(rep.text):
            line = m.group(1)
            if not NAMED.search(line) or "本年" in line or (rep.source, line) in DISPLACED:
                continue
            assert m.start(1) in starts, (rep.source, line)


# --- any text at all ---------------------------------------------------------------------------

PIECES = ["一、", "二、", "三 、", "四\n、", "十一、", "第一部分", "1.", "2、", "（一）", "\n", "\n\n", " ", "\t",
          "\u3000", "。", "：", "概述", "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
          "行政复议", "行政诉讼", "存在的主要问题及改进情况", "其他需要报告的事项", "附件：", "统计表",
          "第二十条第（一）项信息内容", "申请人情况自然人", "本年新收政府信息公开申请数量", "加强组织领导。",
          "2019年", "0", "统一、", "\u200b", "本年报由概述等六部分组成。", "（一）信息处理费", "情况", "a", "😀"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_covered_exactly(text):
    assert_covers(text, split_sections(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_heading_like_mixes_are_covered_exactly(text):
    sections = split_sections(text)
    assert_covers(text, sections)
    for s in sections:
        assert s.heading == s.heading.strip() and "\n" not in s.heading
        if s.heading:
            assert "".join(s.heading.split()) in "".join(text[s.start:s.end].split())
