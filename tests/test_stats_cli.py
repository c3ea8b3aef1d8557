"""`gongkai stats` on the real corpus: rows, CSV for Excel, JSON, coverage, user mistakes."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from gongkai.cli import main
from indexer.model.vocabulary import FIGURE_LABELS as FIGURES, MAIN_FIGURES


def run(*args: str):
    return CliRunner().invoke(main, ["stats", *args])


def test_json_rows_and_coverage(corpus_dir):
    result = run(str(corpus_dir / "education"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["reports"] == 5
    rows = {row["report_id"]: row for row in data["rows"]}
    yinzhou = rows["003_2d9d6b829977fe3e"]
    assert (yinzhou["agency"], yinzhou["year"]) == ("鄞州区教育局", 2019)
    assert yinzhou["requests_received"] == 3
    assert yinzhou["requests_total"] == 6
    assert yinzhou["requests_partly_granted"] is None  # not given: null, never guessed
    assert yinzhou["flags"] == "row_sum;balance;results_sum"
    assert rows["000_34846fc542f213aa"]["proactive_published"] == 539
    assert rows["004_e736801e236d0d10"]["proactive_published"] == 486
    assert set(data["coverage"]) == set(FIGURES)
    assert data["coverage"]["proactive_published"] == 3
    assert data["coverage"]["requests_received"] == 5
    assert data["coverage"]["requests_total"] == 1


def test_csv_has_bom_for_excel(corpus_dir):
    result = run(str(corpus_dir / "pingtan" / "pingtan-87885.html"), "--csv")
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert list(rows[0])[:5] == ["report_id", "agency", "year", "province", "city"]
    assert list(rows[0])[5:5 + len(MAIN_FIGURES)] == list(MAIN_FIGURES)
    assert rows[0]["requests_received"] == "81"
    assert rows[0]["lawsuits"] == "7"
    assert rows[0]["requests_carried_over"] == "0"
    assert "coverage over 1 reports" in result.stderr


def test_coverage_flag(corpus_dir):
    result = run(str(corpus_dir / "sanming"), "--coverage")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "coverage over 13 reports:"
    counts = {line.split()[0]: int(line.split()[1]) for line in lines[1:]}
    assert counts["requests_received"] == 13
    assert counts["reconsiderations"] == 13
    assert counts["proactive_published"] == 6  # the 2019+ tables count documents, not items
    assert counts["requests_unable"] == 7      # a 2019+ table row; none before


def test_missing_path_is_a_message_not_a_traceback():
    result = run("no/such/dir")
    assert result.exit_code == 2
    assert "no/such/dir: no such file or directory" in result.stderr
    assert "Traceback" not in result.output


def test_csv_and_json_together_is_a_usage_error(corpus_dir):
    result = run(str(corpus_dir / "education"), "--csv", "--json")
    assert result.exit_code == 2
    assert "choose one of --csv and --json" in result.output


def test_a_file_given_by_a_relative_path_is_read(corpus_dir, monkeypatch):
    """A relative path to one file (the corpus root found above it is absolute) gives its row
    and names its source from the corpus root, as the index does."""
    monkeypatch.chdir(corpus_dir.parent)
    result = run("corpus/education/000_34846fc542f213aa.txt", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["reports"], data["skipped"]) == (1, [])
    assert data["rows"][0]["report_id"] == "000_34846fc542f213aa"
