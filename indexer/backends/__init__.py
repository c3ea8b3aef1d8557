"""Search backends: the seam between gongkai's search and the engine that indexes the text.

A backend indexes *section documents* — one per section of a report (`SectionDoc`) — and answers
the few questions search asks of an index (`SectionIndex`). Everything else (the query language,
set algebra over sections and reports, ranking of reports, facets, passages) is gongkai's own and
is the same whatever the backend (`indexer.search`).

    backend = open_backend("whoosh:var/index")     # or a plain directory; see `open_backend`
    index = backend.reader()                       # the live generation, reopened after a run

Section numbers are positions 0..n-1 in the reader's `Sections` columns, stable for the life
of one reader; sets of them are sorted int32 numpy arrays.
"""

from __future__ import annotations

import os
from typing import Any

from indexer.backends.seam import (HEAD_SLUG, TEXT_OVERLAP, Backend, IndexRun, Scores,
                                   SectionDoc, SectionIndex, Sections, head_text, no_sections)
from indexer.errors import GongkaiError

__all__ = ["HEAD_SLUG", "TEXT_OVERLAP", "Backend", "IndexRun", "Scores", "SectionDoc",
           "SectionIndex", "Sections", "head_text", "no_sections", "open_backend"]


def open_backend(url: str | None = None) -> Any:
    """The backend at `url`: ``whoosh:DIR`` or a plain directory (the embedded index, the
    default), or ``sphinx://HOST:PORT`` (a cluster's head). None means `$GONGKAI_BACKEND`, else
    `$GONGKAI_INDEX_DIR`, else var/index."""
    from indexer.store import default_index_dir

    url = url or os.environ.get("GONGKAI_BACKEND") or default_index_dir()
    scheme, sep, rest = url.partition(":")
    if sep and scheme == "sphinx":
        from indexer.backends.sphinx import SphinxBackend

        return SphinxBackend(url)
    if sep and scheme == "whoosh":
        url = rest
    elif sep and rest.startswith("//"):
        raise GongkaiError(f"unknown backend '{url}' (backends: whoosh:DIR, sphinx://HOST:PORT)")
    from indexer.backends.whoosh import WhooshBackend

    return WhooshBackend(url)
