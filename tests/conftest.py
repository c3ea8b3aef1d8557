"""Shared fixtures: the real corpus, extracted once per test session."""

from __future__ import annotations

import re
import shutil
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import settings

from browsing import DESKTOP, chromium, new_page
from serving import serving
from indexer.extract.report import extract_report
from indexer.model.record import Report

# Tests never assert a time: Hypothesis's per-example deadline (200 ms by default) fails an
# example on a loaded machine (a benchmark beside the suite, a shared CI runner), so it is off.
settings.register_profile("untimed", deadline=None)
settings.load_profile("untimed")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SMALL_CORPUS_LIST = Path(__file__).resolve().parent / "fixtures" / "small_corpus.md"


def copy_reports(root: Path, names: list[str]) -> Path:
    """Copies of the corpus files `names` (paths under corpus/) under `root`, same layout."""
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / name, root / name)
    return root


def total(index_dir, q: str) -> int:
    """How many reports the index at `index_dir` finds for `q` (opened and closed again)."""
    from indexer.search import SearchRequest, open_index

    index = open_index(index_dir)
    try:
        return index.search(SearchRequest(q=q))["total"]
    finally:
        index.close()


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

def _built(tmp_path_factory, name: str, corpus: Path) -> Path:
    from indexer.indexing import build_index

    path = tmp_path_factory.mktemp(name)
    build_index([corpus], path)
    return path


def _opened(index_dir: Path):
    from indexer.search import open_index

    opened = open_index(index_dir)
    yield opened
    opened.close()


def _app_on(index_dir: Path, index):
    from webui import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    app.extensions["gongkai_index"] = index
    return app


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    """A directory holding a full index of the real corpus (built once per session)."""
    return _built(tmp_path_factory, "index", CORPUS)


@pytest.fixture(scope="session")
def index(index_dir):
    """`open_index(index_dir)`: the search interface over the real corpus."""
    yield from _opened(index_dir)


# --- the web app over that index ------------------------------------------------------------------

@pytest.fixture(scope="session")
def app(index_dir, index):
    """The Flask app on the session's index (opened once)."""
    return _app_on(index_dir, index)


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
    return copy_reports(tmp_path_factory.mktemp("small-corpus"), small_corpus_files())


@pytest.fixture(scope="session")
def small_index_dir(tmp_path_factory, small_corpus_dir) -> Path:
    """A directory holding an index of the small corpus (built once per session)."""
    return _built(tmp_path_factory, "small-index", small_corpus_dir)


@pytest.fixture(scope="session")
def small_index(small_index_dir):
    """`open_index(small_index_dir)`: the search interface over the small corpus."""
    yield from _opened(small_index_dir)


@pytest.fixture(scope="session")
def small_app(small_index_dir, small_index):
    """The Flask app on the small index (opened once)."""
    return _app_on(small_index_dir, small_index)


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


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (tests/browsing.py), one for the session's browser tests."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def server(index_dir, tmp_path_factory):
    """Base URL of `gongkai serve` running in a subprocess on the real index, for the browser
    tests (a module that serves another index defines its own `server`)."""
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    with serving(log_path, "--index-dir", str(index_dir), "--host", "127.0.0.1") as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture()
def page(browser):
    """A desktop page in the session's Chromium."""
    context, opened = new_page(browser, **DESKTOP)
    yield opened
    context.close()

