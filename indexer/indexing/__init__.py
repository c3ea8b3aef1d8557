"""Indexing runs: which files changed (`plan`), extraction in worker processes (`workers`), and
the run itself writing a new generation of the store through a backend (`build`)."""

from indexer.indexing.build import IndexSummary, build_index

__all__ = ["IndexSummary", "build_index"]
