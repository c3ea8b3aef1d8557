"""The `Document` every format reader returns, and the decoding the text-based readers share.

A Document is a report file before any report-specific extraction: the body text (original
characters, ``\\n`` line ends), the header fields the file carries (a crawl header, HTML ``<meta>``),
the tables as rows of cells with their spans in the text, and how the bytes were decoded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from indexer.errors import ReportReadError
from indexer.model.record import TableCell

HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Document:
    """A decoded report file, before any report-specific extraction."""

    path: Path
    text: str                                   # the body: original characters, \n line ends
    header: dict[str, str] = field(default_factory=dict)
    tables: list[list[list[TableCell]]] = field(default_factory=list)
    encoding: str = "utf-8"
    kind: str = "text"                          # text | crawl | html | pdf | word
    format: str = ""                            # txt, html, pdf, docx …; "" = from the suffix
    pages: list[dict[str, int]] = field(default_factory=list)   # {"page", "start", "end"} in text
    ocr: bool = False                           # text read from page images by OCR


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
    return _guess_encoding(data, path)


def _guess_encoding(data: bytes, path: str) -> tuple[str, str]:
    """The last resort: charset-normalizer's best guess, if it reads as Chinese prose."""
    from charset_normalizer import from_bytes  # slow to import, and rarely needed

    best = from_bytes(data).best()
    if best is None or not _mostly_han_text(str(best)):
        raise ReportReadError(path, "undecodable text (not UTF-8 or GB18030, no reliable guess)")
    return str(best), best.encoding


def decode_lines(data: bytes, path: str) -> tuple[str, str]:
    """`decode`, then line endings as ``\\n`` (crawled Sanming pages are CRLF); nothing else changes."""
    text, encoding = decode(data, path)
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _mostly_han_text(text: str) -> bool:
    """True when decoded text looks like Chinese prose rather than mojibake or binary."""
    sample = text[:20000]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f")
    han = len(HAN.findall(sample))
    return controls / len(sample) < 0.01 and han >= 10
