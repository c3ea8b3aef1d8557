"""SphinxQL helpers shared by the cluster tooling, the tests and a future Sphinx backend.

Only what both Sphinx 2.2.11 (Debian's ``sphinxsearch``) and Manticore understand is used.
No PyMySQL import here: functions that talk to searchd take an open DB-API connection
(PyMySQL, ``autocommit=True``; see docs/SPHINX_NOTES.md for why autocommit matters).

The ``chars`` field
    Every character of the (already folded) section text becomes one token, separated by
    spaces, so a phrase query ``@chars "政 府 信 息"`` finds any run of characters. Characters
    that are not word characters for searchd (punctuation, spaces, symbols) would otherwise be
    dropped *without taking a position*, so ``"府 信"`` would match ``政府、信息``. To keep the
    phrase exact they are encoded as one token each, ``x`` + hex code (``、`` -> ``x3001``):
    a multi-character token can never equal a real single-character token.

The ``grams`` field
    Every two neighbouring characters become one token (``政府 府信 信息``), so a run of two or
    more characters is a phrase of its bigrams over ``grams`` (`phrase_match`): the same
    sections as the phrase of its characters, since bigram i covers characters i and i + 1, but
    a bigram is as rare as a word where a character is in every section (at 100k reports, 受理
    as one token in 4.5 ms a shard against 27 ms as a phrase of two characters). In a bigram a
    non-word character is ``x`` + five hex digits (`gram_token`): a fixed width keeps every pair
    of characters a token of its own. A run of one character is found over ``chars``.
"""

from __future__ import annotations

import base64
import operator
import re
import zlib
from dataclasses import dataclass
from collections.abc import Callable, Iterable
from typing import Any

# Word characters of the index (charset_table). Identity mappings only, apart from ASCII case:
# gongkai folds text before indexing, and an identity table keeps the phrase match exact.
CHARSET_RANGES: tuple[tuple[int, int], ...] = (
    (0x30, 0x39),        # 0..9
    (0x61, 0x7A),        # a..z (A..Z folded onto them, see CHARSET_TABLE)
    (0x3007, 0x3007),    # 〇
    (0x3400, 0x4DBF),    # CJK Extension A
    (0x4E00, 0x9FFF),    # CJK Unified Ideographs
    (0xF900, 0xFAFF),    # CJK Compatibility Ideographs
    (0x20000, 0x2A6DF),  # CJK Extension B (verified to work in 2.2.11)
)

CHARSET_TABLE = "0..9, A..Z->a..z, a..z, U+3007, U+3400..U+4DBF, U+4E00..U+9FFF, U+F900..U+FAFF, U+20000..U+2A6DF"


def is_word_char(ch: str) -> bool:
    """True when searchd treats `ch` as (part of) a word under CHARSET_TABLE."""
    o = ord(ch)
    if 0x41 <= o <= 0x5A:
        return True
    return any(lo <= o <= hi for lo, hi in CHARSET_RANGES)


def char_token(ch: str) -> str:
    """The ``chars``-field token of one character (``x`` + hex for non-word characters)."""
    return ch if is_word_char(ch) else f"x{ord(ch):x}"


def _gram_char(ch: str) -> str:
    return ch if is_word_char(ch) else f"x{ord(ch):05x}"


class _Tokens(dict):
    """Character -> its token, computed once per character: the fields of a section are built
    by `map` over the text at C speed (the 100k corpus is ~300 million characters; one
    `is_word_char` call each was ~1.8 us a character). Past `LIMIT` characters (text of every
    script at once) a token is computed and not kept."""

    LIMIT = 1 << 16

    def __init__(self, token: Callable[[str], str]):
        super().__init__()
        self.token = token

    def __missing__(self, ch: str) -> str:
        value = self.token(ch)
        if len(self) < self.LIMIT:
            self[ch] = value
        return value


_CHAR_TOKENS, _GRAM_CHARS = _Tokens(char_token), _Tokens(_gram_char)


def chars_field(text: str) -> str:
    """The ``chars`` field value: one token per character, space separated."""
    return " ".join(map(_CHAR_TOKENS.__getitem__, text))


def gram_token(pair: str) -> str:
    """The ``grams``-field token of two characters: 2, 7 or 12 characters long, and which of
    its ends is an ``x`` + five hex digits is told by its length and its second character."""
    return _gram_char(pair[0]) + _gram_char(pair[1])


def grams_field(text: str) -> str:
    """The ``grams`` field value: one token per two neighbouring characters, space separated
    (empty for a text of one character)."""
    codes = list(map(_GRAM_CHARS.__getitem__, text))
    return " ".join(map(operator.add, codes, codes[1:]))


# Characters with a meaning in the extended query syntax (2.2.11 and Manticore), plus the
# quote that closes a SphinxQL string literal.
_QUERY_SPECIAL = re.compile(r"""([\\()|\-!@~"&/^$=<'])""")


def escape_match(text: str) -> str:
    """`text` as plain keywords inside MATCH(): operators escaped, ASCII lower-cased (the
    upper-case operator words MAYBE, NEAR, SENTENCE, PARAGRAPH, ZONE are case-sensitive, and
    the index folds case anyway). The result still has to be quoted as a string literal."""
    return _QUERY_SPECIAL.sub(r"\\\1", text.lower())


def quote(value: str) -> str:
    """A SphinxQL string literal (for MATCH() and string attributes). NUL is dropped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'").replace("\x00", "") + "'"


def phrase_match(text: str) -> str:
    """The MATCH() literal finding `text` as an exact run of characters: a phrase of its
    bigrams over ``grams``, or its one character over ``chars``."""
    return quote(_phrase(text))


def words_match(words: Iterable[str], field: str = "words") -> str:
    """The MATCH() literal for any of `words` (OR) in `field`, each word as a phrase (a word
    the charset splits into several tokens keeps them together)."""
    return quote(_words(words, field))


def run_or_word_match(text: str) -> str:
    """The MATCH() literal for `text` as a run of characters or as a word: with
    RUN_AND_WORD_RANKER, one query answers both (see there)."""
    return quote(f"({_phrase(text)}) | ({_words([text], 'words')})")


# Under `run_or_word_match`, WEIGHT() = 2 × the word's count in `words` + 1 when `grams` (or
# `chars`) holds the run (field weights words=2, the others 1; only the documented factors sum,
# user_weight and hit_count, in arithmetic, no IF(): what 2.2.11 and Manticore both rank with).
RUN_AND_WORD_RANKER = ("field_weights=(words=2, chars=1, grams=1), "
                       "ranker=expr('sum((user_weight-1)*hit_count*2+2-user_weight)')")


def _phrase(text: str) -> str:
    """The run as a phrase of the tokens it was indexed as (the same field builders)."""
    if len(text) == 1:
        return f'@chars "{escape_match(chars_field(text))}"'
    return f'@grams "{escape_match(grams_field(text))}"'


def _words(words: Iterable[str], field: str) -> str:
    return f"@{field} (" + " | ".join(f'"{escape_match(w)}"' for w in words if w.strip()) + ")"


def connect(host: str, port: int, timeout: float = 10.0) -> Any:
    """A SphinxQL connection (PyMySQL, autocommit: RT writes are visible at once)."""
    import pymysql

    return pymysql.connect(host=host, port=port, autocommit=True, connect_timeout=timeout,
                           read_timeout=60, write_timeout=60, charset="utf8mb4")


def pack(text: str) -> str:
    """A long string attribute value: zlib-compressed UTF-8, base64 (a record is ~4x smaller)."""
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 6)).decode("ascii")


def unpack(value: str | bytes) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii")
    return zlib.decompress(base64.b64decode(value)).decode("utf-8")


def show_meta(conn: Any) -> dict[str, str]:
    """SHOW META of the last query on `conn` as a dict (values are strings).

    Keys seen in 2.2.11: total, total_found, time, keyword[N], docs[N], hits[N], and
    ``warning`` when the query had one (e.g. an agent of a distributed index was down)."""
    with conn.cursor() as cur:
        cur.execute("SHOW META")
        return {str(k): str(v) for k, v in cur.fetchall()}


def show_warnings(conn: Any) -> list[str]:
    """SHOW WARNINGS of the last query: the messages (rows are (level, code, message))."""
    with conn.cursor() as cur:
        cur.execute("SHOW WARNINGS")
        return [str(row[2]) for row in cur.fetchall()]


@dataclass
class Answer:
    """Rows of one SELECT and what searchd said about it."""

    rows: tuple[tuple, ...]
    meta: dict[str, str]
    warnings: list[str]

    @property
    def partial(self) -> bool:
        """A distributed query that missed an agent answers with the other agents' rows and a
        warning (never an error unless every agent failed): that is a partial answer."""
        return bool(self.warnings) or "warning" in self.meta

    @property
    def total_found(self) -> int:
        return int(self.meta.get("total_found", "0"))


def select(conn: Any, sql: str, args: Any = None, meta: bool = True) -> Answer:
    """Run one SELECT and collect its rows, SHOW META and SHOW WARNINGS. With `meta=False`
    the two are asked only when the result packet reports a warning (one round trip, not
    three); `total_found` then is unknown (0)."""
    with conn.cursor() as cur:
        cur.execute(sql, args)
        rows = tuple(cur.fetchall())
        warned = bool(cur.warning_count)
    if not meta and not warned:
        return Answer(rows, {}, [])
    return Answer(rows, show_meta(conn), show_warnings(conn) if warned or meta else [])
