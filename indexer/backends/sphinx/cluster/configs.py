"""searchd configurations of a local cluster: shard replicas and the head."""

from __future__ import annotations

from indexer.backends.sphinx.cluster.topology import ClusterInfo, Node
from indexer.backends.sphinx.schema import (DIST_RECORDS, RECORDS, head_indexes,
                                            shard_indexes)


def _searchd_section(n: Node, extra: list[str]) -> str:
    lines = [
        f"listen = {n.host}:{n.api_port}",
        f"listen = {n.host}:{n.port}:mysql41",
        f"log = {n.dir}/searchd.log",
        f"query_log = {n.dir}/query.log",
        f"pid_file = {n.pid_file}",
        f"binlog_path = {n.dir}/data",
        "workers = threads",          # required for RT indexes
        "read_timeout = 5",
        "client_timeout = 300",
        "max_packet_size = 32M",      # default 8M: a bigger INSERT batch resets the connection
        "seamless_rotate = 0",
        *extra,
    ]
    return "searchd\n{\n" + "".join(f"    {x}\n" for x in lines) + "}\n"


def _block(kind: str, name: str, lines: list[str]) -> str:
    return f"{kind} {name}\n{{\n" + "".join(f"    {x}\n" for x in lines) + "}\n"


def _local_indexes(n: Node, definitions: dict[str, list[str]]) -> str:
    return "\n".join(_block("index", name, [*lines, f"path = {n.dir}/data/{name}"])
                     for name, lines in definitions.items())


def render_shard_config(n: Node) -> str:
    """sphinx.conf of one shard replica: its RT indexes and its searchd."""
    return (f"# gongkai shard {n.shard} replica {n.replica} (generated)\n\n"
            f"{_local_indexes(n, shard_indexes())}\n{_searchd_section(n, [])}")


def render_head_config(info: ClusterInfo) -> str:
    """sphinx.conf of the head: the distributed index, one agent line per shard listing the
    shard's replicas as mirrors (``agent = h:p1|h:p2:index``)."""
    head = info.head
    blocks = [_block("index", head.index, _distributed(info, info.shard_index)),
              _block("index", DIST_RECORDS, _distributed(info, RECORDS)),
              _local_indexes(head, head_indexes())]
    return ("# gongkai distributed head (generated)\n\n" + "\n".join(blocks) + "\n"
            + _searchd_section(head, ["ha_ping_interval = 100"]))


def _distributed(info: ClusterInfo, index: str) -> list[str]:
    """A distributed index over every shard: one agent line per shard, its replicas as mirrors
    (``agent = h:p1|h:p2:index``)."""
    lines = ["type = distributed"]
    for s in range(info.shards):
        mirrors = "|".join(f"{n.host}:{n.api_port}" for n in info.shard_nodes(s))
        lines.append(f"agent = {mirrors}:{index}")
    return lines + [
        "agent_connect_timeout = 500",   # ms
        "agent_query_timeout = 10000",   # ms
        "ha_strategy = noerrors",        # steer away from a replica that fails
    ]


