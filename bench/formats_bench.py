"""Benchmark: reports per second extracting the same reports as text, PDF, scanned PDF and DOCX.

    .venv/bin/python bench/make_formats.py --to pdf --limit 200
    .venv/bin/python bench/make_formats.py --to scanned-pdf --limit 200     # optional
    .venv/bin/python bench/make_formats.py --to docx --limit 200            # optional
    .venv/bin/python bench/formats_bench.py --limit 200 --scanned 10

The reports are the first `--limit` corpus reports (bench/make_formats.py names its files by the
report's stem). Each format is extracted in full (`indexer.extract.extract_report`: reading,
metadata, sections, region, figures), one process, after one warm-up file; the figure is reports
per second. Scanned PDFs go through OCR, so only `--scanned` of them are timed. A format whose
reader is not registered (`READERS`) or whose files were not made is reported as skipped.
Nothing here is a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_formats import corpus_reports  # noqa: E402

from indexer.errors import ReportReadError  # noqa: E402
from indexer.extract.reading import READERS  # noqa: E402
from indexer.extract.report import extract_report  # noqa: E402


def rate(files: list[Path], root: Path) -> tuple[float, int, int]:
    """(reports per second, reports read, files skipped) over `files`."""
    if not files:
        return 0.0, 0, 0
    try:
        extract_report(files[0], root)          # warm-up: dictionaries, division tables
    except ReportReadError:
        pass
    read = skipped = 0
    started = time.perf_counter()
    for file in files:
        try:
            extract_report(file, root)
            read += 1
        except ReportReadError:
            skipped += 1
    seconds = time.perf_counter() - started
    return len(files) / seconds, read, skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--formats", type=Path, default=ROOT / "bench" / "out" / "formats")
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--scanned", type=int, default=10)
    args = parser.parse_args()
    sources = corpus_reports([ROOT / "corpus"], args.limit)
    runs = {"txt/html (corpus)": ([*sources], ROOT / "corpus")}
    for kind, suffix, count in (("pdf", ".pdf", args.limit), ("docx", ".docx", args.limit),
                                ("scanned-pdf", ".pdf", args.scanned)):
        folder = args.formats / kind
        files = [folder / f"{s.stem}{suffix}" for s in sources[:count]]
        files = [f for f in files if f.is_file()]
        if suffix not in READERS or not files:
            print(f"{kind:18} skipped ({'no reader' if suffix not in READERS else 'no files'})")
            continue
        runs[kind] = (files, folder)
    baseline = None
    for kind, (files, root) in runs.items():
        per_second, read, skipped = rate(files, root)
        baseline = baseline or per_second
        print(f"{kind:18} {len(files):4} files  {per_second:7.1f} reports/s  "
              f"({per_second / baseline:.2f} of text)  read {read}, skipped {skipped}")


if __name__ == "__main__":
    main()
