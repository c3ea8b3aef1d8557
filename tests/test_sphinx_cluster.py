"""The local Sphinx cluster against real searchd processes (Debian's sphinxsearch 2.2.11).

Every test gets its own cluster (two RT shards, each with one mirror, behind a distributed
head) in a temp dir on free loopback ports; the fixture stops every searchd it started, also
when the test fails. Nothing is mocked.
"""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import pymysql
import pytest

from indexer.backends.sphinx import cluster as cl
from indexer.backends.sphinx.head import Head
from indexer.backends.sphinx.run import shard_of as route
from indexer.backends.sphinx.sphinxql import (
    chars_field,
    escape_match,
    grams_field,
    phrase_match,
    quote,
    select,
    words_match,
)

SHARDS = 2

# 12 reports x 3 sections; report r07 holds the run 政府、信息 (with an enumeration comma).
REPORTS = [f"r{i:02d}" for i in range(12)]
SECTIONS = ["overview", "requests", "appeals"]
TEXTS = {
    "overview": "本机关政府信息公开工作总体情况良好",
    "requests": "依申请公开办理情况申请数量申请人",
    "appeals": "行政复议行政诉讼情况",
}


def shard_of(report_id: str, shards: int = SHARDS) -> int:
    """The stable routing of a report to a shard (never Python's salted hash())."""
    expected = int.from_bytes(hashlib.blake2b(report_id.encode(), digest_size=8).digest(), "big")
    assert route(report_id, shards) == expected % shards
    return route(report_id, shards)


def section_docs():
    """(report_no, report_id, ordinal, section, words, text) for every section."""
    for no, rid in enumerate(REPORTS, 1):
        for ordinal, sec in enumerate(SECTIONS):
            text = TEXTS[sec] + rid
            if rid == "r07" and sec == "overview":
                text = "本机关政府、信息公开" + rid
            words = " ".join(text[i:i + 2] for i in range(0, len(text), 2)) + " " + rid
            if sec == "requests":
                words = "依 申请 公开 办理 情况 申请 数量 申请 人 " + rid
            yield no, rid, ordinal, sec, words, text


def connect(port: int):
    return pymysql.connect(host="127.0.0.1", port=port, autocommit=True, connect_timeout=5)


def insert_docs(info: cl.ClusterInfo, docs) -> Counter:
    """Write every doc to every replica of its shard; returns docs per shard."""
    per_shard: dict[int, list[str]] = {s: [] for s in range(info.shards)}
    for no, rid, ordinal, sec, words, text in docs:
        per_shard[shard_of(rid, info.shards)].append(
            "(%d, %s, %s, %s, %s, %s, %d, %d, 1, 4294967295)" % (
                no * 65536 + ordinal, quote(words), quote(chars_field(text)),
                quote(grams_field(text)), quote(rid), quote(sec), ordinal, len(words.split())))
    for s, rows in per_shard.items():
        for node in info.shard_nodes(s):
            with closing(connect(node.port)) as c, c.cursor() as cur:
                if rows:
                    cur.execute("INSERT INTO gongkai_sections (id, words, chars, grams, report_id, "
                                "section, ordinal, wordcount, born, died) VALUES " + ",".join(rows))
    return Counter({s: len(rows) for s, rows in per_shard.items()})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    workdir = tmp_path / "cluster"
    info = cl.start_cluster(workdir, port=free_port(), shards=SHARDS, mirrors=1)
    try:
        yield info
    finally:
        cl.stop_cluster(workdir)


@pytest.fixture
def loaded(cluster):
    per_shard = insert_docs(cluster, section_docs())
    assert all(per_shard[s] > 0 for s in range(SHARDS)), "test data must reach every shard"
    return cluster, per_shard


@pytest.fixture
def head(cluster):
    with closing(connect(cluster.port)) as c:
        yield c


def test_start_status_stop(tmp_path):
    workdir = tmp_path / "c"
    info = cl.start_cluster(workdir, port=free_port(), shards=2, mirrors=1)
    try:
        saved = cl.load_cluster(workdir)
        assert [n.name for n in saved.nodes] == ["shard0-r0", "shard0-r1", "shard1-r0", "shard1-r1", "head"]
        assert saved.head.port == info.port
        status = cl.node_status(workdir)
        assert all(s["alive"] and s["up"] for s in status)
        assert len({s["port"] for s in status} | {s["api_port"] for s in status}) == 10
        head_conf = Path(saved.head.config).read_text()
        for s in range(2):
            mirrors = "|".join(f"127.0.0.1:{n.api_port}" for n in saved.shard_nodes(s))
            assert f"agent = {mirrors}:gongkai_sections" in head_conf
        with closing(connect(info.port)) as c:
            assert c.get_server_info().startswith("2.2.11")
    finally:
        stopped = cl.stop_cluster(workdir)
    assert len(stopped) == 5
    assert not any(s["alive"] for s in cl.node_status(workdir))
    assert cl.stop_cluster(workdir) == []       # stopping a stopped cluster is fine


def test_cli_errors_exit_2(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "indexer.backends.sphinx.cluster", *args],
                              capture_output=True, text=True, timeout=60)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        taken = s.getsockname()[1]
        r = run("start", "--dir", str(tmp_path / "c"), "--port", str(taken))
    assert r.returncode == 2
    assert r.stderr.strip() == f"error: port 127.0.0.1:{taken} is already in use"
    r = run("status", "--dir", str(tmp_path / "none"))
    assert r.returncode == 2 and "cluster.json not found" in r.stderr


def test_a_cluster_started_again_keeps_its_layout_and_data(tmp_path):
    """`start` on a stopped cluster's folder brings back its shards, mirrors and documents
    without being told them; another number of mirrors (a new, empty replica that would
    answer half the queries with nothing) or shards is refused, exit 2, and nothing starts."""
    def run(*args):
        return subprocess.run([sys.executable, "-m", "indexer.backends.sphinx.cluster", *args,
                               "--dir", str(tmp_path / "c")], capture_output=True, text=True,
                              timeout=120)

    cl.start_cluster(tmp_path / "c", port=free_port(), shards=1, mirrors=0)
    try:
        with closing(connect(cl.load_cluster(tmp_path / "c").shard_nodes(0)[0].port)) as c:
            c.cursor().execute("INSERT INTO gongkai_sections (id, words) VALUES (7, '公开')")
    finally:
        cl.stop_cluster(tmp_path / "c")
    port = free_port()
    r = run("start", "--port", str(port))
    try:
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith(f"cluster up: SphinxQL 127.0.0.1:{port} index 'gongkai' "
                                   f"over 1 shard(s) x 1 replica(s) (2 searchd)")
        with closing(connect(port)) as c:
            assert select(c, "SELECT id FROM gongkai WHERE MATCH('公开')").rows == ((7,),)
    finally:
        assert run("stop").returncode == 0
    for layout in (("--mirrors", "1"), ("--shards", "2")):
        r = run("start", *layout)
        assert r.returncode == 2
        assert r.stderr.strip() == (
            f"error: the cluster in {tmp_path / 'c'} has 1 shard(s) x 1 replica(s) and keeps its "
            f"data there: start it with --shards 1 --mirrors 0, or remove {tmp_path / 'c'} for "
            f"a new cluster")
    assert not any(s["alive"] for s in cl.node_status(tmp_path / "c"))


def test_totals_and_group_by_across_shards(loaded, head):
    info, per_shard = loaded
    total = len(REPORTS) * len(SECTIONS)
    a = select(head, "SELECT COUNT(*) FROM gongkai")
    assert a.rows == ((total,),) and not a.partial
    a = select(head, "SELECT report_id, COUNT(*) c FROM gongkai GROUP BY report_id ORDER BY report_id ASC LIMIT 100")
    assert a.rows == tuple((rid, len(SECTIONS)) for rid in REPORTS)
    assert a.total_found == len(REPORTS) and not a.partial
    a = select(head, "SELECT section, COUNT(*) c FROM gongkai WHERE MATCH(%s) GROUP BY section ORDER BY section ASC"
               % words_match(["申请"]))
    assert a.rows == (("requests", len(REPORTS)),)
    a = select(head, "SELECT id FROM gongkai WHERE MATCH(%s) LIMIT 100" % words_match(["申请"]))
    assert a.total_found == len(REPORTS)
    # each shard holds only its own reports
    for s in range(SHARDS):
        with closing(connect(info.shard_nodes(s)[0].port)) as c:
            assert select(c, "SELECT COUNT(*) FROM gongkai_sections").rows == ((per_shard[s],),)


def test_char_runs_by_phrase(loaded, head):
    def found(run: str) -> list[str]:
        a = select(head, "SELECT report_id FROM gongkai WHERE MATCH(%s) LIMIT 100" % phrase_match(run))
        return sorted(r[0] for r in a.rows)

    assert found("政府信息") == [r for r in REPORTS if r != "r07"]
    assert found("府信息公") == [r for r in REPORTS if r != "r07"]
    assert found("府、信") == ["r07"]              # punctuation is a token of its own ...
    assert "r07" not in found("府信")              # ... so a run never skips over it
    assert found("理情况申") == REPORTS
    assert found("息政府") == []


def test_bm25_word_scores(loaded, head):
    a = select(head, "SELECT id, WEIGHT() w, section FROM gongkai WHERE MATCH(%s) "
                     "ORDER BY w DESC LIMIT 100 OPTION ranker=bm25" % words_match(["申请", "复议"]))
    by_section = {}
    for _id, w, sec in a.rows:
        assert w > 0
        by_section.setdefault(sec, set()).add(w)
    assert set(by_section) == {"requests", "appeals"}
    assert min(by_section["requests"]) > max(by_section["appeals"])   # 申请 x3 beats 复议 x1


def test_strings_escaped(cluster):
    node = cluster.shard_nodes(0)[0]
    nasty = ["O'Brien", "back\\slash", "(paren)", "@at", '"quote"', "政府 (信息) @公开", "end\\",
             "a-b|c", "NEAR/3 MAYBE", "k=v<w"]
    with closing(connect(node.port)) as c, c.cursor() as cur:
        for i, s in enumerate(nasty, 1):
            cur.execute(f"INSERT INTO gongkai_sections (id, words, chars, grams, report_id) "
                        f"VALUES ({i}, {quote(s)}, {quote(chars_field(s))}, "
                        f"{quote(grams_field(s))}, {quote(s)})")
        for i, s in enumerate(nasty, 1):
            a = select(c, f"SELECT id, report_id FROM gongkai_sections WHERE MATCH({quote('@words ' + escape_match(s))}) "
                          f"AND report_id = {quote(s)}")
            assert a.rows == ((i, s),)
            a = select(c, f"SELECT id FROM gongkai_sections WHERE MATCH({phrase_match(s)})")
            assert (i,) in a.rows


def test_insert_into_distributed_index_is_refused(cluster, head):
    with pytest.raises(pymysql.MySQLError, match="no such index 'gongkai'"):
        with head.cursor() as cur:
            cur.execute("INSERT INTO gongkai (id, words, chars) VALUES (1, 'x', 'x')")


def test_mirrors_are_not_replicated(cluster):
    primary, mirror = cluster.shard_nodes(0)
    with closing(connect(primary.port)) as c, c.cursor() as cur:
        cur.execute("INSERT INTO gongkai_sections (id, words, chars, report_id) VALUES (1, 'x', 'x', 'r')")
    with closing(connect(mirror.port)) as c:
        assert select(c, "SELECT COUNT(*) FROM gongkai_sections").rows == ((0,),)


def complete_answer(head, want_total: int, deadline: float = 10.0):
    """Query until an answer is complete (HA ping has steered away from a dead replica)."""
    end = time.monotonic() + deadline
    while True:
        a = select(head, "SELECT COUNT(*) FROM gongkai")
        if not a.partial:
            return a
        assert time.monotonic() < end, f"still partial after {deadline}s: {a.meta}"
        time.sleep(0.05)


def test_dead_primary_with_live_mirror_gives_complete_answers(loaded, head):
    info, per_shard = loaded
    total = sum(per_shard.values())
    cl.stop_node(info.workdir, "shard0-r0")
    a = complete_answer(head, total)
    assert a.rows == ((total,),)
    # searchd may still pick the dead replica now and then (its ping marks it dead, noerrors
    # steers away, but not within one query): gongkai's Head asks a partial answer again, and
    # with a live mirror every answer it gives is complete.
    via_gongkai = Head("127.0.0.1", info.port)
    try:
        for _ in range(20):
            missing: set[str] = set()
            a = via_gongkai.search("SELECT report_id, COUNT(*) FROM gongkai GROUP BY report_id "
                                   "LIMIT 100", missing, meta=True)
            assert missing == set() and not a.partial
            assert sum(c for _, c in a.rows) == total and a.total_found == len(REPORTS)
    finally:
        via_gongkai.close()


def test_dead_shard_gives_partial_answer_with_warning(loaded, head):
    info, per_shard = loaded
    for n in info.shard_nodes(1):
        cl.stop_node(info.workdir, n.name)
    a = select(head, "SELECT report_id, COUNT(*) FROM gongkai GROUP BY report_id LIMIT 100")
    # not an error: shard 0's rows, plus a warning naming the dead agent
    assert sum(c for _, c in a.rows) == per_shard[0]
    assert {r for r, _ in a.rows} == {r for r in REPORTS if shard_of(r) == 0}
    assert a.partial
    dead = {f"127.0.0.1:{n.api_port}" for n in info.shard_nodes(1)}
    assert len(a.warnings) == 1 and a.meta["warning"] == a.warnings[0]
    msg = a.warnings[0]
    assert msg.startswith("index gongkai: agent ") and "connect() failed" in msg
    assert msg.split("agent ", 1)[1].split(":")[0] + ":" + msg.split("agent ", 1)[1].split(":")[1] in dead
    # the result packet itself carries the count too
    with head.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM gongkai")
        assert cur._result.warning_count == 1
        cur.fetchall()
    # every shard down: now the query fails
    for n in info.shard_nodes(0):
        cl.stop_node(info.workdir, n.name)
    with pytest.raises(pymysql.MySQLError, match="connect\\(\\) failed"):
        select(head, "SELECT COUNT(*) FROM gongkai")
