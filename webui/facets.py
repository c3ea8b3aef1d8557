"""Facets as plain data, shaped like datasette's, ready for the `_facets.html` partial.

The library returns counts (`{"agency": [{"value", "count"}], ...}`); this module adds the
Chinese label, whether the value is selected and the URL that toggles it, and orders the values
(years newest first, sections in report order, the rest by count).
"""

from __future__ import annotations

from typing import Any, Callable

from .labels import FACET_LABELS, FACETS, SECTION_LABELS, value_label
from .urls import SearchState

_SECTION_ORDER = {slug: i for i, slug in enumerate(SECTION_LABELS)}


def _order(name: str) -> Callable[[dict[str, Any]], Any]:
    if name == "year":
        return lambda r: (-int(r["value"]) if str(r["value"]).isdigit() else 0, str(r["value"]))
    if name == "section":
        return lambda r: (_SECTION_ORDER.get(r["value"], 99), r["value"])
    return lambda r: (-r["count"], str(r["value"]))


def build_facets(counts: dict[str, list[dict[str, Any]]], state: SearchState) -> list[dict[str, Any]]:
    """`[{name, label, results: [{value, label, count, toggle_url, selected}], selected_count}]`."""
    facets = []
    for name in FACETS:
        rows = {str(r["value"]): r["count"] for r in counts.get(name, []) if r.get("value") not in (None, "")}
        # A selected value always shows, so it can be switched off, even when nothing matches it.
        for value in state.filters.get(name, ()):
            rows.setdefault(value, 0)
        results = [{"value": value, "label": value_label(name, value), "count": count,
                    "toggle_url": state.toggle_url(name, value),
                    "selected": state.is_selected(name, value)}
                   for value, count in rows.items()]
        results.sort(key=_order(name))
        facets.append({"name": name, "label": FACET_LABELS[name], "results": results,
                       "selected_count": sum(r["selected"] for r in results)})
    return facets
