"""The one place that builds URLs: search states, facet toggles, report links, section anchors.

Every state of the search page lives in its query string, so a URL can be bookmarked, shared and
reached with the back button. `SearchState` reads that state from request arguments and builds the
URL of every state one click away (a facet toggled, a filter removed, another page or sort).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping
from urllib.parse import urlencode, urlsplit

from flask import url_for

from indexer.errors import GongkaiError
from indexer.search.request import MAX_PER_PAGE

from .labels import FACETS

SORTS = ("relevance", "newest", "oldest")   # `year`, the old name of `newest`, is read as it
PER_PAGE = 10
YEAR_BOUNDS = (1900, 2100)   # what the 从…到… year range accepts


def read_filters(args, names) -> dict[str, tuple[str, ...]]:
    """facet -> its selected values (stripped, de-duplicated, in order) from request arguments."""
    filters = {}
    for name in names:
        values = tuple(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))
        if values:
            filters[name] = values
    return filters


@dataclass(frozen=True)
class SearchState:
    """The query, filters (facet -> selected values), page and sort of one search page."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    page: int = 1
    sort: str = "relevance"
    per_page: int = PER_PAGE
    year_from: int | None = None
    year_to: int | None = None

    @classmethod
    def from_args(cls, args) -> "SearchState":
        """Read the state from a request's MultiDict; a bad page, per_page, sort or year is a
        GongkaiError (400) with a Chinese message, the same on the pages and in the API."""
        sort = args.get("sort", "").strip() or "relevance"
        if sort not in SORTS + ("year",):
            raise GongkaiError("排序（sort）只能是 relevance（相关度）、newest（最新在前）"
                               "或 oldest（最早在前）。", code="bad_sort")
        year_from, year_to = _year(args, "year_from"), _year(args, "year_to")
        if year_from and year_to and year_from > year_to:
            raise GongkaiError(f"从 {year_from} 年到 {year_to} 年：起始年晚于结束年。",
                               code="bad_year")
        return cls(q=args.get("q", "").strip(), filters=read_filters(args, FACETS),
                   page=whole_arg(args, "page", "页码（page）必须是不小于 1 的整数。", 1),
                   sort="newest" if sort == "year" else sort,
                   per_page=whole_arg(args, "per_page", f"每页条数（per_page）必须是 1 到 "
                                   f"{MAX_PER_PAGE} 之间的整数。", PER_PAGE, MAX_PER_PAGE),
                   year_from=year_from, year_to=year_to)

    def params(self) -> list[tuple[str, str]]:
        """The query-string pairs of this state (defaults left out)."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name in FACETS:
            pairs.extend((name, v) for v in self.filters.get(name, ()))
        pairs.extend((name, str(value)) for name, value in self.year_range() if value)
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.per_page != PER_PAGE:
            pairs.append(("per_page", str(self.per_page)))
        if self.page != 1:
            pairs.append(("page", str(self.page)))
        return pairs

    def year_range(self) -> list[tuple[str, int | None]]:
        return [("year_from", self.year_from), ("year_to", self.year_to)]

    def url(self, endpoint: str = "views.search") -> str:
        """This state's URL at `endpoint` (the HTML page or the JSON API)."""
        query = urlencode(self.params())
        return url_for(endpoint) + ("?" + query if query else "")

    def is_selected(self, facet: str, value: str) -> bool:
        return str(value) in self.filters.get(facet, ())

    def toggled(self, facet: str, value: str) -> "SearchState":
        """The state with one facet value switched on or off (back to page 1)."""
        value = str(value)
        current = self.filters.get(facet, ())
        values = tuple(v for v in current if v != value) if value in current else current + (value,)
        filters = {k: v for k, v in self.filters.items() if k != facet}
        if values:
            filters[facet] = values
        return replace(self, filters=filters, page=1)

    def toggle_url(self, facet: str, value: str) -> str:
        """URL that switches one facet value on or off."""
        return self.toggled(facet, value).url()

    def page_url(self, page: int) -> str:
        return replace(self, page=page).url()

    def sort_url(self, sort: str) -> str:
        return replace(self, sort=sort, page=1).url()

    def without_filters_url(self) -> str:
        return replace(self, filters={}, page=1, year_from=None, year_to=None).url()

    def export_url(self, endpoint: str) -> str:
        """The whole result (every page) at an export endpoint (`export.search_csv`, …)."""
        return replace(self, page=1).url(endpoint)

    def without_years_url(self) -> str:
        return replace(self, page=1, year_from=None, year_to=None).url()

    def selected(self) -> list[tuple[str, str]]:
        """(facet, value) pairs currently selected, in facet order."""
        return [(name, v) for name in FACETS for v in self.filters.get(name, ())]

    def request_filters(self) -> dict[str, list]:
        """Filters as the library's SearchRequest takes them (years as integers when numeric)."""
        out: dict[str, list] = {}
        for name, values in self.filters.items():
            out[name] = [int(v) if name == "year" and _digits(v) else v for v in values]
        if self.year_from or self.year_to:
            low, high = self.year_from or YEAR_BOUNDS[0], self.year_to or YEAR_BOUNDS[1]
            if "year" in out:   # years ticked in the facet AND the range: those inside it
                ticked = [y for v in out["year"] for y in _years_of(v)]
                out["year"] = [y for y in ticked if low <= y <= high] or [0]   # 0: none
            else:
                out["year"] = list(range(low, high + 1))
        return out


def _digits(text: str) -> bool:
    """ASCII digits only (`str.isdigit` also takes ¹ and ①, which `int` refuses)."""
    return text.isascii() and text.isdigit()


def _years_of(value) -> list[int]:
    """A facet year value (2016, "2016-2019") as years; anything else: none."""
    text = str(value)
    if _digits(text):
        return [int(text)]
    low, _, high = text.partition("-")
    if _digits(low) and _digits(high) and int(high) - int(low) <= 200:
        return list(range(int(low), int(high) + 1))
    return []


def whole_arg(args, name: str, message: str, default: int, most: int | None = None) -> int:
    """A whole-number argument (absent or empty: `default`), else a GongkaiError."""
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not _digits(raw) or int(raw) < 1 or most is not None and int(raw) > most:
        raise GongkaiError(message, code=f"bad_{name}")
    return int(raw)


def _year(args, name: str) -> int | None:
    """`year_from`/`year_to`: a four-digit year within YEAR_BOUNDS, or None when empty."""
    raw = args.get(name, "").strip().removesuffix("年")
    if not raw:
        return None
    if not (_digits(raw) and YEAR_BOUNDS[0] <= int(raw) <= YEAR_BOUNDS[1]):
        raise GongkaiError(f"年度应写作四位数字（{YEAR_BOUNDS[0]}–{YEAR_BOUNDS[1]}），"
                           f"而不是「{raw}」。", code="bad_year")
    return int(raw)


def report_url(report_id: str, q: str = "", anchor: str = "") -> str:
    """A report page, with the query to mark (`?q=`) and a section or figure anchor."""
    url = url_for("views.report", report_id=report_id)
    if q:
        url += "?" + urlencode({"q": q})
    if anchor:
        url += "#" + anchor
    return url


def original_url(report_id: str) -> str:
    """A report's original file, as the corpus holds it."""
    return url_for("original.original", report_id=report_id)


def anchor_of(url: str | None) -> str:
    """The fragment of a URL the library built (`/reports/x#requests-2` -> `requests-2`)."""
    return urlsplit(url or "").fragment


def agency_url(name: str) -> str:
    return url_for("views.agency", name=name)
