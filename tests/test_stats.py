"""Statistics on the real corpus: exact figures, their evidence spans, and consistency flags."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.extract.report import extract_report
from indexer.model.record import Region, Report, Section
from indexer.extract.figures import DERIVED, extract_stats
from indexer.model.record import Flag
from indexer.model.vocabulary import FIGURE_LABELS as FIGURES, MAIN_FIGURES
from indexer.extract.figures.numbers import find_counts
from indexer.extract.figures.tables import REQUEST_ROWS

CRAWLED_TEXT_OF_HTML = Path("/work/shared/testdata/crawled-text-of-html")


def check(report: Report, key: str, value: int, evidence: str, *, section: str | None = None,
          approx: bool = False, words: bool = False) -> None:
    """A figure has the value, its span holds the evidence, and the flags are as expected."""
    fig = report.stats[key]
    assert fig.value == value, (key, fig)
    assert evidence in report.text[fig.start:fig.end], (key, report.text[fig.start:fig.end])
    assert fig.approx is approx
    assert fig.stated_in_words is words
    if section is not None:
        assert fig.section == section


def figures(report: Report) -> dict[str, int]:
    return {k: v.value for k, v in report.stats.items()}


# --- the five education-bureau reports -------------------------------------------------------

def test_jiangbei_2016_prose(report):
    r = report("education/000_34846fc542f213aa.txt")
    check(r, "proactive_published", 539, "539余条", section="proactive", approx=True)
    check(r, "requests_received", 0, "0件", section="requests")
    check(r, "fees_collected", 0, "不存在政府信息公开的收费", section="fees", words=True)
    check(r, "reconsiderations", 0, "复议", section="appeals", words=True)
    check(r, "lawsuits", 0, "诉讼", section="appeals", words=True)
    # 北区教〔2005〕16号, 邮编 315020, 0574-87668745 and dates are in the text: none is a figure.
    assert set(figures(r)) == {"proactive_published", "requests_received", "fees_collected",
                               "reconsiderations", "lawsuits"}


def test_xiangqiao_2017_prose(report):
    r = report("education/001_b8557501b183c911.txt")
    check(r, "proactive_published", 68, "68条", section="proactive")
    check(r, "requests_received", 0, "0件", section="requests")
    check(r, "fees_collected", 0, "收费情况:无", section="fees", words=True)
    check(r, "reconsiderations", 0, "行政复议", section="appeals", words=True)
    check(r, "lawsuits", 0, "诉讼", section="appeals", words=True)


def test_liuzhou_2016_zero_in_words(report):
    r = report("education/002_8734e6479ea5e4b8.txt")
    check(r, "requests_received", 0, "未收到政府信息公开申请", section="requests", words=True)
    check(r, "fees_collected", 0, "没有收费", section="fees", words=True)
    check(r, "lawsuits", 0, "行政诉讼", section="appeals", words=True)
    # "26项政策类文件在20个工作日内" is not a count of items disclosed.
    assert "proactive_published" not in r.stats


def test_jilin_2017_prose(report):
    r = report("education/004_e736801e236d0d10.txt")
    check(r, "proactive_published", 486, "486条", section="proactive")
    check(r, "requests_received", 0, "无申请", section="requests", words=True)
    check(r, "reconsiderations", 0, "行政复议", section="appeals", words=True)


def test_yinzhou_2019_table_breaks_its_own_rule(report):
    """The sample whose 总计 row reads 66 where the results add up to 3."""
    r = report("education/003_2d9d6b829977fe3e.txt")
    check(r, "requests_received", 3, "3", section="requests")
    check(r, "requests_carried_over", 0, "00")
    check(r, "requests_granted", 1, "1")
    check(r, "unable_not_exist", 1, "1")
    check(r, "not_processed_petition", 1, "1")
    check(r, "requests_total", 6, "6")          # the 总计 column as printed, not corrected
    assert "requests_partly_granted" not in r.stats  # every cell of the row is empty
    assert "requests_carried_forward" not in r.stats
    rules = {f.rule: vars(f) for f in r.flags}
    assert rules["row_sum"]["values"] == {"row": "requests_total", "columns": [66], "total": 6}
    assert rules["results_sum"]["values"]["requests_total"] == 6
    assert sum(v for k, v in rules["results_sum"]["values"].items() if k != "requests_total") == 3
    assert rules["balance"]["values"]["requests_received"] == 3


# --- crawled reports of every site and era ---------------------------------------------------

def test_putian_2008_prose_only(report):
    r = report("putian/putian-1108722.txt")
    check(r, "requests_received", 0, "没有接到", section="requests", words=True)
    check(r, "fees_collected", 0, "收费", section="fees", words=True)
    check(r, "lawsuits", 0, "行政诉讼", section="appeals", words=True)


def test_putian_2017_prose_count(report):
    r = report("putian/putian-1082211.txt")
    check(r, "proactive_published", 39, "39条", section="proactive")


def test_putian_2009_indicator_table(report):
    r = report("putian/putian-1082203.txt")
    assert r.stats["proactive_published"].source == "table-indicator"
    check(r, "proactive_published", 36, "36")
    for key in ("requests_received", "requests_total", "requests_granted",
                "requests_partly_granted", "requests_refused", "reconsiderations", "lawsuits"):
        check(r, key, 0, "0")


def test_putian_2019_table(report):
    r = report("putian/putian-1575708.txt")
    expected = {"requests_received": 539, "requests_carried_over": 8, "requests_granted": 315,
                "requests_partly_granted": 28, "requests_refused": 32, "requests_unable": 149,
                "requests_not_processed": 7, "requests_other": 14, "requests_total": 545,
                "requests_carried_forward": 2, "refused_query_matter": 12,
                "unable_not_exist": 146}
    for key, value in expected.items():
        check(r, key, value, str(value) if key not in DERIVED else "", section="requests")
    assert r.stats["requests_refused"].derived == [k for k in FIGURES if k.startswith("refused_")]
    # 287 + 24 + 2 + 0 + 1 = 314 in the applicant columns, 315 in 总计: flagged, kept as printed.
    assert r.flags == [Flag(
        "row_sum", "予以公开：申请人各列 287 + 24 + 2 + 0 + 1 = 314，但总计栏为 315",
        {"row": "requests_granted", "columns": [287, 24, 2, 0, 1], "total": 315})]


def test_putian_2021_table(report):
    r = report("putian/putian-1698363.txt")
    for key, value in {"requests_received": 4, "requests_granted": 3, "unable_not_exist": 1,
                       "requests_total": 4, "requests_carried_forward": 0,
                       "other_no_correction": 0, "reconsiderations": 0}.items():
        check(r, key, value, str(value))
    assert r.stats["requests_unable"].value == 1
    assert r.stats["lawsuits"].value == 0
    assert r.flags == []


def test_sanming_2021_wrapped_values(report):
    """"1" / "62" on two lines is 162: the only joining for which the row adds up."""
    r = report("sanming/sanming-1762786.txt")
    check(r, "requests_received", 162, "1\n62", section="requests")
    check(r, "requests_total", 162, "1\n62")
    check(r, "unable_not_exist", 28, "28")
    check(r, "requests_granted", 99, "99")
    assert r.stats["requests_refused"].value == 24
    assert r.stats["requests_other"].value == 3
    assert r.flags == []


def test_pingtan_html_table(report):
    r = report("pingtan/pingtan-87885.html")
    for key, value in {"requests_received": 81, "requests_granted": 22,
                       "requests_partly_granted": 20, "unable_not_exist": 31,
                       "requests_total": 81, "reconsiderations": 2, "lawsuits_direct": 5,
                       "lawsuits_after_reconsideration": 2}.items():
        check(r, key, value, str(value))
        assert r.stats[key].source == "html"
    assert r.stats["lawsuits"].value == 7
    assert r.stats["requests_refused"].value == 5
    assert r.flags == []


def test_pingtan_numbers_only_in_html(report):
    """The crawl runs the cells together ("…申请数量80100081"): no figure from that table."""
    html = report("pingtan/pingtan-87885.html")
    text = extract_report(CRAWLED_TEXT_OF_HTML / "pingtan-87885.txt", CRAWLED_TEXT_OF_HTML)
    assert "本年新收" in text.text
    table_keys = {key for key, _ in REQUEST_ROWS} | {"reconsiderations", "lawsuits"}
    assert not table_keys & set(figures(text))
    assert table_keys - {"requests_other"} <= set(figures(html))


def test_pingtan_2011_indicator_table_in_html(report):
    r = report("pingtan/pingtan-80678.html")
    assert r.stats["proactive_published"].source == "html-indicator"
    check(r, "proactive_published", 425, "425")
    check(r, "reconsiderations", 0, "0")


def test_figure_tables():
    assert set(MAIN_FIGURES) <= set(FIGURES)
    assert all(not k.startswith("_") for k in FIGURES)
    assert {key for key, _ in REQUEST_ROWS} <= set(FIGURES)


def test_every_figure_points_at_its_evidence(corpus_dir):
    """Over the whole corpus: every span lies in the text and holds the digits of its value."""
    from indexer.extract.corpus import extract_all

    for r in extract_all([corpus_dir]):
        if not isinstance(r, Report):
            continue
        for key, fig in r.stats.items():
            assert key in FIGURES
            assert 0 <= fig.start < fig.end <= len(r.text)
            span = r.text[fig.start:fig.end]
            if not fig.derived and not fig.stated_in_words and fig.value:
                assert str(fig.value) in span.replace("\n", ""), (r.source, key, span)


# --- properties ------------------------------------------------------------------------------

_FILLER = st.text(alphabet="我局本年度政府信息公开工作情况，。共计", max_size=12)
_DATES = st.builds(lambda y, m, d: f"{y}年{m}月{d}日", st.integers(1990, 2030),
                   st.integers(1, 12), st.integers(1, 31))
_PHONES = st.builds(lambda a, n: f"电话：0{a}-{n}", st.integers(10, 999), st.integers(10**6, 10**8))
_POSTCODES = st.builds(lambda n: f"邮编：{n:06d}", st.integers(100000, 999999))
_DOCNUMS = st.builds(lambda y, n: f"北区教〔{y}〕{n}号", st.integers(1990, 2030),
                     st.integers(1, 300))
_LIMITS = st.builds(lambda n: f"{n}个工作日", st.integers(1, 60))


@settings(max_examples=300)
@given(_FILLER, st.one_of(_DATES, _PHONES, _POSTCODES, _DOCNUMS, _LIMITS),
       st.sampled_from(["", "条", "件", "次", "项", "元"]), _FILLER)
def test_non_counts_never_become_counts(before, thing, unit, after):
    text = before + thing + unit + after
    lo, hi = len(before), len(before) + len(thing)
    for count in find_counts(text):
        assert count.end <= lo or count.start >= hi, (text, count)


_ROW_LINES = {key: label for key, label in [
    ("requests_received", "一、本年新收政府信息公开申请数量"),
    ("requests_carried_over", "二、上年结转政府信息公开申请数量"),
    ("requests_granted", "（一）予以公开"),
    ("requests_total", "（七）总计"),
    ("requests_carried_forward", "四、结转下年度继续办理"),
]}


@settings(max_examples=150)
@given(st.fixed_dictionaries({key: st.lists(st.integers(0, 500), min_size=7, max_size=7)
                              for key in _ROW_LINES}))
def test_flags_never_change_values(rows):
    """Whatever the numbers, consistent or not, each figure is the 总计 cell as printed."""
    lines = ["申请人情况", "自然人", "法人或其他组织", "总计"]
    for key, label in _ROW_LINES.items():
        lines.append(label)
        lines.extend(str(v) for v in rows[key])
    text = "\n".join(lines)
    r = Report("t", "t.txt", None, None, None, None, None, Region(), text,
               [Section("requests", "", 0, len(text))])
    stats, flags = extract_stats(r)
    for key, cells in rows.items():
        assert stats[key].value == cells[-1]
    broken = {f.values.get("row") for f in flags if f.rule == "row_sum"}
    assert broken == {k for k, cells in rows.items() if sum(cells[:-1]) != cells[-1]}
    balance = [f for f in flags if f.rule == "balance"]
    v = {k: c[-1] for k, c in rows.items()}
    consistent = (v["requests_received"] + v["requests_carried_over"]
                  == v["requests_total"] + v["requests_carried_forward"])
    assert bool(balance) is not consistent
