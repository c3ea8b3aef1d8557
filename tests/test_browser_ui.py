"""Everyday UI in real headless Chromium: an accessibility audit (axe-core) of every kind of page
on a desktop and a phone, keyboard order, the 筛选 button, sticky table headers and columns.

axe-core comes from the npm registry (`make axe-deps` puts it in var/axe) and is injected by
Playwright into the page under test; the pages never load it themselves. The contexts bypass the
CSP only so that this injected test script can run. Without Chromium or axe-core these tests fail
saying how to install them — they are never skipped.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from browsing import DESKTOP, PHONE, SCREENSHOTS, new_page
from serving import serving

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "var" / "axe" / "package" / "axe.min.js"
REPORT = "putian-991068"
PAGES = {"home": "/", "search": "/search?q=" + quote("依申请公开"),
         "report": f"/reports/{REPORT}?q=" + quote("依申请公开"), "agencies": "/agencies",
         "stats": "/stats?chart=requests_received"}


@pytest.fixture(scope="module")
def server(small_index_dir, tmp_path_factory):
    """Base URL of `gongkai serve` (waitress) on the small index."""
    log_path = tmp_path_factory.mktemp("serve-ui") / "serve.log"
    with serving(log_path, "--index-dir", str(small_index_dir), "--server", "waitress") as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def axe() -> Path:
    """axe-core's script, fetched by `make axe-deps`."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: fetch it with `make axe-deps` (npm).")
    return AXE


@pytest.fixture(params=["desktop", "phone"])
def screen(request, browser, axe):
    """(name, page) on a desktop or a phone viewport, ready for the axe-core audit."""
    context, page = new_page(browser, bypass_csp=True,
                             **(DESKTOP if request.param == "desktop" else PHONE))
    yield request.param, page
    context.close()


def audit(page) -> list[str]:
    """axe-core's serious and critical violations on the page, as readable lines."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(screen, server, name):
    kind, page = screen
    page.goto(server + PAGES[name])
    assert audit(page) == []
    if name in ("search", "stats", "agencies") or kind == "desktop":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"ui-{name}-{kind}.png"), full_page=False)


def _focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, cls: e.className, name: e.getAttribute('name') || '',
                text: (e.innerText || '').trim().slice(0, 20),
                facet: !!e.closest('.facets'), hit: !!e.closest('.hit')}; }""")


def test_keyboard_reaches_skip_link_search_box_facets_and_results_in_order(browser, server):
    context, page = new_page(browser, **DESKTOP)
    try:
        page.goto(server + PAGES["search"])
        order = []
        for _ in range(80):
            page.keyboard.press("Tab")
            order.append(_focused(page))
        assert order[0]["cls"] == "skip-link" and order[0]["text"] == "跳到正文"
        box = next(i for i, f in enumerate(order) if f["name"] == "q")
        facet = next(i for i, f in enumerate(order) if f["facet"])
        hit = next(i for i, f in enumerate(order) if f["hit"])
        assert 0 < box < facet < hit
        # The skip link moves the focus to the main content.
        page.goto(server + PAGES["search"])
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
    finally:
        context.close()


def test_phone_filters_button_is_above_the_results_and_leads_to_the_filters(browser, server):
    context, page = new_page(browser, **PHONE)
    try:
        for url in (PAGES["search"], "/stats"):
            page.goto(server + url)
            button = page.locator(".filters-button a")
            box = button.bounding_box()
            assert box is not None and box["y"] < 844, url   # on the first screen
            assert box["y"] < page.locator(".summary").bounding_box()["y"]
            button.click()
            assert page.evaluate("location.hash") == "#filters"
            top = page.evaluate("document.querySelector('.facets').getBoundingClientRect().top")
            assert 0 <= top < 844, url
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_desktop_shows_the_filters_without_a_button(browser, server):
    context, page = new_page(browser, **DESKTOP)
    try:
        page.goto(server + PAGES["search"])
        assert not page.locator(".filters-button a").is_visible()
        assert page.locator(".facets").is_visible()
    finally:
        context.close()


def test_stats_headers_and_agency_column_stay_in_view(browser, server):
    context, page = new_page(browser, viewport={"width": 800, "height": 600})
    try:
        page.goto(server + "/stats")
        wrap = page.locator(".figures-wrap")
        before = page.locator(".figures thead th").first.bounding_box()
        agency = page.locator(".figures tbody th[scope=row]").first.bounding_box()
        wrap.evaluate("w => { w.scrollTop = 200; w.scrollLeft = 300; }")
        assert wrap.evaluate("w => [w.scrollTop > 0, w.scrollLeft > 0]") == [True, True]
        after = page.locator(".figures thead th").first.bounding_box()
        assert abs(after["y"] - before["y"]) < 1 and abs(after["x"] - before["x"]) < 1
        row_header = page.locator(".figures tbody th[scope=row]").nth(8).bounding_box()
        assert abs(row_header["x"] - agency["x"]) < 1
    finally:
        context.close()


def test_agencies_grid_scrolls_sideways_on_a_phone_with_the_names_fixed(browser, server):
    context, page = new_page(browser, **PHONE)
    try:
        page.goto(server + "/agencies")
        wrap = page.locator(".agencies-grid")
        assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")
        name = page.locator("table.coverage tbody th[scope=row]").first.bounding_box()
        wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
        assert abs(page.locator("table.coverage tbody th[scope=row]").first.bounding_box()["x"]
                   - name["x"]) < 1
        last_year = page.locator("table.coverage thead th.year").last.bounding_box()
        assert 0 <= last_year["x"] < 390   # the newest year's column is on screen now
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
