"""A `gongkai serve` process for the benchmarks: started on a free loopback port, timed to its
first answer, asked /api/search, its memory read from /proc, stopped. Not a test helper."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

from indexer.backends.sphinx.cluster.topology import free_port

ROOT = Path(__file__).resolve().parent.parent
GONGKAI = ROOT / ".venv" / "bin" / "gongkai"


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (gunicorn's master and its worker processes)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                pass
    return found


def proc_memory(pid: int) -> dict[str, float]:
    """VmRSS (= RssAnon + RssFile + RssShmem; RssFile: mapped index files), VmHWM, MB — summed
    over the process and its descendants (a pre-fork server's workers hold the index); Pss_Anon
    summed (the heap with each page shared by a fork counted once, in shares: what the processes
    really hold) and the largest one process's RssAnon (`RssAnon_max`)."""
    out: dict[str, float] = {}
    for member in process_tree(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in status.splitlines() + rollup.splitlines():
            key, _sep, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "Pss_Anon"):
                mb = int(value.split()[0]) / 1024
                out[key] = round(out.get(key, 0.0) + mb, 1)
                if key == "RssAnon":
                    out["RssAnon_max"] = round(max(out.get("RssAnon_max", 0.0), mb), 1)
    return out


class Server:
    def __init__(self, args: list[str], log_file: Path):
        """`gongkai serve ARGS` on a free port; returns once it has answered a search
        (`first_answer_s`: seconds from launch to that answer; `first_ms`: that request)."""
        self.port = free_port()
        self.log_file = log_file
        env = {k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")}
        self.proc = subprocess.Popen([str(GONGKAI), "serve", "--port", str(self.port),
                                      "--threads", "8", *args], env=env,
                                     stdout=subprocess.DEVNULL, stderr=open(log_file, "wb"))
        self.base = f"http://127.0.0.1:{self.port}/api/search?"
        started = time.perf_counter()
        deadline = time.monotonic() + 600
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gongkai serve exited: {log_file.read_text()[-2000:]}")
            try:
                t = time.perf_counter()
                urllib.request.urlopen(self.base + "q=%E7%94%B3%E8%AF%B7", timeout=300).read()
                self.first_ms = round((time.perf_counter() - t) * 1000)
                self.first_answer_s = round(time.perf_counter() - started, 2)   # from launch
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def url(self, q: str, filters: dict) -> str:
        pairs = [("q", q), ("per_page", "10")] + [(k, v) for k, vs in filters.items() for v in vs]
        return self.base + urllib.parse.urlencode(pairs)

    def get(self, q: str, filters: dict) -> dict:
        with urllib.request.urlopen(self.url(q, filters), timeout=120) as r:
            return json.loads(r.read())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
