"""The common words' exported postings (`indexer/backends/whoosh/common.py`) are Whoosh's own:
for any sections written through `WhooshWriter` — a first run, then an incremental run that
deletes reports and adds others (deleted sections stay in the postings, in segments of a few
sections) — the exported words are exactly those Whoosh holds in at least the threshold's number
of sections, and each one's document numbers and frequencies are the postings Whoosh's public
matcher API gives, deleted sections included (the reader drops them with its live mask)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index

from indexer.backends.seam import SectionDoc
from indexer.backends.whoosh.common import CommonPostings, write_postings
from indexer.backends.whoosh.internals import field_lengths
from indexer.backends.whoosh.schema import FIELD
from indexer.backends.whoosh.words import WordScorer
from indexer.backends.whoosh.writer import WORDS, WhooshWriter

VOCABULARY = ["公开", "申请", "信息", "复议", "诉讼", "收费", "答复", "政府"]
THRESHOLD = 3

sections = st.lists(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=12),
                    min_size=1, max_size=6)   # one report: its sections' words
reports = st.lists(sections, min_size=1, max_size=8)


def docs(report_id: str, report: list[list[str]]) -> list[SectionDoc]:
    return [SectionDoc(report_id, "overview", i, "，".join(words), "，".join(words))
            for i, words in enumerate(report)]


def write(part: Path, previous: Path | None, deleted: list[str],
          added: dict[str, list[list[str]]]) -> None:
    writer = WhooshWriter(part, previous, procs=1, segment_docs=5, common_postings=THRESHOLD)
    writer.delete_reports(deleted)
    for rid, report in added.items():
        writer.add(docs(rid, report))
    writer.finish()


def whoosh_postings(part: Path) -> tuple[dict[str, list[tuple[int, int]]], set[int]]:
    """word -> (docnum, frequency) of every live posting through Whoosh's public matcher API,
    for the words Whoosh holds in at least THRESHOLD documents (its doc_frequency counts
    deleted ones); and the deleted docnums."""
    out, deleted = {}, set()
    with whoosh_index.open_dir(str(part / WORDS)).searcher() as searcher:
        for sub, offset in searcher.leaf_searchers():
            segment = sub.reader()
            deleted |= {d + offset for d in range(segment.doc_count_all()) if segment.is_deleted(d)}
        for word in VOCABULARY:
            if searcher.doc_frequency(FIELD, word) < THRESHOLD:
                continue
            out[word] = [(d + offset, int(w)) for sub, offset in searcher.leaf_searchers()
                         for d, w in live_postings(sub.reader(), word)]
    return out, deleted


def live_postings(segment, word: str) -> list[tuple[int, float]]:
    """A segment's postings of the word through the public matcher (deleted ones skipped)."""
    if (FIELD, word) not in segment:
        return []
    matcher, out = segment.postings(FIELD, word), []
    while matcher.is_active():
        out.append((matcher.id(), matcher.weight()))
        matcher.next()
    return out


def exported(part: Path) -> dict[str, list[tuple[int, int]]]:
    found = CommonPostings(part)
    out = {}
    for word in found.words:
        ids, tfs = found.postings(word)
        out[word] = list(zip(ids.tolist(), tfs.tolist()))
    return out


@settings(max_examples=15, deadline=None)
@example(first=[[["公开", "公开"], ["公开", "申请"]], [["公开"], ["申请", "申请"]]],
         second=[[["申请", "公开"]]], deletions=1)   # both words exported, one report deleted
@example(first=[[["公开"] * 300, ["公开"]], [["公开", "申请"]]], second=[[["公开"]]],
         deletions=0)   # a count past uint8
@given(first=reports, second=reports, deletions=st.integers(min_value=0, max_value=8))
def test_exported_postings_are_whooshs(first, second, deletions):
    with tempfile.TemporaryDirectory() as tmp:
        one, two = Path(tmp) / "one", Path(tmp) / "two"
        write(one, None, [], {f"a{i}": r for i, r in enumerate(first)})
        check(one)
        deleted = [f"a{i}" for i in range(min(deletions, len(first)))]
        write(two, one, deleted, {f"b{i}": r for i, r in enumerate(second)})
        check(two)


def check(part: Path) -> None:
    """Exported = Whoosh's postings, deleted documents left aside (and only those)."""
    live, deleted = whoosh_postings(part)
    found = exported(part)
    # (a word whose every section was deleted has nothing to export: Whoosh still counts it)
    assert found.keys() == {word for word, postings in live.items() if postings}
    for word, postings in found.items():
        assert [p for p in postings if p[0] not in deleted] == live[word], word
        assert {d for d, _ in postings} >= {d for d, _ in live[word]}


def test_lengths_of_trailing_empty_sections(tmp_path):
    """A segment's last sections without words have no stored length byte: `field_lengths`
    still gives one length per document, as Whoosh's `doc_field_length(d, f, 1) or 1` does."""
    writer = WhooshWriter(tmp_path / "part", None, procs=1, common_postings=THRESHOLD)
    writer.add(docs("a", [["公开"], ["申请", "申请", "信息"]])
               + [SectionDoc("a", "overview", 2, "", ""), SectionDoc("a", "head", 3, "", "")])
    writer.finish()
    with whoosh_index.open_dir(str(tmp_path / "part" / WORDS)).searcher() as searcher:
        lengths = field_lengths(searcher.leaf_searchers(), FIELD).tolist()
        assert lengths == [searcher.doc_field_length(d, FIELD, 1) or 1 for d in range(4)]
    assert lengths[2:] == [1, 1] and lengths[1] > lengths[0]


def test_an_empty_index_scores_nothing(tmp_path):
    writer = WhooshWriter(tmp_path / "part", None, procs=1)
    assert writer.finish() == 0
    with whoosh_index.open_dir(str(tmp_path / "part" / WORDS)).searcher() as searcher:
        scorer = WordScorer(lambda: searcher, np.zeros(0, dtype=np.int64),
                            CommonPostings(tmp_path / "part"))
        assert scorer.word_scores(["公开"]) is None and scorer.frequency("公开") == 0
    assert CommonPostings(tmp_path / "part").words == {}


postings_lists = st.lists(st.tuples(st.integers(min_value=1, max_value=100_000),
                                    st.integers(min_value=1, max_value=70_000)),
                          min_size=1, max_size=40)


@settings(max_examples=40, deadline=None)
@given(words=st.dictionaries(st.sampled_from(VOCABULARY), postings_lists, max_size=4))
def test_the_files_give_back_what_was_written(words, tmp_path_factory):
    """Any ascending ids (gaps past uint16: int32) and counts (past uint8: uint16; past uint16:
    the word is left to Whoosh) read back as written."""
    part = tmp_path_factory.mktemp("part")
    given_postings = {}
    for word, pairs in words.items():
        ids = np.cumsum([gap for gap, _ in pairs])
        given_postings[word] = (ids, np.array([tf for _, tf in pairs], dtype=np.float64))
    write_postings(part, 1, ((w, i, t) for w, (i, t) in given_postings.items()))
    found = CommonPostings(part)
    for word, (ids, tfs) in given_postings.items():
        if tfs.max() > 65535:
            assert word not in found and found.count(word) == 0
            continue
        got_ids, got_tfs = found.postings(word)
        assert got_ids.tolist() == ids.tolist() and got_tfs.tolist() == tfs.astype(int).tolist()
        assert found.count(word) == len(ids)


def test_the_documents_columns_written_by_a_run_equal_whooshs_own(small_index_dir, tmp_path):
    """docs.npz/docs.json (written when a run finishes) hold what Whoosh's column readers give
    for every document, so a reader opened from them has the same sections as one that read
    Whoosh; without the files the reader reads Whoosh."""
    from whoosh import index as whoosh_index

    from indexer.backends.whoosh.docs import ARRAYS, from_whoosh, read_docs
    from indexer.store import Store

    part = Store(small_index_dir).current().part("whoosh")
    assert (part / ARRAYS).is_file()
    with whoosh_index.open_dir(str(part / "words")).searcher() as searcher:
        written, slow = read_docs(part, searcher.reader()), from_whoosh(searcher.reader())
        without = read_docs(tmp_path, searcher.reader())   # a part without the files
    assert without.sid.tolist() == slow.sid.tolist() and without.report_ids == slow.report_ids
    assert written.report_ids == slow.report_ids and written.slugs == slow.slugs
    for name in ("report", "slug", "ordinal", "sid"):
        assert getattr(written, name).tolist() == getattr(slow, name).tolist(), name
    assert written.slugs[written.slug[0]] == "preamble"
