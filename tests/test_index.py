"""Indexing: what is stored, incremental runs, atomic swaps, the lock, version checks."""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from conftest import copy_reports, total

from indexer.backends.whoosh import WhooshBackend
from indexer.backends.whoosh import writer as whoosh_writer
from indexer.errors import GongkaiError
from indexer.indexing import build_index
from indexer.search import SearchRequest, open_index
from indexer.store import Store
from whoosh import index as whoosh_index


def current_generation(index_dir):
    generation = Store(index_dir).current()
    return generation.path if generation else None


def read_manifest(generation):
    return json.loads((generation / "manifest.json").read_text(encoding="utf-8"))

FILES = ["education/000_34846fc542f213aa.txt", "education/001_b8557501b183c911.txt",
         "sanming/sanming-2006885.txt", "putian/putian-1440005.txt",
         "putian/putian-1697626.txt"]


@pytest.fixture
def small_corpus(tmp_path, corpus_dir) -> Path:
    """A copy of five real reports (plus a file that is not a report)."""
    root = copy_reports(tmp_path / "corpus", FILES)
    (root / "notes.md").write_text("not a report", encoding="utf-8")
    return root


def test_full_corpus_manifest(index_dir):
    gen = current_generation(index_dir)
    manifest = read_manifest(gen)
    assert set(manifest) == {"signature", "created"}   # nothing per file or per report
    assert manifest["signature"] == WhooshBackend(index_dir).signature
    files = json.loads((gen / "files.json").read_text(encoding="utf-8"))
    assert len(files) == 258  # SOURCES.md is skipped by suffix, never read
    assert files["education/001_b8557501b183c911.txt"]["report_id"] == "001_b8557501b183c911"
    generation = Store(index_dir).current()
    assert len(generation.summaries()) == 258
    assert generation.manifest()["files"] == files
    assert generation.summaries()["001_b8557501b183c911"]["source"] == \
        "education/001_b8557501b183c911.txt"
    assert {p.name for p in gen.iterdir()} == {"whoosh", "records", "summaries", "columns",
                                               "files.json", "manifest.json"}
    assert {p.name for p in (gen / "records").iterdir()} == {"frames.zst", "index.bin",
                                                             "ids.json", "dict.zst"}
    assert {p.name for p in (gen / "whoosh").iterdir()} == {"words", "texts.bin", "grams.bin",
                                                           "grams.idx", "common.ids",
                                                           "common.tfs", "common.json", "docs.npz",
                                                           "docs.json"}


def test_first_run_summary(small_corpus, tmp_path):
    summary = build_index([small_corpus], tmp_path / "ix")
    assert (summary.reports, summary.added, summary.unchanged, summary.removed) == (5, 5, 0, 0)
    assert summary.full
    assert [(s.source, s.reason) for s in summary.skipped] == [
        ("notes.md", "not a report file type (.md)")]
    index = open_index(tmp_path / "ix")
    # Every section, and one head document per report (title, agency, region, year).
    assert summary.sections == sum(len(index.get_report(Path(f).stem).sections) + 1 for f in FILES)
    index.close()


def test_rerun_indexes_only_new_and_changed_files_and_removes_deleted_ones(small_corpus, tmp_path):
    ix = tmp_path / "ix"
    build_index([small_corpus], ix)
    index = open_index(ix)  # an open index follows re-indexing without a restart
    assert index.search(SearchRequest(q="湘桥"))["total"] == 1

    again = build_index([small_corpus], ix)
    assert (again.added, again.unchanged, again.removed, again.full) == (0, 5, 0, False)

    changed = small_corpus / FILES[0]
    changed.write_bytes(changed.read_bytes() + "\n补充说明：紫藤萝试验词。\n".encode("utf-8"))
    (small_corpus / FILES[1]).unlink()
    shutil.copyfile(Path(__file__).parent.parent / "corpus" / "pingtan" / "pingtan-80576.txt",
                    small_corpus / "pingtan-80576.txt")
    update = build_index([small_corpus], ix)
    assert (update.added, update.unchanged, update.removed, update.reports) == (2, 3, 1, 5)

    assert index.search(SearchRequest(q="湘桥"))["total"] == 0          # deleted report gone
    found = index.search(SearchRequest(q="紫藤萝试验词"))
    assert [h["report_id"] for h in found["hits"]] == ["000_34846fc542f213aa"]
    assert index.search(SearchRequest(q='"江北区教育局"'))["total"] == 1  # changed, not doubled
    assert len(index.reports()) == 5
    index.close()
    # Only the live generation and the one before it are kept.
    assert len([p for p in ix.iterdir() if p.name.startswith("gen-")]) == 2


def _index_forever(paths, index_dir):
    build_index(paths, index_dir, procs=1)


def test_a_killed_run_leaves_the_previous_index_intact(small_corpus, tmp_path, corpus_dir):
    ix = tmp_path / "ix"
    build_index([small_corpus], ix)
    live = current_generation(ix)
    before = total(ix, "申请")

    # Kill a full-corpus run part-way through (it takes seconds; kill after a moment).
    proc = multiprocessing.get_context("fork").Process(
        target=_index_forever, args=([corpus_dir], ix))
    proc.start()
    time.sleep(1.5)
    assert proc.is_alive()
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()

    assert current_generation(ix) == live
    assert total(ix, "申请") == before == 5
    # The lock died with the process: the next run works and clears the unfinished generation.
    summary = build_index([small_corpus], ix)
    assert summary.unchanged == 5
    assert len([p for p in ix.iterdir() if p.name.startswith("gen-")]) == 2


def test_two_runs_at_once_are_refused(small_corpus, tmp_path):
    ix = tmp_path / "ix"
    ix.mkdir()
    with open(ix / "lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another run holds the lock
        with pytest.raises(GongkaiError, match="another indexing run is writing to .*; wait"):
            build_index([small_corpus], ix)
    assert build_index([small_corpus], ix).reports == 5


def test_a_different_analyzer_or_dictionary_forces_a_full_build(small_corpus, tmp_path):
    ix = tmp_path / "ix"
    build_index([small_corpus], ix)
    gen = current_generation(ix)
    manifest = read_manifest(gen)
    manifest["signature"] = "analyzer=0;userdict=0000000000000000"
    (gen / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(GongkaiError, match="built by another version of gongkai"):
        open_index(ix)
    summary = build_index([small_corpus], ix)
    assert (summary.full, summary.added, summary.unchanged) == (True, 5, 0)
    assert total(ix, "湘桥") == 1


def test_no_index_and_missing_paths_are_clear_errors(tmp_path):
    with pytest.raises(GongkaiError, match="no index in .*; run `gongkai index` first"):
        open_index(tmp_path / "nothing")
    with pytest.raises(GongkaiError, match="nope: no such file or directory"):
        build_index([tmp_path / "nope"], tmp_path / "ix")


def test_commits_in_several_segments_score_like_one(tmp_path, monkeypatch, small_index, small_corpus_dir):
    """Large runs commit every SEGMENT_DOCS sections, unmerged: scores must not move."""
    monkeypatch.setattr(whoosh_writer, "SEGMENT_DOCS", 15)
    summary = build_index([small_corpus_dir], tmp_path / "ix")
    assert summary.sections == 117   # the small corpus: 103 sections and 14 head documents,
    # eight commits of at most 15
    words = Store(tmp_path / "ix").current().part("whoosh") / "words"
    with whoosh_index.open_dir(str(words)).reader() as reader:
        assert len(list(reader.leaf_readers())) >= 7   # two per commit with two writer processes
    segmented = open_index(tmp_path / "ix")
    try:
        for q in ("复议", "依申请公开 收费", '"政府信息公开"', "湘桥", "year:2019 申请"):
            a = small_index.search(SearchRequest(q=q, per_page=1000))
            b = segmented.search(SearchRequest(q=q, per_page=1000))
            assert a["total"] == b["total"] and a["facets"] == b["facets"], q
            assert sorted((h["report_id"], h["score"]) for h in a["hits"]) == \
                sorted((h["report_id"], h["score"]) for h in b["hits"]), q
    finally:
        segmented.close()
