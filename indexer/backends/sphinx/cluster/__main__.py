"""python -m indexer.backends.sphinx.cluster start|stop|status --dir DIR --port 9306"""

from __future__ import annotations

import argparse
import sys

from indexer.backends.sphinx.cluster import (DEFAULT_PORT, HOST, node_status, start_cluster,
                                             stop_cluster)
from indexer.errors import GongkaiError


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m indexer.backends.sphinx.cluster",
                                description="A local Sphinx cluster for gongkai (RT shards, mirrors, distributed head).")
    p.add_argument("command", choices=["start", "stop", "status"])
    p.add_argument("--dir", default="var/cluster", help="cluster directory (default var/cluster)")
    p.add_argument("--port", type=int, help=f"SphinxQL port of the head (default: the cluster's "
                                            f"own, or {DEFAULT_PORT} for a new one)")
    p.add_argument("--shards", type=int, help="shards of a new cluster (default 2)")
    p.add_argument("--mirrors", type=int, help="extra replicas per shard of a new cluster "
                                               "(default 1)")
    args = p.parse_args(argv)
    try:
        if args.command == "start":
            info = start_cluster(args.dir, args.port, args.shards, args.mirrors)
            print(f"cluster up: SphinxQL {HOST}:{info.port} index '{info.index}' over "
                  f"{info.shards} shard(s) x {info.mirrors + 1} replica(s) ({len(info.nodes)} searchd), dir {info.workdir}")
        elif args.command == "stop":
            stopped = stop_cluster(args.dir)
            print(f"stopped {len(stopped)} searchd" + (f": {', '.join(stopped)}" if stopped else ""))
        else:
            rows = node_status(args.dir)
            for r in rows:
                where = f"{r['host']}:{r['port']}"
                shard = "" if r["shard"] is None else f"shard {r['shard']} replica {r['replica']}"
                print(f"{r['name']:<10} {r['role']:<5} {shard:<18} {where:<16} pid {r['pid'] or '-':<8} "
                      f"{'up' if r['up'] else 'DOWN'}")
            return 0 if all(r["up"] for r in rows) else 1
    except GongkaiError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 2
    return 0


sys.exit(main())
