"""One agency across its names: which printed agency names are the same body.

A report prints its agency as the title or signature has it: 莆田市科技局 one year, 莆田市科学技术局
the next, 科技局 under a 莆田 region, 莆田市安监局 before the 2018 reform and 莆田市应急管理局 after.
The canonical agency of a report is a pure function of its printed name and its region:

    name ──squeeze──▶ 莆田市安监局 ──split_place(region)──▶ 莆田市 | 安监局
         ──expand──▶ 安全生产监督管理局 ──successions (renamed rows)──▶ 应急管理局
    key = (province, city, county, 应急管理局)      full name = 莆田市 + 应急管理局

The key holds the report's region, so names from two regions never share an agency; the place
prefix is removed only where it is that region's own name (full or short), so 仙游县教育局 under
a 莆田 region keeps its 仙游县 and stays apart from 莆田市教育局. Abbreviations are written out
(`ABBREVIATIONS`), then renames are followed through the lineage table
(`indexer/data/agency_lineage.tsv`, each row with its source; only `renamed` rows make one agency,
`merged` rows name a successor formed from several bodies). `group_agencies` gathers the reports
of an index by key: each agency's display name is the full name of its newest report, with the
names it appeared under.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

# Standard short forms of department names (short suffix -> full suffix). Longest first.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("人社局", "人力资源和社会保障局"), ("发改委", "发展和改革委员会"),
    ("发改局", "发展和改革局"), ("市场监管局", "市场监督管理局"), ("住建局", "住房和城乡建设局"),
    ("卫健委", "卫生健康委员会"), ("卫健局", "卫生健康局"), ("卫计委", "卫生和计划生育委员会"),
    ("安监局", "安全生产监督管理局"), ("环保局", "环境保护局"), ("国土局", "国土资源局"),
    ("资规局", "自然资源和规划局"), ("旅发委", "旅游发展委员会"), ("文广新局", "文化广电新闻出版局"),
    ("文旅局", "文化和旅游局"), ("城管局", "城市管理局"), ("应急局", "应急管理局"),
    ("医保局", "医疗保障局"), ("教体局", "教育和体育局"), ("科技局", "科学技术局"),
    ("科协", "科学技术协会"), ("生态局", "生态环境局"),
)
_SHORT_FIRST = tuple(sorted(ABBREVIATIONS, key=lambda pair: -len(pair[0])))
# Suffixes of division names; a name without one of these is its own short form.
_DIVISION_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州",
                      "自治县", "地区", "省", "市", "县", "区", "盟", "旗")

AgencyKey = tuple[Any, Any, Any, str]


@dataclass(frozen=True)
class Succession:
    """One row of the lineage table."""

    region: str     # "*" or the lowest unit of a report's region
    old: str
    new: str
    year: int
    kind: str       # renamed (one agency) | merged (a successor of several)
    source: str


@lru_cache(maxsize=1)
def lineage() -> tuple[Succession, ...]:
    """The rows of indexer/data/agency_lineage.tsv."""
    text = resources.files("indexer").joinpath("data/agency_lineage.tsv").read_text("utf-8")
    rows = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            region, old, new, year, kind, source = line.split("\t")
            rows.append(Succession(region, old, new, int(year), kind, source))
    return tuple(rows)


def squeeze(name: str) -> str:
    """The name without the spaces printed inside it (柳  州  市  教  育  局)."""
    return "".join(name.split())


def _units(region: Mapping[str, Any]) -> list[str]:
    return [u for u in (region.get("province"), region.get("city"), region.get("county")) if u]


def short_form(unit: str) -> str:
    """A division's name without its suffix (莆田市 -> 莆田), when two characters remain."""
    for suffix in _DIVISION_SUFFIXES:
        if unit.endswith(suffix) and len(unit) - len(suffix) >= 2:
            return unit[: -len(suffix)]
    return unit


def split_place(name: str, region: Mapping[str, Any]) -> tuple[str, str]:
    """(place prefix, department): the prefix is the region's own names (full or short, province
    then city then county) at the start of the name; anything else stays in the department."""
    rest = squeeze(name)
    for unit in _units(region):
        for form in (unit, short_form(unit)):
            if rest.startswith(form) and len(rest) > len(form):
                rest = rest[len(form):]
                break
    return squeeze(name)[: len(squeeze(name)) - len(rest)], rest


def expand(department: str) -> str:
    """The department with its standard abbreviation written out (科技局 -> 科学技术局)."""
    for short, full in _SHORT_FIRST:
        if department.endswith(short):
            department = department[: -len(short)] + full
            break
    else:
        if department.endswith("办"):
            department += "公室"
    if department.startswith("政府"):
        department = "人民" + department
    return department


def _lowest(region: Mapping[str, Any]) -> str | None:
    units = _units(region)
    return units[-1] if units else None


def successions(department: str, region: Mapping[str, Any]) -> list[str]:
    """The department's names from the expanded one to its newest, following `renamed` rows (a
    row for the region's own lowest unit before a row for everywhere)."""
    lowest = _lowest(region)
    chain = [expand(department)]
    while True:
        rows = [r for r in lineage() if r.kind == "renamed" and r.old == chain[-1]
                and r.region in (lowest, "*")]
        rows.sort(key=lambda r: r.region == "*")
        if not rows or rows[0].new in chain:
            return chain
        chain.append(rows[0].new)


@lru_cache(maxsize=65536)
def _normalised(name: str, province: Any, city: Any, county: Any) -> tuple[str, tuple[str, ...]]:
    """(place prefix, the department's names oldest to newest): computed once per name and region."""
    region = {"province": province, "city": city, "county": county}
    place, department = split_place(name, region)
    return place, tuple(successions(department, region))


def _of(name: str, region: Mapping[str, Any]) -> tuple[str, tuple[str, ...]]:
    return _normalised(name, region.get("province"), region.get("city"), region.get("county"))


def agency_key(name: str, region: Mapping[str, Any]) -> AgencyKey:
    """What makes two printed names one agency: the region and the newest full department."""
    return (region.get("province"), region.get("city"), region.get("county"), _of(name, region)[1][-1])


def full_name(name: str, region: Mapping[str, Any]) -> str:
    """The printed place prefix with the newest full department name (莆田市安监局 -> 莆田市应急管理局)."""
    place, chain = _of(name, region)
    return place + chain[-1]


def aliases(name: str, region: Mapping[str, Any]) -> set[str]:
    """Every name a filter may use for this printed name: as printed, and with the department
    written out and renamed at each step."""
    place, chain = _of(name, region)
    return {squeeze(name)} | {place + d for d in chain}


@dataclass
class Agency:
    """One agency of an index: its display name, the names it appeared under, its reports."""

    name: str                        # the full name of its newest report (region added on a clash)
    key: AgencyKey
    region: dict[str, Any]
    names: list[dict[str, Any]] = field(default_factory=list)  # {name, first, last, reports}, oldest first
    reports: list[str] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)
    merged_into: list[dict[str, Any]] = field(default_factory=list)  # {name, year}: `merged` rows
    formed_from: list[dict[str, Any]] = field(default_factory=list)  # the other side of those

    @property
    def other_names(self) -> list[str]:
        """The printed names other than the display name (曾用名/又称)."""
        return [n["name"] for n in self.names if n["name"] != self.name]


def group_agencies(rows: Iterable[tuple[str, str | None, int | None, Mapping[str, Any]]]
                   ) -> tuple[dict[str, str | None], dict[str, Agency]]:
    """Reports `(report_id, printed agency, year, region)` gathered by agency: the display name
    of each report's agency (None without an agency), and the agencies by display name."""
    # Reports by printed name and region first: each distinct pair is normalised once.
    spelled: dict[tuple[str, Any, Any, Any], list[tuple[int, str]]] = {}
    plain: dict[str, str | None] = {}
    for rid, printed, year, region in rows:
        if not printed:
            plain[rid] = None
            continue
        place = (squeeze(printed), region.get("province"), region.get("city"), region.get("county"))
        spelled.setdefault(place, []).append((year if year is not None else -1, rid))
    members: dict[AgencyKey, list[tuple[tuple[str, Any, Any, Any], list[tuple[int, str]]]]] = {}
    for place, reports in spelled.items():
        region = {"province": place[1], "city": place[2], "county": place[3]}
        members.setdefault(agency_key(place[0], region), []).append((place, reports))
    groups = {key: _agency(key, group) for key, group in members.items()}
    clashes: dict[str, int] = {}
    for agency in groups.values():
        clashes[agency.name] = clashes.get(agency.name, 0) + 1
    for agency in groups.values():
        if clashes[agency.name] > 1:
            agency.name += "（" + "".join(dict.fromkeys(_units(agency.region))) + "）"
            agency.aliases.add(agency.name)
    _link_mergers(groups)
    agency_of = dict(plain)
    for agency in groups.values():
        agency_of.update(dict.fromkeys(agency.reports, agency.name))
    return agency_of, {a.name: a for a in groups.values()}


def _link_mergers(groups: dict[AgencyKey, Agency]) -> None:
    """Successors formed from several bodies (`merged` rows) between agencies of one region."""
    for key, agency in groups.items():
        region, department = agency.region, key[3]
        for row in lineage():
            if row.kind != "merged" or row.old != department or row.region not in (_lowest(region), "*"):
                continue
            successor = groups.get(key[:3] + (successions(row.new, region)[-1],))
            if successor is not None and successor is not agency:
                agency.merged_into.append({"name": successor.name, "year": row.year})
                successor.formed_from.append({"name": agency.name, "year": row.year})
    for agency in groups.values():
        agency.formed_from.sort(key=lambda m: (m["year"], m["name"]))


def _agency(key: AgencyKey, group: list[tuple[tuple[str, Any, Any, Any], list[tuple[int, str]]]]
            ) -> Agency:
    """An agency from its spellings: (printed name and region, its reports as (year, id))."""
    region = {"province": key[0], "city": key[1], "county": key[2]}
    agency = Agency(name="", key=key, region=region)
    by_name: dict[str, dict[str, Any]] = {}
    newest: tuple[int, str] = (-2, "")
    for (printed, *_units_), reports in group:
        years = [y for y, _rid in reports if y >= 0]
        entry = by_name.setdefault(printed, {"name": printed, "first": None, "last": None,
                                             "reports": 0})
        if years:
            entry["first"] = min(years + ([entry["first"]] if entry["first"] is not None else []))
            entry["last"] = max(years + ([entry["last"]] if entry["last"] is not None else []))
        entry["reports"] += len(reports)
        agency.reports.extend(rid for _y, rid in sorted(reports))
        agency.aliases |= aliases(printed, region)
        newest = max(newest, (max(y for y, _rid in reports), printed))
    agency.name = full_name(newest[1], region)
    agency.names = sorted(by_name.values(), key=lambda n: (n["first"] is None, n["first"] or 0,
                                                           n["name"]))
    agency.aliases.add(agency.name)
    return agency
