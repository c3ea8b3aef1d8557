"""Search backends: the seam between gongkai's search and the engine that indexes the text.

A backend indexes *section documents* — one per section of a report (`SectionDoc`) — and answers
the few questions search asks of an index (`SectionIndex`). Everything else (the query language,
set algebra over sections and reports, ranking of reports, facets, passages) is gongkai's own and
is the same whatever the backend (`indexer.search`).

    backend = open_backend("whoosh:var/index")     # or a plain directory; see `open_backend`
    index = backend.reader()                       # the live generation, reopened after a run

Section numbers are small ints chosen by the backend, stable for the life of one reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple, Protocol

from indexer.errors import GongkaiError
from indexer.model.record import Report


TEXT_OVERLAP = 32  # a section's text for exact matching runs this far into the next section


class SectionDoc(NamedTuple):
    """What is indexed of one section: `words` ranks (BM25 over jieba words), `text` matches
    exactly (the folded section text, running a little into the next section)."""

    report_id: str
    slug: str
    ordinal: int
    words: str
    text: str


class SectionInfo(NamedTuple):
    """A live section of an open index."""

    number: int
    report_id: str
    slug: str
    ordinal: int


class SectionIndex(Protocol):
    """One open, read-only generation of an index: what search needs from it."""

    name: str   # the generation's name (a run makes a new one)

    def sections(self) -> Iterator[SectionInfo]:
        """Every live section, in section-number order."""

    def exact(self, folded: str) -> set[int]:
        """Sections whose folded text contains `folded` verbatim (no false positives)."""

    def word_scores(self, words: list[str]) -> dict[int, float] | None:
        """BM25 scores of the sections holding any of `words` as whole words (a word in most
        sections left out when rarer ones are there), in section-number order; None when no
        word occurs as a word."""

    def summaries(self) -> dict[str, dict[str, Any]]:
        """Per report: the record without its text (title, agency, year, region, stats, flags,
        sections) — the per-report values facets and filters count."""

    def record(self, report_id: str) -> Report:
        """The full record; raises NotFound."""

    def close(self) -> None:
        """Release files and connections."""


class SectionWriter(Protocol):
    """The index side of one indexing run (records and manifest are the store's)."""

    def delete_reports(self, report_ids: Iterable[str]) -> None:
        """Drop every section of these reports (changed or vanished files)."""

    def add_sections(self, docs: Iterable[SectionDoc]) -> int:
        """Index new sections; returns how many were added."""

    def finish(self) -> int:
        """Make the run's writes durable; returns the number of live sections."""


class Backend(Protocol):
    """Where an index lives: opens readers for search and writers for indexing runs."""

    location: str
    signature: str

    def reader(self) -> SectionIndex:
        """The live generation (the same object until a run publishes a new one)."""

    def close(self) -> None:
        """Close the open reader."""


def open_backend(url: str | None = None) -> Any:
    """The backend at `url`: ``whoosh:DIR`` or a plain directory (the embedded index, the default;
    None means `$GONGKAI_INDEX_DIR` or var/index)."""
    from indexer.store import default_index_dir

    url = url or default_index_dir()
    scheme, sep, rest = url.partition(":")
    if sep and scheme == "whoosh":
        url = rest
    elif sep and rest.startswith("//"):
        raise GongkaiError(f"unknown backend '{url}' (backends: whoosh:DIR)")
    from indexer.backends.whoosh import WhooshBackend

    return WhooshBackend(url)
