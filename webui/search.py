"""The library's search request for a page state (the page, the API and the exports share it)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from indexer.search import SearchRequest
from indexer.search.term_counts import zero_results

from .urls import PER_PAGE, SearchState

__all__ = ["PER_PAGE", "search_request", "zero_result_hints"]


def search_request(state: SearchState, per_page: int | None = None, page: int | None = None,
                   passages: bool = True) -> SearchRequest:
    """The SearchRequest for a URL state (facet counts of a facet ignore its own filter: OR);
    `per_page`/`page` override the state's (an export walks every page)."""
    return SearchRequest(q=state.q, filters=state.request_filters(), page=page or state.page,
                         per_page=per_page or state.per_page, sort=state.sort, passages=passages)


def zero_result_hints(index: Any, state: SearchState) -> dict[str, Any]:
    """For a search without results: each term's count alone and looser searches that find
    reports (`indexer.search.term_counts`), each with the URL of its search page."""
    hints = zero_results(index, search_request(state))
    for row in hints["terms"]:
        row["url"] = replace(state, q=row["term"], page=1).url()
    for row in hints["suggestions"]:
        row["url"] = replace(state, q=row["q"], page=1).url()
    return hints
