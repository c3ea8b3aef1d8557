"""A search request: query, facet filters, page and sort order, checked before anything runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from indexer.errors import GongkaiError
from indexer.model.vocabulary import FACETS

MAX_PER_PAGE = 1000


@dataclass
class SearchRequest:
    """A query, facet filters (values OR within a facet, AND across), page and sort order."""

    q: str = ""
    filters: dict[str, list[Any]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"

    def validate(self) -> None:
        if not isinstance(self.page, int) or self.page < 1:
            raise GongkaiError("page must be a whole number of 1 or more")
        if not isinstance(self.per_page, int) or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise GongkaiError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if self.sort not in ("relevance", "year"):
            raise GongkaiError("sort must be 'relevance' or 'year'")
        for name in self.filters:
            if name not in FACETS:
                raise GongkaiError(f"unknown filter '{name}' (filters: {', '.join(FACETS)})")

    @property
    def start(self) -> int:
        """How many hits come before this page."""
        return (self.page - 1) * self.per_page
