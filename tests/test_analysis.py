"""Analysis: rjieba's tokens proven identical to jieba's on the corpus, ordinal positions,
the user dictionary in every process, bigrams."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.text.analysis import (bigrams, gram_set, index_signature, query_words,
                              reference_word_tokens, segment, segment_reference, userdict_hash,
                              word_tokens)
from indexer.extract.corpus import Skipped, extract_all
from indexer.text.normalize import fold, normalize

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus_texts(corpus_dir):
    texts = [fold(r.text) for r in extract_all([corpus_dir]) if not isinstance(r, Skipped)]
    assert len(texts) == 258
    return texts


@pytest.mark.parametrize("mode", ["default", "search"])
def test_rjieba_tokens_identical_to_jieba_on_the_corpus(corpus_texts, mode):
    """The faster segmenter is allowed only because this holds: (word, start, end) for every
    token of every report, precise and search mode, with the user dictionary."""
    differing = [i for i, text in enumerate(corpus_texts)
                 if segment(text, mode) != segment_reference(text, mode)]
    assert differing == []
    assert sum(len(segment(t, mode)) for t in corpus_texts[:5]) > 5000


def test_indexed_words_and_positions_identical_to_jieba_on_the_corpus(corpus_texts):
    differing = [i for i, text in enumerate(corpus_texts)
                 if list(word_tokens(text)) != reference_word_tokens(text)]
    assert differing == []


def test_positions_are_word_ordinals_and_subwords_share_them():
    assert list(word_tokens("江北区教育局依申请公开2017-12-31")) == [
        ("江北", 0), ("北区", 0), ("江北区", 0), ("教育", 1), ("教育局", 1),
        ("申请", 2), ("公开", 2), ("依申请公开", 2), ("2017", 3), ("12", 5), ("31", 7)]  # "-" takes a position but is not indexed


def test_user_dictionary_keeps_domain_terms_whole():
    assert query_words("依申请公开") == ["依申请公开"]
    assert query_words("政府信息公开工作") == ["政府信息公开", "工作"]
    assert query_words("行政复议") == ["行政复议"]
    # No entry for 政府信息公开条例: it would hide 政府信息公开 inside it.
    assert query_words("政府信息公开条例") == ["政府信息公开", "条例"]


def test_query_side_is_precise_mode():
    assert query_words("江北区教育局") == ["江北区", "教育局"]


def test_user_dictionary_is_loaded_in_a_fresh_process():
    code = "from indexer.text.analysis import query_words; print(query_words('依申请公开'))"
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "['依申请公开']"


def test_signature_records_analyzer_and_dictionary():
    assert index_signature() == f"analyzer=2;userdict={userdict_hash()}"
    assert len(userdict_hash()) == 16


def test_bigrams():
    assert bigrams("政府信息") == ["政府", "府信", "信息"]
    assert bigrams("政") == []
    assert gram_set("公开公开") == {"公开", "开公"}


def _normalize_by_character(text: str) -> tuple[str, tuple[int, ...]]:
    """The folding rules written out one character at a time (the reference `normalize` must
    equal): fold each character; drop whitespace, keeping one space at a run's first offset where
    `_glue` does not join its neighbours; nothing before the first or after the last character."""
    from indexer.text.normalize import _glue, fold_char

    out: list[str] = []
    offsets: list[int] = []
    pending = -1
    for i, ch in enumerate(text):
        f = fold_char(ch)
        if f == " ":
            pending = i if pending < 0 else pending
            continue
        if pending >= 0 and out and not _glue(out[-1], f):
            out.append(" ")
            offsets.append(pending)
        pending = -1
        out.append(f)
        offsets.append(i)
    offsets.append(len(text) if not offsets else offsets[-1] + 1)
    return "".join(out), tuple(offsets)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\n\u3000\u00a0\u200b\ufeffａＢ1２中國资訊,。abcAB①ﬁ-")),
               max_size=60))
def test_normalize_equals_the_rules_applied_one_character_at_a_time(text):
    folded = normalize(text)
    assert (folded.text, folded.offsets) == _normalize_by_character(text)


def test_normalize_equals_the_rules_on_every_corpus_report():
    for path in sorted((ROOT / "corpus").glob("*/*.*")):
        if path.suffix in (".txt", ".html"):
            text = path.read_text(encoding="utf-8", errors="replace")
            folded = normalize(text)
            assert (folded.text, folded.offsets) == _normalize_by_character(text), path.name
