"""The query language, parsed into a small tree of plain data (no Whoosh here).

    申请 公开            both words must occur (AND), ranked by relevance
    申请 OR 复议         either
    -收费  NOT 收费      must not occur
    "政府信息公开"       the exact phrase (after folding: width, case, traditional/simplified)
    (申请 OR 复议) 公开  parentheses group
    agency:三明市  year:2016  year:2016-2019  section:requests  province:福建省  city:莆田市
    requests_received:>0  :>=N  :<N  :<=N  :N  :N-M      (report figures, see indexer.model.vocabulary)

Bad input gets a sensible reading where there is one (an unclosed quote or parenthesis closes at
the end, a stray ``)`` is ignored, ``*`` and control characters are spaces) and a `GongkaiError`
otherwise (too long, unknown field, malformed value). Never a wildcard expansion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.errors import GongkaiError
from indexer.text.normalize import fold
from indexer.model.vocabulary import FACETS, FIGURE_KEYS, SECTION_SLUGS

MAX_QUERY_CHARS = 500
MAX_TERMS = 32

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f*?]")
_FIELD = re.compile(r"^([a-z][a-z0-9_]*):(.*)$", re.S)
_FIGURE = re.compile(r"^(>=|<=|>|<)?\s*(\d+)(?:\s*-\s*(\d+))?$")
_YEAR = re.compile(r"^(\d{4})(?:\s*-\s*(\d{4}))?$")


@dataclass
class Text:
    """A word (or several, unquoted) or an exact phrase (quoted); `text` is folded."""

    text: str
    quoted: bool = False


@dataclass
class Field:
    """A field condition: facet values (`values`) or a figure range (`low`, `high`)."""

    name: str
    raw: str
    values: list[str] = field(default_factory=list)
    low: int | None = None
    high: int | None = None


@dataclass
class And:
    items: list


@dataclass
class Or:
    items: list


@dataclass
class Not:
    item: object


Node = Text | Field | And | Or | Not


def _lex(q: str) -> list[tuple[str, str]]:
    """Tokens: ('(' | ')' | 'OR' | 'NOT' | 'NEG' | 'PHRASE' | 'WORD' | 'FIELD', text)."""
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(q)
    while i < n:
        ch = q[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append((ch, ch))
            i += 1
        elif ch == '"':
            end = q.find('"', i + 1)
            end = n if end < 0 else end  # an unclosed quote closes at the end
            tokens.append(("PHRASE", q[i + 1:end]))
            i = end + 1
        elif ch == "-" and i + 1 < n and not q[i + 1].isspace() and (
                not tokens or q[i - 1].isspace() or q[i - 1] == "("):
            tokens.append(("NEG", "-"))
            i += 1
        else:
            j = i
            while j < n and not q[j].isspace() and q[j] not in '()"':
                j += 1
            word = q[i:j]
            if j < n and q[j] == '"' and word.endswith(":") and _FIELD.match(word):
                end = q.find('"', j + 1)
                end = n if end < 0 else end
                word += q[j + 1:end]
                j = end + 1
            i = j
            if word in ("OR", "|"):
                tokens.append(("OR", word))
            elif word in ("AND", "&"):
                continue  # AND is the default
            elif word == "NOT":
                tokens.append(("NOT", word))
            elif _FIELD.match(word):
                tokens.append(("FIELD", word))
            else:
                tokens.append(("WORD", word))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], figures: frozenset[str]):
        self.tokens = tokens
        self.i = 0
        self.figures = figures
        self.terms = 0

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def parse(self) -> Node | None:
        items = []
        while self.i < len(self.tokens):
            node = self.or_expr()
            if node is not None:
                items.append(node)
            elif self.peek() == ")":
                self.i += 1  # a stray closing parenthesis
        return _join(And, items)

    def or_expr(self) -> Node | None:
        items = [self.and_expr()]
        while self.peek() == "OR":
            self.i += 1
            items.append(self.and_expr())
        return _join(Or, [x for x in items if x is not None])

    def and_expr(self) -> Node | None:
        items = []
        while self.peek() not in (None, ")", "OR"):
            node = self.unary()
            if node is not None:
                items.append(node)
        return _join(And, items)

    def unary(self) -> Node | None:
        kind, text = self.tokens[self.i]
        self.i += 1
        if kind in ("NOT", "NEG"):
            if self.peek() in (None, ")", "OR"):
                return None
            inner = self.unary()
            return Not(inner) if inner is not None else None
        if kind == "(":
            node = self.or_expr()
            if self.peek() == ")":
                self.i += 1  # an unclosed parenthesis closes at the end
            return node
        if kind == "FIELD":
            return self.field(text)
        folded = fold(text).strip()
        if not folded or (kind == "WORD" and not any(ch.isalnum() for ch in folded)):
            return None  # nothing to search for: a lone "-", "，" or "*" reads as no term
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise GongkaiError(f"检索词过多（上限 {MAX_TERMS} 个）")
        return Text(folded, quoted=kind == "PHRASE")

    def field(self, token: str) -> Node | None:
        name, raw = _FIELD.match(token).groups()
        value = fold(raw).strip()
        if name in self.figures:
            return _figure(name, value)
        if name not in FACETS:
            example = "requests_received" if "requests_received" in self.figures else None
            figures = f"，或统计数字字段如 {example}:>0" if example else ""
            raise GongkaiError(f"未知字段 '{name}:'（可用字段：{', '.join(FACETS)}"
                               f"{figures}）")
        if not value:
            raise GongkaiError(f"'{name}:' 后面需要一个值，例如 {name}:{_EXAMPLES[name]}")
        if name == "year":
            return Field("year", raw, values=year_values(value))
        if name == "section":
            if value not in SECTION_SLUGS:
                raise GongkaiError(f"未知章节 '{raw}'（章节：{', '.join(SECTION_SLUGS)}）")
            return Field("section", raw, values=[value])
        return Field(name, raw)  # agency/province/city values are resolved against the index


_EXAMPLES = {"agency": "三明市", "year": "2016", "section": "requests", "province": "福建省",
             "city": "莆田市"}


def year_values(value: str) -> list[str]:
    """`2016` or `2016-2019` as the list of years (at most 100)."""
    m = _YEAR.match(value)
    if not m:
        raise GongkaiError(f"年度应写作 2016 或 2016-2019，而不是 '{value}'")
    low = int(m.group(1))
    high = int(m.group(2) or low)
    if high < low:
        low, high = high, low
    if high - low > 100:
        raise GongkaiError(f"年度范围 {value} 过宽（最多 100 年）")
    return [str(y) for y in range(low, high + 1)]


def _figure(name: str, value: str) -> Field:
    m = _FIGURE.match(value)
    if not m:
        raise GongkaiError(f"{name}: 需要一个数字或比较式：>0、>=N、<N、N、N-M")
    op, a, b = m.group(1), int(m.group(2)), m.group(3)
    if b is not None:
        low, high = sorted((a, int(b)))
    elif op == ">":
        low, high = a + 1, None
    elif op == ">=":
        low, high = a, None
    elif op == "<":
        low, high = None, a - 1
    elif op == "<=":
        low, high = None, a
    else:
        low, high = a, a
    return Field(name, value, low=low, high=high)


def _join(kind, items: list) -> Node | None:
    if not items:
        return None
    return items[0] if len(items) == 1 else kind(items)


def parse(q: str, figures: frozenset[str] = frozenset(FIGURE_KEYS)) -> Node | None:
    """Parse a query string; None for a query with no terms (match everything)."""
    if len(q) > MAX_QUERY_CHARS:
        raise GongkaiError(
            f"查询过长（{len(q)} 个字符，上限 {MAX_QUERY_CHARS}）")
    # Fold first so full-width quotes, parentheses and colons work as syntax.
    cleaned = _CONTROL.sub(" ", re.sub("[\u201c\u201d\uff02]", '"', q))
    cleaned = cleaned.replace("\uff08", "(").replace("\uff09", ")").replace("\uff1a", ":")
    return _Parser(_lex(cleaned), figures).parse()


def positive_texts(node: Node | None) -> list[Text]:
    """The text terms a passage should mark (not those under a NOT)."""
    if node is None or isinstance(node, (Field, Not)):
        return []
    if isinstance(node, Text):
        return [node]
    out: list[Text] = []
    for item in node.items:
        out.extend(positive_texts(item))
    return out
