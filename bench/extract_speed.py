"""Benchmark: record extraction speed (`indexer.extract.extract_report`), one process.

    .venv/bin/python bench/extract_speed.py                      # corpus/ and 300 synthetic files
    .venv/bin/python bench/extract_speed.py --dump /tmp/after.json
    cmp /tmp/before.json /tmp/after.json                         # records unchanged, byte for byte

Extraction is everything before the index: reading the file, trimming web chrome, metadata,
sections, region and statistics. The figure is reports per second over the real corpus and over
the first files of a synthetic corpus made by bench/run.py (bench/out/corpus-1000, if present),
best of a few rounds after one warm-up round, so process start-up (dictionaries, OpenCC and the
division table) is not counted. `--dump` writes every record, tables included, as sorted JSON,
so a speed-up can be checked not to change any output. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.extract.corpus import is_candidate, iter_files  # noqa: E402
from indexer.errors import ReportReadError  # noqa: E402
from indexer.extract.report import extract_report  # noqa: E402


def report_files(path: Path, limit: int | None = None) -> list[tuple[Path, Path]]:
    """(file, root) of the report files under path, sorted, at most `limit`."""
    files = [(f, r) for f, r in iter_files([path]) if is_candidate(f)]
    return files[:limit] if limit else files


def extract_many(files: list[tuple[Path, Path]]) -> dict[str, object]:
    """Every file's record as plain data (tables included), or the read error, by source."""
    out: dict[str, object] = {}
    for file, root in files:
        key = file.relative_to(root).as_posix()
        try:
            out[key] = extract_report(file, root).to_dict(with_tables=True)
        except ReportReadError as exc:
            out[key] = {"skipped": exc.reason}
    return out


def rate(files: list[tuple[Path, Path]], rounds: int) -> float:
    """Best reports/s of `extract_report` alone over `rounds` passes, after one warm-up pass."""
    extract_many(files)
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for file, root in files:
            extract_report(file, root)
        best = min(best, time.perf_counter() - t0)
    return len(files) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--synthetic", type=Path, default=ROOT / "bench/out/corpus-1000")
    parser.add_argument("--limit", type=int, default=300, help="synthetic files to time")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dump", type=Path, help="write every corpus/ record as JSON here and stop")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    corpus = report_files(ROOT / "corpus")
    if args.dump:
        records = extract_many(corpus)
        if args.synthetic.is_dir():
            records.update({f"synthetic/{k}": v for k, v in
                            extract_many(report_files(args.synthetic, args.limit)).items()})
        args.dump.write_text(json.dumps(records, ensure_ascii=False, sort_keys=True, indent=1))
        print(f"{len(records)} records -> {args.dump}")
        return
    figures = {"corpus": (len(corpus), rate(corpus, args.rounds))}
    if args.synthetic.is_dir():
        synthetic = report_files(args.synthetic, args.limit)
        figures["synthetic"] = (len(synthetic), rate(synthetic, args.rounds))
    for name, (n, per_s) in figures.items():
        print(f"{name:10} {n:5} files  {per_s:7.1f} reports/s  {1000 / per_s:6.2f} ms/report")


if __name__ == "__main__":
    main()
