"""Make report files in the formats users have (PDF, scanned PDF, DOCX, DOC) from corpus reports.

    .venv/bin/python bench/make_formats.py --to pdf --limit 200 --out bench/out/formats
    .venv/bin/python bench/make_formats.py --to scanned-pdf --limit 20 --out bench/out/formats
    .venv/bin/python bench/make_formats.py --to docx corpus/education/000_34846fc542f213aa.txt --out /tmp/x

Each report's body (as gongkai reads it: `indexer.extract.reading.read_document`, so a crawled
page's header is left out and an HTML page becomes its text) is written as a UTF-8 text file and
converted by LibreOffice (`soffice --headless --convert-to`; Debian: libreoffice-writer-nogui and
fonts-noto-cjk for the Chinese glyphs). A scanned PDF is the PDF's pages rendered to images
(pypdfium2, `--dpi`, grey) saved as an image-only PDF (Pillow): no text layer, as a scanner makes.
Output files keep the report's file stem, so `<stem>.pdf` is the same report as `<stem>.txt`.
Prints the files made and the seconds taken. Not a test; tests call `convert` directly.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.extract.corpus import is_candidate, iter_files  # noqa: E402
from indexer.extract.reading import read_document  # noqa: E402

TARGETS = ("pdf", "docx", "doc", "scanned-pdf")
TEXT_FILTER = "Text (encoded):UTF8,LF,,,"


def soffice() -> str | None:
    """The LibreOffice program, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(sources: list[Path], to: str, out: Path, dpi: int = 150) -> list[Path]:
    """Convert report files to `to` (pdf, docx, doc, scanned-pdf) in folder `out`; returns the
    files made, in the order of `sources`."""
    program = soffice()
    if program is None:
        raise SystemExit("LibreOffice is not installed (apt-get install libreoffice-writer-nogui "
                         "fonts-noto-cjk)")
    out.mkdir(parents=True, exist_ok=True)
    office_to = "pdf" if to == "scanned-pdf" else to
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        texts = []
        for source in sources:
            text = work / f"{source.stem}.txt"
            text.write_text(read_document(source).text, encoding="utf-8")
            texts.append(text)
        subprocess.run([program, "--headless", f"-env:UserInstallation=file://{work}/profile",
                        f"--infilter={TEXT_FILTER}", "--convert-to", office_to,
                        "--outdir", str(work / "made"), *map(str, texts)],
                       check=True, capture_output=True, timeout=60 + 10 * len(texts))
        made = []
        for text in texts:
            result = work / "made" / f"{text.stem}.{office_to}"
            target = out / f"{text.stem}.{office_to}"
            if to == "scanned-pdf":
                scan(result, target, dpi)
            else:
                shutil.copyfile(result, target)
            made.append(target)
    return made


def scan(pdf: Path, target: Path, dpi: int) -> None:
    """An image-only copy of a PDF: each page rendered in grey at `dpi`, saved as a PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        images = [document[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                  for i in range(len(document))]
    finally:
        document.close()
    images[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=images[1:])


def corpus_reports(paths: list[Path], limit: int) -> list[Path]:
    """The first `limit` report files under the paths (sorted), .txt and .html."""
    files = sorted(f for f, _ in iter_files(paths) if is_candidate(f) and f.suffix != ".pdf")
    return files[:limit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "corpus"])
    parser.add_argument("--to", choices=TARGETS, required=True)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "formats")
    parser.add_argument("--dpi", type=int, default=150, help="scanned-pdf: image resolution")
    args = parser.parse_args()
    sources = corpus_reports(args.paths, args.limit)
    started = time.monotonic()
    made = convert(sources, args.to, args.out / args.to, args.dpi)
    print(f"{len(made)} {args.to} files in {args.out / args.to} "
          f"({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
