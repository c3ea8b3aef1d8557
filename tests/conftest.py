"""Shared fixtures: the real corpus, extracted once per test session."""

from __future__ import annotations

import re
import shutil
from functools import lru_cache
from pathlib import Path

import pytest

from indexer.extract.report import extract_report
from indexer.model.record import Report

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SMALL_CORPUS_LIST = Path(__file__).resolve().parent / "fixtures" / "small_corpus.md"


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


# --- the search index, built once per session from the real corpus ----------------------------

@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    """A directory holding a full index of the real corpus (built once per session)."""
    from indexer.indexing import build_index

    path = tmp_path_factory.mktemp("index")
    build_index([CORPUS], path)
    return path


@pytest.fixture(scope="session")
def index(index_dir):
    """`open_index(index_dir)`: the search interface over the real corpus."""
    from indexer.search import open_index

    opened = open_index(index_dir)
    yield opened
    opened.close()


# --- the web app over that index ------------------------------------------------------------------

@pytest.fixture(scope="session")
def app(index_dir, index):
    """The Flask app on the session's index (opened once)."""
    from webui import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    app.extensions["gongkai_index"] = index
    return app


@pytest.fixture()
def client(app):
    return app.test_client()


# --- a small index: fourteen real reports (tests/fixtures/small_corpus.md) -------------------
# Most behaviour (query semantics, pages, the API, the statistics pages) does not need the whole
# corpus; these fixtures index a copy of fourteen of its reports, with real jieba and real Whoosh.

def small_corpus_files() -> list[str]:
    """The reports of the small corpus: the paths (relative to corpus/) its README lists."""
    readme = SMALL_CORPUS_LIST.read_text(encoding="utf-8")
    return re.findall(r"^\| `([^`]+)`", readme, re.M)


@pytest.fixture(scope="session")
def small_corpus_dir(tmp_path_factory) -> Path:
    """The small corpus: fourteen reports of corpus/ copied (once per session) under the same
    relative paths, so their report ids are the ones they have in the whole corpus."""
    root = tmp_path_factory.mktemp("small-corpus")
    for rel in small_corpus_files():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / rel, root / rel)
    return root


@pytest.fixture(scope="session")
def small_index_dir(tmp_path_factory, small_corpus_dir) -> Path:
    """A directory holding an index of the small corpus (built once per session)."""
    from indexer.indexing import build_index

    path = tmp_path_factory.mktemp("small-index")
    build_index([small_corpus_dir], path)
    return path


@pytest.fixture(scope="session")
def small_index(small_index_dir):
    """`open_index(small_index_dir)`: the search interface over the small corpus."""
    from indexer.search import open_index

    opened = open_index(small_index_dir)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def small_app(small_index_dir, small_index):
    """The Flask app on the small index (opened once)."""
    from webui import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(small_index_dir)})
    app.extensions["gongkai_index"] = small_index
    return app


@pytest.fixture()
def small_client(small_app):
    return small_app.test_client()


def fetch_page(client, url: str, status: int = 200) -> str:
    """GET an HTML page, check its status and that no traceback leaked, return its text."""
    response = client.get(url)
    assert response.status_code == status, url
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text
    return text


def facet_rows(html: str, name: str) -> list[tuple[str, int, bool]]:
    """(label, count, selected) of one facet in the sidebar."""
    block = re.search(rf'<section class="facet" data-facet="{name}">(.*?)</section>', html, re.S)
    assert block, name
    rows = re.findall(r'<li( class="selected")?>\s*<a href="[^"]*" rel="nofollow" data-value="[^"]*".*?'
                      r'<span class="label">([^<]*)</span> <span class="count">(\d+)</span>', block[1], re.S)
    return [(label, int(count), bool(sel)) for sel, label, count in rows]
