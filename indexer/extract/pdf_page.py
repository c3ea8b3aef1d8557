"""One PDF page's text layer as positioned lines and ruled tables (pypdfium2, pdfplumber's grid).

pdfium gives the page's characters in content order with their boxes, and ``\\r\\n`` where it sees
a line end. A line here is the characters between two line ends, with the box around them, in
top-down coordinates (points from the page's top edge, like pdfplumber's). Spaces pdfium
*generates* from gaps between glyphs are kept only between two ASCII characters: WPS and Word
space digits away from Han characters ("2024 年"), which the text versions of the same reports
never print.

Tables are found from ruling lines, not from text alignment: the page's thin path objects (a
line, or a rectangle a few points thick, as WPS, Word and LibreOffice draw cell borders) become
pdfplumber's edges, and pdfplumber's grid functions (`merge_edges`, `edges_to_intersections`,
`intersections_to_cells`, `cells_to_tables`) turn them into cells — without pdfminer, which would
parse the page a second time (10–20 times slower than pdfium here). A cell's text is the
characters whose centre lies in it. A "table" of one column is a framed paragraph: left as text.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2.raw as pdfium_c
from pdfplumber.table import (cells_to_tables, edges_to_intersections, intersections_to_cells,
                              merge_edges)

RULE = 2.0          # a path thinner than this (points) is a ruling line
RECT_SEGMENTS = 5    # a rectangle path: move-to, three line-tos and the closing one
SNAP = 3.0          # ruling lines closer than this are one line (pdfplumber's default)


@dataclass
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass
class Line:
    """A line of text on a page, with its box (top-down points)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass
class Table:
    """A ruled table: its box and its rows of cell texts (a spanned cell only in its first row)."""

    x0: float
    x1: float
    top: float
    bottom: float
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class PageContent:
    number: int
    width: float
    height: float
    lines: list[Line]
    tables: list[Table]


def read_page(page, number: int) -> PageContent:
    """The lines (outside tables) and tables of one pypdfium2 page, top to bottom."""
    width, height = page.get_size()
    edges = _edges(page, height)
    textpage = page.get_textpage()
    try:
        if len(edges) < 4:        # no table: the boxes of line ends are all it takes
            lines = _plain_lines(textpage, height)
            tables = []
        else:
            chars = _chars(textpage, height)
            tables = _tables(edges, chars) if chars else []
            lines = _lines([c for c in chars if c is None or not _inside_any(c, tables)])
    finally:
        textpage.close()
    lines.sort(key=lambda line: (round(line.top / 3), line.x0))
    return PageContent(number, width, height, lines, tables)


def _chars(textpage, height: float) -> list[Char | None]:
    """The page's characters with their boxes (None marks a line end), generated spaces only
    between ASCII characters."""
    text = textpage.get_text_range()
    raw = textpage.raw
    out: list[Char | None] = []
    for i, ch in enumerate(text):
        if ch in "\r\n":
            if ch == "\n" or i + 1 == len(text) or text[i + 1] != "\n":
                out.append(None)
            continue
        if ch.isspace():
            if pdfium_c.FPDFText_IsGenerated(raw, i) and not (
                    i and text[i - 1].isascii() and i + 1 < len(text) and text[i + 1].isascii()):
                continue
            out.append(Char(" ", 0, 0, 0, 0))
            continue
        out.append(_char_box(raw, i, ch, height))
    return out


def _plain_lines(textpage, height: float) -> list[Line]:
    """The lines of a page without tables, straight from the text (as `_chars` + `_lines`)."""
    text = textpage.get_text_range()
    raw = textpage.raw
    lines, start = [], 0
    for piece in text.replace("\r\n", "\n\0").split("\n"):
        first = start + (1 if piece.startswith("\0") else 0)   # \r\n: two characters
        piece = piece.lstrip("\0")
        start = first + len(piece) + 1
        lead, tail = len(piece) - len(piece.lstrip()), len(piece.rstrip()) - 1
        if tail < lead:
            continue
        ends = [_char_box(raw, first + k, piece[k], height) for k in {lead, tail}]
        if " " in piece or "\u3000" in piece:
            piece = "".join(ch for k, ch in enumerate(piece, first) if not (
                ch.isspace() and pdfium_c.FPDFText_IsGenerated(raw, k)
                and not (text[k - 1].isascii() and text[k + 1:k + 2].isascii())))
        stripped = piece.strip()
        lines.append(Line(stripped, min(c.x0 for c in ends), max(c.x1 for c in ends),
                          min(c.top for c in ends), max(c.bottom for c in ends)))
    return lines


def _char_box(raw, i: int, ch: str, height: float) -> Char:
    left, right, bottom, top = (ctypes.c_double(), ctypes.c_double(), ctypes.c_double(),
                                ctypes.c_double())
    pdfium_c.FPDFText_GetCharBox(raw, i, left, right, bottom, top)
    return Char(ch, left.value, right.value, height - top.value, height - bottom.value)


def _lines(chars: list[Char | None]) -> list[Line]:
    """Characters between line ends as lines; blank lines dropped."""
    lines, run = [], []
    for c in chars + [None]:
        if c is not None:
            run.append(c)
            continue
        text = "".join(ch.text for ch in run).strip()
        ink = [ch for ch in run if ch.text != " "]
        if text and ink:
            lines.append(Line(text, min(ch.x0 for ch in ink), max(ch.x1 for ch in ink),
                              min(ch.top for ch in ink), max(ch.bottom for ch in ink)))
        run = []
    return lines


def _edges(page, height: float) -> list[dict]:
    """The page's ruling lines as pdfplumber edges: thin paths are lines, a rectangle path (a
    cell's frame or fill, at most `RECT_SEGMENTS` segments) gives its four sides, as in
    pdfplumber; curves (seals, logos) give none."""
    edges: list[dict] = []
    raw = page.raw
    for i in range(pdfium_c.FPDFPage_CountObjects(raw)):
        obj = pdfium_c.FPDFPage_GetObject(raw, i)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        box = [pdfium_c.FS_FLOAT(), pdfium_c.FS_FLOAT(), pdfium_c.FS_FLOAT(), pdfium_c.FS_FLOAT()]
        if not pdfium_c.FPDFPageObj_GetBounds(obj, *box):
            continue
        left, bottom, right, top = (v.value for v in box)
        top, bottom = height - top, height - bottom
        if bottom - top < RULE and right - left > RULE:
            edges.append(_edge("h", left, right, (top + bottom) / 2, (top + bottom) / 2))
        elif right - left < RULE and bottom - top > RULE:
            edges.append(_edge("v", (left + right) / 2, (left + right) / 2, top, bottom))
        elif right - left >= RULE and pdfium_c.FPDFPath_CountSegments(obj) <= RECT_SEGMENTS:
            edges += [_edge("h", left, right, top, top), _edge("h", left, right, bottom, bottom),
                      _edge("v", left, left, top, bottom), _edge("v", right, right, top, bottom)]
    return edges


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict:
    return {"orientation": orientation, "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "width": x1 - x0, "height": bottom - top}


def _tables(edges: list[dict], chars: list[Char | None]) -> list[Table]:
    """The ruled tables of a page with two or more columns, their cells' texts filled in."""
    edges = merge_edges(edges, SNAP, SNAP, SNAP, SNAP)
    cells = intersections_to_cells(edges_to_intersections(edges, SNAP, SNAP))
    tables = []
    texts = _cell_texts(cells, chars)
    for group in cells_to_tables(cells):
        rows: dict[float, list[tuple]] = {}
        for cell in group:
            rows.setdefault(round(cell[1], 1), []).append(cell)
        if max(len(r) for r in rows.values()) < 2:
            continue
        table = Table(min(c[0] for c in group), max(c[2] for c in group),
                      min(c[1] for c in group), max(c[3] for c in group))
        for top in sorted(rows):
            table.rows.append([texts[c] for c in sorted(rows[top])])
        tables.append(table)
    tables.sort(key=lambda t: t.top)
    return tables


def _centre_in(c: Char, x0: float, top: float, x1: float, bottom: float) -> bool:
    cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _cell_texts(cells: list[tuple], chars: list[Char | None]) -> dict[tuple, str]:
    """Each cell's characters (centre inside it), line ends dropped (Chinese wraps freely); the
    cells are bucketed by 10-point bands so a character is tried against a few cells only."""
    bands: dict[int, list[tuple]] = {}
    for cell in cells:
        for band in range(int(cell[1] // 10), int(cell[3] // 10) + 1):
            bands.setdefault(band, []).append(cell)
    found: dict[tuple, list[Char]] = {cell: [] for cell in cells}
    for c in chars:
        if c is None or c.text == " ":
            continue
        for cell in bands.get(int((c.top + c.bottom) / 20), ()):
            if _centre_in(c, *cell):
                found[cell].append(c)
                break
    return {cell: _join_chars(run) for cell, run in found.items()}


def _join_chars(run: list[Char]) -> str:
    """Characters as text; a space only between ASCII characters set apart on the page."""
    text, prev = "", None
    for c in run:
        if prev is not None and c.text.isalpha() and prev.text.isalpha() and c.text.isascii() \
                and prev.text.isascii() and c.x0 - prev.x1 > 1.5:
            text += " "
        text += c.text
        prev = c
    return text


def _inside_any(c: Char, tables: list[Table]) -> bool:
    if c.text == " ":
        return False
    return any(_centre_in(c, t.x0, t.top, t.x1, t.bottom) for t in tables)
