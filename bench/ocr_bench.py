"""Benchmark: OCR engines on scanned corpus reports — character accuracy and seconds per page.

    .venv/bin/python bench/make_formats.py --to scanned-pdf --limit 200 --out bench/out/formats
    .venv/bin/python bench/ocr_bench.py --scans bench/out/formats/scanned-pdf --reports 12

For every `--step`-th scanned PDF (made by bench/make_formats.py from the report of the same
stem), each page is rendered as gongkai's PDF reader renders it (`indexer.extract.pdf`:
SCAN_RESOLUTION dpi) and read by each engine: Debian's Tesseract (``tesseract -l chi_sim``, one
thread) and rapidocr-onnxruntime (PaddleOCR's models in ONNX, shipped in the wheel), if
installed. Accuracy is difflib's ratio between the Han characters of the OCR text and of the
report's text (`read_document`), over the whole report; speed is seconds per page, one process.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

from indexer.extract.corpus import iter_files  # noqa: E402
from indexer.extract.ocr import ocr_engine  # noqa: E402
from indexer.extract.pdf import SCAN_RESOLUTION  # noqa: E402
from indexer.extract.reading import read_document  # noqa: E402

HAN = re.compile(r"[\u4e00-\u9fff]")


def han(text: str) -> str:
    return "".join(HAN.findall(text))


def rapid_engine():
    """rapidocr-onnxruntime as a function image -> text, or None when not installed."""
    try:
        import numpy
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        return None
    engine = RapidOCR()

    def read(image) -> str:
        result, _ = engine(numpy.asarray(image.convert("RGB")))
        return "\n".join(item[1] for item in result or [])
    return read


def tesseract_engine():
    engine = ocr_engine()
    if engine is None:
        return None
    return lambda image: "\n".join(line.text for line in engine(image, 1.0))


def pages_of(pdf: Path) -> list:
    document = pdfium.PdfDocument(str(pdf))
    try:
        return [document[i].render(scale=SCAN_RESOLUTION / 72).to_pil()
                for i in range(len(document))]
    finally:
        document.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scans", type=Path, default=ROOT / "bench/out/formats/scanned-pdf")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--reports", type=int, default=12)
    parser.add_argument("--step", type=int, default=16)
    args = parser.parse_args()
    sources = {f.stem: f for f, _ in iter_files([args.corpus]) if f.suffix in (".txt", ".html")}
    scans = sorted(args.scans.glob("*.pdf"))[::args.step][:args.reports]
    engines = {"tesseract": tesseract_engine(), "rapidocr": rapid_engine()}
    totals = {name: [0.0, 0, 0.0] for name, e in engines.items() if e}   # seconds, pages, ratio sum
    for pdf in scans:
        truth = han(read_document(sources[pdf.stem]).text)
        images = pages_of(pdf)
        for name, engine in engines.items():
            if engine is None:
                continue
            started = time.perf_counter()
            text = "\n".join(engine(image) for image in images)
            seconds = time.perf_counter() - started
            totals[name][0] += seconds
            totals[name][1] += len(images)
            ratio = difflib.SequenceMatcher(None, truth, han(text), autojunk=False).ratio()
            totals[name][2] += ratio
            print(f"{pdf.stem:32} {name:10} {len(images)} pages  accuracy {ratio:.3f}  "
                  f"{seconds / len(images):.2f} s/page", flush=True)
    for name, (seconds, pages, ratios) in totals.items():
        print(f"{name}: {len(scans)} reports, {pages} pages, "
              f"mean accuracy {ratios / len(scans):.3f}, {seconds / pages:.2f} s/page "
              f"(cores: {os.cpu_count()})")


if __name__ == "__main__":
    main()
