"""Word ``.docx`` reports -> Document: paragraphs as lines, tables as rows of cells.

A ``.docx`` is a zip package of XML parts. Reading one:

1. The bytes are checked before anything is unpacked (`open_package`): an OLE compound file
   (``D0CF11E0A1B11AE1``) is a password-protected document (its stream ``EncryptedPackage``) or
   a Word 97-2003 file under the wrong name, each refused with that reason; anything else that
   is not a zip is corrupt. The zip directory is read and the package refused when it declares more
   than `limits.MAX_ZIP_ENTRIES` entries or more than `limits.MAX_UNZIPPED_BYTES` unpacked; the
   main part is read with that bound too, so a zip bomb costs nothing.
2. The main part (``word/document.xml``, or where ``_rels/.rels`` points) is parsed by lxml
   without entities or network access, and its body walked in document order: each paragraph is
   a line (a ``w:br`` breaks it), spaces collapsed as the HTML reader does.
3. A table is one line per row, cells separated by a tab, each cell's span kept in ``tables``:
   the shape `html` gives HTML tables, so `figures.tables` reads both alike. A horizontally
   merged cell (``w:gridSpan``) is one cell, as a ``colspan`` cell is; a vertically merged cell
   (``w:vMerge``) appears in its first row only, as a ``rowspan`` cell does.
4. Deleted text of tracked changes (``w:del``), field codes and the fallback copies of text
   boxes (``mc:Fallback``) are left out. The title in ``docProps/core.xml`` fills the header
   when it names a report.

python-docx reads the same XML into objects; it was measured against this walk (notes/word.md)
and is only used to make test fixtures.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

import olefile
from lxml import etree

from indexer.errors import ReportReadError
from indexer.extract.document import Document
from indexer.extract.limits import MAX_UNZIPPED_BYTES, MAX_ZIP_ENTRIES, megabytes
from indexer.model.record import TableCell

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_OFFICE_DOCUMENT = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                    "officeDocument")
_SKIP = {_MC_FALLBACK, W + "del", W + "moveFrom", W + "instrText"}
_SPACE = re.compile(r"[ \t\u00a0\u3000]+")
PASSWORD = "password-protected Word file (encrypted: it cannot be read without the password)"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          remove_comments=True, remove_pis=True)


def read_docx_file(data: bytes, path: Path, name: str) -> Document:
    """A ``.docx`` file's bytes as a Document (kind ``word``, format ``docx``)."""
    if data.startswith(OLE_MAGIC):
        raise ReportReadError(name, _ole_package_reason(data))
    return docx_document(open_package(data, name), path, name, "docx")


def _ole_package_reason(data: bytes) -> str:
    """Why a ``.docx`` that is an OLE compound file cannot be read."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("EncryptedPackage"):
                return PASSWORD
            if ole.exists("WordDocument"):
                return "a Word 97-2003 file named .docx (rename it .doc to read it)"
    except Exception:  # olefile raises many types on bad input: then it is just corrupt
        pass
    return "corrupt .docx (an OLE compound file, not a zip package)"


def docx_document(package: zipfile.ZipFile, path: Path, name: str, fmt: str) -> Document:
    """The Document of an opened, checked ``.docx`` package."""
    root = parse_part(package, main_part(package, name), name)
    if root.tag != W + "document":
        raise ReportReadError(name, f"not a Word text document (its main part is {root.tag}; "
                                    "Strict Open XML documents are not read)")
    body = root.find(W + "body")
    if body is None:
        raise ReportReadError(name, "corrupt .docx (the document part has no body)")
    lines, tables = _Lines(), []
    _walk(body, lines, tables)
    return Document(path=path, text="\n".join(lines.lines), header=_header(package, name),
                    tables=tables, encoding="utf-8", kind="word", format=fmt)


def open_package(data: bytes, name: str) -> zipfile.ZipFile:
    """The zip package of a ``.docx``, its directory checked against the limits."""
    if not data.strip():
        raise ReportReadError(name, "empty file")
    if not data.startswith(ZIP_MAGIC):
        raise ReportReadError(name, "corrupt .docx (not a zip package)")
    declared = _declared_entries(data)
    if declared > MAX_ZIP_ENTRIES:
        raise ReportReadError(name, f"zip package with {declared} entries "
                                    f"(limit {MAX_ZIP_ENTRIES})")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        entries = package.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise ReportReadError(name, f"corrupt .docx ({exc})") from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ReportReadError(name, f"zip package with {len(entries)} entries "
                                    f"(limit {MAX_ZIP_ENTRIES})")
    unpacked = sum(info.file_size for info in entries)
    if unpacked > MAX_UNZIPPED_BYTES:
        raise ReportReadError(name, f"zip package unpacks to {unpacked} bytes "
                                    f"(limit {megabytes(MAX_UNZIPPED_BYTES)})")
    return package


def _declared_entries(data: bytes) -> int:
    """The entry count the zip's end record declares, read before the zip module lists every
    entry (0 when there is no end record: the zip module then says what is wrong). Zip64's
    0xFFFF, "see the Zip64 record", is more than the limit anyway."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65536 - 22))
    if end < 0 or end + 22 > len(data):
        return 0
    return int.from_bytes(data[end + 10:end + 12], "little")


def main_part(package: zipfile.ZipFile, name: str) -> str:
    """The name of the main document part: from the package relationships, else the usual one."""
    names = set(package.namelist())
    if "_rels/.rels" in names:
        rels = parse_part(package, "_rels/.rels", name)
        for rel in rels:
            if rel.get("Type") == _OFFICE_DOCUMENT and rel.get("Target"):
                target = rel.get("Target").lstrip("/")
                if target in names:
                    return target
    if "word/document.xml" in names:
        return "word/document.xml"
    raise ReportReadError(name, "corrupt .docx (no word/document.xml: not a Word document)")


def parse_part(package: zipfile.ZipFile, part: str, name: str) -> etree._Element:
    """One XML part, read within its declared size (the zip module checks it and the CRC)."""
    try:
        with package.open(part) as stream:
            raw = stream.read(MAX_UNZIPPED_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError,
            NotImplementedError) as exc:
        raise ReportReadError(name, f"corrupt .docx ({part}: {exc})") from None
    try:
        return etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise ReportReadError(name, f"corrupt .docx ({part}: {exc.msg})") from None


class _Lines:
    """The body text line by line, and the offset where the next line starts."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.length = 0

    def add(self, line: str) -> int:
        """Append a line; return its start offset in the joined text."""
        start = self.length + (1 if self.lines else 0)
        self.lines.append(line)
        self.length = start + len(line)
        return start

    def add_words(self, parts: list[str]) -> None:
        line = _SPACE.sub(" ", "".join(parts)).strip(" ")
        parts.clear()
        if line:
            self.add(line)


def _walk(body: etree._Element, out: _Lines, tables: list[list[list[TableCell]]]) -> None:
    """Write the body in document order: paragraphs (text runs, tabs, breaks) and tables."""
    parts: list[str] = []
    walker = etree.iterwalk(body, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        if event == "end":
            if tag == W + "p":
                out.add_words(parts)
        elif tag == W + "t":
            parts.append(el.text or "")
        elif tag == W + "tab":
            parts.append(" ")
        elif tag in (W + "br", W + "cr"):
            out.add_words(parts)
        elif tag == W + "tbl":
            out.add_words(parts)
            tables.append(_table(el, out))
            walker.skip_subtree()
        elif tag in _SKIP:
            walker.skip_subtree()


def _table(tbl: etree._Element, out: _Lines) -> list[list[TableCell]]:
    """A table one line per row, cells tab-separated; the cells with their spans in the text."""
    rows: list[list[TableCell]] = []
    for tr in tbl.iter(W + "tr"):
        if _enclosing(tr, W + "tbl") is not tbl:
            continue                      # a row of a table nested in a cell: part of that cell
        texts = [_cell_text(tc) for tc in tr.iter(W + "tc")
                 if _enclosing(tc, W + "tr") is tr and not _continues(tc)]
        if not texts:
            continue
        start = out.add("\t".join(texts))
        row = []
        for text in texts:
            row.append(TableCell(text, start, start + len(text)))
            start += len(text) + 1
        rows.append(row)
    return rows


def _enclosing(el: etree._Element, tag: str) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _continues(tc: etree._Element) -> bool:
    """Whether a cell continues a vertical (or legacy horizontal) merge begun above (left)."""
    props = tc.find(W + "tcPr")
    if props is None:
        return False
    for merge in (props.find(W + "vMerge"), props.find(W + "hMerge")):
        if merge is not None and merge.get(W + "val", "continue") != "restart":
            return True
    return False


def _cell_text(tc: etree._Element) -> str:
    """A cell's text on one line: its paragraphs joined by a space, spaces collapsed."""
    parts: list[str] = []
    walker = etree.iterwalk(tc, events=("start", "end"))
    for event, el in walker:
        if event == "end":
            if el.tag == W + "p":
                parts.append(" ")
        elif el.tag == W + "t":
            parts.append(el.text or "")
        elif el.tag in (W + "tab", W + "br", W + "cr"):
            parts.append(" ")
        elif el.tag in _SKIP:
            walker.skip_subtree()
    return _SPACE.sub(" ", "".join(parts).replace("\n", " ")).strip(" ")


def _header(package: zipfile.ZipFile, name: str) -> dict[str, str]:
    """The header a ``.docx`` carries: the title in ``docProps/core.xml``."""
    if "docProps/core.xml" not in package.namelist():
        return {}
    title = parse_part(package, "docProps/core.xml", name).find(_DC_TITLE)
    return title_header(title.text or "" if title is not None else "")


def title_header(title: str) -> dict[str, str]:
    """A document property title as a header, when it names a report (templates leave titles
    such as "Normal" or "Microsoft Word - 1.doc" that must not stand in for a missing one)."""
    text = _SPACE.sub(" ", title).strip()
    return {"title": text} if any(cue in text for cue in ("报告", "年报")) else {}
