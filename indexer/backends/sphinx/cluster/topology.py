"""The nodes of a local cluster: names, roles, ports and where their files live (cluster.json)."""

from __future__ import annotations

import errno
import json
import socket
from dataclasses import asdict, dataclass, field
from pathlib import Path

from indexer.backends.sphinx.schema import DIST_SECTIONS, SECTIONS
from indexer.errors import GongkaiError

HOST = "127.0.0.1"
DEFAULT_PORT = 9306
CLUSTER_FILE = "cluster.json"


class ClusterError(GongkaiError):
    """The cluster cannot be started, stopped or found (rendered as one line, exit code 2)."""


@dataclass
class Node:
    """One searchd process of the cluster."""

    name: str            # head, shard0-r0, shard0-r1, ...
    role: str            # "head" or "shard"
    shard: int | None    # shard number (None for the head)
    replica: int | None  # 0 = primary, 1.. = mirrors (None for the head)
    host: str
    port: int            # SphinxQL (mysql41) port
    api_port: int        # binary API port (the head's agents talk to it)
    dir: str
    config: str
    pid_file: str
    index: str           # the index this node serves


@dataclass
class ClusterInfo:
    """What cluster.json holds."""

    workdir: str
    port: int
    shards: int
    mirrors: int
    index: str = DIST_SECTIONS
    shard_index: str = SECTIONS
    nodes: list[Node] = field(default_factory=list)

    @property
    def head(self) -> Node:
        return next(n for n in self.nodes if n.role == "head")

    def shard_nodes(self, shard: int | None = None) -> list[Node]:
        """Shard nodes (all, or the replicas of one shard), primaries first."""
        return [n for n in self.nodes if n.role == "shard" and shard in (None, n.shard)]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ClusterInfo:
        data = json.loads(text)
        data["nodes"] = [Node(**n) for n in data["nodes"]]
        return cls(**data)


def free_port(host: str = HOST) -> int:
    """A port nobody listens on now (the kernel's pick)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_in_use(port: int, host: str = HOST) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            if e.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            raise
    return False


def plan_cluster(workdir: str | Path, port: int = DEFAULT_PORT, shards: int = 2,
                 mirrors: int = 1, host: str = HOST) -> ClusterInfo:
    """Name the nodes and pick their ports (nothing is written or started)."""
    if shards < 1 or mirrors < 0:
        raise ClusterError(f"need shards >= 1 and mirrors >= 0 (got shards={shards}, mirrors={mirrors})")
    workdir = Path(workdir).resolve()
    taken = {port}

    def pick() -> int:
        while (p := free_port(host)) in taken:
            pass
        taken.add(p)
        return p

    def node(name: str, role: str, shard: int | None, replica: int | None, sql_port: int, index: str) -> Node:
        d = workdir / name
        return Node(name, role, shard, replica, host, sql_port, pick(), str(d),
                    str(d / "sphinx.conf"), str(d / "searchd.pid"), index)

    info = ClusterInfo(str(workdir), port, shards, mirrors)
    for s in range(shards):
        for r in range(mirrors + 1):
            info.nodes.append(node(f"shard{s}-r{r}", "shard", s, r, pick(), SECTIONS))
    info.nodes.append(node("head", "head", None, None, port, DIST_SECTIONS))
    return info


def load_cluster(workdir: str | Path) -> ClusterInfo:
    path = Path(workdir) / CLUSTER_FILE
    try:
        return ClusterInfo.from_json(path.read_text())
    except FileNotFoundError:
        raise ClusterError(f"no cluster in {workdir} ({CLUSTER_FILE} not found)") from None
    except (ValueError, TypeError, KeyError) as e:
        raise ClusterError(f"{path}: unreadable ({e})") from None
