"""Benchmark: PDF libraries for reading reports — seconds per report and text fidelity.

    .venv/bin/python bench/make_formats.py --to pdf --limit 200
    .venv/bin/python bench/pdf_candidates.py --pdfs bench/out/formats/pdf --real tests/fixtures/pdf

Candidates, each reading every page of each PDF: pypdfium2 (`get_text_range`), pdfplumber
(`extract_text`, and `find_tables` on every page), pypdf (`extract_text`), and gongkai's reader
(`indexer.extract.pdf`: pypdfium2 text + pdfplumber's grid functions on pypdfium2's ruling
lines). Fidelity, for PDFs made from corpus reports: difflib's ratio between the Han characters
of the extracted text and of the report's text (`read_document` of the corpus file of the same
stem), and "spaced digits": how often a digit and a Han character are split by a space
("2024 年"), which the text versions never print.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
import pypdf  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402

from indexer.extract.corpus import iter_files  # noqa: E402
from indexer.extract.reading import read_document  # noqa: E402

HAN = re.compile(r"[\u4e00-\u9fff]")
SPACED = re.compile(r"\d [\u4e00-\u9fff]|[\u4e00-\u9fff] \d")


def with_pdfium(path: Path) -> str:
    document = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def with_pdfplumber(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def with_pdfplumber_tables(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(str(t.extract()) for page in pdf.pages for t in page.find_tables())


def with_pypdf(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)


def with_gongkai(path: Path) -> str:
    return read_document(path).text


CANDIDATES = {"pypdfium2 text": with_pdfium, "pdfplumber text": with_pdfplumber,
              "pdfplumber tables": with_pdfplumber_tables, "pypdf text": with_pypdf,
              "gongkai reader": with_gongkai}


def han(text: str) -> str:
    return "".join(HAN.findall(text))


def measure(files: list[Path], truths: dict[str, str]) -> None:
    for name, read in CANDIDATES.items():
        read(files[0])
        seconds, ratios, spaced = 0.0, [], 0
        for file in files:
            started = time.perf_counter()
            text = read(file)
            seconds += time.perf_counter() - started
            spaced += len(SPACED.findall(text))
            if file.stem in truths and "tables" not in name:
                ratios.append(difflib.SequenceMatcher(None, truths[file.stem], han(text),
                                                      autojunk=False).ratio())
        fidelity = f"Han-character ratio {sum(ratios) / len(ratios):.4f}" if ratios else ""
        print(f"  {name:18} {1000 * seconds / len(files):7.1f} ms/report  "
              f"spaced digits {spaced:5}  {fidelity}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pdfs", type=Path, default=ROOT / "bench" / "out" / "formats" / "pdf")
    parser.add_argument("--real", type=Path, default=ROOT / "tests" / "fixtures" / "pdf")
    parser.add_argument("--limit", type=int, default=200)
    args = parser.parse_args()
    sources = {f.stem: f for f, _ in iter_files([ROOT / "corpus"])}
    made = sorted(args.pdfs.glob("*.pdf"))[:args.limit]
    truths = {f.stem: han(read_document(sources[f.stem]).text) for f in made if f.stem in sources}
    for label, files in ((f"{len(made)} PDFs made by LibreOffice from corpus reports", made),
                         ("the real PDFs", sorted(args.real.glob("*.pdf")))):
        if files:
            print(label)
            measure(files, truths)


if __name__ == "__main__":
    main()
