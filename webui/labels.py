"""Chinese labels for what the library gives as codes: section slugs, facet names, dates."""

from __future__ import annotations

import re

from indexer.model.vocabulary import FACET_LABELS, FACETS, FIGURE_LABELS, SECTION_LABELS

__all__ = ["FACET_LABELS", "FACETS", "SECTION_LABELS"]

SORT_LABELS: dict[str, str] = {"relevance": "相关度", "newest": "最新在前", "oldest": "最早在前"}
# The heading of an error on the search page, by the error's code (else: the query is wrong).
ERROR_HEADINGS: dict[str, str] = {
    "unknown_value": "筛选条件有误", "unknown_section": "筛选条件有误",
    "unknown_filter": "筛选条件有误", "bad_year": "年度范围有误", "bad_page": "请求有误",
    "bad_per_page": "请求有误", "bad_sort": "请求有误", "too_costly": "检索太大",
    "unavailable": "暂时无法检索"}

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def section_label(slug: str | None) -> str:
    """The Chinese label of a section slug (the slug itself when unknown)."""
    return SECTION_LABELS.get(slug or "", slug or "")


def value_label(facet: str, value) -> str:
    """How a facet value reads on the page."""
    if value in (None, ""):
        return "（未知）"
    if facet == "section":
        return section_label(str(value))
    if facet == "year":
        return f"{value}年"
    return str(value)


def figure_label(key: str) -> str:
    """The Chinese label of a statistics key (the key itself when unknown)."""
    return FIGURE_LABELS.get(key, key)


def chinese_date(value: str | None) -> str:
    """`2010-04-06` -> `2010年4月6日`; anything else unchanged."""
    if not value:
        return ""
    m = _ISO_DATE.match(value)
    if not m:
        return value
    return f"{int(m[1])}年{int(m[2])}月{int(m[3])}日"


def region_label(region: dict | None) -> str:
    """`福建省 莆田市 城厢区` from a region dict; empty when unresolved."""
    if not region:
        return ""
    parts: list[str] = []
    for key in ("province", "city", "county"):
        part = region.get(key)
        if part and part not in parts:
            parts.append(part)
    return " ".join(parts)


def year_span(first: int | None, last: int | None) -> str:
    """`2008–2015年`, `2018年`, or empty when the years are unknown."""
    if first is None:
        return ""
    return f"{first}年" if first == last else f"{first}–{last}年"
