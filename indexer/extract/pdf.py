"""PDF reports -> Document: the text layer in reading order, or OCR for scanned pages.

1. The bytes are opened with pypdfium2 (PDFium, the engine of Chromium's viewer). A file PDFium
   cannot parse, or one that asks for a password, is a `ReportReadError` naming why; a PDF of
   more than `limits.MAX_PDF_PAGES` pages is refused before any page is read.
2. Each page becomes positioned lines and ruled tables (`pdf_page.read_page`).
3. A page without a text layer (a scan) is read by OCR (`ocr`); when no engine is installed
   and no page has text, the file is skipped with a reason that names what to install.
4. Running headers, footers and page numbers are dropped, wrapped lines joined into paragraphs,
   tables written as rows of cells (`pdf_text`); the page spans go into ``Document.pages``.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from indexer.errors import ReportReadError
from indexer.extract.document import Document
from indexer.extract.limits import MAX_OCR_PAGES, MAX_PDF_PAGES
from indexer.extract.ocr import OCR_MISSING, ocr_engine
from indexer.extract.pdf_page import PageContent, read_page
from indexer.extract.pdf_text import drop_furniture, write_pages

SCAN_RESOLUTION = 200        # dpi of a scanned page rendered for OCR


def read_pdf_file(data: bytes, path: Path, name: str) -> Document:
    """A ``.pdf`` file's bytes as a Document; raises ReportReadError for a file it cannot read."""
    pdf = _open(data, name)
    try:
        count = len(pdf)
        if count == 0:
            raise ReportReadError(name, "PDF without pages")
        if count > MAX_PDF_PAGES:
            raise ReportReadError(name, f"PDF of {count} pages (limit {MAX_PDF_PAGES} pages)")
        pages, scanned = [], []
        for i in range(count):
            content = _page(pdf, i, name)
            if not content.lines and not content.tables:
                scanned.append((i, content))
            pages.append(content)
        ocr = _read_scans(pdf, scanned, len(pages), name)
    finally:
        pdf.close()
    drop_furniture(pages)
    text, tables, spans = write_pages(pages)
    return Document(path=path, text=text, tables=tables, kind="pdf", format="pdf",
                    pages=spans, ocr=ocr)


def _page(pdf: pdfium.PdfDocument, i: int, name: str) -> PageContent:
    """Page i (from 0) read, or the reason it cannot be (a page PDFium cannot load)."""
    try:
        page = pdf[i]
    except pdfium.PdfiumError as exc:
        raise ReportReadError(name, f"damaged PDF (page {i + 1}: {exc})") from None
    try:
        return read_page(page, i + 1)
    finally:
        page.close()


def _open(data: bytes, name: str) -> pdfium.PdfDocument:
    """The parsed PDF, or the reason it cannot be read."""
    if not data.lstrip()[:1024].count(b"%PDF-"):
        raise ReportReadError(name, "not a PDF file (no %PDF- header)")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReportReadError(name, "encrypted PDF (it needs a password to open)") from None
        raise ReportReadError(name, f"damaged or truncated PDF ({exc})") from None


def _read_scans(pdf: pdfium.PdfDocument, scanned: list[tuple[int, PageContent]],
                count: int, name: str) -> bool:
    """OCR the pages without text, in place; whether any text came from OCR."""
    if not scanned:
        return False
    engine = ocr_engine()
    if engine is None:
        if len(scanned) == count:
            raise ReportReadError(name, f"scanned PDF without a text layer, and {OCR_MISSING}")
        return False          # a stray image page (a seal, a signature) in a text PDF
    if len(scanned) > MAX_OCR_PAGES:
        raise ReportReadError(name, f"scanned PDF of {len(scanned)} image pages "
                                    f"(OCR limit {MAX_OCR_PAGES} pages)")
    for i, content in scanned:
        page = pdf[i]
        try:
            image = page.render(scale=SCAN_RESOLUTION / 72).to_pil()
        finally:
            page.close()
        content.lines = engine(image, 72 / SCAN_RESOLUTION)
    return any(content.lines for _, content in scanned)
