"""`gongkai serve`: a missing index is a clear error (exit 2) that says how to build one."""

from __future__ import annotations

from click.testing import CliRunner

from gongkai.cli import main


def test_serve_without_an_index_says_to_run_gongkai_index(tmp_path):
    missing = tmp_path / "no-index-here"
    result = CliRunner().invoke(main, ["serve", "--index-dir", str(missing)])
    assert result.exit_code == 2
    assert f"no index at {missing}" in result.output
    assert f"gongkai index corpus --index-dir {missing}" in result.output
    assert "Traceback" not in result.output


def test_serve_reads_the_index_dir_from_the_environment(tmp_path):
    missing = tmp_path / "from-env"
    result = CliRunner().invoke(main, ["serve"], env={"GONGKAI_INDEX_DIR": str(missing)})
    assert result.exit_code == 2
    assert f"no index at {missing}" in result.output


def test_serve_help_lists_its_options():
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--index-dir", "GONGKAI_INDEX_DIR", "127.0.0.1", "5000"):
        assert option in result.output
