"""One search for the page and the API: the library's result, plus facet counts for OR selection.

Several values of one facet are ORed. For the facet sidebar to offer the other values of a facet
that has a selection (with their counts), that facet's counts come from the same search without
its own filter — the usual "disjunctive" facet counting.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .urls import SearchState

PER_PAGE = 10


def _request(state: SearchState, per_page: int = PER_PAGE):
    from indexer.search import SearchRequest

    return SearchRequest(q=state.q, filters=state.request_filters(), page=state.page,
                         per_page=per_page, sort=state.sort)


def run_search(index, state: SearchState) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """`(result, facet_counts)`: result is exactly `index.search`'s; counts per facet for the sidebar."""
    result = index.search(_request(state))
    counts = dict(result["facets"])
    for name in state.filters:
        others = {k: v for k, v in state.filters.items() if k != name}
        wider = index.search(_request(replace(state, filters=others, page=1), per_page=1))
        counts[name] = wider["facets"].get(name, [])
    return result, counts
