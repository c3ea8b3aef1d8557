"""What the passes share: a `Candidate` (a place where a section may start), the squeezed text
headings are looked for in, and line helpers over the original text."""

from __future__ import annotations

import re
from dataclasses import dataclass

_INK = re.compile(r"[^\s\u200b\ufeff]+")


@dataclass
class Squeezed:
    """The text without whitespace; `pos[i]` is the offset of `text[i]` in the original."""

    text: str
    pos: list[int]


@dataclass
class Candidate:
    """A place where a section may start."""

    start: int            # offset in the original text
    end: int              # end of the printed heading (== start when inferred)
    slug: str | None
    number: int | None = None
    style: str = ""       # cn | part | ar (numbered) | table | lead | line (appendix)
    weight: int = 0


def squeeze(text: str) -> Squeezed:
    """The text with whitespace (and zero-width characters) removed, with an offset map."""
    # Run by run rather than character by character: \s is exactly str.isspace.
    runs, pos = [], []
    for m in _INK.finditer(text):
        runs.append(m.group())
        pos.extend(range(*m.span()))
    return Squeezed("".join(runs), pos)


def line_start(text: str, offset: int) -> bool:
    """Whether only whitespace stands between the previous line break and `offset`."""
    i = offset - 1
    while i >= 0 and text[i] != "\n":
        if not text[i].isspace():
            return False
        i -= 1
    return True


def line_at(text: str, offset: int) -> str:
    """The rest of the line from `offset`."""
    end = text.find("\n", offset)
    return text[offset:end] if end >= 0 else text[offset:]


def slug_at(chosen: list[Candidate], offset: int) -> str:
    """The section `offset` falls in, given the chosen starts (preamble before any)."""
    slug = "preamble"
    for c in chosen:
        if c.start <= offset:
            slug = c.slug or slug
    return slug
