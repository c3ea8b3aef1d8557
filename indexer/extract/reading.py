"""Reading report files into a `Document`: decoded body text, crawl header, HTML tables.

The pipeline for one file:

1. bytes -> str: BOM, strict UTF-8, strict GB18030, then charset-normalizer; a file that is binary,
   empty or undecodable raises `ReportReadError` naming the file and the reason.
2. Line endings become ``\\n`` (crawled Sanming pages are CRLF); nothing else of the text changes.
3. Crawled ``page.txt`` files: the header block (``标题:`` / ``发布时间:`` / ``发布机构:`` /
   ``原始链接:`` ..., ASCII or full-width colons) is parsed into ``header`` and the body starts after
   ``正文:`` or ``==== 正文 ====``.
4. HTML pages (BeautifulSoup, lxml): the article container, not navigation or footers; paragraphs
   become lines and tables become one line per row with cells separated by a tab, each cell's span
   in the text kept in ``tables``. The page's ``<meta>`` tags fill the same header keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import ReportReadError
from indexer.model.record import TableCell

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES

HEADER_KEYS = {
    "标题": "title", "发布时间": "published", "文号": "doc_number", "发布机构": "publisher",
    "栏目": "column", "原始链接": "url", "原文链接": "url", "本地目录": "local_dir",
    "索引号": "index_number", "来源": "source",
}
_HEADER_LINE = re.compile(r"^\s*(" + "|".join(HEADER_KEYS) + r")\s*[:：]\s*(.*?)\s*$")
_BODY_MARKER = re.compile(r"^\s*(?:正文\s*[:：]|=+\s*正文\s*=+)\s*$", re.M)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_REPORT_CUES = ("信息公开", "政务公开", "公开工作", "年度报告", "年报")


@dataclass
class Document:
    """A decoded report file, before any report-specific extraction."""

    path: Path
    text: str                                   # the body: original characters, \n line ends
    header: dict[str, str] = field(default_factory=dict)
    tables: list[list[list[TableCell]]] = field(default_factory=list)
    encoding: str = "utf-8"
    kind: str = "text"                          # text | crawl | html


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode report bytes, returning (text, encoding); never a silent wrong guess."""
    if not data.strip():
        raise ReportReadError(path, "empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ReportReadError(path, f"undecodable UTF-16 ({exc.reason})") from None
    if b"\x00" in data[:4096]:
        raise ReportReadError(path, "binary file (contains NUL bytes)")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and not _mostly_han_text(text):
            break
        return text, encoding
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or not _mostly_han_text(str(best)):
        raise ReportReadError(path, "undecodable text (not UTF-8 or GB18030, no reliable guess)")
    return str(best), best.encoding


def _mostly_han_text(text: str) -> bool:
    """True when decoded text looks like Chinese prose rather than mojibake or binary."""
    sample = text[:20000]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f")
    han = len(_HAN.findall(sample))
    return controls / len(sample) < 0.01 and han >= 10


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


def read_document(path: str | Path, display: str | None = None) -> Document:
    """Read one report file into a Document; raises ReportReadError with the reason."""
    path = Path(path)
    name = display or str(path)
    if path.is_dir():
        raise ReportReadError(name, "is a directory")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ReportReadError(name, f"unsupported file type {suffix or '(none)'} "
                                    f"(expected {', '.join(sorted(SUFFIXES))})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportReadError(name, exc.strerror or str(exc)) from None
    text, encoding = decode(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix in HTML_SUFFIXES or text.lstrip()[:200].lower().startswith(("<!doctype html", "<html")):
        from indexer.extract.html import html_document

        doc = html_document(text, path)
        doc.encoding = encoding
    else:
        header, body = split_crawl_header(text)
        doc = Document(path=path, text=body, header=header, encoding=encoding,
                       kind="crawl" if header else "text")
    if not _HAN.search(doc.text):
        raise ReportReadError(name, "no Chinese text in the body (not a report)")
    if not any(cue in doc.text or cue in doc.header.get("title", "") for cue in _REPORT_CUES):
        raise ReportReadError(name, "not a government information disclosure report "
                                    "(no 信息公开/年度报告 in the text)")
    return doc
