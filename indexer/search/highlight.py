"""Passages: the sentences of a section that match the query, with the matches marked.

The pipeline, for one section's original text and the query's folded terms:

1. fold the text (`indexer.normalize.normalize`) keeping the map back to original offsets, and
   find every occurrence of every term in the folded text — the same rule the index matches by,
   so a traditional-character or crawler-broken match is found and marked as it is printed;
2. cut the text into sentences at Chinese sentence punctuation (。！？；) and line ends, and keep
   a window of at most `width` characters around the first match of a long sentence;
3. rank sentences by how many different terms they contain, then by position;
4. build HTML by escaping every piece of original text and adding ``<mark>`` around the matches
   (escape first, then add markup — never string replacement on HTML).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from indexer.text.normalize import is_han, normalize

_SENTENCE_END = re.compile(r"[。！？；!?;\n]")
_SPACES = re.compile(r"\s+")


@dataclass
class Passage:
    """One highlighted passage: its HTML, where it starts, and how many terms it holds."""

    html: str
    start: int
    end: int
    terms: int                      # how many distinct terms it holds
    found: frozenset[int] = frozenset()   # which ones (indexes into the query terms)


def match_spans(text: str, terms: list[str]) -> list[tuple[int, int, int]]:
    """(start, end, term index) in `text` of every occurrence of the folded `terms`."""
    norm = normalize(text)
    folded = norm.text
    spans = []
    for k, term in enumerate(t for t in terms if t):
        pos = folded.find(term)
        while pos >= 0:
            start, end = norm.span(pos, pos + len(term))
            spans.append((start, end, k))
            pos = folded.find(term, pos + 1)
    return sorted(spans)


def _merge(spans: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end, _k in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _sentence(text: str, offset: int) -> tuple[int, int]:
    start = offset
    while start > 0 and not _SENTENCE_END.match(text[start - 1]):
        start -= 1
    m = _SENTENCE_END.search(text, offset)
    end = m.end() if m else len(text)
    return start, end


def render(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> str:
    """HTML of text[start:end], escaped, with `marks` (original offsets) wrapped in <mark>.

    Whitespace is shown as `normalize` reads it: dropped where a crawler broke a word or a
    number (next to a Han character, between digits), one space elsewhere."""
    shown = _display(text, start, end)
    inside_at = [False] * (end - start)
    for a, b in marks:
        for k in range(max(a, start), min(b, end)):
            inside_at[k - start] = True
    out: list[str] = []
    inside = False
    for k, piece in enumerate(shown):
        if inside_at[k] != inside:
            out.append("<mark>" if inside_at[k] else "</mark>")
            inside = inside_at[k]
        out.append(html.escape(piece, quote=False))
    if inside:
        out.append("</mark>")
    return "".join(out).strip()


def _display(text: str, start: int, end: int) -> list[str]:
    """Per character of text[start:end], what to show ("" for dropped whitespace)."""
    shown = list(text[start:end])
    for m in _SPACES.finditer(text, start, end):
        left = text[m.start() - 1] if m.start() > 0 else ""
        right = text[m.end()] if m.end() < len(text) else ""
        glue = not left or not right or is_han(left) or is_han(right) or (
            left.isdigit() and right.isdigit())
        for k in range(m.start(), m.end()):
            shown[k - start] = ""
        if not glue:
            shown[m.start() - start] = " "
    return shown


def passages(text: str, terms: list[str], limit: int = 3, width: int = 120) -> list[Passage]:
    """The best `limit` passages of `text` for the folded query `terms`, in rank order."""
    spans = match_spans(text, terms)
    if not spans:
        return []
    marks = _merge(spans)
    candidates: dict[tuple[int, int], set[int]] = {}
    for start, end, k in spans:
        s, e = _sentence(text, start)
        if e < end:  # a match broken by a crawler's line break runs on into the next line
            e = _sentence(text, end - 1)[1]
        if e - s > width:  # a long sentence: a window around its first match
            s = max(s, start - width // 3)
            e = min(e, s + width)
            s, e = _adjust_window(candidates, s, e)
        candidates.setdefault((s, e), set()).add(k)
    ranked = sorted(candidates.items(), key=lambda item: (-len(item[1]), item[0][0]))
    out = []
    for (s, e), found in ranked[:limit]:
        body = render(text, s, e, marks)
        prefix = "…" if s > 0 and not _SENTENCE_END.match(text[s - 1]) else ""
        suffix = "…" if e < len(text) and not _SENTENCE_END.match(text[e - 1]) else ""
        out.append(Passage(prefix + body + suffix, s, e, len(found), frozenset(found)))
    return out


def _adjust_window(candidates: dict[tuple[int, int], set[int]], s: int, e: int) -> tuple[int, int]:
    """Reuse an existing window that already covers most of this one (fewer near-duplicates)."""
    for cs, ce in candidates:
        if cs <= s < ce and e - ce < (e - s) // 2:
            return cs, ce
    return s, e
