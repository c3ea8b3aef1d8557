"""HTML report pages -> Document: the article body as lines of text, tables as rows of cells.

The page is parsed with BeautifulSoup (lxml). Government sites wrap the report in a known content container (TRS_Editor, article_content, ...);
when none is present the block with the most non-link Chinese text wins. Block elements become
line breaks, table rows become one line with tab-separated cells, and every cell's span in the
output text is recorded so statistics read from a cell can point back at it. The page's
``<meta>`` tags (ArticleTitle, PubDate, ContentSource, Url, SiteName) fill the header.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from bs4 import BeautifulSoup, CData, NavigableString, Tag

from indexer.errors import ReportReadError
from indexer.extract.document import HAN, Document, decode_lines
from indexer.extract.limits import MAX_HTML_DEPTH
from indexer.model.record import TableCell

CONTAINERS = ("TRS_Editor", "article_content", "xl_article", "zn_article", "Custom_UnionStyle",
              "content", "article")
BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
          "blockquote", "ul", "ol", "dl", "dt", "dd", "pre", "hr"}
SKIP = {"script", "style", "noscript", "iframe", "form", "button", "select", "nav", "footer",
        "header"}
_SPACE = re.compile(r"[ \t\u00a0\u3000]+")
_SCORED = {"div", "td", "article", "section"}
_TEXT_TYPES = (NavigableString, CData)   # the strings `Tag.get_text()` counts
_END = object()


class _Writer:
    """Accumulates output text line by line, tracking offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def write(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.length += len(s)

    def newline(self) -> None:
        if self.parts and not self.parts[-1].endswith("\n"):
            self.write("\n")

    def text(self) -> str:
        return "".join(self.parts)


def _content_root(soup: BeautifulSoup) -> Tag:
    for name in CONTAINERS:
        found = soup.find(class_=name)
        if isinstance(found, Tag) and len(HAN.findall(found.get_text())) > 100:
            return found
    own, links = _han_counts(soup)
    best, best_score = soup.body or soup, 0
    for tag in soup.descendants:
        if isinstance(tag, Tag) and tag.name in _SCORED:
            score = own[id(tag)] - 3 * links[id(tag)]
            if score > best_score * 1.0 and own[id(tag)] > 0:
                best, best_score = tag, score
    return best


def _han_counts(soup: BeautifulSoup) -> tuple[dict[int, int], dict[int, int]]:
    """For every element (by id): the Chinese characters of its text (`get_text()`), and those
    of the links inside it (each ``<a>`` descendant's own count); one pass from the last node
    back, so a parent is summed after its children (linear, whatever the nesting)."""
    own: dict[int, int] = {}
    links: dict[int, int] = {}
    for node in reversed(list(soup.descendants)):
        if isinstance(node, Tag):
            total = linked = 0
            for child in node.children:
                key = id(child)
                total += own.get(key, 0)
                linked += links.get(key, 0)
                if isinstance(child, Tag) and child.name == "a":
                    linked += own[key]
            own[id(node)], links[id(node)] = total, linked
        elif type(node) in _TEXT_TYPES:
            own[id(node)] = len(HAN.findall(node))
    return own, links


def _inline_text(node: Tag) -> str:
    return _SPACE.sub(" ", node.get_text(" ")).strip()


def _walk(node: Tag, out: _Writer, tables: list[list[list[TableCell]]]) -> None:
    """Write the text under `node`: an explicit stack of (children, closes a block), so the
    walk is iterative and linear in the number of nodes."""
    stack = [(iter(node.children), False)]
    while stack:
        children, block = stack[-1]
        child = next(children, _END)
        if child is _END:
            stack.pop()
            if block:
                out.newline()
        elif isinstance(child, NavigableString):
            _write_string(child, out)
        elif isinstance(child, Tag) and child.name not in SKIP:
            if child.name == "table":
                tables.append(_write_table(child, out))
                continue
            block = child.name in BLOCKS
            if block:
                out.newline()
            if child.name != "br":
                stack.append((iter(child.children), block))


def _write_string(child: NavigableString, out: _Writer) -> None:
    if child.__class__.__name__ in ("Comment", "Doctype", "Declaration", "CData",
                                    "ProcessingInstruction"):
        return
    s = _SPACE.sub(" ", str(child).replace("\n", " "))
    if s.strip() or (s and out.parts and not out.parts[-1].endswith(("\n", " "))):
        out.write(s if s.strip() else " ")


def _check_depth(soup: BeautifulSoup, name: str) -> None:
    """Raise ReportReadError when elements nest deeper than MAX_HTML_DEPTH (iterative, linear)."""
    depth: dict[int, int] = {id(soup): 0}
    deepest = 0
    for tag in soup.descendants:
        if isinstance(tag, Tag):
            level = depth[id(tag)] = depth[id(tag.parent)] + 1
            deepest = max(deepest, level)
    if deepest > MAX_HTML_DEPTH:
        raise ReportReadError(name, f"HTML elements nested {deepest} levels deep "
                                    f"(limit {MAX_HTML_DEPTH})")


def _write_table(table: Tag, out: _Writer) -> list[list[TableCell]]:
    """Write a table one line per row, cells separated by a tab; the cells with their spans."""
    out.newline()
    rows: list[list[TableCell]] = []
    for tr in table.find_all("tr"):
        cells = [c for c in tr.find_all(["td", "th"]) if c.find_parent("tr") is tr]
        row: list[TableCell] = []
        for i, cell in enumerate(cells):
            if i:
                out.write("\t")
            value = _inline_text(cell)
            row.append(TableCell(value, out.length, out.length + len(value),
                                 _span(cell, "rowspan"), _span(cell, "colspan")))
            out.write(value)
        if row:
            rows.append(row)
            out.newline()
    return rows


def _span(cell: Tag, name: str) -> int:
    """A cell's rowspan or colspan attribute (1 when missing or not a small number)."""
    value = str(cell.get(name) or "").strip()
    return min(int(value), 1000) if value.isdigit() and int(value) > 0 else 1


def _meta(soup: BeautifulSoup, name: str) -> str:
    tag = soup.find("meta", attrs={"name": name})
    return (tag.get("content") or "").strip() if isinstance(tag, Tag) else ""


def looks_like_html(text: str) -> bool:
    """Whether decoded text is an HTML page, whatever its file suffix."""
    return text.lstrip()[:200].lower().startswith(("<!doctype html", "<html"))


def read_html_file(data: bytes, path: Path, name: str) -> Document:
    """An ``.html`` file's bytes as a Document."""
    text, encoding = decode_lines(data, name)
    return html_document(text, path, encoding, name)


def html_document(markup: str, path: Path, encoding: str = "utf-8",
                  name: str | None = None) -> Document:
    """Parse an HTML report page into a Document (body text, header from <meta>, tables);
    raises ReportReadError for a page nested deeper than MAX_HTML_DEPTH."""
    soup = BeautifulSoup(markup, "lxml")
    _check_depth(soup, name or str(path))
    out, tables = _Writer(), []
    _walk(_content_root(soup), out, tables)
    text = _strip_lines(out.text(), tables)
    return Document(path=path, text=text, header=_header(soup), tables=tables, encoding=encoding,
                    kind="html")


def _strip_lines(raw: str, tables: list[list[list[TableCell]]]) -> str:
    """Strip spaces around each line and drop blank lines, shifting the cell offsets to match."""
    lines, shift, new_parts = raw.split("\n"), [], []
    pos = new_pos = 0
    for line in lines:
        stripped = line.strip(" ")
        lead = len(line) - len(line.lstrip(" "))
        if stripped:
            shift.append((pos, pos + len(line), new_pos - pos - lead))
            new_parts.append(stripped)
            new_pos += len(stripped) + 1
        pos += len(line) + 1
    starts = [lo for lo, _, _ in shift]       # the lines' spans are disjoint and in order
    for table in tables:
        for row in table:
            for cell in row:
                k = bisect.bisect_right(starts, cell.start) - 1
                last = bisect.bisect_right(starts, cell.end) - 1   # a cell may span lines
                if k >= 0 and cell.start <= shift[k][1]:
                    cell.start += shift[k][2]
                    cell.end += shift[max(k, last)][2]
    return "\n".join(new_parts)


def _header(soup: BeautifulSoup) -> dict[str, str]:
    """The header keys the page's <meta> tags (or its <title>) fill."""
    title = _meta(soup, "ArticleTitle")
    if not title and soup.title and soup.title.string:
        title = soup.title.string.strip().split("_")[0].strip()
    return {k: v for k, v in {
        "title": title, "published": _meta(soup, "PubDate"),
        "publisher": _meta(soup, "ContentSource"), "url": _meta(soup, "Url"),
        "site": _meta(soup, "SiteName"),
    }.items() if v}
