"""Incremental equals full: after any sequence of incremental runs the index answers every query
exactly as a full rebuild of the same files does (totals, facets, the ordered hits and their
scores), two full builds give the same order, and compaction brings the Whoosh part's files back
to a full build's size (asked for with `--compact`, or by itself past a quarter of dead sections).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongkai.cli import main
from indexer.backends import open_backend
from indexer.backends.whoosh import common
from indexer.backends.whoosh.run import DEAD_SHARE
from indexer.indexing import build_index
from indexer.search import SearchRequest, open_index
from indexer.store import Store

FILES = ["education/000_34846fc542f213aa.txt", "education/001_b8557501b183c911.txt",
         "education/002_8734e6479ea5e4b8.txt", "education/003_2d9d6b829977fe3e.txt",
         "sanming/sanming-2006885.txt", "putian/putian-1440005.txt",
         "putian/putian-1697626.txt", "pingtan/pingtan-80445.txt", "pingtan/pingtan-80485.txt",
         "pingtan/pingtan-80506.txt", "pingtan/pingtan-80529.txt", "pingtan/pingtan-80678.html"]
EXTRA = "pingtan/pingtan-80576.txt"     # added by a later run
QUERIES = ["申请", "公开", "复议 诉讼", '"政府信息公开"', "year:2016 收费", "section:requests 申请",
           "依申请公开 答复"]
WORDS = ["申请", "公开", "复议", "诉讼", "收费", "答复"]


def copy_files(corpus_dir: Path, root: Path, names: list[str]) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus_dir / name, root / name)


def change(path: Path, note: str) -> None:
    """A changed report: a sentence added at its end (words and exact text change)."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"\n本机关{note}，申请人申请行政复议和行政诉讼的情况另行公开。\n")


def answers(index_dir: Path) -> list[dict]:
    """Every query's total, facets and ordered top-10 hits (report ids, scores, passages)."""
    index = open_index(str(index_dir))
    try:
        out = []
        for q in QUERIES:
            result = index.search(SearchRequest(q=q, per_page=10))
            out.append({"q": q, "total": result["total"], "facets": result["facets"],
                        "hits": [(h["report_id"], h["score"], h["passages"])
                                 for h in result["hits"]]})
        return out
    finally:
        index.close()


def raw_scores(index_dir: Path) -> dict[str, dict[tuple[str, int], float]]:
    """The reader's exact BM25 scores per word, by (report id, ordinal) (not rounded)."""
    backend = open_backend(str(index_dir))
    try:
        reader = backend.reader()
        keys = reader.section_keys()
        out = {}
        for w in WORDS:
            scores = reader.word_scores([w])
            out[w] = {} if scores is None else {
                keys[d]: v for d, v in zip(scores.numbers.tolist(), scores.values.tolist())}
        return out
    finally:
        backend.close()


def part_sizes(index_dir: Path) -> dict[str, int]:
    part = Store(index_dir).current().part("whoosh")
    return {name: (part / name).stat().st_size for name in ("texts.bin", "grams.bin")}


def dead_sections(index_dir: Path) -> int:
    backend = open_backend(str(index_dir))
    try:
        reader = backend.reader()
        return reader.searcher.doc_count_all() - len(reader.live)
    finally:
        backend.close()


@pytest.fixture
def corpus(tmp_path, corpus_dir) -> Path:
    root = tmp_path / "corpus"
    copy_files(corpus_dir, root, FILES)
    return root


def test_incremental_runs_answer_as_a_full_rebuild(corpus, corpus_dir, tmp_path):
    inc = tmp_path / "inc"
    build_index([corpus], inc, procs=1)
    steps = [lambda: change(corpus / FILES[0], "第一次补充说明"),
             lambda: copy_files(corpus_dir, corpus, [EXTRA]),
             lambda: (corpus / FILES[5]).unlink(),
             lambda: change(corpus / FILES[0], "第二次补充说明"),
             lambda: change(corpus / FILES[7], "另行说明收费情况")]
    for step in steps:
        step()
        summary = build_index([corpus], inc, procs=1)
        assert not summary.full and not summary.compacted, summary
    assert dead_sections(inc) > 0, "the incremental index should still hold deleted sections"
    full = tmp_path / "full"
    assert build_index([corpus], full, procs=2, full=True).full
    assert raw_scores(inc) == raw_scores(full)
    got, want = answers(inc), answers(full)
    assert any(a["hits"] for a in want)
    for a, b in zip(got, want):
        assert a == b, a["q"]


def exported_words(index_dir: Path) -> set[str]:
    return set(common.CommonPostings(Store(index_dir).current().part("whoosh")).words)


def test_common_words_score_as_a_full_rebuild(corpus, corpus_dir, tmp_path, monkeypatch):
    """With the common-word threshold lowered, the exported postings of an incrementally
    updated index (deleted sections among them) score as a full rebuild's do."""
    monkeypatch.setattr(common, "COMMON_POSTINGS", 20)
    inc, full = tmp_path / "inc", tmp_path / "full"
    build_index([corpus], inc, procs=1)
    (corpus / FILES[5]).unlink()
    change(corpus / FILES[0], "第一次补充说明")
    assert not build_index([corpus], inc, procs=1).full
    assert dead_sections(inc) > 0
    assert build_index([corpus], full, procs=2, full=True).full
    words = Store(full).current().part("whoosh") / "words"
    assert list(words.glob("*.pst")) and not list(words.glob("*.seg")), "segments not compound"
    # (Whoosh's counts, which choose the words, include the deleted sections)
    assert {"申请", "公开"} <= exported_words(full) <= exported_words(inc)
    assert raw_scores(inc) == raw_scores(full)


def test_two_full_builds_give_the_same_order(corpus, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    build_index([corpus], one, procs=2, full=True)
    build_index([corpus], two, procs=2, full=True)
    assert answers(one) == answers(two)


def test_compaction(corpus, tmp_path):
    inc, full = tmp_path / "inc", tmp_path / "full"
    build_index([corpus], inc, procs=1)
    for run in range(4):   # one changed report a run: under the threshold
        change(corpus / FILES[run % 3], f"第{run}次补充")
        assert not build_index([corpus], inc, procs=1).compacted
    grown = part_sizes(inc)
    build_index([corpus], full, procs=1, full=True)
    compact = part_sizes(full)
    assert grown["texts.bin"] > compact["texts.bin"] and grown["grams.bin"] > compact["grams.bin"]
    result = CliRunner().invoke(main, ["index", str(corpus), "--index-dir", str(inc), "--compact",
                                       "--silent", "--procs", "1"])
    assert result.exit_code == 0, result.output
    assert "compacting update" in result.output
    assert part_sizes(inc) == compact
    assert dead_sections(inc) == 0
    assert answers(inc) == answers(full)
    # Past DEAD_SHARE of dead sections a run compacts by itself.
    runs = []
    for run in range(12):
        for name in FILES[:4]:
            change(corpus / name, f"第{run}轮补充")
        runs.append(build_index([corpus], inc, procs=1).compacted)
        if runs[-1]:
            break
    assert runs[-1] and len(runs) > 1, runs
    build_index([corpus], full, procs=1, full=True)
    assert part_sizes(inc) == part_sizes(full)
    assert answers(inc) == answers(full)
    assert 0 < DEAD_SHARE < 1


def test_builds_with_several_writer_processes_give_the_same_order(corpus_dir, tmp_path):
    """Over 50 files the writer runs in several processes (sections land in its segments in
    another order than one process writes them): the answers are the same."""
    names = sorted(str(p.relative_to(corpus_dir)) for p in corpus_dir.rglob("*")
                   if p.suffix in (".txt", ".html"))[:60]
    root = tmp_path / "many"
    copy_files(corpus_dir, root, names)
    one, two, single = tmp_path / "one", tmp_path / "two", tmp_path / "single"
    build_index([root], one, procs=2, full=True)
    build_index([root], two, procs=2, full=True)
    build_index([root], single, procs=1, full=True)
    assert answers(one) == answers(two) == answers(single)
