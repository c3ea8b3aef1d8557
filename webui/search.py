"""The library's search request for a page state (the page and the API share it)."""

from __future__ import annotations

from indexer.search import SearchRequest

from .urls import SearchState

PER_PAGE = 10


def search_request(state: SearchState, per_page: int = PER_PAGE) -> SearchRequest:
    """The SearchRequest for a URL state (facet counts of a facet ignore its own filter: OR)."""
    return SearchRequest(q=state.q, filters=state.request_filters(), page=state.page,
                         per_page=per_page, sort=state.sort)
