"""Legacy Word ``.doc`` and WPS ``.wps`` reports (OLE compound files) -> Document.

Reading one:

1. The bytes must be an OLE compound file (``D0CF11E0A1B11AE1``); a ``.docx`` package under the
   old name (sites often serve one so) is read as one. The compound file (olefile) must hold a
   ``WordDocument`` stream, the Word 97-2003 binary format that WPS Office also writes in its
   ``.wps`` files; an ``EncryptedPackage`` stream (a password-protected ``.docx``) or the
   encryption bit of the Word file header is refused as password-protected before any program
   sees the file.
2. A helper program turns it into something readable, in a temporary directory, killed (with
   its children) after `limits.CONVERT_SECONDS`:

   * LibreOffice (``soffice --headless --convert-to docx``) when it is installed: the ``.docx``
     it writes is read by `word`, so tables keep their rows, cells and merged cells and the
     record is the one of the same report saved as ``.docx``. A LibreOffice profile takes ~1 s
     to make and cannot be used by two conversions at once: conversions take a numbered profile
     under ``$TMPDIR/gongkai-soffice-<uid>/`` with an exclusive lock (the first free one), so
     parallel workers never share one, the profiles are reused across runs, and there are never
     more of them than conversions ever ran at once.
   * else antiword: text only. It drops the cells of complex tables and wraps long lines, so
     sections and figures stated in prose are read, table figures mostly not; the title comes
     from the file's summary information (olefile).

LibreOffice and antiword are GPL programs; gongkai (MIT) only runs them as separate processes
and links to neither. They are Debian packages (``make word-deps``), not Python dependencies.
"""

from __future__ import annotations

import fcntl
import io
import itertools
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import olefile

from indexer.errors import ReportReadError
from indexer.extract.document import Document
from indexer.extract.limits import CONVERT_SECONDS
from indexer.extract.word import (OLE_MAGIC, PASSWORD, ZIP_MAGIC, docx_document, open_package,
                                  title_header)

_FIB_ENCRYPTED = 0x0100        # fEncrypted, in the flags at offset 0x0A of the Word file header


def read_doc_file(data: bytes, path: Path, name: str) -> Document:
    """A ``.doc`` or ``.wps`` file's bytes as a Document (format from the suffix)."""
    if data.startswith(ZIP_MAGIC):
        return docx_document(open_package(data, name), path, name, "docx")
    return read_ole_word(data, path, name)


def read_ole_word(data: bytes, path: Path, name: str) -> Document:
    """An OLE Word file as a Document, through LibreOffice when installed, else antiword."""
    check_ole_word(data, name)
    fmt = "wps" if path.suffix.lower() == ".wps" else "doc"
    try:
        if shutil.which("soffice"):
            return docx_document(open_package(convert_with_libreoffice(data, name), name),
                                 path, name, fmt)
        if shutil.which("antiword"):
            doc = text_with_antiword(data, path, name, fmt)
            doc.header = title_header(ole_title(data))
            return doc
    except OSError as exc:          # no temporary folder, disk full, the program unrunnable
        raise ReportReadError(name, f"cannot convert the Word file here "
                                    f"({exc.strerror or exc})") from None
    raise ReportReadError(name, "cannot read Word 97-2003 files here: install LibreOffice "
                                "(libreoffice-writer-nogui) or antiword")


def check_ole_word(data: bytes, name: str) -> None:
    """Raise ReportReadError unless `data` is an unencrypted Word 97-2003 compound file."""
    if not data.strip():
        raise ReportReadError(name, "empty file")
    if not data.startswith(OLE_MAGIC):
        raise ReportReadError(name, "not a Word 97-2003 file (no OLE signature "
                                    f"D0CF11E0A1B11AE1; {_what_it_is(data)})")
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            encrypted = ole.exists("EncryptedPackage")
            streams = ["/".join(s) for s in ole.listdir()]
            header = ole.openstream("WordDocument").read(12) if "WordDocument" in streams else b""
    except Exception as exc:  # olefile raises many types (OSError, struct.error…) on bad input
        raise ReportReadError(name, f"corrupt Word file (OLE structure: {exc})") from None
    if encrypted:
        raise ReportReadError(name, PASSWORD)
    if "WordDocument" not in streams:
        raise ReportReadError(name, "OLE file without a WordDocument stream (not a Word "
                                    f"document; streams: {', '.join(streams[:5]) or 'none'})")
    if len(header) < 12 or header[:2] != b"\xec\xa5":
        raise ReportReadError(name, "corrupt Word file (bad WordDocument header)")
    if int.from_bytes(header[10:12], "little") & _FIB_ENCRYPTED:
        raise ReportReadError(name, PASSWORD)


def _what_it_is(data: bytes) -> str:
    """What a file named .doc that is not one looks like (sites save RTF, web pages and web
    archives under that name)."""
    head = data.lstrip()[:200].lower()
    if head.startswith(b"{\\rtf"):
        return "it is RTF"
    if b"mime-version" in head:
        return "it is a web archive (MHT)"
    if head.startswith(b"<"):
        return "it is HTML or XML"
    return f"the file starts with {data[:8]!r}"


def ole_title(data: bytes) -> str:
    """The title in an OLE file's summary information (LibreOffice keeps it in the ``.docx``
    it makes; antiword does not read it), decoded by the code page the file names."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            meta = ole.get_metadata()
        codepage = (meta.codepage or 1252) & 0xFFFF
        raw = meta.title or b""
        return raw.decode("utf-16-le" if codepage == 1200 else f"cp{codepage}")
    except Exception:  # olefile on bad input, an unknown code page: no title, not an error
        return ""


def convert_with_libreoffice(data: bytes, name: str) -> bytes:
    """The ``.docx`` LibreOffice makes of a Word 97-2003 file."""
    with tempfile.TemporaryDirectory(prefix="gongkai-word-") as tmp, _profile(tmp) as profile:
        source = Path(tmp, "report.doc")
        source.write_bytes(data)
        run_converter(["soffice", f"-env:UserInstallation={profile.as_uri()}",
                       "--headless", "--norestore", "--convert-to", "docx:MS Word 2007 XML",
                       "--outdir", tmp, str(source)], tmp, name, "LibreOffice")
        made = Path(tmp, "report.docx")
        if not made.is_file():
            raise ReportReadError(name, "LibreOffice could not convert the Word file "
                                        "(corrupt or not a text document)")
        return made.read_bytes()


def text_with_antiword(data: bytes, path: Path, name: str, fmt: str) -> Document:
    """The text antiword reads from a Word 97-2003 file, one line per output line (no tables)."""
    with tempfile.TemporaryDirectory(prefix="gongkai-word-") as tmp:
        source = Path(tmp, "report.doc")
        source.write_bytes(data)
        out = run_converter(["antiword", "-m", "UTF-8.txt", "-w", "0", str(source)], tmp, name,
                            "antiword")
    text = out.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return Document(path=path, text="\n".join(line for line in lines if line), kind="word",
                    format=fmt)


def run_converter(command: list[str], cwd: str, name: str, program: str) -> bytes:
    """Run a converter in `cwd` and return its output; it and its children are killed when it
    outlasts CONVERT_SECONDS or when the worker's own time budget interrupts the wait."""
    with subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, start_new_session=True,
                          env={**os.environ, "HOME": cwd}) as proc:
        try:
            out, err = proc.communicate(timeout=CONVERT_SECONDS)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise ReportReadError(name, f"{program} took longer than {CONVERT_SECONDS:g} s "
                                        "to read the Word file") from None
        except BaseException:
            _kill(proc)
            raise
    if proc.returncode != 0:
        detail = err.decode("utf-8", errors="replace").strip().splitlines()
        raise ReportReadError(name, f"{program} could not read the Word file "
                                    f"({detail[-1] if detail else f'exit {proc.returncode}'})")
    return out


def _kill(proc: subprocess.Popen) -> None:
    """Kill a converter's whole process group (LibreOffice runs soffice.bin as a child)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


@contextmanager
def _profile(tmp: str) -> Iterator[Path]:
    """A LibreOffice profile directory no other conversion uses while this one runs: the first
    free numbered one under $TMPDIR/gongkai-soffice-<uid>/, or one inside `tmp` when that
    folder is not ours alone."""
    base = Path(tempfile.gettempdir(), f"gongkai-soffice-{os.getuid()}")
    base.mkdir(mode=0o700, exist_ok=True)
    info = base.lstat()
    if not base.is_dir() or base.is_symlink() or info.st_uid != os.getuid() or info.st_mode & 0o077:
        yield Path(tmp, "profile")
        return
    for slot in itertools.count():
        with open(base / f"{slot}.lock", "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            yield base / f"profile-{slot}"
            return
