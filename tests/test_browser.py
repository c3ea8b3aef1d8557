"""The real app in real headless Chromium: `gongkai serve` (waitress) on a free port, driven by Playwright.

Chromium is Debian's package (`make browser-deps`); Playwright never downloads a browser. Without it
these tests fail with a message saying how to install it — they are never skipped.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


@pytest.fixture(scope="module")
def server(index_dir, tmp_path_factory):
    """Base URL of `gongkai serve` running in a subprocess on the real index."""
    port = _free_port()
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from indexer.cli import main; main()", "serve",
             "--index-dir", str(index_dir), "--host", "127.0.0.1", "--port", str(port)],
            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                pytest.fail(f"gongkai serve exited ({proc.returncode}): {log_path.read_text()}")
            try:
                if _get(base + "/") == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail(f"gongkai serve did not answer on {base}: {log_path.read_text()}")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium from /usr/bin/chromium."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing at /usr/bin/chromium: install it with `make browser-deps` "
                    "(apt-get install chromium); the browser tests do not download one.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _page(browser, **options):
    context = browser.new_context(locale="zh-CN", **options)
    context.set_default_timeout(15000)
    return context, context.new_page()


@pytest.fixture()
def page(browser):
    context, page = _page(browser, viewport={"width": 1280, "height": 900})
    yield page
    context.close()


def _args(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)
