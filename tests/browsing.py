"""Debian's headless Chromium for the browser tests, driven by Playwright (which never downloads a
browser here): the one place that knows where Chromium is, how it is started, the viewports and
where screenshots go. Without Chromium the tests fail saying how to install it; they never skip."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "device_scale_factor": 2}


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium from /usr/bin/chromium, closed afterwards."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing at /usr/bin/chromium: install it with `make browser-deps` "
                    "(apt-get install chromium); the browser tests do not download one.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Any, **options: Any) -> tuple[Any, Any]:
    """(context, page): a Chinese-locale browser context with `options` (viewport, is_mobile,
    java_script_enabled, bypass_csp …) and a 15 s default timeout; close the context after use."""
    context = browser.new_context(locale="zh-CN", **options)
    context.set_default_timeout(15000)
    return context, context.new_page()
