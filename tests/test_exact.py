"""Exact matching of the embedded backend (indexer/backends/whoosh/exact.py) equals the naive
rule, `folded in text` over every live section's folded text: on synthetic texts written through
the real `GramWriter` (short sections over a small alphabet, so runs cross section boundaries,
sit in the overlap, and every section is a candidate) and on the small real index."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.backends import open_backend
from indexer.backends.seam import TEXT_OVERLAP
from indexer.backends.whoosh.exact import ExactMatcher
from indexer.backends.whoosh.grams import FLUSH_SECTIONS, GramLists, GramWriter, gram_codes, gram_of_code
from indexer.backends.whoosh.spans import SpanFinder, window_bounds
from indexer.indexing.workers import section_docs
from indexer.text.analysis import gram_set
from indexer.store import Store

ALPHABET = "公开政府信息a1"
pieces = st.text(alphabet=ALPHABET, min_size=0, max_size=40)
runs = st.text(alphabet=ALPHABET, min_size=1, max_size=5)


def stored(sections: list[str]) -> list[str]:
    """The texts a report's sections are stored with: each runs TEXT_OVERLAP characters into
    the next one (as `section_docs` writes them)."""
    return [s + (sections[i + 1][:TEXT_OVERLAP] if i + 1 < len(sections) else "")
            for i, s in enumerate(sections)]


def spans(texts: list[str]) -> tuple[bytes, np.ndarray, np.ndarray]:
    data = [t.encode("utf-8") for t in texts]
    ends = np.cumsum([len(d) for d in data], dtype=np.int64)
    return b"".join(data), ends - [len(d) for d in data], ends


@given(st.lists(pieces, max_size=30), runs)
def test_the_finder_finds_the_spans_holding_the_run(sections, run):
    texts = stored(sections)
    blob, starts, ends = spans(texts)
    want = [i for i, t in enumerate(texts) if run in t]
    pattern = run.encode("utf-8")
    assert np.flatnonzero(SpanFinder(blob, starts, ends).contains(pattern, starts, ends)
                          ).tolist() == want


def test_an_occurrence_across_two_stored_texts_is_in_neither():
    blob, starts, ends = spans(["政府信", "息公开"])
    pattern = "信息".encode("utf-8")
    assert SpanFinder(blob, starts, ends).contains(pattern, starts, ends).tolist() == [False,
                                                                                  False]
    assert blob.find(pattern) >= 0   # the bytes are there, across the boundary


def test_overlapping_occurrences_after_one_across_a_boundary_are_found():
    texts = stored(["公", "开", "开开"])          # stored: 公开 | 开开开 | 开开
    blob, starts, ends = spans(texts)
    found = SpanFinder(blob, starts, ends).contains("开开开".encode("utf-8"), starts, ends)
    assert found.tolist() == [False, True, False]


def matcher_over(root: Path, texts: list[str], dead: set[int],
                 flush_sections: int = FLUSH_SECTIONS) -> ExactMatcher:
    """Texts written by the real GramWriter (joining its pending bigrams into bitmaps every
    `flush_sections` sections), opened by GramLists; `dead` ids get no number."""
    root.mkdir()
    writer = GramWriter(root, None, flush_sections)
    sids = [writer.add(t) for t in texts]
    writer.close()
    live = [sid for sid in sids if sid not in dead]
    number_of_sid = np.full(len(sids), -1, dtype=np.int32)
    number_of_sid[live] = np.arange(len(live), dtype=np.int32)
    return ExactMatcher(GramLists(root), number_of_sid)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pieces, min_size=1, max_size=40), st.lists(runs, min_size=1, max_size=6),
       st.sets(st.integers(0, 39), max_size=10), st.sampled_from([FLUSH_SECTIONS, 1, 3, 7]))
def test_exact_equals_naive_on_synthetic_sections(sections, queries, dead, flush_sections):
    with synthetic(sections, dead, flush_sections) as (matcher, texts, live):
        for run in queries + [texts[0][:3], texts[-1][-4:]]:
            want = [n for n, i in enumerate(live) if run in texts[i]] if run else []
            got = matcher.numbers(run)
            assert got.dtype == np.int32 and got.tolist() == want, run


@contextmanager
def synthetic(sections, dead, flush_sections=FLUSH_SECTIONS):
    """A matcher over the stored texts of `sections` with the `dead` ones deleted: (matcher,
    texts, the live sections' indexes in section-number order)."""
    texts = stored(sections)
    live = [i for i in range(len(texts)) if i not in dead]
    with tempfile.TemporaryDirectory() as tmp:
        matcher = matcher_over(Path(tmp) / "part", texts, dead, flush_sections)
        try:
            yield matcher, texts, live
        finally:
            matcher.lists.close()


@pytest.fixture(scope="module")
def small_reader(small_index_dir):
    backend = open_backend(str(small_index_dir))
    yield backend.reader()
    backend.close()


@pytest.fixture(scope="module")
def folded_texts(small_reader, small_index_dir) -> list[str]:
    """Every live section's folded text, by section number, made again from the records by the
    indexing layer's own folding (not read from the index)."""
    generation = Store(small_index_dir).current()
    by_key = {}
    for report_id in small_reader.summaries():
        for doc in section_docs(generation.read_record(report_id)):
            by_key[(doc.report_id, doc.ordinal)] = doc.text
    return [by_key[key] for key in small_reader.section_keys()]


def naive(texts: list[str], run: str) -> list[int]:
    return [n for n, text in enumerate(texts) if run and run in text]


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                   HealthCheck.too_slow])
@given(st.data())
def test_exact_equals_naive_on_the_small_index(small_reader, folded_texts, data):
    text = data.draw(st.sampled_from(folded_texts))
    start = data.draw(st.integers(0, max(0, len(text) - 1)))
    run = text[start:start + data.draw(st.integers(1, 8))]
    assert small_reader.exact(run).tolist() == naive(folded_texts, run)


@pytest.mark.parametrize("run", ["公开", "政府信息公开", "依申请公开", "行政复议", "年", "没有这个词组"])
def test_common_and_absent_runs_on_the_small_index(small_reader, folded_texts, run):
    got = small_reader.exact(run)
    assert got.dtype == np.int32
    assert got.tolist() == naive(folded_texts, run)
    assert (run == "没有这个词组") == (len(got) == 0)


def test_an_answer_is_kept_read_only_and_the_cache_stays_in_its_bound(small_reader, folded_texts,
                                                                      monkeypatch):
    matcher = small_reader._exact_matcher
    matcher.cache.clear()
    first = matcher.numbers("政府信息公开")
    assert matcher.numbers("政府信息公开") is first and not first.flags.writeable
    monkeypatch.setattr(matcher.cache, "limit", first.nbytes + 1)
    for run in ("政府信息公开", "公开", "依申请公开", "行政复议"):
        assert matcher.numbers(run).tolist() == naive(folded_texts, run)
        assert matcher.cache.nbytes <= first.nbytes + 1
    # 公开 (in more sections than the bound holds) is answered, not kept; the last run is kept
    assert "公开" not in matcher.cache and "政府信息公开" not in matcher.cache
    assert "行政复议" in matcher.cache
    matcher.cache.clear()


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet="公开政府", min_size=1, max_size=4), min_size=60, max_size=120),
       st.sampled_from(["政府公开", "公开政", "府公开"]),
       st.sets(st.integers(0, 59), max_size=10))
def test_many_short_sections_equal_naive(sections, run, dead):
    with synthetic(sections, dead) as (matcher, texts, live):
        want = [n for n, i in enumerate(live) if run in texts[i]]
        assert matcher.numbers(run).tolist() == want


def test_a_single_character_is_found_in_texts_too_short_for_a_bigram(tmp_path):
    matcher = matcher_over(tmp_path / "part", ["年", "公开年度", "", "a", "开"], dead={4})
    assert matcher.numbers("年").tolist() == [0, 1]
    assert matcher.numbers("a").tolist() == [3]
    assert matcher.numbers("开").tolist() == [1]      # the dead section holding it is left out
    assert matcher.numbers("鸳").tolist() == []
    matcher.lists.close()


@given(st.text())
def test_gram_codes_are_the_distinct_bigrams(text):
    codes = gram_codes(text)
    assert codes.dtype == np.uint64 and codes.tolist() == sorted(set(codes.tolist()))
    assert {gram_of_code(c) for c in codes.tolist()} == gram_set(text)
