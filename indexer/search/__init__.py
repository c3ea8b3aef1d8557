"""Search: the query language (`query`), which sections match (`evaluate`), the order of reports
(`ranking`), facet counts and filters (`facets`), passages (`passages`, `highlight`), per-index
lookups (`view`), and the orchestrator (`service`) behind pages, JSON and the command line."""

from indexer.search.request import MAX_PER_PAGE, SearchRequest
from indexer.search.service import Index, check_index, open_index
from indexer.text.analysis import query_words


def warm_up() -> None:
    """Load the segmenter's dictionaries now rather than in the first search (a server calls it
    before forking its workers, which then share them)."""
    query_words("政府信息公开工作年度报告")


__all__ = ["MAX_PER_PAGE", "Index", "SearchRequest", "check_index", "open_index", "warm_up"]
