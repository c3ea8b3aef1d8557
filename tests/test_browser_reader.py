"""The report reader in real headless Chromium: grids, joined paragraphs, the find box, 原文.

Same set-up as tests/test_browser.py: `gongkai serve` on the real index, Debian's Chromium driven
by Playwright (never downloaded; without it these tests fail with a message, never skip).
Screenshots go to docs/screenshots/reader-*.png.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from browsing import DESKTOP, PHONE, SCREENSHOTS, new_page

pytestmark = pytest.mark.browser


PINGTAN_2023 = "pingtan-87885"      # HTML page, 2021-format tables with real figures
PUTIAN_AUDIT = "putian-1695454"     # crawled text: sentences and dates broken over lines
SANMING_CRAWL = "sanming-1480639"   # crawled text whose 2019-format table kept every cell


def _row(table, label: str) -> list[str]:
    """The value cells' texts of the row of `table` whose last header cell reads `label`."""
    return table.evaluate(
        """(t, label) => { for (const tr of t.querySelectorAll("tr")) {
               const th = tr.querySelectorAll("th");
               if (th.length && th[th.length - 1].textContent.trim() === label) {
                   return Array.from(tr.querySelectorAll("td"), td => td.innerText.trim()); } }
             return null; }""", label)


def _center_x(locator) -> float:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2


def test_the_2021_format_tables_are_grids_with_their_figures(page, server):
    page.goto(f"{server}/reports/{PINGTAN_2023}#requests")
    requests = page.locator("#requests table.grid")
    assert _row(requests, "一、本年新收政府信息公开申请数量") == ["80", "1", "0", "0", "0", "0", "81"]
    assert _row(requests, "（一）予以公开") == ["22", "0", "0", "0", "0", "0", "22"]
    assert _row(requests, "4.保护第三方合法权益") == ["1", "0", "0", "0", "0", "0", "1"]
    # Columns line up: 自然人 heads the column of 80, 总计 the column of 81.
    new_row = requests.locator("tr").filter(has_text="一、本年新收政府信息公开申请数量")
    heads = requests.locator("tr").nth(1).locator("th")
    assert heads.all_inner_texts() == ["自然人", "法人或其他组织", "总计"]
    assert abs(_center_x(heads.nth(0)) - _center_x(new_row.locator("td").nth(0))) < 2
    assert abs(_center_x(heads.nth(2)) - _center_x(new_row.locator("td").nth(6))) < 2
    appeals = page.locator("#appeals table.grid")
    assert [t.strip() for t in appeals.locator("tr").last.locator("td").all_inner_texts()] == [
        "1", "1", "0", "0", "2", "4", "0", "0", "1", "5", "1", "0", "1", "0", "2"]
    proactive = page.locator("#proactive table.grid")
    assert _row(proactive, "行政规范性文件") == ["77", "132", "470"]
    # The figure link still lands on its cell.
    page.click('#stats a[href="#fig-requests_received"]')
    assert page.inner_text("#fig-requests_received") == "81"
    requests.scroll_into_view_if_needed()
    requests.screenshot(path=str(SCREENSHOTS / "reader-table.png"))


def test_a_crawled_paragraph_reads_without_the_crawler_breaks(page, server):
    page.goto(f"{server}/reports/{PUTIAN_AUDIT}")
    preamble = page.locator("#preamble .reading p")
    assert preamble.count() == 2
    second = preamble.nth(1).inner_text()
    assert "本报告中所列的数据时限为2021年1月1日至2021年12月31日止。" in second
    assert "\n" not in second
    assert page.locator("#overview .reading p.para-heading").first.inner_text() == "一、总体情况"
    crawled = page.locator("#requests table.grid")
    assert _row(crawled, "一、本年新收政府信息公开申请数量") == ["1 0 1"]
    assert "抓取的文本丢掉了空单元格" in page.locator("#requests .grid-note").inner_text()
    page.locator("#preamble").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('#preamble').scrollIntoView()")
    page.screenshot(path=str(SCREENSHOTS / "reader-paragraphs.png"), full_page=False)


def test_a_crawled_2019_table_with_whole_rows_lines_up_under_its_heads(page, server):
    page.goto(f"{server}/reports/{SANMING_CRAWL}#requests")
    requests = page.locator("#requests table.grid")
    assert _row(requests, "一、本年新收政府信息公开申请数量") == ["102", "4", "0", "1", "2", "1", "110"]
    assert _row(requests, "（一）予以公开") == ["71", "3", "0", "1", "0", "2", "77"]
    new_row = requests.locator("tr").filter(has_text="一、本年新收政府信息公开申请数量")
    heads = requests.locator("tr").nth(2).locator("th")
    assert heads.all_inner_texts() == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    for k in range(5):   # 商业企业 … 其他 head the 2nd … 6th value columns
        assert abs(_center_x(heads.nth(k)) - _center_x(new_row.locator("td").nth(k + 1))) < 2
    assert page.locator("#requests .grid-note").count() == 0


def test_find_box_counts_and_moves_between_occurrences(page, server):
    page.goto(f"{server}/reports/{PUTIAN_AUDIT}")
    page.fill("#find-q", "政府信息公开")
    page.press("#find-q", "Enter")
    page.wait_for_url(f"**/reports/{PUTIAN_AUDIT}?q=*")
    assert page.inner_text(".find-count") == "共22处"
    assert page.locator(".report-body mark[id^='m']").count() == 22
    page.click(".find-next")
    assert page.evaluate("location.hash") == "#m1"
    assert page.inner_text(".find-count") == "第1处，共22处"
    page.click(".find-next")
    assert page.evaluate("location.hash") == "#m2"
    assert page.locator("mark.current").first.get_attribute("id") == "m2"
    page.click(".find-prev")
    page.click(".find-prev")
    assert page.evaluate("location.hash") == "#m22"
    box = page.locator("#m22").bounding_box()
    assert 0 <= box["y"] < 900
    page.screenshot(path=str(SCREENSHOTS / "reader-find.png"), full_page=False)


def test_find_box_and_raw_view_work_without_javascript(browser, server):
    context, page = new_page(browser, **DESKTOP, java_script_enabled=False)
    try:
        page.goto(f"{server}/reports/{PUTIAN_AUDIT}?q={quote('复议')}")
        count = page.locator(".report-body mark[id^='m']").count()
        assert page.inner_text(".find-count") == f"共{count}处" and count == 5
        page.click(".find-list a:text-is('3')")
        assert page.evaluate("location.hash") == "#m3"
        page.click(".view-toggle a")
        page.wait_for_url("**view=raw*")
        raw = page.locator("#preamble .text").inner_text()
        assert raw.startswith("根据《中华人民共和国政府信息公开条例》、《福建省政府信\n息公开办法》以及\n")
        assert page.locator("table.grid").count() == 0
        assert page.locator(".report-body mark[id^='m']").count() == count
        page.screenshot(path=str(SCREENSHOTS / "reader-raw.png"), full_page=False)
    finally:
        context.close()


def test_phone_width_reader_has_no_sideways_scroll(browser, server):
    context, page = new_page(browser, **PHONE, has_touch=True)
    try:
        page.goto(f"{server}/reports/{PINGTAN_2023}#requests")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        wrap = page.locator("#requests .grid-wrap")
        assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")   # the table scrolls itself
        assert _row(page.locator("#requests table.grid"), "（一）予以公开")[-1] == "22"
        page.screenshot(path=str(SCREENSHOTS / "reader-phone.png"), full_page=False)
    finally:
        context.close()
