"""HTML report pages -> Document: the article body as lines of text, tables as rows of cells.

Government sites wrap the report in a known content container (TRS_Editor, article_content, ...);
when none is present the block with the most non-link Chinese text wins. Block elements become
line breaks, table rows become one line with tab-separated cells, and every cell's span in the
output text is recorded so statistics read from a cell can point back at it.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from indexer.extract.reading import Document
from indexer.model.record import TableCell

CONTAINERS = ("TRS_Editor", "article_content", "xl_article", "zn_article", "Custom_UnionStyle",
              "content", "article")
BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
          "blockquote", "ul", "ol", "dl", "dt", "dd", "pre", "hr"}
SKIP = {"script", "style", "noscript", "iframe", "form", "button", "select", "nav", "footer",
        "header"}
_SPACE = re.compile(r"[ \t\u00a0\u3000]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")


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
        if isinstance(found, Tag) and len(_HAN.findall(found.get_text())) > 100:
            return found
    best, best_score = soup.body or soup, 0
    for tag in soup.find_all(["div", "td", "article", "section"]):
        own = len(_HAN.findall(tag.get_text()))
        links = sum(len(_HAN.findall(a.get_text())) for a in tag.find_all("a"))
        score = own - 3 * links
        if score > best_score * 1.0 and own > 0:
            best, best_score = tag, score
    return best


def _inline_text(node: Tag) -> str:
    return _SPACE.sub(" ", node.get_text(" ")).strip()


def _walk(node: Tag, out: _Writer, tables: list[list[list[TableCell]]]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if child.__class__.__name__ in ("Comment", "Doctype", "Declaration", "CData",
                                            "ProcessingInstruction"):
                continue
            s = _SPACE.sub(" ", str(child).replace("\n", " "))
            if s.strip() or (s and out.parts and not out.parts[-1].endswith(("\n", " "))):
                out.write(s if s.strip() else " ")
            continue
        if not isinstance(child, Tag) or child.name in SKIP:
            continue
        if child.name == "table":
            out.newline()
            rows: list[list[TableCell]] = []
            for tr in child.find_all("tr"):
                cells = [c for c in tr.find_all(["td", "th"]) if c.find_parent("tr") is tr]
                row: list[TableCell] = []
                for i, cell in enumerate(cells):
                    if i:
                        out.write("\t")
                    value = _inline_text(cell)
                    row.append(TableCell(value, out.length, out.length + len(value)))
                    out.write(value)
                if row:
                    rows.append(row)
                    out.newline()
            tables.append(rows)
            continue
        block = child.name in BLOCKS
        if block:
            out.newline()
        if child.name == "br":
            continue
        _walk(child, out, tables)
        if block:
            out.newline()


def _meta(soup: BeautifulSoup, name: str) -> str:
    tag = soup.find("meta", attrs={"name": name})
    return (tag.get("content") or "").strip() if isinstance(tag, Tag) else ""


def html_document(markup: str, path: Path) -> Document:
    """Parse an HTML report page into a Document (body text, header from <meta>, tables)."""
    soup = BeautifulSoup(markup, "lxml")
    out, tables = _Writer(), []
    _walk(_content_root(soup), out, tables)
    raw = out.text()
    # Strip trailing spaces per line and collapse blank runs, shifting the cell offsets to match.
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
    text = "\n".join(new_parts)
    for table in tables:
        for row in table:
            for cell in row:
                for lo, hi, delta in shift:
                    if lo <= cell.start <= hi:
                        cell.start += delta
                        cell.end += delta
                        break
    title = _meta(soup, "ArticleTitle")
    if not title and soup.title and soup.title.string:
        title = soup.title.string.strip().split("_")[0].strip()
    header = {k: v for k, v in {
        "title": title, "published": _meta(soup, "PubDate"),
        "publisher": _meta(soup, "ContentSource"), "url": _meta(soup, "Url"),
        "site": _meta(soup, "SiteName"),
    }.items() if v}
    return Document(path=path, text=text, header=header, tables=tables, kind="html")
