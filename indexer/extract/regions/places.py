"""Place names in text, and the units a sequence of nested names can mean.

Names are matched leftmost-longest, full names before short forms. Matches must nest
(潮州市 + 湘桥区 -> 445102); a short form naming both a province and its city (吉林) means the city;
a historical code beside a current one of the same city and stem is the same place.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from indexer.extract.regions.divisions import name_index, stem, units


@dataclass
class PlaceMatch:
    """A place name found in text, and the codes it may mean."""

    text: str
    codes: frozenset[str]
    full: bool          # matched as a full name, not a short form


@lru_cache(maxsize=1)
def _lookup() -> tuple[dict[str, tuple[frozenset[str] | None, frozenset[str] | None]], dict[str, int]]:
    """(name -> (codes by full name, codes by short form), first character -> longest name)."""
    full, short = name_index()
    names = {name: (full.get(name), short.get(name)) for name in full.keys() | short.keys()}
    longest: dict[str, int] = {}
    for name in names:
        longest[name[0]] = max(longest.get(name[0], 0), len(name))
    return names, longest


def find_places(text: str, short_forms: bool = True) -> list[PlaceMatch]:
    """Place names in `text`, leftmost-longest, with the codes each may mean."""
    names, longest = _lookup()
    found: list[PlaceMatch] = []
    i = 0
    while i < len(text):
        best: PlaceMatch | None = None
        # Only sizes some name starting with this character has (the same answer, fewer lookups).
        for size in range(min(12, len(text) - i, longest.get(text[i], 0)), 1, -1):
            piece = text[i:i + size]
            codes = names.get(piece)
            if codes is None:
                continue
            if codes[0] is not None:
                best = PlaceMatch(piece, codes[0], True)
                break
            if short_forms:      # codes[1] is set: the piece is a short form only
                best = PlaceMatch(piece, codes[1], False)
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
        name = stem(table[code].name)
        if not any(c[:4] == code[:4] and stem(table[c].name) == name for c in current):
            keep.add(code)
    return keep


def candidates_from(matches: list[PlaceMatch]) -> set[str]:
    """The units a sequence of nested place names can mean."""
    if not matches:
        return set()
    depth = {"province": 0, "city": 1, "county": 2}
    table = units()

    def level(m: PlaceMatch) -> int:
        return max(depth[table[c].level] for c in m.codes)

    ordered = sorted(matches, key=level, reverse=True)
    chosen = _deepest(ordered[0].codes)
    for other in ordered[1:]:
        narrowed = {c for c in chosen if any(_nested(c, o) for o in other.codes)}
        if narrowed:     # a name that does not nest (a stray short form) is ignored
            chosen = narrowed
    return _prefer_current(chosen)
