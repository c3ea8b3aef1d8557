"""What `indexer/backends/whoosh/internals.py` relies on in Whoosh, checked against the installed
Whoosh: these tests fail loudly when an upgrade changes it.

The embedded backend reads a common word's postings a block at a time through private attributes
of Whoosh's `W3LeafMatcher`, and scores them with its own copy of BM25F. So:

* the installed whoosh3 is the version pinned in pyproject.toml (an upgrade is on purpose, and
  runs these tests);
* a real `W3LeafMatcher` has every attribute of `internals.PRIVATE_ATTRIBUTES`;
* on a real index (built by `build_index` from report files written here: several segments,
  deleted sections, a word in more than one posting block, a word in one section; the common-word
  threshold lowered so that `COMMON` is scored from the exported arrays of `common.py`)
  `internals.blocks` gives exactly the ids and weights Whoosh's public matcher API gives, and the
  reader's BM25 scores are the ones Whoosh's own `BM25F` gives through a searcher on a fresh full
  build of the same live reports (the reader's statistics leave deleted sections out; Whoosh's
  count them), with Whoosh's average length taken, as the reader takes it, from the stored
  one-byte lengths.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
from whoosh import scoring
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ListMatcher
from whoosh.query import Term

from indexer.backends import open_backend
from indexer.backends.whoosh import common, internals
from indexer.backends.whoosh.common import CommonPostings
from indexer.backends.whoosh.words import WordScorer
from indexer.indexing import build_index

ROOT = Path(__file__).resolve().parent.parent
FIELD = "words"
COMMON = "公开"     # in nearly every section: more than one posting block per segment
RARE = "蝴蝶"       # in one section only (a posting list of one; see test_how_a_rare_words_…)
REPORTS = 60        # three sections each: ~180 sections holding COMMON in the first segment
EXPORTED = 100      # the common-word threshold of these indexes: COMMON is exported, 申请 is not


def pinned_whoosh() -> str:
    """The exact version pyproject.toml pins whoosh3 to."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = [d for d in project["project"]["dependencies"] if d.replace(" ", "").startswith("whoosh3")]
    assert len(pins) == 1, pins
    name, sep, version = pins[0].replace(" ", "").partition("==")
    assert sep and name == "whoosh3", f"whoosh3 must be pinned exactly (==), not {pins[0]!r}"
    return version


def test_installed_whoosh_is_the_pinned_one():
    version = pinned_whoosh()
    assert metadata.version("whoosh3") == version, (
        f"whoosh3 {metadata.version('whoosh3')} is installed but pyproject.toml pins {version}: "
        "an upgrade must re-check indexer/backends/whoosh/internals.py (run this file)")
    assert f"whoosh3=={version}" in internals.__doc__, "internals.py names the pin it was written for"


def test_w3leafmatcher_methods_are_there():
    for name in internals.PRIVATE_ATTRIBUTES:
        if name.startswith("_read") or name == "_next_block":
            assert callable(getattr(W3LeafMatcher, name, None)), f"W3LeafMatcher.{name} is gone"


# --- a real index ----------------------------------------------------------------------------

def report_text(i: int, extra: str = "") -> str:
    """A small report in the 2019 format: three numbered sections, `COMMON` in each a different
    number of times (weights differ), section lengths differ (length norms differ)."""
    filler = "，".join(["本机关依法做好政府信息公开工作"] * (1 + i % 4))
    return (
        f"测试市第{i}局{2016 + i % 5}年政府信息公开工作年度报告\n\n"
        f"一、总体情况\n{'公开 ' * (1 + i % 3)}{filler}。{extra}\n\n"
        f"二、主动公开政府信息情况\n主动{'公开 ' * (1 + i % 5)}信息{i}条。\n\n"
        f"三、收到和处理政府信息公开申请情况\n本年新收申请{i}件，{'公开 ' * (1 + i % 2)}{filler}。\n"
    )


@pytest.fixture(scope="module")
def corpus_and_reader(tmp_path_factory):
    """An index of REPORTS reports, then an incremental run that deletes five and changes three
    (deleted sections in the first segment, the changed reports in a second one)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(common, "COMMON_POSTINGS", EXPORTED)
        yield from _incremental_index(tmp_path_factory)


def _incremental_index(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("reports")
    files = []
    for i in range(REPORTS):
        path = corpus / f"r{i:03d}.txt"
        path.write_text(report_text(i), encoding="utf-8")
        files.append(path)
    index_dir = tmp_path_factory.mktemp("index")
    build_index([corpus], index_dir, procs=1)
    for path in files[:5]:
        path.unlink()
    for i, path in enumerate(files[5:8], 5):
        path.write_text(report_text(i, f"今年新增{RARE}图案。" if i == 6 else "今年另有说明。"),
                        encoding="utf-8")
    summary = build_index([corpus], index_dir, procs=1)
    assert not summary.full and summary.added == 3 and summary.removed == 5, summary
    backend = open_backend(str(index_dir))
    opened = backend.reader()
    yield corpus, opened
    backend.close()


@pytest.fixture(scope="module")
def reader(corpus_and_reader):
    return corpus_and_reader[1]


@pytest.fixture(scope="module")
def fresh(corpus_and_reader, tmp_path_factory):
    """A full build of the same files: the live reports alone, no deleted sections."""
    index_dir = tmp_path_factory.mktemp("fresh")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(common, "COMMON_POSTINGS", EXPORTED)
        assert build_index([corpus_and_reader[0]], index_dir, procs=1, full=True).full
    backend = open_backend(str(index_dir))
    yield backend.reader()
    backend.close()


@pytest.fixture(scope="module")
def searcher(reader):
    with reader.ix.searcher(weighting=scoring.BM25F()) as s:
        yield s


def test_the_index_has_what_the_checks_need(searcher):
    """Several segments, deletions, a word spread over posting blocks, a word in one section."""
    leaves = searcher.leaf_searchers()
    assert len(leaves) > 1, "expected more than one segment"
    assert any(sub.reader().has_deletions() for sub, _ in leaves), "expected deleted sections"
    assert searcher.doc_frequency(FIELD, RARE) == 1
    block_counts = [len(list(internals.blocks(sub.reader().postings(FIELD, COMMON))))
                    for sub, _ in leaves if (FIELD, COMMON) in sub.reader()]
    assert max(block_counts) > 1, f"expected {COMMON!r} in more than one block: {block_counts}"


def test_how_a_rare_words_postings_are_stored(searcher):
    """whoosh3 3.54.0 never inlines postings: W3Codec's `inlinelimit=1` inlines lists of *fewer
    than one* posting (and its inline branch calls `terminfo.set_inline`, which does not exist:
    the method is `set_inlined`). So even a word in one section is a `W3LeafMatcher` with one
    block. If an upgrade starts inlining, `blocks` takes its fallback path for such words (the
    tests below compare both paths with the public API); this test says that it happened."""
    kinds = set()
    for sub, _ in searcher.leaf_searchers():
        if (FIELD, RARE) in sub.reader():
            matcher = sub.reader().postings(FIELD, RARE)
            kinds.add(type(getattr(matcher, "child", matcher)).__name__)
    assert kinds == {"W3LeafMatcher"}, f"postings of a one-section word now come as {kinds}"


def test_blocks_falls_back_to_the_matcher_api_for_inlined_postings(searcher):
    """The path `blocks` takes for a matcher that is not a W3LeafMatcher: Whoosh's ListMatcher,
    what it returns for inlined postings, made from the rare word's own postings."""
    for sub, _ in searcher.leaf_searchers():
        segment = sub.reader()
        if (FIELD, RARE) not in segment:
            continue
        expected = public_postings(segment.postings(FIELD, RARE))
        ids, weights = zip(*expected)
        listed = ListMatcher(list(ids), list(weights), format=segment.schema[FIELD].format)
        assert [(list(i), list(w)) for i, w in internals.blocks(listed)] == [(list(ids), list(weights))]
        return
    pytest.fail(f"{RARE!r} is in no segment")


def test_w3leafmatcher_has_every_private_attribute(searcher):
    """On a live matcher of a real index (some of them are set per instance, not on the class)."""
    for sub, _ in searcher.leaf_searchers():
        matcher = sub.reader().postings(FIELD, COMMON)
        leaf = getattr(matcher, "child", matcher)  # what `blocks` unwraps (deletions)
        assert isinstance(leaf, W3LeafMatcher), type(leaf)
        missing = [name for name in internals.PRIVATE_ATTRIBUTES if not hasattr(leaf, name)]
        assert not missing, f"W3LeafMatcher lost {missing}: internals.blocks must be rewritten"
        assert not leaf._byteids, "the words field's ids are no longer stored as ints"


def public_postings(matcher) -> list[tuple[int, float]]:
    """(id, weight) of every posting, through Whoosh's public matcher API."""
    out = []
    while matcher.is_active():
        out.append((matcher.id(), matcher.weight()))
        matcher.next()
    return out


@pytest.mark.parametrize("word", [COMMON, RARE, "申请", "主动"])
def test_blocks_give_what_the_public_matcher_gives(searcher, word):
    seen = 0
    for sub, _offset in searcher.leaf_searchers():
        segment = sub.reader()
        if (FIELD, word) not in segment:
            continue
        ids, weights = [], []
        for block_ids, block_weights in internals.blocks(segment.postings(FIELD, word)):
            assert len(block_ids) == len(block_weights)
            ids.extend(block_ids)
            weights.extend(block_weights)
        assert ids == sorted(set(ids)), "ids must come in increasing order, once each"
        # `blocks` leaves deleted sections in (its callers drop them); the public matcher skips them.
        live = [(d, float(w)) for d, w in zip(ids, weights) if not segment.is_deleted(d)]
        assert all(segment.is_deleted(d) for d in ids if d not in dict(live))
        assert live == public_postings(segment.postings(FIELD, word))
        assert [d for d, _ in live] == list(segment.postings(FIELD, word).all_ids())
        seen += len(live)
    # doc_frequency still counts deleted sections; the live ones are what a search finds.
    assert seen == len(searcher.search(Term(FIELD, word), limit=None)) > 0


class StoredLengthBM25F(scoring.BM25F):
    """Whoosh's BM25F, with the average length over the stored (one-byte) lengths of the
    sections rather than over their exact lengths (which Whoosh's merges do not keep either)."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        parent = searcher.get_parent()
        lengths = [parent.doc_field_length(d, fieldname, 1) or 1 for d in parent.reader().all_doc_ids()]
        scorer.avgfl = sum(lengths) / len(lengths)
        return scorer


@pytest.mark.parametrize("word", [COMMON, RARE, "申请", "主动"])
def test_bm25_scores_are_whooshs_own(reader, fresh, word):
    """The reader's scores on an index with deletions are Whoosh's on a fresh build of the same
    live sections (and so are the fresh index's own)."""
    key = dict(enumerate(fresh.section_keys()))   # no deletions: section numbers are docnums
    with fresh.ix.searcher(weighting=StoredLengthBM25F()) as searcher:
        assert not searcher.reader().has_deletions()
        whoosh_scores = {key[hit.docnum]: hit.score
                         for hit in searcher.search(Term(FIELD, word), limit=None)}
    assert len(whoosh_scores) > 0
    fresh_scores = fresh.word_scores([word])
    assert {key[d]: v for d, v in zip(fresh_scores.numbers.tolist(), fresh_scores.values.tolist())
            } == pytest.approx(whoosh_scores, rel=1e-12)
    ours = reader.word_scores([word])
    assert ours is not None
    keys = reader.section_keys()
    ours_by_key = {keys[d]: v for d, v in zip(ours.numbers.tolist(), ours.values.tolist())}
    assert len(ours_by_key) == len(ours.numbers)
    assert ours_by_key.keys() == whoosh_scores.keys()
    for k, score in whoosh_scores.items():
        assert ours_by_key[k] == pytest.approx(score, rel=1e-12), k
    assert len(set(whoosh_scores.values())) > 1 or word == RARE, "scores should differ"


def test_the_common_word_is_scored_from_the_exported_arrays(reader, fresh):
    for opened in (reader, fresh):
        assert COMMON in opened.words.common and "申请" not in opened.words.common
    assert reader.words.deletions and not fresh.words.deletions


@pytest.mark.parametrize("word", [COMMON, "申请"])
def test_exported_and_whoosh_postings_score_alike(reader, tmp_path, word):
    """The same word scored from the exported arrays and from Whoosh's blocks (a scorer with no
    exported words): the same sections, bit-identical scores."""
    from_whoosh = WordScorer(lambda: reader.searcher, np.flatnonzero(reader.words.live),
                             CommonPostings(tmp_path))
    assert not from_whoosh.common.words
    ours, theirs = reader.words.scored(word), from_whoosh.scored(word)
    assert ours.docnums.tolist() == theirs.docnums.tolist() and len(ours) > 0
    assert ours.values.tobytes() == theirs.values.tobytes()


def test_field_lengths_are_whooshs_stored_lengths(searcher):
    for sub, _ in searcher.leaf_searchers():
        perdoc = sub.reader()._perdoc
        column = perdoc.column_reader("_words_len", internals.LENGTHS_COLUMN)
        missing = [name for name in internals.COLUMN_ATTRIBUTES if not hasattr(column, name)]
        assert not missing and column._fixedlen == 1, f"the length column changed: {missing}"
    lengths = internals.field_lengths(searcher.leaf_searchers(), FIELD)
    assert len(lengths) == searcher.doc_count_all()
    assert lengths.tolist() == [searcher.doc_field_length(d, FIELD, 1) or 1
                                for d in range(searcher.doc_count_all())]


def test_live_docnums_are_whooshs_undeleted_documents(searcher):
    live = internals.live_docnums(searcher.leaf_searchers())
    assert live.tolist() == list(searcher.reader().all_doc_ids())
    assert len(live) < searcher.doc_count_all()   # the index has deleted sections


def test_the_word_cache_is_bounded_in_bytes(reader, monkeypatch):
    words_scorer = reader.words
    monkeypatch.setattr(words_scorer._cache, "limit", words_scorer.scored(COMMON).nbytes + 1)
    words_scorer.clear()
    for word in (COMMON, "申请", "主动", RARE):
        words_scorer.scored(word)
        assert words_scorer.cached_bytes() <= words_scorer._cache.limit
    assert RARE in words_scorer._cache and COMMON not in words_scorer._cache
