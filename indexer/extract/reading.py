"""Reading a report file into a `Document`: the format reader its suffix names, then a check.

The pipeline for one file:

1. The suffix picks a reader from `READERS` (one module per format: `plaintext`, `html`; a PDF
   or DOCX reader plugs in beside them with one line here). Each reader takes the file's bytes.
2. The text readers decode: BOM, strict UTF-8, strict GB18030, then charset-normalizer; a file
   that is binary, empty or undecodable raises `ReportReadError` naming the file and the reason
   (`document.decode`). Line endings become ``\\n``; nothing else of the text changes.
3. Crawled ``page.txt`` files: the header block is parsed into ``header`` and the body starts
   after ``正文:`` (`plaintext`). HTML pages: the article container becomes lines, tables become
   one line per row with tab-separated cells, each cell's span kept in ``tables`` (`html`).
4. A file over `limits.MAX_FILE_BYTES` is refused before it is read; an HTML page nested deeper
   than `limits.MAX_HTML_DEPTH` right after it is parsed.
5. A body without Chinese text, or naming no 信息公开/年度报告, is not a report. The cues are
   looked for with traditional characters folded (資訊公開 / 年度報告 read as 资讯公开 / 年度报告).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from indexer.errors import ReportReadError
from indexer.extract.document import HAN, Document, decode
from indexer.extract.html import read_html_file
from indexer.extract.legacy import read_doc_file
from indexer.extract.limits import MAX_FILE_BYTES, megabytes
from indexer.extract.pdf import read_pdf_file
from indexer.extract.plaintext import read_text_file
from indexer.extract.word import read_docx_file

__all__ = ["READERS", "SUFFIXES", "Document", "Reader", "decode", "read_document"]

# A format reader: (file bytes, path, name to report errors under) -> Document.
Reader = Callable[[bytes, Path, str], Document]

READERS: dict[str, Reader] = {
    ".txt": read_text_file,
    ".text": read_text_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".docx": read_docx_file,
    ".doc": read_doc_file,
    ".wps": read_doc_file,
    ".pdf": read_pdf_file,
}
SUFFIXES = frozenset(READERS)

_REPORT_CUES = ("信息公开", "政务公开", "资讯公开", "公开工作", "年度报告", "年报")


def read_document(path: str | Path, display: str | None = None) -> Document:
    """Read one report file into a Document; raises ReportReadError with the reason."""
    path = Path(path)
    name = display or str(path)
    if path.is_dir():
        raise ReportReadError(name, "is a directory")
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise ReportReadError(name, f"unsupported file type {suffix or '(none)'} "
                                    f"(expected {', '.join(sorted(SUFFIXES))})")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ReportReadError(name, f"file too large: {size} bytes "
                                        f"(limit {megabytes(MAX_FILE_BYTES)})")
        data = path.read_bytes()
    except OSError as exc:
        raise ReportReadError(name, exc.strerror or str(exc)) from None
    doc = reader(data, path, name)
    check_is_report(doc, name)
    return doc


def check_is_report(doc: Document, name: str) -> None:
    """Raise ReportReadError unless the body is Chinese text about information disclosure."""
    if not HAN.search(doc.text):
        raise ReportReadError(name, "no Chinese text in the body (not a report)")
    from indexer.extract.folded import fold_han

    text, title = fold_han(doc.text), fold_han(doc.header.get("title", ""), like=doc.text)
    if not any(cue in text or cue in title for cue in _REPORT_CUES):
        raise ReportReadError(name, "not a government information disclosure report "
                                    "(no 信息公开/年度报告 in the text)")
