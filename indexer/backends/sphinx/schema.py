"""The indexes of a gongkai Sphinx cluster, in one place (SphinxQL both searchd 2.2.11 and
Manticore understand).

On every shard replica (RT indexes; searchd does not replicate them, gongkai writes every
replica of a shard):

- `gongkai_sections`: one document per report section. Fields `words` (jieba words, space
  separated: BM25), `grams` (every two neighbouring characters as a token, `sphinxql.grams_field`:
  exact runs of two or more characters by phrase) and `chars` (every character as a token,
  `sphinxql.chars_field`: runs of one character). Attributes: report_id, section (slug), ordinal, wordcount (the length BM25
  normalises by), and the generations the document lives
  in: `born` (the run that wrote it) and `died` (the run that deleted it; LIVE until then). A
  reader at published generation G sees ``born <= G AND died > G``.
- `gongkai_records_rt`: one document per report: the record (zlib-compressed JSON, base64) and
  its summary (JSON) as string attributes, with the same born/died — records live in the cluster
  so that web nodes keep no state of their own.

On the head (the node web and indexing clients talk to):

- `gongkai` and `gongkai_records`: distributed indexes over the shards (agent mirrors);
- `gongkai_meta` (local RT): the published generation, the manifest of files and the run lock;
- `gongkai_nodes` (local RT): the topology — every shard replica's SphinxQL address — which
  indexing runs read to write each shard.
"""

from __future__ import annotations

from indexer.backends.sphinx.sphinxql import CHARSET_TABLE

SECTIONS = "gongkai_sections"         # RT, on every shard replica
RECORDS = "gongkai_records_rt"        # RT, on every shard replica
DIST_SECTIONS = "gongkai"             # distributed, on the head
DIST_RECORDS = "gongkai_records"      # distributed, on the head
META = "gongkai_meta"                 # RT, on the head
NODES = "gongkai_nodes"               # RT, on the head
LIVE = 4294967295                     # `died` of a document no run has deleted (uint max)
ID_END = 1 << 63                      # document ids are below (searchd's ids are signed 64-bit)

META_GENERATION, META_LOCK = 1, 2     # document ids in META


def _rt(*lines: str) -> list[str]:
    return ["type = rt", *lines, f"charset_table = {CHARSET_TABLE}", "min_word_len = 1"]


def shard_indexes() -> dict[str, list[str]]:
    """Index name -> definition lines (without `path`) of a shard replica."""
    return {
        SECTIONS: _rt("rt_mem_limit = 256M", "rt_field = words", "rt_field = chars",
                      "rt_field = grams",
                      "rt_attr_string = report_id", "rt_attr_string = section",
                      "rt_attr_uint = ordinal", "rt_attr_uint = wordcount",
                      "rt_attr_uint = born", "rt_attr_uint = died"),
        RECORDS: _rt("rt_mem_limit = 64M", "rt_field = title", "rt_attr_string = report_id",
                     "rt_attr_uint = born", "rt_attr_uint = died", "rt_attr_string = summary",
                     "rt_attr_string = record"),
    }


def head_indexes() -> dict[str, list[str]]:
    """Local index name -> definition lines (without `path`) of the head."""
    return {
        META: _rt("rt_mem_limit = 32M", "rt_field = note", "rt_attr_uint = generation",
                  "rt_attr_string = signature", "rt_attr_string = files", "rt_attr_string = holder"),
        NODES: _rt("rt_mem_limit = 8M", "rt_field = note", "rt_attr_string = name",
                   "rt_attr_uint = shard",
                   "rt_attr_uint = replica", "rt_attr_string = host", "rt_attr_uint = port",
                   "rt_attr_uint = api_port"),
    }
