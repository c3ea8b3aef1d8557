"""Load on a running `gongkai serve`: loopback clients (threads + http.client), bounded in time.

    .venv/bin/python bench/load.py --index-dir /tmp/gk-load-index [--seconds 6] [--workers 2]

Starts the server twice on free ports — waitress (one process, 4 threads: the old default) and
gunicorn (--workers N) — and against each measures: a normal query's latency with one client (idle),
throughput with 1/8/32 clients of normal queries, and a normal query's latency while 8 clients send
the most expensive query the limits allow (32 OR terms × 31 hits per page, cost 992 ≤ 1000).
Prints both servers and gunicorn's ratio to waitress, measured in the same run.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from urllib.parse import urlencode

NORMAL = ["申请", "公开 信息", "复议", "依申请公开", "收费", "主动公开 政府", "行政诉讼", "网站"]
WORDS = ("申请 公开 信息 政府 年度 报告 工作 情况 主动 依申请 行政 复议 诉讼 网站 部门 办理 "
         "答复 收费 减免 政策 文件 发布 数量 群众 意见 建议 问题 改进 措施 条 件 机关").split()
EXPENSIVE = "/api/search?" + urlencode({"q": " OR ".join(WORDS), "per_page": 31})


def normal_paths() -> list[str]:
    return ["/api/search?" + urlencode({"q": q}) for q in NORMAL]


def get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def clients(port: int, n: int, seconds: float, paths: list[str]) -> tuple[list[float], dict]:
    """n threads sending `paths` round-robin for `seconds`: latencies (s) and status counts."""
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def run(k: int) -> None:
        i = k
        while time.monotonic() < stop:
            t = time.perf_counter()
            try:
                status = get(port, paths[i % len(paths)])
            except OSError:
                status = 0
            with lock:
                latencies.append(time.perf_counter() - t)
                statuses[status] = statuses.get(status, 0) + 1
            i += 1

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(0.95 * len(values)))] * 1000 if values else float("nan")


def start(index_dir: str, args: list[str]) -> tuple[subprocess.Popen, int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-c", "from gongkai.cli import main; main()", "serve",
                             "--index-dir", index_dir, "--port", str(port), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            if get(port, "/api/search?q=x") == 200:
                return proc, port
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit(f"server {args} did not start")


def measure(port: int, seconds: float) -> dict[str, float]:
    clients(port, 4, 2, normal_paths())   # warm every worker
    out: dict[str, float] = {}
    lat, _ = clients(port, 1, seconds, normal_paths())
    out["idle p95 ms"] = p95(lat)
    for n in (1, 8, 32):
        lat, statuses = clients(port, n, seconds, normal_paths())
        out[f"{n} clients req/s"] = statuses.get(200, 0) / seconds
    result: dict = {}
    heavy = threading.Thread(target=lambda: result.update(
        zip(("lat", "st"), clients(port, 8, seconds + 1, [EXPENSIVE]))))
    heavy.start()
    time.sleep(0.5)
    lat, _ = clients(port, 1, seconds, normal_paths())
    heavy.join()
    out["normal p95 under 8 expensive ms"] = p95(lat)
    out["expensive answered/s"] = result["st"].get(200, 0) / (seconds + 1)
    out["expensive 503/s"] = result["st"].get(503, 0) / (seconds + 1)
    out["ratio under load / idle"] = out["normal p95 under 8 expensive ms"] / out["idle p95 ms"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", required=True)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    a = parser.parse_args()
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    servers = {"waitress (1 process, 4 threads)": ["--server", "waitress", "--threads", "4"],
               f"gunicorn ({a.workers} workers × 8 threads)": ["--workers", str(a.workers)]}
    results = {}
    for name, args in servers.items():
        proc, port = start(a.index_dir, args)
        try:
            results[name] = measure(port, a.seconds)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    base, new = results.values()
    print(f"| | {' | '.join(results)} | ratio |")
    print("|---|---|---|---|")
    for key in base:
        ratio = new[key] / base[key] if base[key] else float("nan")
        print(f"| {key} | {base[key]:.1f} | {new[key]:.1f} | {ratio:.2f}× |")
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
