"""Document ids on a real cluster: a run counts them up from above every id there (short
numbers, a reader's table lookup), and below the lowest id when a cluster of the older layout
(63-bit hash ids) leaves no room above; a run that would run out of ids fails and loses nothing."""

from __future__ import annotations

from contextlib import closing

import pytest

from cluster import running_cluster, url
from indexer.backends.sphinx.run import ID_ROOM
from indexer.backends.sphinx.schema import DIST_RECORDS, DIST_SECTIONS, SECTIONS
from indexer.backends.sphinx.sphinxql import connect
from indexer.errors import GongkaiError
from indexer.indexing import build_index
from indexer.search import SearchRequest, open_index


def ids_of(info, index: str, generation: int = 1) -> list[int]:
    """The ids of the documents generation `generation` sees."""
    with closing(connect("127.0.0.1", info.port)) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT id FROM {index} WHERE born <= {generation} AND died > {generation} "
                    "ORDER BY id ASC LIMIT 0,100000 "
                    "OPTION max_matches=100000")
        return [int(row[0]) for row in cur.fetchall()]


def stale_document(info, doc_id: int) -> None:
    """A dead document of an older run (born and died before generation 1) on the first shard:
    no reader sees it; the next publish deletes it."""
    shard = info.shard_nodes(0)[0]
    with closing(connect(shard.host, shard.port)) as conn, conn.cursor() as cur:
        cur.execute(f"REPLACE INTO {SECTIONS} (id, words, chars, report_id, section, ordinal, "
                    f"wordcount, born, died) VALUES ({doc_id}, 'x', 'x', 'old', 'x', 0, 1, 0, 0)")


def live_total(info) -> int:
    index = open_index(url(info))
    try:
        return index.search(SearchRequest(q="", per_page=1))["total"]
    finally:
        index.close()


def test_ids_count_up_above_every_id_in_the_cluster(tmp_path, small_corpus_dir):
    with running_cluster(tmp_path / "c", shards=2, mirrors=0) as info:
        first = build_index([small_corpus_dir], url(info))
        sections, records = ids_of(info, DIST_SECTIONS), ids_of(info, DIST_RECORDS)
        assert len(sections) == first.sections and len(records) == 14
        assert sorted(sections + records) == list(range(1, first.sections + 15))
        again = build_index([small_corpus_dir], url(info), full=True)
        assert min(ids_of(info, DIST_SECTIONS, 2)) == first.sections + 15
        assert again.sections == first.sections and live_total(info) == 14


def test_hash_ids_of_the_older_layout_leave_the_ids_below_them(tmp_path, small_corpus_dir):
    with running_cluster(tmp_path / "c", shards=2, mirrors=0) as info:
        stale_document(info, ID_ROOM + 12345)
        summary = build_index([small_corpus_dir], url(info))
        every = ids_of(info, DIST_SECTIONS) + ids_of(info, DIST_RECORDS)
        assert sorted(every) == list(range(1, summary.sections + 15))   # from 1, below it
        assert live_total(info) == 14


def test_a_run_without_free_ids_fails_clearly_and_publishes_nothing(tmp_path, small_corpus_dir):
    with running_cluster(tmp_path / "c", shards=2, mirrors=0) as info:
        stale_document(info, ID_ROOM + 1)
        stale_document(info, 40)   # room for 39 ids below the lowest: too few for 14 reports
        with pytest.raises(GongkaiError, match="no free document ids"):
            build_index([small_corpus_dir], url(info))
        with pytest.raises(GongkaiError, match="no index in the cluster"):
            open_index(url(info))
