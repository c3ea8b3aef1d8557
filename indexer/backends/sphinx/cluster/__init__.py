"""A local Sphinx cluster: RT shards with mirrors behind one distributed index.

Debian's ``sphinxsearch`` (searchd 2.2.11; Manticore is its maintained fork). Layout of one
cluster directory (`workdir`)::

    cluster.json                 every node: name, role, shard, replica, host, ports, paths
    head/sphinx.conf             distributed `gongkai`/`gongkai_records`, local `gongkai_meta`/`gongkai_nodes`
    shard0-r0/sphinx.conf        shard 0, primary replica: RT indexes (see `sphinx.schema`)
    shard0-r1/sphinx.conf        shard 0, mirror (when mirrors >= 1)
    shard1-r0/ ...               each node dir: sphinx.conf, searchd.pid, data/, *.log

Every node is its own ``searchd --config DIR/sphinx.conf`` listening on 127.0.0.1 only: the
binary API port (what the head's agents use) and a SphinxQL (mysql41) port. Only the head's
SphinxQL port is chosen by the caller; the others are free ports picked at start.

What the verified behaviour of 2.2.11 means for users of this cluster (docs/SPHINX_NOTES.md):

- Writes (INSERT/REPLACE) go to each shard node's RT index directly, to *every* replica of the
  shard: searchd does not replicate RT indexes, and INSERT into a distributed index is refused.
- Reads go to the head. A shard whose replicas are all down makes the answer *partial*: the
  query succeeds with the other shards' rows and a ``warning`` in SHOW META (and one row in
  SHOW WARNINGS); only when every agent fails does the query fail.
- A dead mirror is avoided by ``ha_strategy = noerrors`` with a fast ``ha_ping_interval``;
  until the ping notices, a query may still pick the dead replica and come back partial, so
  clients retry a partial answer once or twice.

Command line::

    python -m indexer.backends.sphinx.cluster start  --dir var/cluster --port 9306 [--shards 2] [--mirrors 1]
    python -m indexer.backends.sphinx.cluster status --dir var/cluster
    python -m indexer.backends.sphinx.cluster stop   --dir var/cluster

Errors (port taken, searchd missing, a node that will not start) exit with code 2 and one
readable line on stderr.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import closing
from dataclasses import asdict
from pathlib import Path

from indexer.backends.sphinx.cluster.configs import render_head_config, render_shard_config
from indexer.backends.sphinx.cluster.topology import (CLUSTER_FILE, DEFAULT_PORT, HOST,
                                                      ClusterError, ClusterInfo, Node,
                                                      load_cluster, plan_cluster, port_in_use)
from indexer.backends.sphinx.schema import NODES

__all__ = ["ClusterError", "ClusterInfo", "DEFAULT_PORT", "HOST", "Node", "load_cluster",
           "node_status", "start_cluster", "start_node", "stop_cluster", "stop_node"]
START_TIMEOUT = 20.0                  # seconds for one node to accept SphinxQL connections
STOP_TIMEOUT = 30.0


def searchd_binary() -> str:
    path = shutil.which("searchd")
    if not path:
        raise ClusterError("searchd not found on PATH: install Debian's sphinxsearch (make sphinx-deps)")
    return path


def read_pid(n: Node) -> int | None:
    try:
        return int(Path(n.pid_file).read_text().strip())
    except (OSError, ValueError):
        return None


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (exited, not yet reaped) is not alive
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return True


def accepts_sphinxql(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when `port` answers with a MySQL handshake (searchd's SphinxQL greeting)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            data = s.recv(64)
    except OSError:
        return False
    return len(data) > 5 and data[4] == 10   # packet header (4 bytes), protocol version 10


def _start_node(n: Node, searchd: str) -> None:
    r = subprocess.run([searchd, "--config", n.config], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=START_TIMEOUT)
    if r.returncode != 0:
        lines = [x for x in (r.stdout + r.stderr).splitlines() if "FATAL" in x or "ERROR" in x]
        raise ClusterError(f"searchd for {n.name} failed to start: "
                           + ("; ".join(lines) or f"exit code {r.returncode}, see {n.dir}/searchd.log"))
    deadline = time.monotonic() + START_TIMEOUT
    while not accepts_sphinxql(n.host, n.port):
        if time.monotonic() > deadline:
            raise ClusterError(f"searchd for {n.name} did not accept SphinxQL on {n.host}:{n.port} "
                               f"within {START_TIMEOUT:.0f}s (see {n.dir}/searchd.log)")
        time.sleep(0.05)


def _stop_node(n: Node, searchd: str | None) -> None:
    """Stop one node and wait for it; a node already gone is fine."""
    pid = read_pid(n)
    if not pid_alive(pid):
        return
    if searchd and Path(n.config).exists():
        try:
            subprocess.run([searchd, "--config", n.config, "--stopwait"], capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    deadline = time.monotonic() + STOP_TIMEOUT
    _signal(pid, signal.SIGTERM)
    while pid_alive(pid):
        if time.monotonic() > deadline:
            _signal(pid, signal.SIGKILL)
            deadline += STOP_TIMEOUT
        time.sleep(0.05)


def _signal(pid: int, sig: int) -> None:
    """Signal a process that may have exited meanwhile."""
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def start_cluster(workdir: str | Path, port: int | None = None, shards: int | None = None,
                  mirrors: int | None = None) -> ClusterInfo:
    """Write configs, start every searchd (shards first, then the head) and wait until each
    accepts SphinxQL; then write cluster.json. On any failure the nodes already started are
    stopped again and ClusterError says why. An earlier cluster in `workdir` is started again
    with its data (each node's data/ survives a stop/start) and its layout: values not given
    are its own, and another number of shards or mirrors is refused (reports would sit on the
    wrong shard, and a new empty mirror would answer half the queries with nothing). A new
    cluster: 2 shards, 1 mirror each, head on DEFAULT_PORT."""
    searchd = searchd_binary()
    workdir = Path(workdir).resolve()
    if (workdir / CLUSTER_FILE).exists():
        old = load_cluster(workdir)
        if any(pid_alive(read_pid(n)) for n in old.nodes):
            raise ClusterError(f"a cluster is already running in {workdir} (stop it first)")
        if shards not in (None, old.shards) or mirrors not in (None, old.mirrors):
            raise ClusterError(
                f"the cluster in {workdir} has {old.shards} shard(s) x {old.mirrors + 1} "
                f"replica(s) and keeps its data there: start it with --shards {old.shards} "
                f"--mirrors {old.mirrors}, or remove {workdir} for a new cluster")
        port, shards, mirrors = port or old.port, old.shards, old.mirrors
    else:
        shards, mirrors = 2 if shards is None else shards, 1 if mirrors is None else mirrors
    port = port or DEFAULT_PORT
    if port_in_use(port):
        raise ClusterError(f"port {HOST}:{port} is already in use")
    info = plan_cluster(workdir, port, shards, mirrors)
    for n in info.nodes:
        Path(n.dir, "data").mkdir(parents=True, exist_ok=True)
        text = render_head_config(info) if n.role == "head" else render_shard_config(n)
        Path(n.config).write_text(text)
    (workdir / CLUSTER_FILE).write_text(info.to_json())
    started: list[Node] = []
    try:
        for n in [*info.shard_nodes(), info.head]:
            started.append(n)
            _start_node(n, searchd)
        register_nodes(info)
    except BaseException:
        for n in reversed(started):
            _stop_node(n, searchd)
        raise
    return info


def register_nodes(info: ClusterInfo) -> None:
    """Write the shard replicas' addresses into the head's `gongkai_nodes` index: indexing
    clients, which know only the head, read where to write each shard from there."""
    from indexer.backends.sphinx.sphinxql import connect

    rows = [(i, n.name, n.shard, n.replica, n.host, n.port, n.api_port)
            for i, n in enumerate(info.shard_nodes(), 1)]
    with closing(connect(info.head.host, info.head.port)) as conn, conn.cursor() as cur:
        cur.execute(f"DELETE FROM {NODES} WHERE id > 0")
        cur.executemany(f"REPLACE INTO {NODES} (id, name, shard, replica, host, port, api_port) "
                        "VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)


def start_node(workdir: str | Path, name: str) -> None:
    """Start one stopped node again (its RT data comes back from disk and binlog)."""
    info = load_cluster(workdir)
    node = next((n for n in info.nodes if n.name == name), None)
    if node is None:
        raise ClusterError(f"no node {name} in {workdir}")
    if not pid_alive(read_pid(node)):
        _start_node(node, searchd_binary())


def stop_node(workdir: str | Path, name: str) -> None:
    """Stop one node of the cluster (tests use it to take a replica down)."""
    info = load_cluster(workdir)
    node = next((n for n in info.nodes if n.name == name), None)
    if node is None:
        raise ClusterError(f"no node {name} in {workdir}")
    _stop_node(node, shutil.which("searchd"))


def stop_cluster(workdir: str | Path) -> list[str]:
    """Stop every node (head first) with --stopwait; nodes already dead are skipped. Returns
    the names of the nodes that were running."""
    info = load_cluster(workdir)
    searchd = shutil.which("searchd")
    stopped, failed = [], []
    for n in [info.head, *reversed(info.shard_nodes())]:
        if pid_alive(read_pid(n)):
            stopped.append(n.name)
        try:   # one node that will not stop must not leave the others running
            _stop_node(n, searchd)
        except OSError as exc:
            failed.append(f"{n.name} ({exc})")
    if failed:
        raise ClusterError("could not stop " + ", ".join(failed))
    return stopped


def node_status(workdir: str | Path) -> list[dict]:
    """One dict per node: its cluster.json entry plus pid, alive (process) and up (accepts
    SphinxQL)."""
    info = load_cluster(workdir)
    out = []
    for n in info.nodes:
        pid = read_pid(n)
        alive = pid_alive(pid)
        out.append({**asdict(n), "pid": pid, "alive": alive,
                    "up": alive and accepts_sphinxql(n.host, n.port, timeout=0.5)})
    return out


