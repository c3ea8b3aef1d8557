"""Runs of characters on the cluster: a run of two or more characters is a phrase of its bigrams
over the `grams` field, a run of one character is found over `chars` (`sphinxql.phrase_match`).
Whatever the characters — CJK, Extension B, ASCII letters and hex digits, the letter x,
punctuation and spaces, characters searchd does not index — a phrase finds exactly the sections
whose text holds the run, checked against `in` on a real searchd."""

from __future__ import annotations

import string
from contextlib import closing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.backends.sphinx import cluster as cl
from indexer.backends.sphinx.schema import SECTIONS
from indexer.backends.sphinx.sphinxql import (char_token, chars_field, connect, gram_token,
                                              grams_field, is_word_char, phrase_match, quote,
                                              select)
from tests.test_sphinx_cluster import free_port

# The characters that could make two bigrams one token: hex digits and x (the escape's own
# letters), punctuation, a space, upper case, a character of Extension B and one of Extension G
# (not indexed: escaped), and enough Chinese to repeat.
TRICKY = "政府信息公开xX0a1f、。 .A𠀀𰀀é"
texts = st.text(alphabet=st.sampled_from(TRICKY) | st.characters(codec="utf-8"), max_size=14)


def fold(text: str) -> str:
    """What searchd's charset_table folds: ASCII upper case (gongkai folds before indexing)."""
    return text.translate(ASCII_LOWER)


ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@given(st.text(min_size=2, max_size=2), st.text(min_size=2, max_size=2))
def test_every_two_characters_are_a_token_of_their_own(a, b):
    assert all(is_word_char(ch) for ch in gram_token(a))   # searchd keeps it in one piece
    assert (fold(gram_token(a)) == fold(gram_token(b))) == (fold(a) == fold(b))


@given(texts)
def test_fields_are_their_characters_tokens_joined(text):
    """The fields are built by `map` over cached tokens; they are the per-character rule."""
    assert chars_field(text) == " ".join(char_token(ch) for ch in text)
    assert grams_field(text) == " ".join(gram_token(text[i:i + 2]) for i in range(len(text) - 1))


def test_grams_field_layout():
    assert grams_field("政府、信息") == "政府 府x03001 x03001信 信息"
    assert grams_field("政") == "" and grams_field("") == ""
    assert phrase_match("政府信") == "'@grams \"政府 府信\"'"
    assert phrase_match("、") == "'@chars \"x3001\"'"


@pytest.fixture(scope="module")
def shard(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("runs") / "cluster"
    info = cl.start_cluster(workdir, port=free_port(), shards=1, mirrors=0)
    try:
        with closing(connect("127.0.0.1", info.shard_nodes(0)[0].port)) as conn:
            yield conn
    finally:
        cl.stop_cluster(workdir)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(texts, min_size=1, max_size=6), st.data())
def test_a_phrase_finds_exactly_the_texts_holding_the_run(shard, docs, data):
    with shard.cursor() as cur:
        cur.execute(f"TRUNCATE RTINDEX {SECTIONS}")
        cur.execute(f"INSERT INTO {SECTIONS} (id, chars, grams) VALUES " + ", ".join(
            f"({i}, {quote(chars_field(text))}, {quote(grams_field(text))})"
            for i, text in enumerate(docs, 1)))
    holders = [text for text in docs if text]
    for _ in range(4):
        if holders and data.draw(st.booleans()):   # a run some text holds
            text = data.draw(st.sampled_from(holders))
            start = data.draw(st.integers(0, len(text) - 1))
            run = text[start:data.draw(st.integers(start + 1, len(text)))]
        else:
            run = data.draw(texts.filter(bool))
        found = select(shard, f"SELECT id FROM {SECTIONS} WHERE MATCH({phrase_match(run)}) "
                              f"LIMIT 0,100", meta=False).rows
        assert sorted(row[0] for row in found) == [
            i for i, text in enumerate(docs, 1) if fold(run) in fold(text)], run
