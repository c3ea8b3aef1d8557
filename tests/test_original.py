"""`/reports/<id>/original`: a report's own file from the corpus, with its format's
Content-Type, never rendered as this site's HTML, never from outside the corpus; and what the
report page says of paged and OCR'd formats."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import sys

from indexer.errors import NotFound
from indexer.indexing.build import build_index
from indexer.search.service import original_file
from webui import create_app

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "pdf"   # the real PDF reports (SOURCES.md there)
sys.path.insert(0, str(ROOT / "bench"))
from make_formats import convert  # noqa: E402

GB_REPORT = "某区教育局2016年度政府信息公开工作年度报告\n一、概述\n本年度主动公开政府信息12条。\n"
SCRIPT_PAGE = ("<html><head><title>某区2019年政府信息公开工作年度报告</title></head><body>"
               "<div class='article'><p>某区2019年政府信息公开工作年度报告</p>"
               "<script>alert(1)</script><p>一、总体情况 本年度主动公开政府信息12条。</p>"
               "</div></body></html>")


@pytest.fixture(scope="module")
def client(tmp_path_factory, corpus_dir):
    root = tmp_path_factory.mktemp("original") / "corpus"
    (root / "pdf").mkdir(parents=True)
    shutil.copy(REAL / "ext-01.pdf", root / "pdf")
    shutil.copy(corpus_dir / "education/000_34846fc542f213aa.txt", root)
    (root / "gb.txt").write_bytes(GB_REPORT.encode("gb18030"))
    (root / "page.html").write_text(SCRIPT_PAGE, encoding="utf-8")
    (root.parent / "secret.txt").write_text("outside the corpus", encoding="utf-8")
    convert([corpus_dir / "putian/putian-1210716.txt"], "scanned-pdf", root / "scans")
    index_dir = root.parent / "index"
    summary = build_index([root], index_dir)
    assert summary.added == 5, summary.skipped
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
    yield app.test_client()
    app.extensions["gongkai_index"].close()


def _get(client, url: str):
    """A response read in full and closed (a sent file stays open until then)."""
    with client.get(url) as response:
        response.get_data()
        return response


def test_a_pdf_is_sent_as_it_is(client):
    response = _get(client, "/reports/ext-01/original")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == (REAL / "ext-01.pdf").read_bytes()
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_text_files_are_plain_text_in_their_own_charset(client, corpus_dir):
    utf8 = _get(client, "/reports/000_34846fc542f213aa/original")
    assert utf8.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert utf8.data == (corpus_dir / "education/000_34846fc542f213aa.txt").read_bytes()
    legacy = _get(client, "/reports/gb/original")
    assert legacy.headers["Content-Type"] == "text/plain; charset=gb18030"
    assert legacy.data.decode("gb18030") == GB_REPORT


def test_an_html_page_is_shown_as_its_source_and_nothing_in_it_runs(client):
    response = _get(client, "/reports/page/original")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"<script>alert(1)</script>" in response.data


def test_an_unknown_report_is_404_in_chinese(client):
    response = client.get("/reports/no-such-report/original")
    assert response.status_code == 404
    assert "没有找到报告「no-such-report」" in response.get_data(as_text=True)


def test_a_source_never_leads_out_of_the_corpus(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("x", encoding="utf-8")
    for source in ("../secret.txt", "/etc/passwd", "gone.txt"):
        with pytest.raises(NotFound):
            original_file({"root": str(root), "source": source}, "r")
    with pytest.raises(NotFound, match="请重新建立索引"):
        original_file({"source": "a.txt"}, "r")        # an index made before roots were kept


def test_the_report_page_links_the_original_and_shows_pages(client):
    page = client.get("/reports/ext-01").get_data(as_text=True)
    assert '<a class="original-file" href="/reports/ext-01/original">原始文件</a>' in page
    assert "（共6页）" in page
    assert '<small class="page">第4页</small>' in page      # 本年新收… sits on page 4
    assert "本文由OCR识别" not in page
    text_page = client.get("/reports/gb").get_data(as_text=True)
    assert "原始文件" in text_page and "第1页" not in text_page


def test_an_ocr_report_says_so(client):
    page = client.get("/reports/putian-1210716").get_data(as_text=True)
    assert "本文由OCR识别" in page
    with client.get("/reports/putian-1210716/original") as response:
        assert response.mimetype == "application/pdf"


def test_a_passage_of_a_pdf_says_its_page(client):
    page = client.get("/search?q=本年新收政府信息公开申请数量").get_data(as_text=True)
    hit = page[page.index('data-report="ext-01"'):]
    hit = hit[:hit.index("</article>")]
    assert '<small class="page">第4页</small>' in hit
    assert page.count('<small class="page">') == hit.count('<small class="page">')  # text: none
