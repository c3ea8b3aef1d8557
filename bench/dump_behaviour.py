"""Dump what the product answers, to check that a refactoring changed nothing a user sees.

    .venv/bin/python bench/dump_behaviour.py --index-dir /tmp/ix --out /tmp/before.json
    ... change the code ...
    .venv/bin/python bench/dump_behaviour.py --index-dir /tmp/ix2 --out /tmp/after.json
    cmp /tmp/before.json /tmp/after.json

Builds an index of corpus/ with `gongkai index` (unless --no-build), then asks the web app (its
stable public surface: JSON API, pages, CSV) a fixed set of searches, every report page with and
without a query, the agency pages and the statistics views, and writes every answer, sorted, to
one JSON file. Pages are compared as HTML. Nothing here is a test; it is a tool for the one who
changes the code.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "申请", "政府信息公开", "申请 公开", "申请 OR 复议", "申请 -收费", '"政府信息公开"',
    "(申请 OR 复议) 公开", "行政复议", "依申请公开", "莆田市科技局", "科技局", "三明市",
    "year:2016", "year:2016-2019 申请", "section:requests 申请", "province:福建省 公开",
    "city:莆田市 复议", "requests_received:>0", "requests_received:>=10 year:2020",
    "agency:三明市 申请", "收费", "不予公开", "國家秘密", "ｇｏｖ", "2016年", "信息", "网站",
    "复议 诉讼", '"主动公开政府信息"', "-申请", "section:appeals", "江北区教育局",
    "reconsiderations:0", "公开 year:2021 section:overview", "无法提供 不予处理",
]
FILTERED = [
    {"q": "申请", "year": "2016"}, {"q": "公开", "section": "requests"},
    {"q": "申请", "city": "莆田市", "sort": "year"}, {"q": "", "agency": "莆田市教育局"},
    {"q": "复议", "page": "2"}, {"q": "公开", "per_page": "50"},
]
BAD = ["year:abc", "foo:bar", "a" * 600, "requests_received:>x"]


def build(index_dir: str) -> None:
    # The command line of the code under ROOT (it moved from indexer.cli to gongkai.cli).
    main = ("try:\n from indexer.cli import main\nexcept ImportError:\n from gongkai.cli import main\n"
            "main()")
    subprocess.run([sys.executable, "-c", main, "index", "corpus", "--index-dir", index_dir,
                    "--full", "--procs", "1"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})


def dump(index_dir: str) -> dict[str, object]:
    from webui import create_app

    client = create_app({"INDEX_DIR": index_dir, "TESTING": True}).test_client()
    out: dict[str, object] = {}

    def get(url: str) -> None:
        resp = client.get(url)
        body = resp.get_data(as_text=True)
        if resp.mimetype == "application/json":
            body = resp.get_json()
        out[url] = {"status": resp.status_code, "body": body}

    for q in QUERIES + BAD:
        get("/api/search?" + urlencode({"q": q, "per_page": 20}))
        get("/search?" + urlencode({"q": q}))
    for params in FILTERED:
        get("/api/search?" + urlencode(params))
        get("/search?" + urlencode(params))
    listing = client.get("/api/search?" + urlencode({"q": "", "per_page": 1000})).get_json()
    for hit in listing["hits"]:
        rid = hit["report_id"]
        get(f"/api/reports/{rid}")
        get(f"/reports/{rid}")
        get(f"/reports/{rid}?" + urlencode({"q": "申请 公开"}))
    get("/reports/no-such-report")
    get("/agencies")
    for agency in sorted({h["agency"] for h in listing["hits"] if h["agency"]})[:40]:
        get("/agencies/" + quote(agency))
    for url in ("/stats", "/api/stats", "/stats.csv", "/stats?year=2020&sort=requests_received",
                "/stats?chart=requests_received&city=莆田市", "/api/stats?sort=flags&order=desc",
                "/stats?sort=nope", "/", "/search"):
        get(url)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index-dir", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    if not args.no_build:
        build(args.index_dir)  # one process: Whoosh numbers sections in the order they come
    data = dump(args.index_dir)
    Path(args.out).write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0),
                              encoding="utf-8")
    print(f"{len(data)} answers written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
