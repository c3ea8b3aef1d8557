"""Townships (镇, 乡, 街道) are below the GB/T 2260 divisions: they resolve to the county around them.

A township's agency ("黄石镇人民政府", "龙桥街道办事处") names a unit the division tables do not
hold, and its own name may look like a division (黄石镇 is not 黄石市). So the township's name is
never matched as a place: the places are read in what the agency prints before it
("荔城区黄石镇人民政府" -> 荔城区), else in the text where the township is named with its county
("地址：微山县两城镇…", "莆田市荔城区黄石镇位于…").
"""

from __future__ import annotations

import re

from indexer.extract.regions.places import PlaceMatch, candidates_from, find_places

_TOWNSHIP = re.compile(r"(?P<name>[\u4e00-\u9fff]{1,8}?(?:镇|乡|街道))(?:人民政府|政府|办事处|街道办事处|党政办公室"
                       r"|办公室|人民政府办公室)?$")
_PLACE_SUFFIX = re.compile(r"(?:省|自治区|市|州|盟|县|旗|区)")
_BEFORE = 12        # characters before a township's name where its county is printed


def township_of(agency: str) -> tuple[str, str] | None:
    """(what the agency prints before the township, the township's name) or None."""
    match = _TOWNSHIP.search(agency)
    if not match:
        return None
    name = match.group("name")
    # The name runs from the last division suffix before it: "荔城区" + "黄石镇".
    cut = 0
    for suffix in _PLACE_SUFFIX.finditer(agency, 0, match.end("name") - 1):
        cut = suffix.end()
    prefix, name = agency[:max(cut, match.start())], agency[max(cut, match.start()):match.end("name")]
    if len(name) < 2:
        return None
    return prefix, name


def township_places(agency: str, body: str) -> tuple[list[PlaceMatch], str, str] | None:
    """(place matches, a note saying where they were found, the township's name) for a township's
    agency, or None when the agency is not a township's (the caller reads it as usual)."""
    found = township_of(agency)
    if found is None:
        return None
    prefix, name = found
    matches = find_places(prefix) if prefix else []
    if candidates_from(matches):
        return matches, f"township {name} in {prefix}", name
    for occurrence in re.finditer(re.escape(name), body):
        matches = _places_just_before(body, occurrence.start())
        if candidates_from(matches):
            names = "".join(m.text for m in matches)
            return matches, f"township {name} named with {names}", name
    return [], f"township {name}: no county named with it", name


def _places_just_before(body: str, end: int) -> list[PlaceMatch]:
    """The longest run of full place names that ends right before `end` ("莆田市荔城区" before
    黄石镇; not a place further back in the sentence)."""
    for start in range(max(0, end - _BEFORE), end):
        piece = body[start:end]
        matches = find_places(piece, short_forms=False)
        if matches and "".join(m.text for m in matches) == piece:
            return matches
    return []
