"""Benchmark: indexing throughput, index size and query latency, against a naive baseline.

    .venv/bin/python bench/run.py --sizes 1000 10000
    .venv/bin/python bench/run.py --sizes 10000 --queries-only   # re-time queries only

For each size N it builds a synthetic corpus of N reports from the real ones in corpus/ (each
file is a real report whose paragraphs are partly swapped for real paragraphs of other reports,
under a varied agency and year, and is labelled as synthetic on its first line), then measures

* gongkai: `indexing.build_index` (extraction, sections, stats, words + bigrams, both cores)
  and `Index.search` (facets and highlighted passages on every query);
* the naive baseline: jieba's bundled `ChineseAnalyzer` on a plain Whoosh schema, one
  process, one document per report, `groupedby` facets and Whoosh highlighting of the top 10,

on the same files and the same queries (one word, two words, a quoted phrase, one word with
filters), and prints the ratios. Results go to bench/out/results-N.json. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.text.analysis import query_words  # noqa: E402
from indexer.extract.corpus import Skipped, extract_all  # noqa: E402
from indexer.indexing.build import build_index  # noqa: E402
from indexer.text.normalize import fold, is_han  # noqa: E402
from indexer.extract.reading import read_document  # noqa: E402
from indexer.search.service import SearchRequest, open_index  # noqa: E402

LABEL = "【合成数据】本文件由 bench/run.py 用真实年报的段落重新组合生成，仅供性能测试，不是真实报告。"
YEARS = list(range(2008, 2025))


def make_corpus(n: int, out: Path, seed: int = 7) -> int:
    """Write n synthetic reports to out/; returns their total size in bytes."""
    rng = random.Random(seed)
    reports = [r for r in extract_all([ROOT / "corpus"]) if not isinstance(r, Skipped)]
    paragraphs = [p for r in reports for p in r.text.split("\n") if len(p.strip()) > 20]
    agencies = sorted({r.agency for r in reports if r.agency})
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(n):
        base = rng.choice(reports)
        year = rng.choice(YEARS)
        agency = rng.choice(agencies)
        lines = base.text.split("\n")
        for k, line in enumerate(lines):
            if len(line.strip()) > 20 and rng.random() < 0.3:
                lines[k] = rng.choice(paragraphs)
        text = "\n".join(lines)
        if base.year:
            text = text.replace(str(base.year), str(year))
        if base.agency:
            text = text.replace(base.agency, agency)
        data = (LABEL + "\n" + text).encode("utf-8")
        (out / f"syn{i:06d}.txt").write_bytes(data)
        total += len(data)
    return total


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def sample_queries(corpus: Path, rng: random.Random, k: int) -> dict[str, list]:
    """One-word, two-word, phrase and faceted queries drawn from the corpus text."""
    files = sorted(corpus.glob("*.txt"))
    texts = [fold(f.read_text(encoding="utf-8")) for f in rng.sample(files, min(40, len(files)))]
    counts = Counter(w for t in texts for w in query_words(t)
                     if len(w) >= 2 and all(is_han(c) for c in w))
    # Words people would search for: common in reports, but not the very commonest.
    words = sorted(w for w, _n in counts.most_common(600)[20:])
    phrases = []
    while len(phrases) < k:
        t = rng.choice(texts)
        start = rng.randrange(0, max(1, len(t) - 10))
        run = t[start:start + rng.randint(4, 8)]
        if len(run) >= 4 and all(is_han(c) for c in run):
            phrases.append(run)
    one = rng.sample(words, k)
    # Words in every sampled report (公开, 信息 …): what a search engine finds hardest.
    everywhere = Counter(w for t in texts for w in set(query_words(t))
                         if len(w) >= 2 and all(is_han(c) for c in w))
    common = sorted((w for w, n in everywhere.items() if n == len(texts)),
                    key=lambda w: (-counts[w], w))[:8]   # the most frequent; no hash order
    return {
        "one word": [(w, {}) for w in one],
        "two words": [(f"{a} {b}", {}) for a, b in zip(rng.sample(words, k), rng.sample(words, k))],
        "phrase": [(f'"{p}"', {}) for p in phrases],
        "faceted": [(w, {"year": [str(rng.choice(YEARS))]})
                    for w in rng.sample(words, k)],
        "common word": [(common[i % len(common)], {}) for i in range(k)],
    }


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def time_queries(run, queries: dict[str, list]) -> dict[str, dict]:
    out = {}
    for kind, items in queries.items():
        for q, f in items[:3]:
            run(q, f)  # warm-up
        times, hits = [], []
        for q, f in items:
            t = time.perf_counter()
            hits.append(run(q, f))
            times.append((time.perf_counter() - t) * 1000)
        out[kind] = {"p50_ms": round(percentile(times, 50), 1),
                     "p95_ms": round(percentile(times, 95), 1),
                     "mean_hits": round(statistics.mean(hits), 1)}
    return out


def bench_serve(index_dir: Path, queries: dict[str, list], out: Path, n: int,
                rounds: int = 2, per_round: int = 1000, workers: int | None = None,
                cap_mb: float = 12000, budget: float | None = None) -> dict:
    """`gongkai serve` (its defaults: gunicorn, a worker per core) on the index: seconds from
    launch to its first answer, then its memory (heap = RssAnon, and Pss_Anon counting a page
    shared since the fork once; mapped index files = RssFile,
    summed over the master and workers) after each round of `per_round` mixed /api/search
    queries asked one after the other (the kinds in turn). A server whose memory passes
    `cap_mb` is stopped there (the figure is kept): the machine is shared."""
    from server_probe import Server, proc_memory
    mixed = [qf for group in zip(*queries.values()) for qf in group]
    args = ["--index-dir", str(index_dir)] + (["--workers", str(workers)] if workers else [])
    args += ["--time-budget", str(budget)] if budget else []
    server = Server(args, out / f"serve-{n}.log")
    try:
        result = {"first_answer_s": server.first_answer_s, "workers": workers or os.cpu_count(),
                  "memory_mb": [{"queries": 0, **proc_memory(server.proc.pid)}]}
        errors, asked = 0, 0
        for _ in range(rounds):
            for i in range(per_round):
                q, f = mixed[(asked + i) % len(mixed)]
                try:
                    server.get(q, f)
                except OSError:   # an HTTP error (503: over the time budget) or a timeout
                    errors += 1
                if i % 50 == 0 and proc_memory(server.proc.pid).get("VmRSS", 0) > cap_mb:
                    result["stopped_over_mb"] = {"queries": asked + i + 1,
                                                 **proc_memory(server.proc.pid)}
                    result["errors"] = errors
                    return result
            asked += per_round
            result["memory_mb"].append({"queries": asked, **proc_memory(server.proc.pid)})
        result["errors"] = errors
        return result
    finally:
        server.stop()


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def build_only(corpus: Path, index_dir: Path) -> dict:
    """A full build of the corpus: wall and CPU seconds, reports, sections, index size."""
    shutil.rmtree(index_dir, ignore_errors=True)
    t, cpu = time.perf_counter(), cpu_seconds()
    summary = build_index([corpus], index_dir, full=True)
    seconds, cpu = time.perf_counter() - t, cpu_seconds() - cpu
    gen = next(p for p in index_dir.iterdir() if p.name.startswith("gen-"))
    return {"seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1),
            "reports_per_s": round(summary.reports / seconds, 1), "reports": summary.reports,
            "sections": summary.sections, "index_bytes": dir_size(gen),
            "load_average": round(os.getloadavg()[0], 1)}


def bench_gongkai(corpus: Path, index_dir: Path, queries, build: bool = True) -> dict:
    out: dict = {}
    if build:
        out = build_only(corpus, index_dir)
    gen = next(p for p in index_dir.iterdir() if p.name.startswith("gen-"))
    t = time.perf_counter()
    index = open_index(index_dir)
    opened = time.perf_counter() - t
    index.search(SearchRequest(q="申请", per_page=10))
    first = time.perf_counter() - t

    def run(q, filters):
        return index.search(SearchRequest(q=q, filters=filters, per_page=10))["total"]

    latency = time_queries(run, queries)
    memory = own_memory()
    index.close()
    return {**out, "index_bytes": dir_size(gen),
            "index_bytes_without_records": dir_size(gen) - dir_size(gen / "records"),
            "open_s": round(opened, 2), "open_and_first_search_s": round(first, 2),
            "memory_after_queries_mb": memory,
            "latency": latency, "load_average": round(os.getloadavg()[0], 1)}


def own_memory() -> dict[str, float]:
    """This process's RssAnon (heap), RssFile (mapped files) and VmHWM (peak), MB."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _sep, value = line.partition(":")
        if key in ("RssAnon", "RssFile", "VmHWM"):
            out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


def bench_baseline(corpus: Path, index_dir: Path, queries) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jieba's import-time warnings
        from jieba.analyse import ChineseAnalyzer
    from whoosh import highlight, index
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import QueryParser
    from whoosh.query import And, Term

    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    schema = Schema(id=ID(stored=True), year=ID(stored=True, sortable=True),
                    body=TEXT(analyzer=ChineseAnalyzer(), stored=True))
    t, cpu = time.perf_counter(), cpu_seconds()
    ix = index.create_in(str(index_dir), schema)
    writer = ix.writer()
    for f in sorted(corpus.glob("*.txt")):
        text = read_document(f).text
        m = re.search(r"(20\d\d)", text)
        writer.add_document(id=f.stem, year=m.group(1) if m else "", body=text)
    writer.commit()
    seconds, cpu = time.perf_counter() - t, cpu_seconds() - cpu
    searcher = ix.searcher()
    parser = QueryParser("body", schema)

    def run(q, filters):
        query = parser.parse(q)
        if filters.get("year"):
            query = And([query, Term("year", filters["year"][0])])
        results = searcher.search(query, limit=10, groupedby=["year"])
        results.fragmenter = highlight.SentenceFragmenter()
        for hit in results[:10]:
            hit.highlights("body")
        return len(results)

    latency = time_queries(run, queries)
    searcher.close()
    return {"seconds": round(seconds, 1), "cpu_seconds": round(cpu, 1), "reports": ix.doc_count(),
            "index_bytes": dir_size(index_dir), "latency": latency}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--queries", type=int, default=40, help="queries of each kind")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--build-only", action="store_true",
                        help="make the corpus and the index, print their figures, time no query")
    parser.add_argument("--no-serve", action="store_true",
                        help="skip `gongkai serve`: first answer and memory after two rounds of queries")
    parser.add_argument("--serve-queries", type=int, default=1000,
                        help="queries per round of the serve phase (two rounds)")
    parser.add_argument("--serve-budget", type=float, default=None,
                        help="gongkai serve --time-budget (default: its own)")
    parser.add_argument("--serve-workers", type=int, default=None,
                        help="gongkai serve --workers (default: its own, a worker per core)")
    parser.add_argument("--queries-only", action="store_true",
                        help="time the queries on the corpus and index a previous run left in "
                             "--out (no corpus, no indexing, no baseline)")
    args = parser.parse_args()
    for n in args.sizes:
        corpus = args.out / f"corpus-{n}"
        if args.queries_only:
            size = sum(f.stat().st_size for f in corpus.glob("*.txt"))
        else:
            shutil.rmtree(corpus, ignore_errors=True)
            size = make_corpus(n, corpus)
        queries = sample_queries(corpus, random.Random(n), args.queries)
        result = {"reports": n, "corpus_mb": round(size / 1e6, 1), "cpus": os.cpu_count()}
        if args.build_only:
            result["gongkai"] = build_only(corpus, args.out / f"index-{n}")
            print(json.dumps(result, indent=1))
            (args.out / f"results-{n}-build.json").write_text(json.dumps(result, indent=1))
            continue
        result["gongkai"] = bench_gongkai(corpus, args.out / f"index-{n}", queries,
                                          build=not args.queries_only)
        if not args.no_serve:
            result["gongkai"]["serve"] = bench_serve(args.out / f"index-{n}", queries, args.out, n,
                                                    workers=args.serve_workers,
                                                    per_round=args.serve_queries,
                                                    budget=args.serve_budget)
        if not args.no_baseline and not args.queries_only:
            result["baseline"] = bench_baseline(corpus, args.out / f"baseline-{n}", queries)
        report(result)
        name = f"results-{n}-queries.json" if args.queries_only else f"results-{n}.json"
        (args.out / name).write_text(json.dumps(result, ensure_ascii=False, indent=1))


def report(result: dict) -> None:
    n, mb = result["reports"], result["corpus_mb"]
    print(f"\n== {n} synthetic reports, {mb} MB ==")
    rows = [("gongkai", result["gongkai"])]
    if "baseline" in result:
        rows.append(("baseline", result["baseline"]))
    for name, r in rows:
        if "seconds" in r:
            s = r["seconds"]
            print(f"{name:<9} index {s:7.1f} s  {mb / s:5.2f} MB/s  {n / s:6.1f} reports/s  "
                  f"({r['cpu_seconds']:.1f} CPU s)  size {r['index_bytes'] / 1e6:7.1f} MB")
        else:
            print(f"{name:<9} (queries only, on the existing index; load average "
                  f"{r['load_average']:.1f})  size {r['index_bytes'] / 1e6:7.1f} MB")
        if "open_s" in r:
            print(f"          open {r['open_s']} s, open + first search {r['open_and_first_search_s']}"
                  f" s; after the queries {r['memory_after_queries_mb']} MB")
        for kind, lat in r["latency"].items():
            print(f"          {kind:<10} p50 {lat['p50_ms']:7.1f} ms  p95 {lat['p95_ms']:7.1f} ms"
                  f"  mean hits {lat['mean_hits']}")
    serve = result["gongkai"].get("serve")
    if serve:
        print(f"serve     {serve['workers']} workers; first answer {serve['first_answer_s']} s "
              f"after launch; errors {serve['errors']} (memory summed over the processes)")
        if "stopped_over_mb" in serve:
            print(f"          STOPPED over the memory cap: {serve['stopped_over_mb']}")
        for m in serve["memory_mb"]:
            print(f"          after {m['queries']:>5} queries: heap (RssAnon) {m.get('RssAnon')} MB "
                  f"(Pss_Anon {m.get('Pss_Anon')} MB, largest process {m.get('RssAnon_max')} MB), "
                  f"mapped files (RssFile) {m.get('RssFile')} MB, peak (VmHWM) {m.get('VmHWM')} MB")
    if "baseline" in result:
        g, b = result["gongkai"], result["baseline"]
        print(f"ratio     indexing throughput {b['seconds'] / g['seconds']:.2f}x the baseline "
              f"(CPU time {g['cpu_seconds'] / b['cpu_seconds']:.2f}x the baseline's); "
              f"load average {os.getloadavg()[0]:.1f}")
        for kind in g["latency"]:
            print(f"          {kind:<10} p95 {g['latency'][kind]['p95_ms'] / max(b['latency'][kind]['p95_ms'], 0.1):.2f}x"
                  " the baseline's")


if __name__ == "__main__":
    main()
