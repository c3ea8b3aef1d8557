"""The library's search request for a page state (the page and the API share it)."""

from __future__ import annotations

from indexer.errors import GongkaiError
from indexer.search import MAX_PER_PAGE, SearchRequest

from .urls import SearchState

PER_PAGE = 10


def search_request(state: SearchState, per_page: int = PER_PAGE) -> SearchRequest:
    """The SearchRequest for a URL state (facet counts of a facet ignore its own filter: OR)."""
    return SearchRequest(q=state.q, filters=state.request_filters(), page=state.page,
                         per_page=per_page, sort=state.sort)


def api_per_page(args) -> int:
    """The API's `per_page` (default 10); a readable error unless it is 1 to MAX_PER_PAGE."""
    per_page = args.get("per_page", "10")
    if not per_page.isdigit() or not 1 <= int(per_page) <= MAX_PER_PAGE:
        raise GongkaiError(f"per_page 必须是 1 到 {MAX_PER_PAGE} 之间的整数。")
    return int(per_page)
