"""OCR of scanned PDF pages: Debian's Tesseract with its simplified-Chinese model.

`ocr_engine()` returns a function (page image, points per pixel) -> positioned `Line`s, or None
when no engine is installed. The engine is the ``tesseract`` program (Debian packages
``tesseract-ocr`` and ``tesseract-ocr-chi-sim``: the model ships in the package, nothing is
downloaded at run time), run once per page with the image on standard input and TSV out. Its
words come grouped by block, paragraph and line; a line's words are joined with a space only
between ASCII words (Chinese is written without spaces). Tesseract runs one thread
(``OMP_THREAD_LIMIT=1``): indexing already runs one worker per core.

The choice against rapidocr-onnxruntime (PaddleOCR's models in ONNX) is measured in
``notes/pdf.md`` (character accuracy and seconds per page on scanned corpus reports).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from collections.abc import Callable

from indexer.extract.pdf_page import Line

OCR_MISSING = ("no OCR engine is installed (install the Debian packages tesseract-ocr and "
               "tesseract-ocr-chi-sim)")
LANGUAGE = "chi_sim"
PAGE_SECONDS = 60        # one page never takes this long; a hung engine is not waited for

Engine = Callable[[object, float], list[Line]]


def ocr_engine() -> Engine | None:
    """The installed OCR engine, or None (no tesseract, or no chi_sim model)."""
    program = shutil.which("tesseract")
    if program is None or LANGUAGE not in _languages(program):
        return None
    return lambda image, scale: tesseract_lines(program, image, scale)


def _languages(program: str) -> set[str]:
    try:
        out = subprocess.run([program, "--list-langs"], capture_output=True, text=True,
                             timeout=PAGE_SECONDS, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {name.strip() for name in out.splitlines()[1:]}


def tesseract_lines(program: str, image, scale: float) -> list[Line]:
    """A page image's text lines by Tesseract, boxes in points (`scale` points per pixel)."""
    png = io.BytesIO()
    image.save(png, format="PNG")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    result = subprocess.run([program, "stdin", "stdout", "-l", LANGUAGE, "tsv"],
                            input=png.getvalue(), capture_output=True, timeout=PAGE_SECONDS,
                            env=env, check=False)
    return _tsv_lines(result.stdout.decode("utf-8", errors="replace"), scale)


def _tsv_lines(tsv: str, scale: float) -> list[Line]:
    """Tesseract's TSV words grouped into lines (block, paragraph, line numbers)."""
    groups: dict[tuple[str, str, str], list[tuple[str, float, float, float, float]]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, width, height = (float(v) * scale for v in cols[6:10])
        groups.setdefault((cols[2], cols[3], cols[4]), []).append(
            (cols[11].strip(), left, top, left + width, top + height))
    lines = []
    for words in groups.values():
        text = ""
        for word, *_ in words:
            if text and word[0].isascii() and text[-1].isascii():
                text += " "
            text += word
        lines.append(Line(text, min(w[1] for w in words), max(w[3] for w in words),
                          min(w[2] for w in words), max(w[4] for w in words)))
    lines.sort(key=lambda line: (round(line.top / 3), line.x0))
    return lines
