"""A search request: query, facet filters, page and sort order, checked before anything runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from indexer.errors import GongkaiError
from indexer.model.vocabulary import FACETS
from indexer.search.passages import highlight_terms
from indexer.search.query import parse

MAX_PER_PAGE = 1000
# Orders of hits: relevance (best section first), newest first, oldest first; `year` is the old
# name of `newest`.
SORTS = ("relevance", "newest", "oldest", "year")
# What a page of hits costs is its passages: each hit's best sections are cut into sentences and
# every term is marked, so the work grows as hits on the page × terms (32 terms × 1000 hits took
# 3.9 s on the 258 reports). A server bounds it (`check_cost`); the library and the CLI do not.
MAX_COST = 1000


@dataclass
class SearchRequest:
    """A query, facet filters (values OR within a facet, AND across), page and sort order."""

    q: str = ""
    filters: dict[str, list[Any]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    passages: bool = True   # False: hits without passages (an export of every hit; cost 0)

    def validate(self) -> None:
        if not isinstance(self.page, int) or self.page < 1:
            raise GongkaiError("页码（page）必须是不小于 1 的整数。", code="bad_page")
        if not isinstance(self.per_page, int) or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise GongkaiError(f"每页条数（per_page）必须是 1 到 {MAX_PER_PAGE} 之间的整数。",
                               code="bad_per_page")
        if self.sort not in SORTS:
            raise GongkaiError("排序（sort）只能是 relevance（相关度）、newest（最新在前）"
                               "或 oldest（最早在前）。", code="bad_sort")
        for name in self.filters:
            if name not in FACETS:
                raise GongkaiError(f"未知的筛选条件 '{name}'（可用：{', '.join(FACETS)}）",
                                   code="unknown_filter")

    def cost(self) -> int:
        """Hits on the page × terms to mark in their passages (no terms: no passages, cost 0).
        A query that does not parse costs 0 here: the search itself reports its mistake."""
        if not self.passages:
            return 0
        try:
            terms = len(highlight_terms(parse(self.q)))
        except GongkaiError:
            return 0
        return self.per_page * terms

    def check_cost(self, limit: int = MAX_COST) -> int:
        """The request's cost; a readable error when it is over `limit`."""
        cost = self.cost()
        if cost > limit:
            terms = cost // self.per_page
            raise GongkaiError(code="too_costly", message=
                f"这次检索太大：每页 {self.per_page} 条 × {terms} 个检索词，摘录超出上限"
                f"（每页条数 × 检索词数 ≤ {limit}）。请把每页条数减到 {max(1, limit // terms)} 条"
                f"以内，或减少检索词。")
        return cost

    @property
    def start(self) -> int:
        """How many hits come before this page."""
        return (self.page - 1) * self.per_page
