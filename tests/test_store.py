"""The store's files: packs of zstandard frames (records, summaries) read back exactly, the report
columns written at publish equal to the ones built from the summaries, and an index of the layout
before packs refused with the usual message."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.backends import open_backend
from indexer.errors import GongkaiError, NotFound
from indexer.indexing.workers import summary_of
from indexer.model.columns import report_columns
from indexer.store import Store, columns_file
from indexer.store.pack import DICT, MIN_SAMPLES, LazyDocuments, PackReader, PackWriter

JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**53, 2**53) | st.text(),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
DOCS = st.dictionaries(st.text(min_size=1, max_size=12), JSON, max_size=80)


def _round_trip(folder: Path, docs: dict, copies: int = 0) -> tuple[PackReader, PackReader]:
    """docs written to a pack (full run), then carried into a second pack with its dictionary."""
    first = PackWriter(folder / "a")
    for doc_id, doc in docs.items():
        first.add(doc_id, json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    first.close()
    a = PackReader(folder / "a")
    second = PackWriter(folder / "b", a.dictionary)
    for doc_id in list(docs)[copies:]:
        second.copy_from(a, doc_id)
    second.close()
    return a, PackReader(folder / "b")


@settings(max_examples=30, deadline=None)
@given(DOCS)
def test_a_pack_gives_back_every_document_exactly_in_order(docs):
    with tempfile.TemporaryDirectory() as folder:
        _check_round_trip(Path(folder), docs)


def _check_round_trip(folder: Path, docs: dict) -> None:
    a, b = _round_trip(folder, docs, copies=len(docs) // 3)
    assert dict(LazyDocuments(a)) == docs and list(LazyDocuments(a)) == list(docs)
    kept = list(docs)[len(docs) // 3:]
    assert list(LazyDocuments(b)) == kept and all(b.read(k) == docs[k] for k in kept)
    assert all(b.frame(k) == a.frame(k) for k in kept)   # carried over compressed, unchanged
    with pytest.raises(KeyError):
        a.read("\x00not an id")


def test_enough_documents_train_a_shared_dictionary(tmp_path):
    docs = {f"r{i:04d}": {"agency": f"某市第{i}局", "text": "政府信息公开工作年度报告" * (i % 7 + 1)}
            for i in range(MIN_SAMPLES * 3)}
    a, b = _round_trip(tmp_path / "many", docs)
    assert (a.path / DICT).exists() and a.dictionary and b.dictionary == a.dictionary
    assert dict(LazyDocuments(b)) == docs
    few, _ = _round_trip(tmp_path / "few", dict(list(docs.items())[:MIN_SAMPLES - 1]))
    assert not (few.path / DICT).exists() and len(few) == MIN_SAMPLES - 1


def test_a_document_written_twice_keeps_its_place_and_last_content(tmp_path):
    writer = PackWriter(tmp_path / "p")
    for doc_id, value in (("x", 1), ("y", 2), ("x", 3)):
        writer.add(doc_id, json.dumps(value).encode())
    writer.close()
    assert dict(LazyDocuments(PackReader(tmp_path / "p"))) == {"x": 3, "y": 2}


def test_records_and_summaries_read_back_as_extracted(small_index_dir, small_corpus_dir, report):
    generation = Store(small_index_dir).current()
    summaries = generation.summaries()
    assert len(summaries) == 14
    for rid in summaries:
        source = summaries[rid]["source"]
        extracted = report(source).to_dict()
        assert generation.read_record(rid).to_dict() == extracted
        assert summaries[rid] == {**summary_of(extracted), "root": summaries[rid]["root"]}
    assert summaries["putian-1440015"]["stats"]["requests_received"]["value"] == 1
    with pytest.raises(NotFound, match="没有编号为「nope」的报告"):
        generation.read_record("nope")


def test_columns_on_disk_equal_the_columns_of_the_summaries(small_index_dir):
    generation = Store(small_index_dir).current()
    summaries = dict(generation.summaries())
    reads: list[str] = []

    class Counted(dict):   # a lazy mapping's reads: each summary once, in order
        def __getitem__(self, rid):
            reads.append(rid)
            return super().__getitem__(rid)

    built = report_columns(list(summaries), Counted(summaries))
    assert reads == list(summaries)
    for columns in (generation.columns(), columns_file.build_columns(list(summaries), summaries)):
        assert columns.ids == built.ids == list(summaries)
        for name in columns_file.STRINGS:
            assert getattr(columns, name) == getattr(built, name)
        for name in ("year", "sketch", "sketch_size"):
            assert np.array_equal(getattr(columns, name), getattr(built, name))
        assert sorted(columns.figures) == sorted(built.figures)
        assert all(np.array_equal(columns.figures[k], built.figures[k]) for k in built.figures)
    at = built.ids.index("putian-1440015")
    assert generation.columns().figures["requests_received"][at] == 1
    assert generation.columns().agency[at] == "莆田市林业局"


def test_an_index_of_the_old_layout_is_refused_then_rebuilt(tmp_path, small_corpus_dir):
    from indexer.indexing import build_index

    ix = tmp_path / "ix"
    old = ix / "gen-000001-20260101-000000"
    (old / "records").mkdir(parents=True)
    signature = open_backend(str(ix)).signature.replace("whoosh4", "whoosh3")
    (old / "manifest.json").write_text(json.dumps(
        {"signature": signature, "created": 0, "files": {}, "reports": {}}), encoding="utf-8")
    (ix / "CURRENT").write_text(old.name + "\n", encoding="utf-8")
    with pytest.raises(GongkaiError, match="run `gongkai index --full`"):
        open_backend(str(ix)).reader()
    summary = build_index([small_corpus_dir], ix)
    assert (summary.full, summary.added) == (True, 14)
    assert len(open_backend(str(ix)).reader().columns()) == 14
