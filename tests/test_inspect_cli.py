"""`gongkai inspect`: one file, a bad file, the corpus summary."""

from __future__ import annotations

import json

from click.testing import CliRunner

from gongkai.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_inspect_json_record_shape(corpus_dir):
    result = run("inspect", str(corpus_dir / "education/000_34846fc542f213aa.txt"), "--json")
    assert result.exit_code == 0
    record = json.loads(result.output)
    assert record["report_id"] == "000_34846fc542f213aa"
    assert record["source"] == "education/000_34846fc542f213aa.txt"
    assert list(record) == ["report_id", "source", "title", "agency", "year", "published", "url",
                            "region", "text", "sections", "stats", "flags", "format", "pages", "ocr"]
    assert (record["format"], record["pages"], record["ocr"]) == ("txt", [], False)
    assert set(record["region"]) == {"province", "city", "county", "adcode", "candidates", "evidence"}
    assert record["sections"][0]["start"] == 0
    assert record["sections"][-1]["end"] == len(record["text"])


def test_inspect_bad_file_exits_2_with_reason(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = run("inspect", str(bad))
    assert result.exit_code == 2
    assert result.output.strip() == "Error: empty.txt: empty file"
    assert "Traceback" not in result.output


def test_inspect_missing_path_exits_2(tmp_path):
    result = run("inspect", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "no such file or directory" in result.output


def test_summary_lists_skipped_files_with_reasons(tmp_path, corpus_dir):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "good.txt").write_bytes((corpus_dir / "education/000_34846fc542f213aa.txt")
                                              .read_bytes())
    (tmp_path / "a" / "binary.txt").write_bytes(b"\x00\x01\x02PK")
    (tmp_path / "a" / "notes.md").write_text("# notes")
    result = run("inspect", str(tmp_path / "a"), "--summary", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [r["source"] for r in data["rows"]] == ["good.txt"]
    assert data["summary"]["skipped"] == [
        {"source": "binary.txt", "reason": "binary file (contains NUL bytes)"},
        {"source": "notes.md", "reason": "not a report file type (.md)"},
    ]
