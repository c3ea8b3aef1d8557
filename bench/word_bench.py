"""Benchmark: Word reports against the same reports as text; the .docx reader against python-docx.

    .venv/bin/python bench/make_word.py --bench 50    # bench/out/word/{txt,docx,doc}/ (soffice)
    .venv/bin/python bench/word_bench.py              # reports/s per format, one process
    .venv/bin/python bench/word_bench.py --readers    # .docx body + tables: lxml vs python-docx
    .venv/bin/python bench/word_bench.py --agreement  # records of .docx/.doc vs the originals

Reports/s is `extract_report` (reading through statistics) over the same N reports as ``.txt``,
``.docx`` and ``.doc``, best of a few rounds after a warm-up (the ``.doc`` round runs each file
through LibreOffice, or antiword when LibreOffice is missing). `--readers` times reading the
``.docx`` files alone into text and cells, by `indexer.extract.word` (lxml over the XML) and by
python-docx (its object model over the same XML, merged cells skipped the same way), and checks
that both give the same text. `--agreement` counts the reports whose Word record has the text
record's agency, year, section slugs and figures. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.extract.report import extract_report  # noqa: E402
from indexer.extract.word import read_docx_file  # noqa: E402

WORD = ROOT / "bench/out/word"
_SPACE = re.compile(r"[ \t\u00a0\u3000]+")


def best_rate(files: list[Path], work, rounds: int) -> float:
    """Best files/s of `work(file)` over `rounds` passes, after one warm-up pass."""
    for f in files:
        work(f)
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for f in files:
            work(f)
        best = min(best, time.perf_counter() - t0)
    return len(files) / best


def python_docx_text(path: Path) -> str:
    """Body text and table rows as `word` writes them, read through python-docx's objects."""
    import docx
    from docx.table import Table, _Cell

    document = docx.Document(io.BytesIO(path.read_bytes()))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = [_Cell(tc, block).text for tc in row._tr.tc_lst if tc.vMerge != "continue"]
                lines.append("\t".join(_SPACE.sub(" ", c.replace("\n", " ")).strip(" ")
                                       for c in cells))
        else:
            lines.extend(_SPACE.sub(" ", part).strip(" ") for part in block.text.split("\n"))
    return "\n".join(line for line in lines if line)


def agreement(fmt: str) -> None:
    """How many `fmt` records agree with the same report's text record, field by field."""
    counts = dict.fromkeys(("agency", "year", "sections", "figures"), 0)
    files = sorted((WORD / fmt).glob("*"))
    for f in files:
        word, text = extract_report(f), extract_report(next((WORD / "txt").glob(f.stem + ".*")))
        counts["agency"] += word.agency == text.agency
        counts["year"] += word.year == text.year
        counts["sections"] += [s.slug for s in word.sections] == [s.slug for s in text.sections]
        counts["figures"] += ({k: v.value for k, v in word.stats.items()}
                              == {k: v.value for k, v in text.stats.items()})
    print(f"{fmt:5} {len(files):4} files  " + "  ".join(f"{k} {v}" for k, v in counts.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--readers", action="store_true", help="lxml walk vs python-docx")
    parser.add_argument("--agreement", action="store_true", help="Word records vs text records")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if args.agreement:
        for fmt in ("docx", "doc"):
            agreement(fmt)
        return
    if args.readers:
        files = sorted((WORD / "docx").glob("*.docx"))
        same = sum(read_docx_file(f.read_bytes(), f, f.name).text == python_docx_text(f)
                   for f in files)
        for name, work in (("lxml walk", lambda f: read_docx_file(f.read_bytes(), f, f.name)),
                           ("python-docx", python_docx_text)):
            per_s = best_rate(files, work, args.rounds)
            print(f"{name:12} {len(files):4} files  {per_s:8.1f} files/s  "
                  f"{1000 / per_s:6.2f} ms/file")
        print(f"same text from both: {same}/{len(files)}")
        return
    for fmt in ("txt", "docx", "doc"):
        files = sorted((WORD / fmt).glob("*"))
        rounds = 1 if fmt == "doc" else args.rounds
        per_s = best_rate(files, lambda f: extract_report(f), rounds)
        print(f"{fmt:5} {len(files):4} files  {per_s:8.1f} reports/s  "
              f"{1000 / per_s:7.2f} ms/report")


if __name__ == "__main__":
    main()
