"""The app and a changing index: opened once per process, a re-index picked up without a restart."""

from __future__ import annotations

import shutil
import subprocess
import sys
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from gongkai.cli import main
from indexer.indexing.build import build_index
from webui import create_app

SCRIPT_REPORT = """某某区教育局<script>alert(1)</script>2016年度政府信息公开工作报告
根据《中华人民共和国政府信息公开条例》，现公布本局2016年度政府信息公开工作情况。
一、概述
本年度主动公开政府信息<b>12</b>条，全部在网站“<script>”栏目发布。
"""


@pytest.fixture()
def small_corpus(tmp_path, corpus_dir):
    root = tmp_path / "corpus"
    (root / "education").mkdir(parents=True)
    shutil.copy(corpus_dir / "education/000_34846fc542f213aa.txt", root / "education")
    (root / "education" / "script-test.txt").write_text(SCRIPT_REPORT, encoding="utf-8")
    return root


@pytest.fixture()
def app_on(tmp_path):
    apps = []

    def make(index_dir):
        app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})
        apps.append(app)
        return app

    yield make
    for app in apps:
        index = app.extensions.get("gongkai_index")
        if index is not None:
            index.close()


def test_reindex_while_serving_is_picked_up_without_restart(tmp_path, small_corpus, corpus_dir, app_on):
    index_dir = tmp_path / "index"
    build_index([small_corpus], index_dir)
    app = app_on(index_dir)
    client = app.test_client()
    assert "共 <strong>0</strong> 份报告" in client.get("/search?q=" + quote("柳州")).get_data(as_text=True)
    opened = app.extensions["gongkai_index"]
    assert client.get("/reports/002_8734e6479ea5e4b8").status_code == 404

    shutil.copy(corpus_dir / "education/002_8734e6479ea5e4b8.txt", small_corpus / "education")
    # The re-index runs as another process, as `gongkai index` would next to a running server.
    subprocess.run([sys.executable, "-c", "from gongkai.cli import main; main()", "index",
                    str(small_corpus), "--index-dir", str(index_dir), "--silent"],
                   check=True, capture_output=True)

    html = client.get("/search?q=" + quote("柳州")).get_data(as_text=True)
    assert "共 <strong>1</strong> 份报告" in html
    assert '<span class="agency">柳州市教育局</span>' in html
    assert client.get("/reports/002_8734e6479ea5e4b8").status_code == 200
    assert app.extensions["gongkai_index"] is opened  # the same Index, never reopened by the app


def test_a_report_containing_script_renders_as_text(tmp_path, small_corpus, app_on):
    index_dir = tmp_path / "index"
    build_index([small_corpus], index_dir)
    client = app_on(index_dir).test_client()
    html = client.get("/search?q=" + quote("某某区")).get_data(as_text=True)
    assert "共 <strong>1</strong> 份报告" in html
    assert "<script>alert" not in html and "<script>”" not in html
    assert "<mark>某某区</mark>教育局&lt;script&gt;alert(1)&lt;/script&gt;" in html
    report = client.get("/reports/script-test?q=" + quote("script")).get_data(as_text=True)
    assert "<script>alert" not in report and "<b>12</b>" not in report
    assert '<mark id="m1">script</mark>' in report and "&lt;b&gt;12&lt;/b&gt;" in report


def test_serve_refuses_a_directory_that_is_not_an_index(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(main, ["serve", "--index-dir", str(empty)])
    assert result.exit_code == 2
    assert f"gongkai index corpus --index-dir {empty}" in result.output
    assert "Traceback" not in result.output
