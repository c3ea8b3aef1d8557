"""Report layouts from every province and kind of unit: synthetic fixtures, exact values.

Each fixture is a minimal text written for the rule it tests (not a copy of a real page); the
last tests check the real corpus reports the rules were made for.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
