"""A cluster reader's summaries, held compressed by the web node (`indexer.store.MemoryPack`):
every summary comes back as it went in, in its order, with or without a trained dictionary; and the columns built from them one at a time are the embedded index's."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indexer.store import MemoryPack
from indexer.model.columns import report_columns

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**53, 2**53) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)
documents = st.dictionaries(st.text(min_size=1, max_size=12),
                            st.dictionaries(st.text(max_size=8), json_values, max_size=6),
                            max_size=30)


@given(documents)
def test_any_few_summaries_come_back_as_they_went_in(docs):
    held = MemoryPack((rid, json.dumps(doc, ensure_ascii=False)) for rid, doc in docs.items())
    assert list(held) == list(docs) and len(held) == len(docs)
    assert all(held[rid] == doc for rid, doc in docs.items())


def test_real_summaries_past_the_training_sample_are_held_small(small_index):
    """The fourteen real summaries, renumbered into 2,100 (a dictionary is trained on the first
    MemoryPack.TRAIN_ON): all equal to what went in, in their order, and ~5x smaller than their JSON."""
    real = list(small_index.backend.reader().summaries().values())
    docs = {f"r{i:05d}": {**real[i % len(real)], "report_id": f"r{i:05d}"}
            for i in range(MemoryPack.TRAIN_ON + 100)}
    texts = {rid: json.dumps(doc, ensure_ascii=False) for rid, doc in docs.items()}
    held = MemoryPack(texts.items())
    assert held.dictionary
    assert list(held) == list(docs)
    assert held["r00000"]["agency"] == real[0]["agency"]
    assert held[f"r{MemoryPack.TRAIN_ON + 99:05d}"] == docs[f"r{MemoryPack.TRAIN_ON + 99:05d}"]
    assert "r99999" not in held
    with pytest.raises(KeyError):
        held["r99999"]
    json_bytes = sum(len(t.encode("utf-8")) for t in texts.values())
    assert held.nbytes * 5 < json_bytes

    def read_all(out: list[bool]) -> None:   # a decompressor per thread
        out.append(all(held[rid] == doc for rid, doc in docs.items()))

    results: list[bool] = []
    threads = [threading.Thread(target=read_all, args=(results,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 4


def test_columns_from_held_summaries_are_the_embedded_indexs(small_index):
    reader = small_index.backend.reader()
    summaries = reader.summaries()
    held = MemoryPack((rid, json.dumps(summaries[rid], ensure_ascii=False)) for rid in summaries)
    built, expected = report_columns(list(held), held), reader.columns()
    assert built.ids == expected.ids and built.agency == expected.agency
    assert built.city == expected.city and built.source == expected.source
    assert built.year.tolist() == expected.year.tolist()
    assert sorted(built.figures) == sorted(expected.figures)
    assert all(np.array_equal(built.figures[k], expected.figures[k]) for k in built.figures)
    assert np.array_equal(built.sketch, expected.sketch)
