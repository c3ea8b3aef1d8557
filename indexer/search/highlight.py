"""Passages: the sentences of a section that match the query, with the matches marked.

The pipeline, for one section's original text and the query's folded terms:

1. fold the text (`indexer.normalize.normalize`) keeping the map back to original offsets, and
   find every occurrence of every term in the folded text — the same rule the index matches by,
   so a traditional-character or crawler-broken match is found and marked as it is printed;
2. cut the text into sentences at Chinese sentence punctuation (。！？；) and at the line breaks a
   reader sees as real (`display.sentence_ends`: a heading line, a numbered item, a table row with
   its label and values), never at a crawler's line break inside a sentence or a number; keep a
   window of about `width` characters around the first match of a long sentence, its edges moved
   out to the nearest place that cuts no number and no run of Han characters;
3. rank sentences by how many different terms they contain, then by position; a sentence that is
   only a heading line is kept only when no other sentence holds its terms;
4. build HTML by escaping every piece of original text and adding ``<mark>`` around the matches
   (escape first, then add markup — never string replacement on HTML).
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from indexer.search.display import (WHITESPACE, Line, is_heading, sentence_at, sentence_ends,
                                    shown_chars)
from indexer.text.normalize import is_han, normalize


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


def render(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> str:
    """HTML of text[start:end], escaped, with `marks` (original offsets) wrapped in <mark>.

    Whitespace is shown as a reader sees it (`display.shown_chars`): dropped where a crawler broke
    a word or a number, one space between words, table values or paragraphs."""
    shown = shown_chars(text, start, end)
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


def passages(text: str, terms: list[str], limit: int = 3, width: int = 120) -> list[Passage]:
    """The best `limit` passages of `text` for the folded query `terms`, in rank order."""
    spans = match_spans(text, terms)
    if not spans:
        return []
    marks = _merge(spans)
    ends = sentence_ends(text)
    candidates: dict[tuple[int, int], set[int]] = {}
    for start, end, k in spans:
        s, e = sentence_at(ends, len(text), start)
        if e < end:  # a match that runs on over a real break
            e = sentence_at(ends, len(text), end - 1)[1]
        if e - s > width:  # a long sentence: a window around its first match
            lo, hi = s, e
            s = _snap(text, max(s, start - width // 3), lo, -1)
            e = _snap(text, min(e, max(s + width, end)), hi, 1)
            s, e = _adjust_window(candidates, s, e)
        candidates.setdefault((s, e), set()).add(k)
    headings = {c for c in candidates if _heading_only(text, *c)}
    covered = {k for c, f in candidates.items() if c not in headings for k in f}
    candidates = {c: f for c, f in candidates.items() if c not in headings or f - covered}
    ranked = sorted(candidates.items(), key=lambda item: (-len(item[1]), item[0][0]))
    starts = {0, *ends}
    out = []
    for (s, e), found in ranked[:limit]:
        body = render(text, s, e, marks)
        prefix = "…" if s not in starts else ""
        suffix = "…" if e < len(text) and e not in starts else ""
        out.append(Passage(prefix + body + suffix, s, e, len(found), frozenset(found)))
    return out


def _heading_only(text: str, start: int, end: int) -> bool:
    bare = text[start:end].strip(WHITESPACE)
    return "\n" not in bare and is_heading(Line(0, len(bare), bare))


def _inside(left: str, right: str) -> bool:
    """Whether a cut between these two characters splits a number or a run of Han characters."""
    return bool(left and right) and ((left.isdigit() and right.isdigit())
                                     or (is_han(left) and is_han(right)))


def _snap(text: str, pos: int, bound: int, step: int) -> int:
    """`pos` moved towards `bound` (the sentence's edge) until the cut splits no word or number."""
    def near(p: int, direction: int) -> str:
        while 0 <= p < len(text) and text[p] in WHITESPACE:
            p += direction
        return text[p] if 0 <= p < len(text) else ""

    while pos != bound and _inside(near(pos - 1, -1), near(pos, 1)):
        pos += step
    return pos


def _adjust_window(candidates: dict[tuple[int, int], set[int]], s: int, e: int) -> tuple[int, int]:
    """Reuse an existing window that already covers most of this one (fewer near-duplicates)."""
    for cs, ce in candidates:
        if cs <= s < ce and e - ce < (e - s) // 2:
            return cs, ce
    return s, e
