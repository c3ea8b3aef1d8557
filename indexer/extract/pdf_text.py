"""A PDF's pages (positioned lines and tables) -> the body text, its tables and its page spans.

Three layout rules, each from the page geometry rather than from any one report:

1. *Page furniture goes.* A line in the top or bottom band of a page (`BAND`) is a running header
   or footer when it reads as a page number ("第 3 页", "- 3 -", "3/6", a bare number) or when the
   same line, digits aside, sits in the bands of at least half of the pages (two at least). The
   last line of a page is dropped when it is a bare page number, wherever it sits.
2. *Wrapped lines are joined.* Reports are set in a narrow column (about 30 characters): a line
   joins the next when it reaches the column's right edge (within `FILL` line heights, or within
   the width of the number or Latin word the next line starts with, which a typesetter does not
   split) and does not end with sentence punctuation — also across a page break. Headings, short last lines of
   paragraphs and lines ending in 。；：！？ stay lines.
3. *Tables are written as HTML tables are* (`indexer.extract.html`): one line per row, cells
   separated by a tab, each cell's span kept, so the figure readers treat both alike. A table
   that runs on over a page break (the next page starts with a table as wide as the one the last
   page ended with) is one table.
"""

from __future__ import annotations

import re
from collections import Counter

from indexer.extract.pdf_page import Line, PageContent, Table
from indexer.model.record import TableCell

BAND = 0.08          # share of the page height at the top and at the bottom holding furniture
FILL = 2.5           # a line within this many line heights of the right edge fills the column
#                      (LibreOffice wraps spaced words whole: 200 of 200 corpus PDFs keep their sections)
SAME_WIDTH = 6.0     # points: a table continued on the next page has the same left and right edge
_PAGE_NUMBER = re.compile(
    r"^(第\s*\d+\s*页(\s*[，,/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*第\s*\d+\s*页|"
    r"[-—–－]\s*\d+\s*[-—–－]|\d+\s*/\s*\d+|\d{1,4}|[PpＰ]age\s*\d+(\s*of\s*\d+)?)$")
_SENTENCE_END = tuple("。！？!?；;：:…")
_LEADING_RUN = re.compile(r"[0-9A-Za-z.,%]+")


def drop_furniture(pages: list[PageContent]) -> None:
    """Remove running headers, footers and page numbers from every page's lines."""
    banded: Counter[str] = Counter()
    for page in pages:
        banded.update({_key(line) for line in page.lines if _in_band(line, page)})
    # Repeated words only: numbers alone are page numbers or table values, told apart below.
    repeated = {k for k, n in banded.items()
                if n >= 2 and n * 2 >= len(pages) and re.search(r"[^\W\d_]", k)}
    offset = _numbering_offset(pages)
    for page in pages:
        page.lines = [line for line in page.lines if not (_in_band(line, page) and (
            _is_page_number(line, page, offset) or _key(line) in repeated))]
        if page.lines and _is_page_number(page.lines[-1], page, offset):
            page.lines.pop()


def _is_page_number(line: Line, page: PageContent, offset: int) -> bool:
    """A page-number line whose number is this page's (a "0" cell at a page's foot is not)."""
    if not _PAGE_NUMBER.match(line.text):
        return False
    return int(re.findall(r"\d+", line.text)[0]) - page.number in (0, offset)


def _numbering_offset(pages: list[PageContent]) -> int:
    """How the printed page numbers run ahead of the PDF's (a cover left unnumbered: -1)."""
    seen: Counter[int] = Counter()
    for page in pages:
        for line in page.lines:
            if _in_band(line, page) and _PAGE_NUMBER.match(line.text):
                seen[int(re.findall(r"\d+", line.text)[0]) - page.number] += 1
    offset, count = seen.most_common(1)[0] if seen else (0, 0)
    return offset if count >= 2 else 0


def _key(line: Line) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))


def _in_band(line: Line, page: PageContent) -> bool:
    return line.bottom <= page.height * BAND or line.top >= page.height * (1 - BAND)


class _Writer:
    """The body text being written, with its tables and page spans."""

    def __init__(self, right: float) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.right = right               # the column's right edge
        self.open_line: Line | None = None   # the last line written, when the next may join it
        self.tables: list[list[list[TableCell]]] = []
        self.last_table: Table | None = None
        self.pages: list[dict[str, int]] = []

    def write(self, s: str) -> None:
        self.parts.append(s)
        self.length += len(s)

    def _mark_page(self) -> None:
        """The current page starts here, at its first character."""
        if self.pages and self.pages[-1]["start"] < 0:
            self.pages[-1]["start"] = self.length

    def line(self, line: Line) -> None:
        prev = self.open_line
        joins = prev is not None and \
            self.right - prev.x1 <= max(FILL, _unbreakable(line.text)) * max(prev.height, 1.0)
        if self.length and not joins:
            self.write("\n")
        elif joins and line.text[0].isascii() and self.parts[-1][-1:].isascii():
            self.write(" ")
        self._mark_page()
        self.write(line.text)
        self.open_line = None if line.text.endswith(_SENTENCE_END) else line
        self.last_table = None

    def table(self, table: Table) -> None:
        continued = self.last_table is not None and self.parts and \
            abs(table.x0 - self.last_table.x0) < SAME_WIDTH and \
            abs(table.x1 - self.last_table.x1) < SAME_WIDTH
        if not continued:
            self.tables.append([])
        for cells in table.rows:
            if self.length:
                self.write("\n")
            self._mark_page()
            row = []
            for i, value in enumerate(cells):
                if i:
                    self.write("\t")
                row.append(TableCell(value, self.length, self.length + len(value)))
                self.write(value)
            self.tables[-1].append(row)
        self.open_line, self.last_table = None, table

    def start_page(self, number: int) -> None:
        self.end_page()
        self.pages.append({"page": number, "start": -1, "end": -1})

    def end_page(self) -> None:
        """The last page ends here (an empty page is an empty span where it would have been)."""
        if self.pages:
            self._mark_page()
            self.pages[-1]["end"] = self.length


def _unbreakable(text: str) -> float:
    """The width, in line heights, of what a line starts with that a typesetter keeps whole
    (a number or a Latin word, and the character after it): a line before it may end that short."""
    run = _LEADING_RUN.match(text)
    return 0.55 * len(run.group()) + 1.0 if run else 0.0


def column_right(pages: list[PageContent]) -> float:
    """The right edge of the text column: the furthest right a line of ten or more
    characters reaches, over all pages (a page of short lines has no edge of its own)."""
    edges = [line.x1 for page in pages for line in page.lines if len(line.text) >= 10]
    return max(edges) if edges else max((p.width for p in pages), default=0.0)


def write_pages(pages: list[PageContent]) -> tuple[str, list[list[list[TableCell]]],
                                                    list[dict[str, int]]]:
    """The body text, its tables (rows of cells with spans) and page spans, from clean pages."""
    out = _Writer(column_right(pages))
    for page in pages:
        out.start_page(page.number)
        items: list[tuple[float, int, Line | Table]] = [
            (line.top, 1, line) for line in page.lines] + [(t.top, 0, t) for t in page.tables]
        for _, _, item in sorted(items, key=lambda x: (x[0], x[1])):
            if isinstance(item, Table):
                out.table(item)
            else:
                out.line(item)
    out.end_page()
    return "".join(out.parts), [t for t in out.tables if t], out.pages
