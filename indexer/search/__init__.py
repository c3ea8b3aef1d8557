"""Search: the query language (`query`), which sections match (`evaluate`), the order of reports
(`ranking`), facet counts and filters (`facets`), passages (`passages`, `highlight`), per-index
lookups (`view`), and the orchestrator (`service`) behind pages, JSON and the command line."""

from indexer.search.request import MAX_PER_PAGE, SearchRequest
from indexer.search.service import Index, open_index

__all__ = ["MAX_PER_PAGE", "Index", "SearchRequest", "open_index"]
