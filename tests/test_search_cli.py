"""`gongkai index` and `gongkai search`: the CLI contract (searches run on the small index)."""

from __future__ import annotations

import fcntl
import json
import shutil

from click.testing import CliRunner

from gongkai.cli import main

FILES = ["education/000_34846fc542f213aa.txt", "education/001_b8557501b183c911.txt",
         "sanming/sanming-2006885.txt"]


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def test_search_json_is_the_search_result(small_index_dir, small_index):
    result = run("search", '"湘桥"', "--index-dir", str(small_index_dir), "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert list(data) == ["query", "total", "page", "per_page", "hits", "facets", "terms",
                          "partial", "missing", "understood", "chips", "suggestions"]
    assert (data["partial"], data["missing"]) == (False, [])
    assert (data["query"], data["total"], data["page"], data["per_page"]) == ('"湘桥"', 1, 1, 10)
    assert data["hits"][0]["report_id"] == "001_b8557501b183c911"
    assert data["hits"][0]["passages"][0]["html"].count("<mark>湘桥</mark>") >= 1
    from indexer.search import SearchRequest
    assert data == json.loads(json.dumps(small_index.search(SearchRequest(q='"湘桥"'))))


def test_search_filters_pages_and_sort(small_index_dir, small_index):
    base = ["search", "申请", "--index-dir", str(small_index_dir), "--json"]
    two_years = json.loads(run(*base, "--year", "2016", "--year", "2017").output)
    one = json.loads(run(*base, "--year", "2016").output)
    assert two_years["total"] > one["total"] == 4  # 2016: 江北, 三明, 林业局, 审计局
    requests = json.loads(run(*base, "--section", "requests", "--per-page", "50").output)
    assert {p["section"] for h in requests["hits"] for p in h["passages"]} == {"requests"}
    page2 = json.loads(run(*base, "--page", "2", "--per-page", "3").output)
    page1 = json.loads(run(*base, "--per-page", "6").output)
    assert [h["report_id"] for h in page2["hits"]] == [h["report_id"] for h in page1["hits"][3:]]
    by_year = json.loads(run(*base, "--sort", "year", "--per-page", "20").output)
    years = [h["year"] or 0 for h in by_year["hits"]]
    assert years == sorted(years, reverse=True)
    newest = json.loads(run(*base, "--sort", "newest", "--per-page", "20").output)
    assert newest["hits"] == by_year["hits"]
    oldest = json.loads(run(*base, "--sort", "oldest", "--per-page", "20").output)
    known = [h["year"] for h in oldest["hits"] if h["year"] is not None]
    assert known == sorted(known) and len(oldest["hits"]) == len(by_year["hits"])
    city = json.loads(run(*base, "--city", "三明市", "--agency", "三明市人民政府").output)
    assert city["total"] == 2  # 三明市人民政府 2016 and 2023


def test_search_readable_output(small_index_dir):
    result = run("search", '"湘桥"', "--index-dir", str(small_index_dir))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "1 reports (showing 1-1)"
    assert lines[2].startswith("1. ")
    assert "education/001_b8557501b183c911.txt" in lines[3]
    assert any("【湘桥】" in line for line in lines)  # marks, off a terminal
    assert "<mark>" not in result.output


def test_user_errors_exit_2_with_a_message(small_index_dir):
    result = run("search", "foo:bar", "--index-dir", str(small_index_dir), "--json")
    assert result.exit_code == 2
    assert json.loads(result.output)["error"]["message"].startswith("未知字段 'foo:'")
    result = run("search", "申请", "--index-dir", str(small_index_dir), "--per-page", "0")
    assert result.exit_code == 2
    assert "Error: 每页条数（per_page）必须是 1 到 1000 之间的整数。" in result.output
    result = run("search", "申请", "--index-dir", str(small_index_dir), "--year", "soon", "--json")
    assert result.exit_code == 2
    assert json.loads(result.output) == {"error": {"message":
                                                   "年度应写作 2016 或 2016-2019，而不是 'soon'"}}


def test_search_without_an_index(tmp_path):
    result = run("search", "申请", "--index-dir", str(tmp_path / "none"))
    assert result.exit_code == 2
    assert f"no index in {tmp_path / 'none'}; run `gongkai index` first" in result.output


def test_index_command_summary_and_incremental_rerun(tmp_path, corpus_dir):
    root = tmp_path / "corpus"
    for name in FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus_dir / name, root / name)
    (root / "README").write_text("notes", encoding="utf-8")
    ix = tmp_path / "ix"
    first = run("index", str(root), "--index-dir", str(ix), "--silent")
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert lines[0].startswith("3 reports, ")
    assert "(full build: 3 new or changed, 0 unchanged, 0 removed)" in lines[0]
    assert lines[1:] == ["skipped 1 files:", "  README: not a report file type (no suffix)"]
    second = run("index", str(root), "--index-dir", str(ix))  # not a tty: no progress bar
    assert "(update: 0 new or changed, 3 unchanged, 0 removed)" in second.output
    assert "it/s" not in second.output and "file/s" not in second.output


def test_index_dir_from_the_environment(tmp_path, corpus_dir):
    root = tmp_path / "corpus"
    root.mkdir()
    shutil.copyfile(corpus_dir / FILES[1], root / "one.txt")
    env = {"GONGKAI_INDEX_DIR": str(tmp_path / "envix")}
    assert run("index", str(root), "--silent", env=env).exit_code == 0
    result = run("search", "湘桥", "--json", env=env)
    assert json.loads(result.output)["total"] == 1


def test_two_index_runs_at_once_are_refused(tmp_path, corpus_dir):
    ix = tmp_path / "ix"
    ix.mkdir()
    with open(ix / "lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = run("index", str(corpus_dir / "education"), "--index-dir", str(ix), "--silent")
    assert result.exit_code == 2
    assert f"Error: another indexing run is writing to {ix}; wait for it to finish" in result.output
