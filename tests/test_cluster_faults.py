"""The cluster backend when things go wrong, on real searchd processes: a shard down with and
without a mirror, a shard restarted, an indexing run against a cluster with a shard down, a run
killed half-way, incremental runs, and the command line and web server on a cluster."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from cluster import free_port, running_cluster, url
from gongkai.cli import main
from indexer.backends import open_backend
from indexer.backends.sphinx import cluster as cl
from indexer.backends.sphinx.run import shard_of
from indexer.errors import GongkaiError, Unavailable
from indexer.indexing import build_index
from indexer.search import SearchRequest, open_index

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def small_cluster(tmp_path, small_corpus_dir):
    """The fourteen-report corpus on a two-shard cluster whose shards have one mirror each."""
    with running_cluster(tmp_path / "cluster", shards=2, mirrors=1) as info:
        build_index([small_corpus_dir], url(info))
        yield info


def reports_on(shard: int, index) -> set[str]:
    return {r.report_id for r in index.reports() if shard_of(r.report_id, 2) == shard}


def search(location: str, q: str = "申请", **request) -> dict:
    index = open_index(location)
    try:
        return index.search(SearchRequest(q=q, per_page=100, **request))
    finally:
        index.close()


def test_a_dead_replica_with_a_live_mirror_changes_nothing(small_cluster, small_index):
    expected = small_index.search(SearchRequest(q="申请", per_page=100))
    cl.stop_node(small_cluster.workdir, "shard0-r0")
    cl.stop_node(small_cluster.workdir, "shard1-r1")
    for _ in range(5):
        result = search(url(small_cluster))
        assert (result["partial"], result["missing"]) == (False, [])
        assert (result["total"], result["facets"]) == (expected["total"], expected["facets"])


def test_a_dead_shard_gives_a_partial_answer_naming_it_and_a_restart_catches_up(
        small_cluster, small_index):
    index = open_index(url(small_cluster))
    try:
        full = index.search(SearchRequest(q="", per_page=100))
        assert full["total"] == 14 and not full["partial"]
        for node in small_cluster.shard_nodes(1):
            cl.stop_node(small_cluster.workdir, node.name)
        partial = index.search(SearchRequest(q="", per_page=100))
        assert (partial["partial"], partial["missing"]) == (True, ["shard1"])
        survivors = reports_on(0, small_index)
        assert {h["report_id"] for h in partial["hits"]} == survivors
        assert partial["total"] == len(survivors) == 8
        for node in small_cluster.shard_nodes(1):
            cl.start_node(small_cluster.workdir, node.name)
        time.sleep(0.3)   # the head's ping notices the agents again
        again = index.search(SearchRequest(q="", per_page=100))
        assert (again["partial"], again["missing"], again["total"]) == (False, [], 14)
        assert again["facets"] == full["facets"]
    finally:
        index.close()


def test_records_are_read_a_page_at_once_and_a_dead_shards_record_is_unavailable(
        small_cluster, small_index):
    backend = open_backend(url(small_cluster))
    try:
        reader = backend.reader()
        ids = sorted(reader.summaries())
        assert reader.records(ids) == {rid: small_index.get_report(rid) for rid in ids}
        for node in small_cluster.shard_nodes(1):
            cl.stop_node(small_cluster.workdir, node.name)
        lost = min(reports_on(1, small_index))
        with pytest.raises(Unavailable, match=f"report '{lost}' is on a shard that does not "):
            reader.records(ids)
        assert reader.missing() == ["shard1"]
    finally:
        backend.close()


def test_complete_answers_are_kept_for_the_next_search_and_partial_ones_are_not(
        small_cluster, small_index):
    """A reader keeps the shards' complete answers (the next page, a facet clicked): with a
    shard down, a kept answer still comes back whole, a new one is partial and names the shard,
    and once the shard is back that run is asked again rather than answered from the partial."""
    backend = open_backend(url(small_cluster))
    try:
        reader = backend.reader()
        kept = reader.exact("申请")
        assert len(kept) == len(small_index.backend.reader().exact("申请")) > 0
        assert reader.missing() == []
        whole = small_index.backend.reader().exact("公开")
        for node in small_cluster.shard_nodes(1):
            cl.stop_node(small_cluster.workdir, node.name)
        assert reader.exact("申请").tolist() == kept.tolist() and reader.missing() == []
        partial = reader.exact("公开")
        assert reader.missing() == ["shard1"] and 0 < len(partial) < len(whole)
        for node in small_cluster.shard_nodes(1):
            cl.start_node(small_cluster.workdir, node.name)
        time.sleep(0.3)   # the head's ping notices the agents again
        assert len(reader.exact("公开")) == len(whole) and reader.missing() == []
    finally:
        backend.close()


def test_listings_fetched_in_slices_give_the_same_answers(small_cluster, small_index,
                                                          monkeypatch):
    """Sections and summaries are listed in slices of the id space that fit one reply: with
    tiny slices (dozens of round trips) the index is the same."""
    from indexer.backends.sphinx import reader

    monkeypatch.setattr(reader, "LISTING_BYTES", 2000)
    expected = small_index.search(SearchRequest(q="申请", per_page=100))
    result = search(url(small_cluster))
    assert (result["total"], result["facets"], result["partial"]) == (
        expected["total"], expected["facets"], False)
    assert sorted(h["report_id"] for h in result["hits"]) == sorted(
        h["report_id"] for h in expected["hits"])


def test_a_query_interrupted_anywhere_never_answers_the_next_one(small_cluster):
    """A search over its time budget is made to raise in its thread wherever it is (the web
    server's watchdog, `webui.limits`), inside PyMySQL too: the thread's next queries on the
    head still get their own answers, never the interrupted one's or a closed connection
    (which the 100k benchmark's server answered with HTTP 500)."""
    from indexer.backends.sphinx.head import Head
    from indexer.backends.sphinx.schema import DIST_RECORDS
    from webui.limits import OverBudget, _Watch

    head = Head("127.0.0.1", small_cluster.port)
    ids = [int(row[0]) for row in head.query(f"SELECT id FROM {DIST_RECORDS} LIMIT 0,1000").rows]
    rounds, delays = 400, random.Random(7)
    outcomes: list[str] = []

    def ask(doc: int, interrupt: bool) -> str:
        """One query, and after a random time within its usual length (~1 ms) the watchdog
        fires when `interrupt`; the query after an interrupted one is never interrupted."""
        watch = _Watch(threading.get_ident())
        timer = threading.Timer(delays.uniform(0, 0.0015), watch.fire)
        if interrupt:
            timer.start()
        try:
            rows = head.query(f"SELECT id FROM {DIST_RECORDS} WHERE id = {doc}").rows
        finally:
            timer.cancel()
            watch.disarm()
        return "answered" if rows == ((doc,),) else f"{doc} answered with {rows}"

    def worker() -> None:
        for i in range(rounds):
            try:
                outcomes.append(ask(ids[i % len(ids)], interrupt=i % 2 == 1))
            except OverBudget:
                outcomes.append("interrupted")
            except Exception as exc:   # what the server turned into a 500
                outcomes.append(repr(exc))
        head.close()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert len(outcomes) == rounds
    assert [o for o in outcomes if o not in ("answered", "interrupted")] == []
    assert outcomes[::2] == ["answered"] * (rounds // 2)
    assert outcomes[1::2].count("interrupted") > 20


def test_a_partial_answer_is_flagged_in_the_json_and_on_the_page(small_cluster):
    from webui import create_app

    for node in small_cluster.shard_nodes(1):
        cl.stop_node(small_cluster.workdir, node.name)
    client = create_app({"TESTING": True, "BACKEND": url(small_cluster)}).test_client()
    data = client.get("/api/search?q=%E7%94%B3%E8%AF%B7").get_json()
    assert (data["partial"], data["missing"]) == (True, ["shard1"])
    page = client.get("/search?q=%E7%94%B3%E8%AF%B7").get_data(as_text=True)
    assert "<strong>结果不完整：</strong>检索集群中有部分分片（shard1）没有响应" in page


def test_a_run_with_a_shard_down_fails_clearly_and_loses_nothing(small_cluster, small_corpus_dir,
                                                                 tmp_path):
    before = search(url(small_cluster))
    cl.stop_node(small_cluster.workdir, "shard1-r1")
    changed = tmp_path / "more"
    shutil.copytree(small_corpus_dir, changed)
    (changed / "putian" / "putian-991070.txt").unlink()
    with pytest.raises(Unavailable, match=r"shard1-r1 \(127\.0\.0\.1:\d+\) does not answer: the run "
                                          r"stopped before writing anything"):
        build_index([changed], url(small_cluster))
    result = CliRunner().invoke(main, ["index", str(changed), "--backend", url(small_cluster)])
    assert result.exit_code == 2 and "shard1-r1" in result.output
    after = search(url(small_cluster))
    assert (after["total"], after["facets"]) == (before["total"], before["facets"])
    cl.start_node(small_cluster.workdir, "shard1-r1")
    summary = build_index([changed], url(small_cluster))
    assert (summary.removed, summary.unchanged, summary.reports, summary.generation) == (
        1, 13, 13, "generation 2")
    assert search(url(small_cluster), "")["total"] == 13


def _index_forever(paths: list[Path], location: str) -> None:
    while True:
        build_index(paths, location, full=True, procs=1)


def test_a_killed_run_leaves_the_published_generation_and_the_next_run_cleans_up(
        small_cluster, corpus_dir):
    import multiprocessing

    before = search(url(small_cluster))
    proc = multiprocessing.get_context("fork").Process(
        target=_index_forever, args=([corpus_dir], url(small_cluster)))
    proc.start()
    time.sleep(2.5)
    assert proc.is_alive()
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    after = search(url(small_cluster))
    assert (after["total"], after["facets"]) == (before["total"], before["facets"])
    # The killed run's lock is taken over (its process is gone) and its leftovers removed.
    summary = build_index([corpus_dir], url(small_cluster))
    assert summary.reports == 258 and summary.sections == 2158   # 1900 + a head per report
    assert search(url(small_cluster), "")["total"] == 258


def test_incremental_runs_replace_changed_reports_and_publish_generations(
        small_cluster, small_corpus_dir, tmp_path):
    changed = tmp_path / "changed"
    shutil.copytree(small_corpus_dir, changed)
    target = changed / "education" / "000_34846fc542f213aa.txt"
    target.write_text(target.read_text(encoding="utf-8") + "\n紫藤萝试验词。\n", encoding="utf-8")
    summary = build_index([changed], url(small_cluster))
    assert (summary.added, summary.unchanged, summary.removed, summary.generation) == (
        1, 13, 0, "generation 2")
    assert [h["report_id"] for h in search(url(small_cluster), "紫藤萝试验词")["hits"]] == [
        "000_34846fc542f213aa"]
    assert search(url(small_cluster), '"江北区教育局"')["total"] == 1   # replaced, not doubled
    again = build_index([changed], url(small_cluster))
    assert (again.added, again.unchanged, again.generation) == (0, 14, "generation 3")
    with pytest.raises(GongkaiError, match="another indexing run"):
        with open_index_run(small_cluster):
            build_index([changed], url(small_cluster))


def open_index_run(info):
    from indexer.backends import open_backend

    return open_backend(url(info)).start_run(False, 1)


def test_an_empty_cluster_and_a_bad_url_are_clear_errors(tmp_path):
    with running_cluster(tmp_path / "c", shards=1, mirrors=0) as info:
        with pytest.raises(GongkaiError, match="no index in the cluster at 127.0.0.1:\\d+; run "
                                               "`gongkai index --backend sphinx://"):
            open_index(url(info))
    with pytest.raises(Unavailable, match="does not answer"):
        open_index(f"sphinx://127.0.0.1:{free_port()}")
    with pytest.raises(GongkaiError, match="written sphinx://HOST:PORT"):
        open_index("sphinx://nowhere")


def test_serve_and_search_on_a_cluster_from_the_command_line(small_cluster):
    result = CliRunner().invoke(main, ["search", "湘桥", "--backend", url(small_cluster), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["total"] == 1
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", "from gongkai.cli import main; main()",
                               "serve", "--backend", url(small_cluster), "--port", str(port)],
                              cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=%E6%B9%98%E6%A1%A5") as r:
                    body = json.load(r)
                break
            except OSError:
                time.sleep(0.1)
        assert body and body["total"] == 1 and body["hits"][0]["report_id"] == "001_b8557501b183c911"
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()


def test_make_cluster_and_cluster_stop(tmp_path):
    port = free_port()
    workdir = tmp_path / "made"
    started = subprocess.run(["make", "-s", "cluster", f"CLUSTER_PORT={port}", f"CLUSTER_DIR={workdir}"],
                             cwd=ROOT, capture_output=True, text=True, timeout=300)
    try:
        assert started.returncode == 0, started.stderr
        assert f"SphinxQL 127.0.0.1:{port}" in started.stdout
        assert all(n["up"] for n in cl.node_status(workdir))
        assert len(cl.node_status(workdir)) == 5
    finally:
        stopped = subprocess.run(["make", "-s", "cluster-stop", f"CLUSTER_DIR={workdir}"],
                                 cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert stopped.returncode == 0 and "stopped 5 searchd" in stopped.stdout
    assert not any(n["alive"] for n in cl.node_status(workdir))
