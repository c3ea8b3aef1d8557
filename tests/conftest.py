"""Shared fixtures: the real corpus, extracted once per test session."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from indexer.extract import extract_report
from indexer.record import Report

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@lru_cache(maxsize=None)
def _extract(source: str) -> Report:
    return extract_report(CORPUS / source, CORPUS)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The real corpus shipped with the project."""
    return CORPUS


@pytest.fixture(scope="session")
def report():
    """`report("education/000_34846fc542f213aa.txt")` -> its Report, extracted once."""
    return _extract
