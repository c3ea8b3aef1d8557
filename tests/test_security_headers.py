"""Security headers on every kind of response, and CSV cells that cannot run as formulas."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest

from indexer.model.figures_table import COLUMNS, render_csv
from webui.security import HEADERS

URLS = [
    ("/", 200),                                        # a page
    ("/search?q=" + quote("申请"), 200),               # results
    ("/agencies", 200),
    ("/stats", 200),
    ("/api/search?q=" + quote("申请"), 200),           # JSON
    ("/api/stats", 200),
    ("/stats.csv", 200),                               # CSV
    ("/static/app.js", 200),                           # static files
    ("/static/style.css", 200),
    ("/reports/no-such-report", 404),                  # errors: page and JSON
    ("/api/reports/no-such-report", 404),
    ("/api/search?q=x&per_page=0", 400),
    ("/search?q=" + quote("year:abc"), 400),
    ("/no/such/page", 404),
    ("/static/no-such-file.js", 404),
]


@pytest.mark.parametrize("url,status", URLS)
def test_every_response_carries_the_security_headers(small_client, url, status):
    response = small_client.get(url)
    assert response.status_code == status
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (url, name)
    response.close()


def test_the_policy_allows_no_inline_script_and_no_framing():
    policy = dict(part.split(" ", 1) for part in HEADERS["Content-Security-Policy"].split("; "))
    assert policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["default-src"] == "'none'"
    assert HEADERS["X-Content-Type-Options"] == "nosniff"
    assert HEADERS["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(small_client):
    chart = "/stats?chart=requests_received"
    for url in ("/", "/search?q=" + quote("申请"), "/agencies", "/stats", chart,
                "/reports/000_34846fc542f213aa?q=" + quote("申请")):
        html = small_client.get(url).get_data(as_text=True)
        assert "<style" not in html and " style=" not in html, url
        scripts = html.count("<script")
        assert scripts == html.count("<script src="), url
        assert " on" + "click=" not in html and "javascript:" not in html


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)",
                                  "\tcmd", "\rcmd"])
def test_csv_text_cells_cannot_start_a_formula(cell):
    row = {c: None for c in COLUMNS}
    row.update(agency=cell, report_id="r1", year=2020, requests_received=-1)
    text = render_csv([row]).lstrip("\ufeff")
    parsed = list(csv.DictReader(io.StringIO(text)))[0]
    assert parsed["agency"] == "'" + cell
    assert parsed["report_id"] == "r1"
    assert parsed["requests_received"] == "-1"     # numbers are left alone


def test_csv_download_has_no_formula_cells(small_client):
    text = small_client.get("/stats.csv").get_data(as_text=True).lstrip("\ufeff")
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell[:1] in ("=", "+", "@", "\t", "\r"), cell
