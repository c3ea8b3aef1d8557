"""Benchmark: the embedded (Whoosh) backend against a 2-shard Sphinx cluster, in one run.

    .venv/bin/python bench/cluster_bench.py --sizes 10000
    .venv/bin/python bench/cluster_bench.py --sizes 10000 100000 --queries 40 --out bench/out

For each size N, on the synthetic corpus of bench/run.py (`make_corpus`; an existing
bench/out/corpus-N with N files is reused, otherwise it is made), it measures for both backends:

* indexing: `indexing.build_index` end to end (reports/s, wall and CPU time; for the cluster
  also the CPU time of its searchd processes), then, separately, one pass of extraction alone
  (`indexing.workers.extract` in the same 2-process pool, items pickled to a file) and a
  backend-only write of those extracted items through the backend's `IndexRun` (reports/s):
  extraction (reading, sections, figures, jieba) runs in the same Python worker processes for
  both backends, so only the write side can differ;
* index size on disk: the embedded index directory; the cluster's nodes' data/ directories
  (after the run's FLUSH RTINDEX), with and without searchd's binlog;
* query latency p50/p95 in-process through `indexer.search.open_index(...).search` on the query
  sets of bench/run.py (`sample_queries`: one word, two words, quoted phrase, one word + year)
  plus one word + year + city; every query computes facets and the 10 hits' passages;
* `gongkai serve` (waitress, --threads 8) per backend: RSS of the server process after warm-up
  and after the load (VmRSS, VmHWM from /proc), plus every searchd of the cluster; throughput of
  8 concurrent HTTP clients (threads, urllib, /api/search, mixed queries) for --duration s.

The cluster is started in a temporary directory on free ports with 2 shards and no mirrors
(--mirrors 0: every write goes to one replica per shard; a mirror doubles the writes and the
searchd memory). Everything started is stopped at the end, except a cluster named by
`--cluster DIR`, which is kept (and not indexed again when it already holds N reports: the
query and HTTP figures of a change to the read side, without a 20-minute build at 100k). Results: OUT/cluster-results-N.json.
Nothing here is a test.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import json
import multiprocessing
import os
import pickle
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
bench_run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_run)
make_corpus, sample_queries = bench_run.make_corpus, bench_run.sample_queries
percentile, dir_size, cpu_seconds = bench_run.percentile, bench_run.dir_size, bench_run.cpu_seconds

from indexer.backends import open_backend  # noqa: E402
from indexer.backends.sphinx.cluster import (load_cluster, pid_alive, read_pid,  # noqa: E402
                                             start_cluster, stop_cluster)
from indexer.backends.sphinx.cluster.topology import free_port  # noqa: E402
from indexer.errors import GongkaiError  # noqa: E402
from indexer.extract.corpus import Skipped  # noqa: E402
from indexer.indexing.build import build_index  # noqa: E402
from indexer.indexing.plan import plan_run  # noqa: E402
from indexer.indexing.workers import extract  # noqa: E402
from indexer.search.service import SearchRequest, open_index  # noqa: E402

from server_probe import Server, proc_memory  # noqa: E402  (bench/ is on sys.path)

TICK = os.sysconf("SC_CLK_TCK")
PROCS = min(2, os.cpu_count() or 1)
log = print


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def proc_cpu(pids: list[int]) -> float:
    """utime + stime of processes that are not our children (searchd daemons)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            total += (int(fields[11]) + int(fields[12])) / TICK
        except OSError:
            pass
    return total


# --- corpus and queries ---------------------------------------------------------------------

def corpus_for(n: int, out: Path) -> tuple[Path, float]:
    corpus = out / f"corpus-{n}"
    files = list(corpus.glob("*.txt")) if corpus.is_dir() else []
    if len(files) != n:
        log(f"making corpus-{n} ...", flush=True)
        shutil.rmtree(corpus, ignore_errors=True)
        t = time.perf_counter()
        make_corpus(n, corpus)
        log(f"  {time.perf_counter() - t:.0f} s", flush=True)
        files = list(corpus.glob("*.txt"))
    else:
        log(f"reusing {corpus}")
    return corpus, sum(f.stat().st_size for f in files) / 1e6


def query_sets(corpus: Path, n: int, k: int, index) -> dict[str, list]:
    """bench/run.py's sets (same seed) plus one word with a year and a city filter."""
    queries = sample_queries(corpus, random.Random(n), k)
    rng = random.Random(n + 1)
    probe = index.search(SearchRequest(q=queries["one word"][0][0], per_page=1))
    cities = [f["value"] for f in probe["facets"].get("city", [])[:8]]
    words = [q for q, _f in queries["one word"]]
    queries["faceted+city"] = [(rng.choice(words), {"year": [str(rng.choice(bench_run.YEARS))],
                                                    "city": [rng.choice(cities)]})
                               for _ in range(k)] if cities else []
    return {kind: items for kind, items in queries.items() if items}


def time_queries(index, queries: dict[str, list]) -> dict[str, dict]:
    out = {}
    for kind, items in queries.items():
        for q, f in items[:3]:
            index.search(SearchRequest(q=q, filters=f, per_page=10))   # warm-up
        times, hits = [], []
        for q, f in items:
            t = time.perf_counter()
            result = index.search(SearchRequest(q=q, filters=f, per_page=10))
            times.append((time.perf_counter() - t) * 1000)
            hits.append(result["total"])
        out[kind] = {"p50_ms": round(percentile(times, 50), 1),
                     "p95_ms": round(percentile(times, 95), 1),
                     "mean_hits": round(sum(hits) / len(hits), 1)}
    return out


# --- indexing -------------------------------------------------------------------------------

def timed_build(corpus: Path, location: str, searchd_pids: list[int]) -> dict:
    t, cpu, scpu = time.perf_counter(), cpu_seconds(), proc_cpu(searchd_pids)
    summary = build_index([corpus], location, full=True)
    seconds = time.perf_counter() - t
    out = {"seconds": round(seconds, 1), "cpu_seconds": round(cpu_seconds() - cpu, 1),
           "reports": summary.reports, "sections": summary.sections,
           "reports_per_s": round(summary.reports / seconds, 1)}
    if searchd_pids:
        out["searchd_cpu_seconds"] = round(proc_cpu(searchd_pids) - scpu, 1)
    return out


def extraction_pass(corpus: Path, dump: Path) -> dict:
    """Extraction alone, in the same pool as build_index, items pickled to `dump`."""
    todo = plan_run([corpus], {}).todo
    if len(inspect.signature(extract).parameters["job"].annotation.split(",")) > 3:
        todo = [(*job, None) for job in todo]   # (path, root, source, prepare): no backend's prepare
    t, cpu = time.perf_counter(), cpu_seconds()
    done = 0
    with open(dump, "wb") as f, multiprocessing.get_context("fork").Pool(PROCS) as pool:
        for item in pool.imap(extract, todo, chunksize=4):
            if not isinstance(item, Skipped):
                pickle.dump(item, f, protocol=pickle.HIGHEST_PROTOCOL)
                done += 1
    seconds = time.perf_counter() - t
    return {"seconds": round(seconds, 1), "cpu_seconds": round(cpu_seconds() - cpu, 1),
            "reports": done, "reports_per_s": round(done / seconds, 1)}


def extracted_items(dump: Path):
    with open(dump, "rb") as f:
        while True:
            try:
                yield pickle.load(f)
            except EOFError:
                return


def write_only(dump: Path, location: str, searchd_pids: list[int]) -> dict:
    """Extracted items (unpickled as they come; reading the file is timed, ~1-2 % of it)
    written through the backend's IndexRun, as build_index does, without extraction."""
    backend = open_backend(location)
    t, cpu, scpu = time.perf_counter(), cpu_seconds(), proc_cpu(searchd_pids)
    files, done = {}, 0
    with backend.start_run(True, PROCS) as run:
        run.procs = PROCS
        prepare = getattr(run, "prepare", None)   # newer seam: the backend's per-section work,
        for item in extracted_items(dump):        # done here in the one parent process
            docs = [prepare(d) for d in item.docs] if prepare else item.docs
            run.add(item.report_id, item.record_json, item.summary, docs)
            files[item.source] = {"sha1": "", "report_id": item.report_id}
            done += 1
        run.publish(files)
    seconds = time.perf_counter() - t
    backend.close()
    out = {"seconds": round(seconds, 1), "cpu_seconds": round(cpu_seconds() - cpu, 1),
           "reports": done, "reports_per_s": round(done / seconds, 1)}
    if searchd_pids:
        out["searchd_cpu_seconds"] = round(proc_cpu(searchd_pids) - scpu, 1)
    return out


# --- cluster --------------------------------------------------------------------------------

class Cluster:
    """A 2-shard cluster without mirrors in base/name, started here; `keep`: an existing
    cluster there (--cluster DIR) is used as it is (started again if stopped, its data kept)
    and left running at the end."""

    def __init__(self, base: Path, name: str, keep: bool = False):
        self.dir, self.keep = base / name, keep
        known = (self.dir / "cluster.json").exists() and load_cluster(self.dir)
        if known and any(pid_alive(read_pid(n)) for n in known.nodes):
            self.port = known.head.port
        else:
            self.port = known.head.port if known else free_port()
            start_cluster(self.dir, self.port, shards=2, mirrors=0)
        self.url = f"sphinx://127.0.0.1:{self.port}"

    def holds(self, n: int) -> bool:
        """Whether the cluster's live generation already holds n reports (a kept cluster)."""
        try:
            index = open_index(self.url)
        except GongkaiError:
            return False
        try:
            return index.size() == n
        finally:
            index.close()

    def pids(self) -> list[int]:
        return [p for n in load_cluster(self.dir).nodes if (p := read_pid(n))]

    def size(self) -> dict:
        data, binlog, per_node = 0, 0, {}
        for n in load_cluster(self.dir).nodes:
            files = [f for f in Path(n.dir, "data").rglob("*") if f.is_file()]
            b = sum(f.stat().st_size for f in files if f.name.startswith("binlog"))
            total = sum(f.stat().st_size for f in files)
            data, binlog = data + total, binlog + b
            per_node[n.name] = round((total - b) / 1e6, 1)
        return {"bytes": data, "binlog_bytes": binlog, "bytes_without_binlog": data - binlog,
                "mb_per_node_without_binlog": per_node}

    def stop(self) -> None:
        if not self.keep:
            stop_cluster(self.dir)


# --- HTTP: gongkai serve and concurrent clients ---------------------------------------------

def throughput(server: Server, queries: dict[str, list], clients: int, duration: float) -> dict:
    mixed = [qf for items in queries.values() for qf in items]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def client(seed: int) -> None:
        rng = random.Random(seed)
        mine = []
        while time.monotonic() < stop_at:
            q, f = rng.choice(mixed)
            t = time.perf_counter()
            try:
                server.get(q, f)
                mine.append((time.perf_counter() - t) * 1000)
            except Exception as exc:   # kept: an HTTP error's status, or the timeout
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - started
    return {"clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies),
            "errors": len(errors), "error_samples": sorted(set(errors))[:3],
            "req_per_s": round(len(latencies) / elapsed, 2),
            "p50_ms": round(percentile(latencies, 50), 1) if latencies else None,
            "p95_ms": round(percentile(latencies, 95), 1) if latencies else None}


def serve_and_load(args: list[str], queries, clients: int, duration: float,
                   searchd_pids: list[int], log_file: Path) -> dict:
    server = Server(args, log_file)
    try:
        for items in queries.values():          # warm-up: a few of each kind
            for q, f in items[:3]:
                server.get(q, f)
        rss = {"serve_after_warmup": proc_memory(server.proc.pid),
               "searchd_after_warmup": [proc_memory(p) for p in searchd_pids]}
        load_before = load()
        result = throughput(server, queries, clients, duration)
        rss["serve_after_load"] = proc_memory(server.proc.pid)
        rss["searchd_after_load"] = [proc_memory(p) for p in searchd_pids]
        total = rss["serve_after_load"]["VmRSS"] + sum(m["VmRSS"] for m in rss["searchd_after_load"])
        errors = [x for x in log_file.read_text(errors="replace").splitlines()
                  if "Error" in x or "error" in x][-3:]
        return {"server_errors": errors, "first_request_ms": server.first_ms, "throughput": result, "rss_mb": rss,
                "rss_total_after_load_mb": round(total, 1), "load_before": load_before,
                "load_after": load()}
    finally:
        server.stop()


# --- one size ------------------------------------------------------------------------------

def bench_size(n: int, args, tmp: Path) -> dict:
    corpus, mb = corpus_for(n, args.out)
    result: dict = {"reports": n, "corpus_mb": round(mb, 1), "cpus": os.cpu_count(),
                    "load_start": load(), "embedded": {}, "cluster": {}}
    run_embedded = "embedded" in args.backends
    run_cluster = "cluster" in args.backends
    embedded_dir = tmp / f"embedded-{n}"
    cluster = (Cluster(args.cluster.parent, args.cluster.name, keep=True) if args.cluster
               else Cluster(tmp, f"cluster-{n}")) if run_cluster else None
    try:
        if run_embedded:
            log(f"[{n}] embedded: build_index (load {load()})", flush=True)
            r = result["embedded"]
            r["index"] = timed_build(corpus, str(embedded_dir), [])
            r["index"]["load_after"] = load()
            gen = next(p for p in embedded_dir.iterdir() if p.name.startswith("gen-"))
            r["size"] = {"bytes": dir_size(embedded_dir),
                         "records_bytes": dir_size(gen / "records"),
                         "whoosh_bytes": dir_size(gen / "whoosh") if (gen / "whoosh").exists() else None}
            log(f"  {r['index']}", flush=True)
        if cluster and cluster.keep and cluster.holds(n):
            log(f"[{n}] cluster: {cluster.dir} holds {n} reports: not indexed again", flush=True)
        elif cluster:
            log(f"[{n}] cluster: build_index (load {load()})", flush=True)
            r = result["cluster"]
            r["index"] = timed_build(corpus, cluster.url, cluster.pids())
            r["index"]["load_after"] = load()
            r["size"] = cluster.size()
            log(f"  {r['index']}", flush=True)

        # In-process latency (one process per backend would be fairer for memory, not needed
        # for time: the two indexes are opened one after the other).
        queries = None
        for name, location in (("embedded", str(embedded_dir)) if run_embedded else (None, None),
                               ("cluster", cluster.url) if cluster else (None, None)):
            if name is None:
                continue
            log(f"[{n}] {name}: in-process queries (load {load()})", flush=True)
            t = time.perf_counter()
            index = open_index(location)
            if queries is None:
                queries = query_sets(corpus, n, args.queries, index)
            else:
                index.search(SearchRequest(q="申请", per_page=1))
            result[name]["open_and_first_query_s"] = round(time.perf_counter() - t, 1)
            result[name]["latency"] = time_queries(index, queries)
            result[name]["latency_load"] = load()
            index.close()
            log(f"  {result[name]['latency']}", flush=True)

        if run_embedded:
            log(f"[{n}] embedded: gongkai serve, {args.clients} clients", flush=True)
            result["embedded"]["http"] = serve_and_load(["--index-dir", str(embedded_dir)],
                                                        queries, args.clients, args.duration, [],
                                                        args.out / f"serve-embedded-{n}.log")
            log(f"  {result['embedded']['http']['throughput']}", flush=True)
        if cluster:
            log(f"[{n}] cluster: gongkai serve, {args.clients} clients", flush=True)
            result["cluster"]["http"] = serve_and_load(["--backend", cluster.url], queries,
                                                       args.clients, args.duration, cluster.pids(),
                                                       args.out / f"serve-cluster-{n}.log")
            log(f"  {result['cluster']['http']['throughput']}", flush=True)
            cluster.stop()
            cluster = None
        if not args.keep:
            shutil.rmtree(embedded_dir, ignore_errors=True)

        if not args.no_write_only:
            dump = tmp / f"extracted-{n}.pkl"
            log(f"[{n}] extraction alone (load {load()})", flush=True)
            result["extraction_only"] = extraction_pass(corpus, dump)
            log(f"  {result['extraction_only']}", flush=True)
            if run_embedded:
                log(f"[{n}] embedded: backend-only write (load {load()})", flush=True)
                d = tmp / f"embedded-write-{n}"
                result["embedded"]["write_only"] = write_only(dump, str(d), [])
                shutil.rmtree(d, ignore_errors=True)
                log(f"  {result['embedded']['write_only']}", flush=True)
            if run_cluster:
                log(f"[{n}] cluster: backend-only write, fresh cluster (load {load()})", flush=True)
                c2 = Cluster(tmp, f"cluster-write-{n}")
                try:
                    result["cluster"]["write_only"] = write_only(dump, c2.url, c2.pids())
                    result["cluster"]["write_only"]["size"] = c2.size()
                finally:
                    c2.stop()
                    shutil.rmtree(c2.dir, ignore_errors=True)
                log(f"  {result['cluster']['write_only']}", flush=True)
            dump.unlink(missing_ok=True)
    finally:
        if cluster:
            cluster.stop()
    result["load_end"] = load()
    return result


# --- report ---------------------------------------------------------------------------------

def ratio(c, e) -> str:
    return f"{c / e:.2f}x" if c is not None and e else "-"


def report(res: dict) -> None:
    n = res["reports"]
    e, c = res["embedded"], res["cluster"]
    print(f"\n== {n:,} synthetic reports, {res['corpus_mb']} MB; load at start {res['load_start']}, "
          f"end {res['load_end']} ==")
    print(f"{'':34} {'embedded':>14} {'cluster':>14} {'cluster/emb':>12}")

    def row(label, ev, cv, fmt="{:.1f}"):
        es = fmt.format(ev) if ev is not None else "-"
        cs = fmt.format(cv) if cv is not None else "-"
        print(f"{label:34} {es:>14} {cs:>14} {ratio(cv, ev):>12}")

    g = lambda d, *ks: _get(d, ks)  # noqa: E731
    row("index: reports/s (build_index)", g(e, "index", "reports_per_s"), g(c, "index", "reports_per_s"))
    row("index: wall s", g(e, "index", "seconds"), g(c, "index", "seconds"))
    row("index: CPU s (python)", g(e, "index", "cpu_seconds"), g(c, "index", "cpu_seconds"))
    row("index: CPU s (searchd)", None, g(c, "index", "searchd_cpu_seconds"))
    if "extraction_only" in res:
        x = res["extraction_only"]
        print(f"{'extraction alone: reports/s':34} {x['reports_per_s']:>14.1f}   "
              f"({x['seconds']} s wall, {x['cpu_seconds']} CPU s, same for both)")
    row("write only: reports/s", g(e, "write_only", "reports_per_s"), g(c, "write_only", "reports_per_s"))
    row("write only: wall s", g(e, "write_only", "seconds"), g(c, "write_only", "seconds"))
    mb = lambda v: v / 1e6 if v is not None else None  # noqa: E731
    row("size MB", mb(g(e, "size", "bytes")), mb(g(c, "size", "bytes_without_binlog")))
    row("RSS MB serve (after load)", g(e, "http", "rss_mb", "serve_after_load", "VmRSS"),
        g(c, "http", "rss_mb", "serve_after_load", "VmRSS"))
    sd = g(c, "http", "rss_mb", "searchd_after_load")
    row("RSS MB searchd (all, after load)", None, sum(m["VmRSS"] for m in sd) if sd else None)
    row("RSS MB total", g(e, "http", "rss_total_after_load_mb"), g(c, "http", "rss_total_after_load_mb"))
    row("open + first query s", g(e, "open_and_first_query_s"), g(c, "open_and_first_query_s"))
    for kind in (e.get("latency") or c.get("latency") or {}):
        for p in ("p50_ms", "p95_ms"):
            row(f"{kind} {p}", g(e, "latency", kind, p), g(c, "latency", kind, p))
    row("HTTP 8 clients req/s", g(e, "http", "throughput", "req_per_s"),
        g(c, "http", "throughput", "req_per_s"), "{:.2f}")
    row("HTTP 8 clients p95 ms", g(e, "http", "throughput", "p95_ms"), g(c, "http", "throughput", "p95_ms"))


def _get(d, keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--queries", type=int, default=40, help="queries of each kind")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--keep", action="store_true", help="keep the embedded index (in --out)")
    parser.add_argument("--backends", nargs="+", default=["embedded", "cluster"],
                        choices=["embedded", "cluster"])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of HTTP load")
    parser.add_argument("--no-write-only", action="store_true",
                        help="skip the extraction-alone pass and the backend-only writes")
    parser.add_argument("--cluster", type=Path, metavar="DIR",
                        help="use and keep the cluster in DIR (made if missing; indexed only "
                             "when it does not hold N reports): query figures without a rebuild")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"cluster-bench-{n}-",
                                         dir=args.out if args.keep else None) as tmp:
            result = bench_size(n, args, Path(tmp))
            if args.keep:   # a TemporaryDirectory is removed on exit: move the index out
                src = Path(tmp) / f"embedded-{n}"
                if src.exists():
                    shutil.rmtree(args.out / f"embedded-{n}", ignore_errors=True)
                    shutil.move(str(src), args.out / f"embedded-{n}")
        (args.out / f"cluster-results-{n}.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=1))
        report(result)


if __name__ == "__main__":
    main()
