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

from .labels import FACETS

SORTS = ("relevance", "year")


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

    @classmethod
    def from_args(cls, args) -> "SearchState":
        """Read the state from a request's MultiDict; bad page/sort values fall back to defaults."""
        filters = read_filters(args, FACETS)
        try:
            page = max(1, int(args.get("page", "1")))
        except ValueError:
            page = 1
        sort = args.get("sort", "relevance")
        return cls(q=args.get("q", "").strip(), filters=filters, page=page,
                   sort=sort if sort in SORTS else "relevance")

    def params(self) -> list[tuple[str, str]]:
        """The query-string pairs of this state (defaults left out)."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name in FACETS:
            pairs.extend((name, v) for v in self.filters.get(name, ()))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.page != 1:
            pairs.append(("page", str(self.page)))
        return pairs

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
        return replace(self, filters={}, page=1).url()

    def selected(self) -> list[tuple[str, str]]:
        """(facet, value) pairs currently selected, in facet order."""
        return [(name, v) for name in FACETS for v in self.filters.get(name, ())]

    def request_filters(self) -> dict[str, list]:
        """Filters as the library's SearchRequest takes them (years as integers when numeric)."""
        out: dict[str, list] = {}
        for name, values in self.filters.items():
            out[name] = [int(v) if name == "year" and v.isdigit() else v for v in values]
        return out


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
