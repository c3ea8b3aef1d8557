"""The real app in real headless Chromium: `gongkai serve` (waitress) on a free port, driven by Playwright.

Chromium is Debian's package (`make browser-deps`); Playwright never downloads a browser. Without it
these tests fail with a message saying how to install it — they are never skipped.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from browsing import DESKTOP, PHONE, SCREENSHOTS, new_page

pytestmark = pytest.mark.browser


def _args(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


JIANGBEI = "000_34846fc542f213aa"
YINZHOU = "003_2d9d6b829977fe3e"


def _in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
                      return r.top >= -1 && r.top < window.innerHeight; }""", selector)


def test_search_facet_passage_report_and_back(page, server):
    page.goto(server + "/")
    page.fill("main input[name=q]", "教育局")
    page.press("main input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    assert _args(page.url) == {"q": ["教育局"]}
    assert page.inner_text(".total strong") == "18"
    marks = page.locator(".passage mark")
    assert marks.count() > 0 and set(marks.all_inner_texts()) == {"教育局"}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "search.png"), full_page=False)

    # A facet narrows the results and keeps its state in the URL.
    page.click('section.facet[data-facet="city"] a[data-value="宁波市"]')
    page.wait_for_url("**city=*")
    assert _args(page.url) == {"q": ["教育局"], "city": ["宁波市"]}
    assert page.inner_text(".total strong") == "2"
    assert set(page.locator(".hit .agency").all_inner_texts()) == {"江北区教育局", "鄞州区教育局"}
    assert page.inner_text(".chips li") .startswith("城市：宁波市")
    narrowed = page.url

    # A passage lands on its section of the report, scrolled into view, with the terms marked.
    link = page.locator(f'article[data-report="{JIANGBEI}"] a.passage-link').first
    anchor = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_url(f"**/reports/{JIANGBEI}?q=*")
    assert unquote(urlsplit(page.url).query) == "q=教育局"
    assert page.evaluate("location.hash") == "#" + anchor
    assert _in_viewport(page, f'section[id="{anchor}"]')
    assert page.locator(f'section[id="{anchor}"] mark').count() > 0
    border = page.evaluate(f"""getComputedStyle(document.querySelector('section[id="{anchor}"]')).borderTopColor""")
    assert border == "rgb(155, 28, 28)"  # :target styling of the landed section
    page.screenshot(path=str(SCREENSHOTS / "report.png"), full_page=False)

    page.go_back()
    page.wait_for_url(narrowed)
    assert page.inner_text(".total strong") == "2"


def test_figure_link_highlights_its_evidence(page, server):
    page.goto(f"{server}/reports/{YINZHOU}")
    page.click('#stats a[href="#fig-requests_received"]')
    assert page.evaluate("location.hash") == "#fig-requests_received"
    assert _in_viewport(page, "#fig-requests_received")
    assert page.inner_text("#fig-requests_received") == "3"
    background = page.evaluate("getComputedStyle(document.querySelector('#fig-requests_received')).backgroundColor")
    assert background == "rgb(255, 210, 168)"
    assert page.locator(".notice.warning li").count() >= 1


def test_phone_width_has_no_sideways_scroll_and_results_come_first(browser, server):
    context, page = new_page(browser, **PHONE)
    try:
        page.goto(f"{server}/search?q=" + "依申请公开")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        results = page.locator(".results").bounding_box()
        facets = page.locator(".facets").bounding_box()
        assert results["y"] < facets["y"] and results["width"] > 300
        page.screenshot(path=str(SCREENSHOTS / "search-phone.png"), full_page=False)
        page.goto(f"{server}/reports/{JIANGBEI}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_everything_works_without_javascript(browser, server):
    context, page = new_page(browser, **DESKTOP, java_script_enabled=False)
    try:
        page.goto(server + "/")
        page.fill("main input[name=q]", "教育局")
        page.click("main form.search-box button")
        page.wait_for_url("**/search?q=*")
        assert page.inner_text(".total strong") == "18"
        page.click('section.facet[data-facet="year"] a[data-value="2016"]')
        page.wait_for_url("**year=2016*")
        assert _args(page.url) == {"q": ["教育局"], "year": ["2016"]}
        assert set(page.locator(".hit .year").all_inner_texts()) == {"2016年度"}
        # Searching again from the results page keeps the selected filter (hidden fields).
        page.fill("main input[name=q]", "公开")
        page.click("main form.search-box button")
        page.wait_for_url("**q=%E5%85%AC%E5%BC%80*")
        assert _args(page.url) == {"q": ["公开"], "year": ["2016"]}
    finally:
        context.close()


def test_stats_table_chart_sort_and_figure_link(page, server):
    page.goto(f"{server}/stats")
    assert page.inner_text(".total strong") == "258"
    page.select_option("select#chart", "requests_received")
    page.click("form.chart-form button")
    page.wait_for_url("**chart=requests_received*")
    assert page.locator(".chart svg path[stroke-width='2']").count() == 8  # capped, with a notice
    assert page.locator(".chart-capped").count() == 1
    page.click('section.facet[data-facet="agency"] a[data-value="莆田市审计局"]')
    page.wait_for_url("**agency=*")
    assert page.inner_text(".total strong") == "18"
    assert page.locator(".chart svg path[stroke-width='2']").count() == 1
    page.click('th[data-column="requests_received"] a')
    page.wait_for_url("**sort=requests_received*")
    values = page.locator('td[data-key="requests_received"]').all_inner_texts()
    numbers = [int(v) for v in values if v.isdigit()]
    assert numbers == sorted(numbers, reverse=True) and numbers
    page.screenshot(path=str(SCREENSHOTS / "stats.png"), full_page=False)
    page.locator('td[data-key="requests_received"] a').first.click()
    page.wait_for_url("**/reports/*#fig-requests_received")
    assert _in_viewport(page, "#fig-requests_received")
    # the highest figure of 莆田市审计局, on its own report page, is the evidence marked there
    assert page.inner_text("#fig-requests_received") == str(numbers[0]) == "4"
