"""Relevance: the report a person means comes first.

Floors on the real corpus (the evaluation set of bench/relevance_set/, measured by
bench/relevance.py), exact cases, query understanding (chips, years in every form), did-you-mean,
and on synthetic reports written here: the section weights, newest first on equal scores and
near-duplicates collapsed into one hit."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.search import SearchRequest
from indexer.search.understand import rewrite
from indexer.text.sketch import similarity, sketch

SET_DIR = Path(__file__).resolve().parent.parent / "bench" / "relevance_set"


def search(index, q: str, **kw):
    return index.search(SearchRequest(q=q, **kw))


def first(index, q: str) -> tuple[str, int]:
    hit = search(index, q)["hits"][0]
    return hit["agency"], hit["year"]


# --- floors on the real corpus -------------------------------------------------------------------

def known_items(kind: str) -> list[dict]:
    items = json.loads((SET_DIR / "known_items.json").read_text(encoding="utf-8"))
    return [i for i in items if i["kind"] == kind]


@pytest.mark.parametrize("kind", ["agency_year", "year_forms", "short_year", "title"])
def test_known_item_floor(index, kind):
    items = known_items(kind)
    assert len(items) >= 200
    ranks = []
    for item in items:
        ids = [h["report_id"] for h in search(index, item["q"], per_page=20)["hits"]]
        ranks.append(next((i + 1 for i, rid in enumerate(ids) if rid in item["relevant"]), None))
    top1 = sum(r == 1 for r in ranks) / len(ranks)
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    assert top1 >= 0.95 and mrr >= 0.97, (kind, top1, mrr)


def test_agency_and_year_finds_its_report_first(index):
    result = search(index, "莆田市民族与宗教事务局 2024年")
    assert result["total"] >= 1
    assert first(index, "莆田市民族与宗教事务局 2024年") == ("莆田市民族与宗教事务局", 2024)
    assert result["hits"][0]["title"] == "莆田市民族与宗教事务局2024年度政府信息公开工作年度报告"
    assert result["understood"] == {"agency": ["莆田市民族与宗教事务局"], "year": [2024]}


@pytest.mark.parametrize("year", ["2019", "2019年", "2019年度", "二〇一九年"])
def test_years_in_every_form_are_one_year(index, year):
    assert first(index, f"莆田市审计局 {year}") == ("莆田市审计局", 2019)
    assert first(index, f"莆田审计局 {year}") == ("莆田市审计局", 2019)


def test_chinese_numeral_years_are_written_in_digits():
    assert rewrite("二〇一九年 审计") == "2019年 审计"
    assert rewrite("二零二四年度") == "2024年度"
    assert rewrite("一二三") == "一二三"


def test_a_named_year_and_province_come_first_without_dropping_reports(index):
    result = search(index, "2019年 福建 依申请公开", per_page=1000)
    years = [h["year"] for h in result["hits"]]
    n2019 = years.count(2019)
    assert 0 < n2019 < len(years)                       # other years still found
    assert years[:n2019] == [2019] * n2019              # ... after the 2019 reports
    assert result["understood"] == {"year": [2019], "province": ["福建省"]}


def test_a_named_figure_ranks_the_reports_that_give_it_first(index):
    result = search(index, "国家秘密", per_page=1000)
    assert result["understood"] == {"figures": ["refused_state_secret"]}
    figures = [index.get_report(h["report_id"]).stats.get("refused_state_secret")
               for h in result["hits"]]
    gives = [bool(fig and fig.value > 0) for fig in figures]
    n = sum(gives)
    assert 0 < n < len(gives) and gives == [True] * n + [False] * (len(gives) - n)
    assert search(index, "公开")["understood"] == {}   # a word naming many figures names none
    assert search(index, "year:2016 -莆田市审计局 申请")["understood"] == {}   # fields, exclusions


def test_chips_offer_the_named_filters(index, client):
    chips = search(index, "莆田市审计局 2019")["chips"]
    # A chip alone is offered only when it narrows the hits and shows other reports than an
    # earlier chip: every hit here is the 审计局's, and 2019年 alone shows the same one report.
    assert chips == [{"label": "只看 莆田市审计局 · 2019年",
                      "filters": {"agency": ["莆田市审计局"], "year": [2019]}, "total": 1}]
    assert [(c["label"], c["total"]) for c in search(index, "2019年 福建 依申请公开")["chips"]] \
        == [("只看 2019年 · 福建省", 15)]
    assert [(c["label"], c["total"]) for c in search(index, "莆田市人民政府 2019年")["chips"]] \
        == [("只看 莆田市人民政府 · 2019年", 1), ("只看 莆田市人民政府", 2), ("只看 2019年", 12)]
    page = client.get("/search?q=莆田市审计局+2019").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" rel="nofollow" data-chip="只看 莆田市审计局 · 2019年"', page)
    assert "agency=" in link[1] and "year=2019" in link[1]
    data = client.get("/api/search?q=莆田市审计局+2019").get_json()
    assert [{k: v for k, v in c.items() if k != "url"} for c in data["chips"]] == chips
    assert data["chips"][0]["url"] == link[1].replace("&amp;", "&")
    # An applied filter is not offered again.
    assert all("agency" not in c["filters"]
               for c in search(index, "莆田市审计局 2019", filters={"agency": ["莆田市审计局"]})["chips"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_reports_title_and_agency_always_find_it(small_index, data):
    summaries = sorted(small_index.reports(), key=lambda r: r.report_id)
    report = data.draw(st.sampled_from(summaries))
    for q in (report.title, report.agency, f"{report.agency} {report.year}年"):
        ids = [h["report_id"] for h in search(small_index, q, per_page=100)["hits"]]
        assert report.report_id in ids, q


# --- did you mean ----------------------------------------------------------------------------------

def test_suggestions_from_the_index_vocabulary(index, client):
    typo = search(index, "莆田市审汁局")
    assert typo["total"] == 0
    assert typo["suggestions"][0]["q"] == "莆田市审计局"
    assert typo["suggestions"][0]["total"] == search(index, "莆田市审计局")["total"] == 19
    traditional = search(index, "莆田市審計局 2019")
    assert traditional["suggestions"][0]["q"] == "莆田市审计局 2019"
    rare = search(index, "审计 行政诉讼败诉")
    assert rare["total"] == 0
    assert {"q": "审计", "reason": "去掉“行政诉讼败诉”", "total": rare["suggestions"][-1]["total"]} \
        in rare["suggestions"]
    assert search(index, "申请")["suggestions"] == []
    page = client.get("/search?q=莆田市审汁局").get_data(as_text=True)
    assert 'data-suggestion="莆田市审计局"' in page


# --- section weights, newest first, near-duplicates: synthetic reports --------------------------

SECTIONS = ["一、总体情况", "二、主动公开政府信息情况", "三、依申请公开政府信息情况",
            "四、政府信息公开的收费及减免情况"]


def report_text(agency: str, year: int, preamble: str, requests: str, extra: str = "") -> str:
    body = [f"{agency}{year}年政府信息公开工作年度报告", "",
            f"本报告由{agency}编制，说明本年度政府信息公开工作情况。{preamble}", "",
            SECTIONS[0], f"{year}年，本机关认真落实政府信息公开工作要求。{extra}", "",
            SECTIONS[1], "全年主动公开政府信息一百二十条。", "",
            SECTIONS[2], f"全年办理政府信息公开申请若干件。{requests}", "",
            SECTIONS[3], "本年度未收取任何费用。", ""]
    return "\n".join(body)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from indexer.indexing import build_index
    from indexer.search import open_index

    root = tmp_path_factory.mktemp("synthetic")
    word = "水质监测年报。"
    files = {
        "a.txt": report_text("江城市水务局", 2019, "", word),
        "b.txt": report_text("河城市水务局", 2019, word, ""),
        "c.txt": report_text("湖城市林业局", 2020, "", "", "造林绿化工程。"),
        "d.txt": report_text("海城市林业局", 2018, "", "", "造林绿化工程。"),
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "copies").mkdir()
    shutil.copyfile(root / "a.txt", root / "copies" / "a-copy.txt")   # the same report crawled twice
    build_index([root], root / "ix")
    index = open_index(root / "ix")
    yield index
    index.close()


def test_a_hit_in_the_requests_section_beats_one_in_the_preamble(synthetic):
    hits = search(synthetic, "水质监测年报")["hits"]
    assert [h["agency"] for h in hits] == ["江城市水务局", "河城市水务局"]


def test_equal_scores_go_newest_first(synthetic):
    hits = search(synthetic, "造林绿化工程")["hits"]
    assert [(h["agency"], h["year"]) for h in hits] == [("湖城市林业局", 2020), ("海城市林业局", 2018)]
    assert hits[0]["score"] == hits[1]["score"]


def test_near_duplicates_are_one_hit_with_versions(synthetic, tmp_path):
    result = search(synthetic, "江城市水务局")
    assert result["total"] == 1
    hit = result["hits"][0]
    assert hit["source"] == "a.txt"
    assert [v["source"] for v in hit["versions"]] == ["copies/a-copy.txt"]
    assert result["facets"]["agency"] == [{"value": "江城市水务局", "count": 1}]
    everything = search(synthetic, "")
    assert everything["total"] == 4 and synthetic.size() == 5


def test_the_groups_are_written_when_a_run_publishes(synthetic):
    from indexer.text.near_duplicates import representatives

    columns = synthetic.backend.store.current().columns()
    shown_as = dict(zip(columns.source, columns.representative.tolist()))
    assert {s: columns.source[r] for s, r in shown_as.items() if r >= 0} == {
        "copies/a-copy.txt": "a.txt"}
    assert representatives(columns.edition_keys(), columns.source, columns.sketch,
                           columns.sketch_size).tolist() == columns.representative.tolist()


def test_the_page_shows_the_other_versions(synthetic):
    from webui import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(synthetic.backend.location)})
    app.extensions["gongkai_index"] = synthetic
    page = app.test_client().get("/search?q=江城市水务局").get_data(as_text=True)
    assert re.search(r'<p class="versions">另有 1 个版本：<a href="/reports/a-copy\?q=[^"]+">'
                     r'江城市水务局2019年政府信息公开工作年度报告</a></p>', page), page


def test_sketches_estimate_similarity():
    text = "本机关认真落实政府信息公开工作要求，全年主动公开政府信息一百二十条。" * 3
    assert similarity(sketch(text), sketch(text)) == 1.0
    assert similarity(sketch(text), sketch("完全不同的另一份报告，讲的是造林绿化工程和防汛抗旱。")) < 0.2
    assert sketch("") == [] and similarity([], sketch(text)) == 0.0


def test_an_agencys_newest_name_finds_its_reports_printed_under_older_names(index):
    """莆田市安监局 (2008-2015) became 莆田市应急管理局 in the 2018 reform: the new name and a year
    find the old report first, by the head document's other names (indexer.model.agencies)."""
    for year in (2010, 2016):
        hit = search(index, f"莆田市应急管理局 {year}年")["hits"][0]
        assert (hit["year"], hit["agency"]) == (year, {2010: "莆田市安监局",
                                                       2016: "莆田市安全生产监督管理局"}[year])
