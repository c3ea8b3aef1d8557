"""How the cluster finds a run and a word in one query (`reader._run_and_word`), on a real
searchd with sections written by hand where the two fields disagree: the run's answer is the
phrase over `chars` alone and the word's answer the `words` field alone, as when each is asked
on its own."""

from __future__ import annotations

import json
from contextlib import closing

from cluster import running_cluster, url
from indexer.backends import open_backend
from indexer.backends.sphinx.schema import LIVE, RECORDS, SECTIONS
from indexer.backends.sphinx.sphinxql import chars_field, connect, grams_field, quote
from indexer.indexing import build_index

# (words field, chars field's text) of the hand-written sections of one report
SECTIONS_BY_HAND = {
    "run-and-word": ("紫藤 花 紫藤", "紫藤花紫藤"),
    "word-only": ("紫藤", "紫色的藤"),           # the word, but no run of its characters
    "run-only": ("紫 藤花", "紫藤花"),            # the run, but not as a word
    "neither": ("藤 紫", "藤与紫"),               # both characters, never side by side
}


def add_report_by_hand(info, generation: int) -> dict[str, int]:
    """A copy of an indexed report's record under a new id, with the sections above, live
    from `generation`; returns each section's document id."""
    shard = info.shard_nodes(0)[0]
    with closing(connect(shard.host, shard.port)) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT id, summary, record FROM {RECORDS} ORDER BY id DESC LIMIT 0,1")
        top, summary, record = cur.fetchone()
        summary = {**json.loads(summary), "report_id": "by-hand", "source": "by-hand.txt"}
        cur.execute(f"SELECT id FROM {SECTIONS} ORDER BY id DESC LIMIT 0,1")
        first = max(int(top), int(cur.fetchone()[0])) + 1
        cur.execute(f"REPLACE INTO {RECORDS} (id, title, report_id, born, died, summary, record) "
                    f"VALUES ({first}, 'by hand', 'by-hand', {generation}, {LIVE}, "
                    f"{quote(json.dumps(summary, ensure_ascii=False))}, {quote(record)})")
        ids = {}
        for n, (slug, (words, text)) in enumerate(SECTIONS_BY_HAND.items(), 1):
            ids[slug] = first + n
            cur.execute(f"REPLACE INTO {SECTIONS} (id, words, chars, grams, report_id, section, "
                        f"ordinal, wordcount, born, died) VALUES ({first + n}, {quote(words)}, "
                        f"{quote(chars_field(text))}, {quote(grams_field(text))}, 'by-hand', "
                        f"{quote(slug)}, {n}, "
                        f"{len(words.split())}, {generation}, {LIVE})")
    return ids


def test_a_run_and_its_word_asked_at_once_answer_as_asked_apart(tmp_path, small_corpus_dir):
    with running_cluster(tmp_path / "c", shards=1, mirrors=0) as info:
        build_index([small_corpus_dir], url(info))
        ids = add_report_by_hand(info, 1)
        backend = open_backend(url(info))
        try:
            reader = backend.reader()
            number = dict(zip(reader._numbering.ids.tolist(), range(len(reader._numbering.ids))))
            exact = reader.exact("紫藤").tolist()            # one word: asked with its word
            scores = reader.word_scores(["紫藤"])
            assert exact == sorted(number[ids[s]] for s in ("run-and-word", "run-only"))
            assert scores.numbers.tolist() == sorted(number[ids[s]]
                                                     for s in ("run-and-word", "word-only"))
            apart = reader._exact("紫藤", set()).tolist()   # the run alone, as a phrase
            assert apart == exact
            ids_tfs = reader._frequencies("紫藤", set())
            assert sorted(zip(*ids_tfs.tolist())) == [(ids["run-and-word"], 2),
                                                       (ids["word-only"], 1)]
            assert reader._frequency("紫藤") == 2
        finally:
            backend.close()
