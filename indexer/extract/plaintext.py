"""Plain-text report files -> Document, with the header block of crawled ``page.txt`` files.

A crawled page starts with a header block (``标题:`` / ``发布时间:`` / ``发布机构:`` / ``原始链接:``
..., ASCII or full-width colons), parsed into ``header``; the body starts after ``正文:`` or
``==== 正文 ====``. A text file that is really an HTML page is read as one.
"""

from __future__ import annotations

import re
from pathlib import Path

from indexer.extract.document import Document, decode_lines
from indexer.extract.html import html_document, looks_like_html

HEADER_KEYS = {
    "标题": "title", "发布时间": "published", "文号": "doc_number", "发布机构": "publisher",
    "栏目": "column", "原始链接": "url", "原文链接": "url", "本地目录": "local_dir",
    "索引号": "index_number", "来源": "source",
}
_HEADER_LINE = re.compile(r"^\s*(" + "|".join(HEADER_KEYS) + r")\s*[:：]\s*(.*?)\s*$")
_BODY_MARKER = re.compile(r"^\s*(?:正文\s*[:：]|=+\s*正文\s*=+)\s*$", re.MULTILINE)


def read_text_file(data: bytes, path: Path, name: str) -> Document:
    """A ``.txt`` file's bytes as a Document (kind crawl, text, or html when it is a page)."""
    text, encoding = decode_lines(data, name)
    if looks_like_html(text):
        return html_document(text, path, encoding, name)
    header, body = split_crawl_header(text)
    return Document(path=path, text=body, header=header, encoding=encoding,
                    kind="crawl" if header else "text")


def split_crawl_header(text: str) -> tuple[dict[str, str], str]:
    """Split a crawled page into its header fields and its body (header empty if none)."""
    marker = _BODY_MARKER.search(text[:20000])
    lines = text[: marker.start()].splitlines() if marker else text.splitlines()[:12]
    header: dict[str, str] = {}
    for line in lines:
        match = _HEADER_LINE.match(line)
        if match:
            key = HEADER_KEYS[match.group(1)]
            header.setdefault(key, match.group(2))
    if marker and header:
        return header, text[marker.end():].lstrip("\n")
    return {}, text
