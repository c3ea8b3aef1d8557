"""Bounded work per file: size and nesting limits with their skip reasons, extraction linear in
the input, and the per-file time budget of the indexing worker (real files in tmp_path)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.errors import ReportReadError
from indexer.extract.corpus import Skipped
from indexer.extract.html import html_document
from indexer.extract.limits import FILE_SECONDS, FILE_SECONDS_ENV, MAX_FILE_BYTES, MAX_HTML_DEPTH
from indexer.extract.report import extract_report
from indexer.extract.sections.candidate import Candidate
from indexer.extract.sections.numbered import _heaviest_runs
from indexer.indexing.workers import Extracted, extract, file_seconds, time_budget

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REPORT = CORPUS / "putian" / "putian-1562674.txt"   # its headings were quadratic to order
TEXT = "政府信息公开工作年度报告。一、总体情况。本机关依法公开政府信息。"


@pytest.fixture(scope="module")
def big_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real report repeated to about 8 MB: big, but under every limit."""
    text = REPORT.read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("big") / "big-report.txt"
    path.write_text(text * (8 * 1024 * 1024 // len(text.encode("utf-8")) + 1), encoding="utf-8")
    return path


def nested_page(depth: int) -> str:
    """An HTML page whose report text sits inside `depth` nested divs (html and body add 2)."""
    return ("<!DOCTYPE html><html><head><title>t</title></head><body>" + "<div>" * depth + TEXT
            + "</div>" * depth + "</body></html>")


def depth_reason(levels: int) -> str:
    return f"HTML elements nested {levels} levels deep (limit {MAX_HTML_DEPTH})"


def job(path: Path) -> tuple[str, str, str, None]:
    return (str(path), str(path.parent), path.name, None)


def test_limits_are_documented_constants() -> None:
    assert MAX_FILE_BYTES == 20 * 1024 * 1024
    assert MAX_HTML_DEPTH == 256
    assert FILE_SECONDS == 60


def test_big_report_is_extracted_within_the_budget(big_report: Path) -> None:
    assert big_report.stat().st_size > 8 * 1024 * 1024
    item = extract(job(big_report))
    assert isinstance(item, Extracted), item
    assert item.summary["year"] == extract_report(REPORT, CORPUS).year


def test_page_nested_100k_deep_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text(nested_page(100_000), encoding="utf-8")
    with pytest.raises(ReportReadError) as info:
        extract_report(path, tmp_path)
    assert info.value.reason == depth_reason(100_002)
    assert extract(job(path)) == Skipped("deep.html", depth_reason(100_002))


def test_page_at_the_depth_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "deep.html"
    path.write_text(nested_page(MAX_HTML_DEPTH - 2), encoding="utf-8")
    assert extract_report(path, tmp_path).text == TEXT
    path.write_text(nested_page(MAX_HTML_DEPTH - 1), encoding="utf-8")
    assert extract(job(path)) == Skipped("deep.html", depth_reason(MAX_HTML_DEPTH + 1))


def test_file_over_the_size_limit_is_skipped_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:           # sparse: the file is never read
        f.truncate(MAX_FILE_BYTES + 1)
    reason = f"file too large: {MAX_FILE_BYTES + 1} bytes (limit 20 MB)"
    with pytest.raises(ReportReadError) as info:
        extract_report(path, tmp_path)
    assert info.value.reason == reason
    assert extract(job(path)) == Skipped("huge.txt", reason)


def test_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "padded.txt"
    data = TEXT.encode("utf-8")
    path.write_bytes(data + b" " * (MAX_FILE_BYTES - len(data)))
    assert extract_report(path, tmp_path).text.startswith(TEXT)


def test_file_over_the_time_budget_is_skipped(big_report: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FILE_SECONDS_ENV, "0.05")
    before = signal.getsignal(signal.SIGALRM)
    item = extract(job(big_report))
    assert item == Skipped(big_report.name,
                           f"took longer than 0.05 s to read (limit {FILE_SECONDS_ENV}=0.05)")
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("value", ["", "abc", "0", "-3"])
def test_budget_setting_falls_back_to_the_default(value: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FILE_SECONDS_ENV, value)
    assert file_seconds() == FILE_SECONDS


def test_budget_is_not_armed_outside_the_main_thread() -> None:
    seen = []

    def work() -> None:
        with time_budget(0.01):
            seen.append(signal.getitimer(signal.ITIMER_REAL))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [(0.0, 0.0)]


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=3 * MAX_HTML_DEPTH),
       st.sampled_from(["div", "section", "span", "td", "p", "b"]))
def test_any_nesting_gives_a_document_or_the_depth_reason(depth: int, tag: str) -> None:
    markup = nested_page(depth).replace("<div>", f"<{tag}>").replace("</div>", f"</{tag}>")
    try:
        doc = html_document(markup, Path("page.html"))
    except ReportReadError as exc:
        assert exc.reason.startswith("HTML elements nested ")
        assert exc.reason.endswith(f"levels deep (limit {MAX_HTML_DEPTH})")
    else:
        assert TEXT in doc.text.replace("\n", "")


def _pairwise_runs(found: list[Candidate]) -> list[tuple[int, int]]:
    """The heaviest-run rule compared over every pair of candidates (the quadratic original)."""
    best: list[tuple[int, int]] = []
    for j, c in enumerate(found):
        score, prev = c.weight + (1 if c.number == 1 else 0), -1
        for i in range(j):
            if found[i].number < c.number:
                step = 2 if found[i].number + 1 == c.number else 0
                if best[i][0] + c.weight + step >= score:
                    score, prev = best[i][0] + c.weight + step, i
        best.append((score, prev))
    return best


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 8), st.sampled_from([0, 5, 8, 10])), max_size=14))
def test_heaviest_runs_match_the_pairwise_rule(items: list[tuple[int, int]]) -> None:
    found = [Candidate(k, k + 1, "overview", n, "cn", w) for k, (n, w) in enumerate(items)]
    assert _heaviest_runs(found) == _pairwise_runs(found)
