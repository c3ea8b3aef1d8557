"""Query understanding: the agency, region and year a query names, read against the index's own
values, to rank those reports first and to offer the matching filters as one-click chips.

    莆田市教育局 2019            agency 莆田市教育局 (its full name in the query), year 2019
    莆田教育局 2019年度           the same (the agency's key: its name without 省/市/县/区)
    2019年 福建 依申请公开        year 2019, province 福建省 (a region by its name or short form)
    教育局 二〇一九年             agencies whose name holds 教育局, year 2019 (Chinese numerals)

A word that names a report figure (不予公开, 国家秘密, 重复申请, 收费: the specific part of the
figure's label) counts for the reports giving that figure as more than zero.

Nothing is filtered: understanding only orders the matching reports (those meeting more of what
the query names first) and proposes chips; the query's words still have to match as typed.
Years written 2019 / 2019年 / 2019年度 / 二〇一九年 are one year (`rewrite` turns Chinese numerals
into digits before parsing; every report's head document holds 2019年 and 2019年度).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from indexer.model.vocabulary import FIGURE_LABELS
from indexer.search.view import IndexView
from indexer.text.normalize import fold

_DIGITS = {"〇": "0", "零": "0", "○": "0", "一": "1", "二": "2", "三": "3", "四": "4",
           "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CHINESE_YEAR = re.compile(r"([〇零○一二三四五六七八九]{4})(?=年)")
_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})(?![\d.%])")
_KEY_DROP = re.compile(r"[省市县区\s]")
_REGION_SUFFIX = re.compile(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$")
MAX_FIGURES = 2       # a word naming more figures than this (公开, 申请) names none
_FIGURE_PARTS = {key: re.sub(r"（.*?）|总计$", "", label.split("：")[-1])
                 for key, label in FIGURE_LABELS.items()}
MIN_PART = 3          # a query word this long may name part of an agency name (教育局)
MAX_SHARE = 0.5       # ... unless it is in more than this share of the agency names


@dataclass
class Intent:
    """What a query names: agencies, years, provinces and cities known to the index."""

    agencies: set[str] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    provinces: set[str] = field(default_factory=set)
    cities: set[str] = field(default_factory=set)
    figures: set[str] = field(default_factory=set)   # figure keys whose label a word names

    def named(self) -> list[tuple[str, set]]:
        """(facet, values) of each thing named, in facet order."""
        parts = [("agency", self.agencies), ("year", self.years),
                 ("province", self.provinces), ("city", self.cities)]
        return [(name, values) for name, values in parts if values]

    def to_dict(self) -> dict[str, list]:
        named = {name: sorted(values) for name, values in self.named()}
        return {**named, "figures": sorted(self.figures)} if self.figures else named


def rewrite(query: str) -> str:
    """A year in Chinese numerals (二〇一九年) written in digits (2019年)."""
    return _CHINESE_YEAR.sub(lambda m: "".join(_DIGITS[c] for c in m.group(1)), query)


def agency_key(name: str) -> str:
    """An agency name without 省/市/县/区 and spaces: 莆田市教育局 and 莆田教育局 share one."""
    return _KEY_DROP.sub("", fold(name))


def plain_words(query: str) -> list[str]:
    """The plain words of a query: not fields, not excluded, quotes and brackets removed."""
    out = []
    for token in query.split():
        token = fold(token).strip('"()（）')
        if token and not token.startswith("-") and ":" not in token and token not in ("OR", "NOT"):
            out.append(token)
    return out


def _regions(view: IndexView, words: list[str], intent: Intent) -> None:
    for name, found in (("province", intent.provinces), ("city", intent.cities)):
        for value in view.known[name]:
            short = _REGION_SUFFIX.sub("", value)
            if any(w == value or (len(short) >= 2 and w == short) for w in words):
                found.add(value)


def _agencies(view: IndexView, query: str, words: list[str]) -> set[str]:
    """Agencies whose name (or key) the query holds; else those holding a query word."""
    keys, folded = agency_key(query), fold(query)
    names = agency_names(view)
    whole = {a for a, name, key in names
             if name in folded or len(key) > MIN_PART and key in keys}
    # A shorter agency name inside a longer one found (三明市 in 三明市人民政府) is not meant.
    whole = {a for a in whole if not any(a != b and a in b for b in whole)}
    if whole:
        return whole
    parts: set[str] = set()
    regions = {_REGION_SUFFIX.sub("", v) for n in ("province", "city") for v in view.known[n]}
    for word in words:
        if len(word) < MIN_PART or word in regions or _YEAR.fullmatch(word.rstrip("年度")):
            continue
        holding = {a for a, name, _key in names if word in name}
        if holding and len(holding) <= MAX_SHARE * len(names):
            parts |= holding
    return parts


def agency_names(view: IndexView) -> list[tuple[str, str, str]]:
    """(agency, folded name, key) of every agency (computed once per view, kept on it)."""
    names = view.__dict__.get("_agency_names")
    if names is None:
        names = [(a, fold(a), agency_key(a)) for a in sorted(view.known["agency"])]
        view.__dict__["_agency_names"] = names
    return names


def understand(view: IndexView, query: str) -> Intent:
    """What a (rewritten) query names, among the values the index holds."""
    intent = Intent()
    if not query.strip():
        return intent
    words = plain_words(query)   # not fields (year:2016), not excluded words (-三明市)
    plain = " ".join(words)
    known_years = view.code_of["year"]
    intent.years = {int(y) for y in _YEAR.findall(plain) if int(y) in known_years}
    _regions(view, words, intent)
    intent.agencies = _agencies(view, plain, words)
    intent.figures = _figures(words)
    return intent


def _figures(words: list[str]) -> set[str]:
    """Figures a query word names (不予公开, 国家秘密, 重复申请, 收费): a word within the specific
    part of a figure's label (after "："), or holding it, naming at most MAX_FIGURES figures."""
    found: set[str] = set()
    for word in words:
        if len(word) < 2:
            continue
        keys = {key for key, part in _FIGURE_PARTS.items()
                if word in part or len(part) >= 4 and part in word}
        if len(keys) <= MAX_FIGURES:
            found |= keys
    return found


def tiers(view: IndexView, intent: Intent, hits: np.ndarray) -> list[np.ndarray]:
    """The hits (a report mask) grouped by how many of the named things they have, most first
    (one group, all hits, when the query names nothing)."""
    named = intent.named()
    if not named and not intent.figures:
        return [hits]
    met = np.zeros(len(hits), dtype=np.int32)
    for name, values in named:
        met += view.reports_with(name, values)
    if intent.figures:   # the reports that give one of the named figures as more than zero
        gives = np.zeros(len(hits), dtype=bool)
        for key in intent.figures:
            column = view.columns.figures.get(key)
            if column is not None:
                gives |= column > 0
        met += gives
    met[~hits] = -1
    return [hits & (met == n) for n in np.unique(met[hits])[::-1].tolist()]


def chips(view: IndexView, intent: Intent, hits: np.ndarray,
          filters: dict[str, Any]) -> list[dict[str, Any]]:
    """One-click filters for what the query names (one agency, one year, one region at most),
    unless already filtered: the combined chip first, then each alone; each with its count. A
    chip is offered when it narrows the hits and shows other reports than an earlier chip."""
    parts = [(name, next(iter(values))) for name, values in intent.named()
             if len(values) == 1 and name not in filters]
    if not parts:
        return []
    options = [parts] + ([[p] for p in parts] if len(parts) > 1 else [])
    out: list[dict[str, Any]] = []
    shown: list[np.ndarray] = []
    total = int(hits.sum())
    for option in options:
        reports = hits
        for name, value in option:
            reports = reports & view.reports_with(name, [value])
        found = int(reports.sum())
        if 0 < found < total and not any(np.array_equal(reports, s) for s in shown):
            shown.append(reports)
            label = " · ".join(f"{v}年" if n == "year" else str(v) for n, v in option)
            out.append({"label": f"只看 {label}", "filters": {n: [v] for n, v in option},
                        "total": found})
    return out
