"""Indexing safety: deletes only on evidence, file problems named and skipped, a durable switch,
and a killed run (its worker processes included) that never blocks the next one."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import copy_reports, total
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gongkai.cli import main
from indexer.indexing import build_index
from indexer.search import open_index
from indexer.store import Store

FILES = ["education/000_34846fc542f213aa.txt", "education/001_b8557501b183c911.txt",
         "sanming/sanming-2006885.txt", "putian/putian-1440005.txt",
         "putian/putian-1697626.txt"]


@pytest.fixture
def corpus(tmp_path, corpus_dir) -> Path:
    return copy_reports(tmp_path / "corpus", FILES)


def cli(*args: str):
    return CliRunner().invoke(main, ["index", *args, "--silent"])


def reports(index_dir) -> set[str]:
    index = open_index(index_dir)
    try:
        return {r.report_id for r in index.reports()}
    finally:
        index.close()


def snapshot(index_dir: Path) -> dict[str, float]:
    return {str(p.relative_to(index_dir)): p.stat().st_mtime for p in index_dir.rglob("*")
            if p.name != "lock"}


def test_an_empty_folder_is_refused_and_changes_nothing_unless_pruned(corpus, tmp_path):
    ix = tmp_path / "ix"
    assert cli(str(corpus), "--index-dir", str(ix)).exit_code == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    before = snapshot(ix)
    result = cli(str(empty), "--index-dir", str(ix))
    assert result.exit_code == 2
    assert (f"Error: this run would remove 5 of 5 indexed reports ({empty} holds none of them); "
            "run again with --prune to remove them") in result.output
    assert snapshot(ix) == before and len(reports(ix)) == 5
    pruned = cli(str(empty), "--index-dir", str(ix), "--prune")
    assert pruned.exit_code == 0, pruned.output
    assert "0 reports, 0 sections" in pruned.output and "5 removed" in pruned.output
    assert reports(ix) == set()


def test_a_full_run_that_loses_most_reports_is_refused_too(corpus, tmp_path):
    ix = tmp_path / "ix"
    build_index([corpus], ix)
    result = cli(str(corpus / "putian"), "--index-dir", str(ix), "--full")
    assert result.exit_code == 2
    assert "this run would remove 3 of 5 indexed reports (their files are not in" in result.output
    assert len(reports(ix)) == 5


def test_a_subfolder_or_a_file_leaves_the_reports_outside_it_alone(corpus, tmp_path):
    ix = tmp_path / "ix"
    build_index([corpus], ix)
    every = reports(ix)
    changed = corpus / FILES[0]
    changed.write_bytes(changed.read_bytes() + "\n紫藤萝试验词。\n".encode("utf-8"))
    sub = build_index([corpus / "education"], ix)
    assert (sub.added, sub.unchanged, sub.removed, sub.reports) == (1, 4, 0, 5)
    assert reports(ix) == every and total(ix, "紫藤萝试验词") == 1
    one = build_index([corpus / FILES[3]], ix)
    assert (one.added, one.unchanged, one.removed, one.reports) == (0, 5, 0, 5)
    (corpus / FILES[1]).unlink()   # gone from a folder this run reads: evidence
    gone = build_index([corpus / "education"], ix)
    assert (gone.removed, gone.reports) == (1, 4)
    assert reports(ix) == every - {Path(FILES[1]).stem}
    manifest = Store(ix).current().manifest()
    assert sorted(manifest["files"]) == sorted(set(FILES) - {FILES[1]})


def test_links_and_odd_entries_are_named_and_skipped(corpus, tmp_path):
    ix = tmp_path / "ix"
    build_index([corpus], ix)
    target = corpus / FILES[2]
    os.symlink(tmp_path / "nowhere.txt", corpus / "dangling.txt")
    os.symlink(corpus / "loop.txt", corpus / "loop.txt")
    os.symlink("/etc/passwd", corpus / "passwd.txt")
    os.mkfifo(corpus / "fifo.txt")
    (corpus / "folder.txt").mkdir()
    # A report whose file turned into a dangling link is not evidence that it is gone.
    target.unlink()
    os.symlink(tmp_path / "missing.txt", target)
    summary = build_index([corpus], ix)
    assert sorted((s.source, s.reason) for s in summary.skipped) == [
        ("dangling.txt", "broken link (its target does not exist)"),
        ("fifo.txt", "not a regular file"),
        ("loop.txt", "link loop (the link points back to itself)"),
        ("passwd.txt", "link out of the indexed folder"),
        (FILES[2], "broken link (its target does not exist)"),
    ]
    assert (summary.removed, summary.reports) == (0, 5)
    assert total(ix, "root") == 0


def test_publish_fsyncs_every_file_of_the_generation_before_current(corpus, tmp_path,
                                                                     monkeypatch):
    ix = tmp_path / "ix"
    synced: list[str] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    build_index([corpus], ix)
    gen = Store(ix).current().path
    files = [str(p) for p in gen.rglob("*")]
    assert len(files) > 10
    current = synced.index(str(ix / "CURRENT.tmp"))
    assert set(files) | {str(gen)} <= set(synced[:current])


# --- killed runs --------------------------------------------------------------------------

KILL_FILES = 60   # more than 50 files: extraction in a Pool and Whoosh's multi-process writer


@pytest.fixture(scope="module")
def kill_setup(tmp_path_factory, corpus_dir):
    base = tmp_path_factory.mktemp("kill")
    root = base / "corpus"
    for src in sorted(corpus_dir.rglob("*.txt"))[:KILL_FILES]:
        dst = root / src.relative_to(corpus_dir)
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    ix = base / "ix"
    assert index_cli(root, ix).returncode == 0
    return root, ix, (len(reports(ix)), total(ix, "申请"))


def index_cli(root: Path, ix: Path, *extra: str, wait: bool = True):
    args = [sys.executable, "-c", "from gongkai.cli import main; main()", "index", str(root),
            "--index-dir", str(ix), "--silent", "--procs", "2", *extra]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if wait:
        proc.communicate(timeout=300)
    return proc


def processes_of(ix: Path) -> list[int]:
    """Processes whose command line names the index directory (a run and its forked children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(ix).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def kill_and_check(root: Path, ix: Path, expected: tuple[int, int], delay: float,
                   *extra: str) -> None:
    proc = index_cli(root, ix, *extra, wait=False)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert (len(reports(ix)), total(ix, "申请")) == expected
    again = index_cli(root, ix)   # at once and unaided: no lock left behind by a worker
    assert again.returncode == 0, again.stdout.read() if again.stdout else ""
    assert (len(reports(ix)), total(ix, "申请")) == expected
    assert processes_of(ix) == []   # no worker outlived the killed run
    assert len([p for p in ix.iterdir() if p.name.startswith("gen-")]) <= 2


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(delay=st.floats(min_value=0.2, max_value=4.0))
@example(delay=3.9)   # Whoosh's writer processes are running by then
def test_a_killed_full_run_never_blocks_the_next(kill_setup, delay):
    root, ix, expected = kill_setup
    kill_and_check(root, ix, expected, delay, "--full")


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(delay=st.floats(min_value=0.2, max_value=4.0))
@example(delay=3.9)   # Whoosh's writer processes are running by then
def test_a_killed_incremental_run_never_blocks_the_next(kill_setup, delay):
    root, ix, expected = kill_setup
    for path in sorted(root.rglob("*.txt")):   # every file changed, the same reports
        path.write_bytes(path.read_bytes() + b"\n")
    kill_and_check(root, ix, expected, delay)


def test_inspect_and_stats_do_not_follow_links_out_of_the_folder(corpus, tmp_path):
    """`extract_all` (behind `gongkai inspect` and `gongkai stats`) skips what a run skips."""
    from indexer.extract.corpus import Skipped, extract_all

    (corpus / "education" / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "education" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    items = list(extract_all([corpus]))
    skipped = sorted((s.source, s.reason) for s in items if isinstance(s, Skipped))
    assert skipped == [("education/gone.txt", "broken link (its target does not exist)"),
                       ("education/passwd.txt", "link out of the indexed folder")]
    assert len([r for r in items if not isinstance(r, Skipped)]) == 5
