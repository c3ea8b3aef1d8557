"""One agency across its names: normalisation, the lineage table, and what the index, the pages
and the command line make of it (indexer/model/agencies.py)."""

from __future__ import annotations

from urllib.parse import quote

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.cli import main
from indexer.model.agencies import (ABBREVIATIONS, agency_key, expand, full_name, group_agencies,
                                    lineage, split_place)
from indexer.search import SearchRequest

PUTIAN = {"province": "福建省", "city": "莆田市", "county": None}
XIANYOU = {"province": "福建省", "city": "莆田市", "county": "仙游县"}
SANMING = {"province": "福建省", "city": "三明市", "county": None}
NINGBO_JIANGBEI = {"province": "浙江省", "city": "宁波市", "county": "江北区"}
CHONGQING_JIANGBEI = {"province": "重庆市", "city": "重庆市", "county": "江北区"}


# --- normalisation, pure ------------------------------------------------------------------------

def test_abbreviations_are_written_out():
    assert expand("科技局") == "科学技术局"
    assert expand("人社局") == "人力资源和社会保障局"
    assert expand("发改委") == "发展和改革委员会"
    assert expand("市场监管局") == "市场监督管理局"
    assert expand("住建局") == "住房和城乡建设局"
    assert expand("卫健委") == "卫生健康委员会"
    assert expand("政府办") == "人民政府办公室"
    assert expand("外事办") == "外事办公室"
    assert expand("自然资源和规划局") == "自然资源和规划局"


def test_place_prefix_is_the_regions_own_name_full_or_short():
    assert split_place("莆田市科技局", PUTIAN) == ("莆田市", "科技局")
    assert split_place("莆田科技局", PUTIAN) == ("莆田", "科技局")
    assert split_place("科技局", PUTIAN) == ("", "科技局")
    assert split_place("福建省莆田市仙游县教育局", XIANYOU) == ("福建省莆田市仙游县", "教育局")
    # Not the region's name: stays in the department (a zone, or a region resolved wrongly).
    assert split_place("吉林经开区教育局", {"province": "吉林省", "city": "吉林市"}) == ("吉林", "经开区教育局")
    assert split_place("三明市教育局", PUTIAN) == ("", "三明市教育局")


def test_renames_follow_the_lineage_table_and_each_row_has_a_source():
    assert full_name("莆田市安监局", PUTIAN) == "莆田市应急管理局"
    assert full_name("莆田市安全生产监督管理局", PUTIAN) == "莆田市应急管理局"
    assert full_name("莆田市城市管理执法局", PUTIAN) == "莆田市城市管理局"
    assert full_name("三明市卫计委", SANMING) == "三明市卫生健康委员会"
    assert full_name("三明市国土资源局", SANMING) == "三明市自然资源局"
    # A rename recorded for 莆田 only does not apply elsewhere; a merger is no rename.
    assert full_name("三明市城市管理执法局", SANMING) == "三明市城市管理执法局"
    assert full_name("莆田市文化广电新闻出版局", PUTIAN) == "莆田市文化广电新闻出版局"
    rows = lineage()
    assert len(rows) == 12
    assert all(r.source.startswith(("national:", "corpus:")) and r.kind in ("renamed", "merged")
               for r in rows)


def test_one_name_in_two_cities_is_two_agencies():
    assert agency_key("莆田市教育局", PUTIAN) != agency_key("三明市教育局", SANMING)
    assert agency_key("教育局", PUTIAN) != agency_key("教育局", SANMING)
    # Synthetic: the same printed name in two regions (江北区 of 宁波 and of 重庆).
    agency_of, agencies = group_agencies([("a", "江北区教育局", 2016, NINGBO_JIANGBEI),
                                          ("b", "江北区教育局", 2017, CHONGQING_JIANGBEI)])
    assert agency_of == {"a": "江北区教育局（浙江省宁波市江北区）",
                         "b": "江北区教育局（重庆市江北区）"}
    assert set(agencies) == set(agency_of.values())


def test_county_and_city_of_one_department_stay_apart():
    assert agency_key("仙游县教育局", XIANYOU) != agency_key("莆田市教育局", PUTIAN)
    # Also when the county was not resolved: its name stays in the department.
    assert agency_key("仙游县教育局", PUTIAN) != agency_key("莆田市教育局", PUTIAN)
    agency_of, _ = group_agencies([("c", "莆田市科技局", 2015, PUTIAN),
                                   ("x", "仙游县科技局", 2015, XIANYOU),
                                   ("d", "莆田市科学技术局", 2021, PUTIAN)])
    assert agency_of == {"c": "莆田市科学技术局", "d": "莆田市科学技术局", "x": "仙游县科学技术局"}


def test_display_name_is_the_newest_full_name_with_every_name_it_appeared_under():
    _, agencies = group_agencies([("1", "莆田市安监局", 2009, PUTIAN),
                                  ("2", "安全生产监督管理局", 2016, PUTIAN),
                                  ("3", "莆田市应急管理局", 2019, PUTIAN),
                                  ("4", "莆田市安监局", 2010, PUTIAN)])
    (agency,) = agencies.values()
    assert agency.name == "莆田市应急管理局"
    assert agency.names == [
        {"name": "莆田市安监局", "first": 2009, "last": 2010, "reports": 2},
        {"name": "安全生产监督管理局", "first": 2016, "last": 2016, "reports": 1},
        {"name": "莆田市应急管理局", "first": 2019, "last": 2019, "reports": 1}]
    assert agency.other_names == ["莆田市安监局", "安全生产监督管理局"]
    assert sorted(agency.reports) == ["1", "2", "3", "4"]


# --- properties ----------------------------------------------------------------------------------

PLACES = [("福建省", "莆田市", None), ("福建省", "莆田市", "仙游县"), ("福建省", "三明市", None),
          ("浙江省", "宁波市", "江北区"), ("重庆市", "重庆市", "江北区"), ("吉林省", "吉林市", None),
          (None, None, None)]
DEPARTMENTS = ([short for short, _ in ABBREVIATIONS] + [full for _, full in ABBREVIATIONS]
               + [r.old for r in lineage()] + [r.new for r in lineage()]
               + ["教育局", "人民政府", "政府", "外事办", "统计局", "经开区教育局", "综合实验区"])
HAN = st.text(st.sampled_from("莆田三明江北仙游科技安监城市管理教育人民政府平潭宁波吉林市县区省"),
              min_size=1, max_size=3)


@st.composite
def made_up_place(draw):
    """A region of made-up division names (including names that look like departments)."""
    province = draw(HAN) + "省"
    city = draw(HAN) + "市"
    county = draw(st.one_of(st.none(), HAN.map(lambda n: n + draw(st.sampled_from("县区")))))
    return province, city, county


regions = st.one_of(st.sampled_from(PLACES), made_up_place()).map(
    lambda p: {"province": p[0], "city": p[1], "county": p[2]})


@st.composite
def printed(draw, region):
    """A printed agency name of `region`: some of its place names (full or short), a department."""
    units = [u for u in (region["province"], region["city"], region["county"]) if u]
    prefix = "".join(u if draw(st.booleans()) else u[:-1] for u in units if draw(st.booleans()))
    return prefix + draw(st.one_of(st.sampled_from(DEPARTMENTS), HAN.map(lambda n: n + "局")))


@settings(max_examples=300, deadline=None)
@given(st.data(), regions)
def test_normalisation_is_idempotent(data, region):
    name = data.draw(printed(region))
    full = full_name(name, region)
    assert full_name(full, region) == full
    assert agency_key(full, region) == agency_key(name, region)
    department = split_place(name, region)[1]
    assert expand(expand(department)) == expand(department)


@settings(max_examples=300, deadline=None)
@given(st.data(), regions, regions)
def test_names_of_two_regions_never_merge(data, one, other):
    first, second = data.draw(printed(one)), data.draw(printed(other))
    agency_of, _ = group_agencies([("a", first, 2016, one), ("b", second, 2020, other)])
    if one != other:
        assert agency_key(first, one) != agency_key(second, other)
        assert agency_of["a"] != agency_of["b"]


# --- the real corpus ---------------------------------------------------------------------------

MERGES = {   # canonical agency -> {printed name: reports}, on corpus/
    "莆田市科学技术局": {"莆田市科技局": 12, "莆田市科学技术局": 5},
    "莆田市应急管理局": {"莆田市安监局": 8, "莆田市安全生产监督管理局": 2, "莆田市应急管理局": 8},
    "莆田市城市管理局": {"莆田市城市管理执法局": 4, "莆田市城市管理行政执法局": 7, "莆田市城市管理局": 7},
    "莆田市旅游发展委员会": {"莆田市旅游局": 10, "莆田市旅发委": 1},
}


def test_every_merge_on_the_corpus_index(index):
    agencies = index.agencies()
    assert len(agencies) == 24   # 30 printed names
    merged = {a.name: {n["name"]: n["reports"] for n in a.names}
              for a in agencies.values() if a.other_names}
    assert merged == MERGES
    counts = {f["value"]: f["count"] for f in index.facets()["agency"]}
    assert len(counts) == 24
    assert {name: counts[name] for name in MERGES} == {
        "莆田市科学技术局": 17, "莆田市应急管理局": 18, "莆田市城市管理局": 18, "莆田市旅游发展委员会": 11}
    # Merged into a new body with another one: a successor, not the same agency.
    assert (counts["莆田市文化和旅游局"], counts["莆田市文化广电新闻出版局"]) == (7, 11)
    assert (counts["莆田市人民政府"], counts["莆田市人民政府办公室"]) == (12, 1)
    assert (counts["平潭县人民政府"], counts["平潭综合实验区"]) == (3, 15)


def test_a_filter_by_any_name_selects_the_whole_agency(index):
    for q in ("agency:科技局", "agency:莆田市科技局", "agency:科学技术局", "agency:莆田科技局"):
        result = index.search(SearchRequest(q=q))
        assert result["total"] == 17, q
        assert result["facets"]["agency"] == [{"value": "莆田市科学技术局", "count": 17}]
    for name in ("莆田市安监局", "莆田市安全生产监督管理局", "莆田市应急管理局"):
        assert index.search(SearchRequest(q="", filters={"agency": [name]}))["total"] == 18
    assert index.search(SearchRequest(q="agency:城市管理执法"))["total"] == 18
    rows, _counts = index.select({"agency": ["莆田市旅发委"]})
    assert len(rows) == 11


def test_agency_pages_show_one_agency_with_its_names(client):
    html = client.get("/agencies").get_data(as_text=True)
    assert html.count('href="/agencies/') == 24
    assert ('<a href="/agencies/' + quote("莆田市应急管理局") + '">莆田市应急管理局</a>'
            '<span class="agency-names">曾用名/又称：莆田市安监局（2008–2015年，8 份）、'
            '莆田市安全生产监督管理局（2016–2017年，2 份）</span>') in html
    old = client.get("/agencies/" + quote("莆田市科技局"))
    assert (old.status_code, old.headers["Location"]) == (302, "/agencies/" + quote("莆田市科学技术局"))
    page = client.get("/agencies/" + quote("莆田市科学技术局")).get_data(as_text=True)
    assert "17 份报告" in page and "曾用名/又称：莆田市科技局（2009–2020年，12 份）" in page
    assert page.count("（署名：莆田市科技局）") == 12
    assert client.get("/reports/putian-1082203").get_data(as_text=True).count(
        "（统一名称：莆田市科学技术局）") == 1


def test_stats_chart_draws_one_line_for_a_renamed_agency(client):
    html = client.get("/stats?agency=" + quote("莆田市安监局") + "&chart=requests_received"
                      ).get_data(as_text=True)
    assert html.count('<g class="series"') == 1
    assert 'data-agency="莆田市应急管理局"' in html
    assert html.count('<tr data-report="') == 18


def test_inspect_shows_printed_and_canonical_agency(corpus_dir):
    result = CliRunner().invoke(main, ["inspect", str(corpus_dir / "putian/putian-1434383.txt")])
    assert "agency   莆田市安监局\n         canonical: 莆田市应急管理局\n" in result.output


def test_a_body_formed_from_several_is_a_successor_not_the_same_agency(client):
    _, agencies = group_agencies([("w", "莆田市文化广电新闻出版局", 2018, PUTIAN),
                                  ("t", "莆田市旅发委", 2018, PUTIAN),
                                  ("n", "莆田市文化和旅游局", 2019, PUTIAN),
                                  ("s", "三明市文化广电新闻出版局", 2018, SANMING)])
    assert len(agencies) == 4
    assert agencies["莆田市文化和旅游局"].formed_from == [
        {"name": "莆田市文化广电新闻出版局", "year": 2019}, {"name": "莆田市旅游发展委员会", "year": 2019}]
    assert agencies["三明市文化广电新闻出版局"].merged_into == []   # no successor in its region
    page = client.get("/agencies/" + quote("莆田市文化广电新闻出版局")).get_data(as_text=True)
    assert ("2019年机构改革中与其他机关合并组建：<a href=\"/agencies/" + quote("莆田市文化和旅游局")
            + "\">莆田市文化和旅游局</a>") in page
