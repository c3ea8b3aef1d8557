"""Building the index on disk: incremental, atomic, one run at a time.

Layout of an index directory::

    DIR/lock               held (fcntl.flock) by the one run allowed at a time
    DIR/CURRENT            the name of the live generation, swapped with os.replace
    DIR/gen-…/manifest.json   signature, every source file's hash and report id, report summaries
    DIR/gen-…/records/<report_id>.json   the full Report (text, sections, tables, stats)
    DIR/gen-…/whoosh/, texts.bin, grams.bin, grams.idx   the index (see `indexer.engine`)

A run builds a new generation next to the live one: it copies the live Whoosh index, deletes the
reports whose file changed or vanished, extracts and adds only new or changed files (content
hash), links the unchanged records, writes the manifest, and only then points CURRENT at it. A run
killed at any moment leaves CURRENT pointing at the previous, complete generation. A change of
analyzer or user dictionary (`analysis.index_signature`) forces a full rebuild.
"""

from __future__ import annotations

import bisect
import errno
import fcntl
import hashlib
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.backends.whoosh import engine_old as engine
from indexer.text.analysis import index_signature
from indexer.extract.corpus import Skipped, is_candidate, iter_files
from indexer.errors import GongkaiError, ReportReadError
from indexer.extract.report import extract_report
from indexer.text.normalize import normalize
from indexer.model.record import Report
from indexer.extract.figures import figures_in

DEFAULT_INDEX_DIR = "var/index"
KEEP_GENERATIONS = 2  # the live one and the one before (a web worker may still be reading it)


def default_index_dir() -> str:
    """`$GONGKAI_INDEX_DIR`, else var/index."""
    return os.environ.get("GONGKAI_INDEX_DIR") or DEFAULT_INDEX_DIR


@dataclass
class IndexSummary:
    """What an indexing run did."""

    reports: int = 0
    sections: int = 0
    added: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    generation: str = ""
    full: bool = False


def current_generation(index_dir: str | Path) -> Path | None:
    """The live generation directory, or None if there is no index yet."""
    pointer = Path(index_dir) / "CURRENT"
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = Path(index_dir) / name
    return path if name and path.is_dir() else None


def read_manifest(generation: Path) -> dict[str, Any]:
    """The manifest of a generation."""
    return json.loads((generation / "manifest.json").read_text(encoding="utf-8"))


class _Lock:
    """An exclusive, non-blocking lock on DIR/lock for the length of a run."""

    def __init__(self, index_dir: Path):
        self.path = index_dir / "lock"
        self.file = None

    def __enter__(self) -> "_Lock":
        self.file = open(self.path, "w")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            self.file.close()
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise GongkaiError(f"another indexing run is writing to {self.path.parent}; "
                                   "wait for it to finish") from None
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()


def _sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()


@dataclass
class _Extracted:
    """A report prepared in a worker process: the parent only writes and indexes it."""

    source: str
    report_id: str
    record_json: str
    summary: dict[str, Any]
    docs: list[dict[str, Any]]


def _extract(job: tuple[str, str, str]) -> _Extracted | Skipped:
    """Extract, fold and serialise one file (runs in a worker process)."""
    path, root, source = job
    try:
        report = extract_report(path, root)
    except ReportReadError as exc:
        return Skipped(source, exc.reason)
    except Exception as exc:  # a bug on one file must not stop the run: name it and go on
        return Skipped(source, f"extraction failed ({type(exc).__name__}: {exc})")
    record = report.to_dict(with_tables=True)
    summary = {k: v for k, v in record.items() if k not in ("text", "tables")}
    summary["region"] = {k: v for k, v in record["region"].items() if k != "candidates"}
    return _Extracted(report.source, report.report_id, json.dumps(record, ensure_ascii=False),
                      summary, list(section_docs(report)))


def figures_of(stats: dict[str, Any]) -> dict[str, int]:
    """The integer figures of a report's stats (keys starting with "_" are not figures)."""
    out = {}
    for key, fig in figures_in(stats).items():
        value = fig.get("value") if isinstance(fig, dict) else fig
        if isinstance(value, int) and not isinstance(value, bool):
            out[key] = value
    return out


def section_docs(report: Report) -> Iterator[dict[str, Any]]:
    """The Whoosh documents of a report: one per section, from the folded text.

    `text` (kept for exact matching) runs GRAM_EXTENSION characters into the next section, so a
    run copied across a heading still matches; `words` is the section alone.
    """
    text = report.text
    spans = [(s.slug, s.start, s.end) for s in report.sections] or [("preamble", 0, len(text))]
    for i, (slug, start, end) in enumerate(spans):
        tail = min(len(text), end + engine.GRAM_EXTENSION) if i + 1 < len(spans) else end
        folded = normalize(text[start:tail])
        cut = bisect.bisect_left(folded.offsets, end - start, hi=len(folded.text))
        yield {"report_id": report.report_id, "section": slug, "ordinal": i,
               "words": folded.text[:cut], "text": folded.text}


def build_index(paths: list[str | Path], index_dir: str | Path, procs: int | None = None,
                full: bool = False, progress: Callable[[int], Any] | None = None,
                on_total: Callable[[int], Any] | None = None) -> IndexSummary:
    """Index the report files under `paths` into `index_dir` (incrementally unless `full`)."""
    started = time.monotonic()
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    procs = procs or min(2, os.cpu_count() or 1)
    with _Lock(index_dir):
        summary = _run(paths, index_dir, procs, full, progress, on_total)
    summary.seconds = time.monotonic() - started
    return summary


def _run(paths, index_dir: Path, procs: int, full: bool, progress, on_total) -> IndexSummary:
    summary = IndexSummary()
    files: dict[str, tuple[Path, Path, str]] = {}
    for file, root in iter_files(paths):
        source = file.relative_to(root).as_posix()
        if not is_candidate(file):
            summary.skipped.append(Skipped(source, f"not a report file type ({file.suffix or 'no suffix'})"))
            continue
        if source in files:
            summary.skipped.append(Skipped(source, "the same path was given twice"))
            continue
        files[source] = (file, root, _sha1(file))

    prev = current_generation(index_dir)
    old = read_manifest(prev) if prev else None
    if old is None or old.get("signature") != index_signature():
        full = True
    summary.full = full
    old_files: dict[str, dict] = {} if full else old["files"]
    old_reports: dict[str, dict] = {} if full else old["reports"]

    gen = index_dir / f"gen-{_next_number(index_dir):06d}-{time.strftime('%Y%m%d-%H%M%S')}"
    _clean_generations(index_dir, keep={prev.name} if prev else set())
    (gen / "records").mkdir(parents=True)
    whoosh_dir = str(gen / "whoosh")
    if full:
        engine.create(whoosh_dir)
    else:
        shutil.copytree(prev / "whoosh", whoosh_dir)
    grams = engine.GramWriter(gen, None if full else prev)

    new_files: dict[str, dict] = {}
    reports: dict[str, dict] = {}
    todo: list[tuple[str, str, str]] = []
    stale: list[str] = []
    for source, (file, root, sha) in files.items():
        before = old_files.get(source)
        if before and before["sha1"] == sha:
            new_files[source] = before
            if "report_id" in before:
                rid = before["report_id"]
                reports[rid] = old_reports[rid]
                _link(prev / "records" / f"{rid}.json", gen / "records" / f"{rid}.json")
                summary.unchanged += 1
            else:
                summary.skipped.append(Skipped(source, before["skipped"]))
            continue
        if before and "report_id" in before:
            stale.append(before["report_id"])
        todo.append((str(file), str(root), source))
    for source, before in old_files.items():
        if source not in files and "report_id" in before:
            stale.append(before["report_id"])
            summary.removed += 1
    engine.delete_reports(whoosh_dir, stale)

    if on_total:
        on_total(len(todo))
    def docs() -> Iterator[dict[str, Any]]:
        with _pool(procs, len(todo)) as pool:
            for item in (pool.imap(_extract, todo, chunksize=4) if pool else map(_extract, todo)):
                if progress:
                    progress(1)
                sha = files[item.source][2]
                if isinstance(item, Skipped):
                    summary.skipped.append(item)
                    new_files[item.source] = {"sha1": sha, "skipped": item.reason}
                    continue
                if item.report_id in reports:
                    reason = f"duplicate report id {item.report_id} (same file name as another report)"
                    summary.skipped.append(Skipped(item.source, reason))
                    new_files[item.source] = {"sha1": sha, "skipped": reason}
                    continue
                (gen / "records" / f"{item.report_id}.json").write_text(item.record_json,
                                                                         encoding="utf-8")
                reports[item.report_id] = item.summary
                new_files[item.source] = {"sha1": sha, "report_id": item.report_id}
                summary.added += 1
                for doc in item.docs:
                    doc["sid"] = grams.add(doc.pop("text"))
                    yield doc

    engine.add_documents(whoosh_dir, docs(), procs=procs if len(todo) > 50 else 1)
    grams.close()

    manifest = {"signature": index_signature(), "created": time.time(), "files": new_files,
                "reports": reports}
    _write_atomic(gen / "manifest.json", json.dumps(manifest, ensure_ascii=False))
    _write_atomic(index_dir / "CURRENT", gen.name + "\n")
    _clean_generations(index_dir, keep={gen.name} | ({prev.name} if prev else set()))
    summary.reports = len(reports)
    summary.sections = engine.doc_count(whoosh_dir)
    summary.generation = gen.name
    return summary


class _NoPool:
    def __enter__(self):
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _pool(procs: int, jobs: int):
    if procs > 1 and jobs > 20:
        return multiprocessing.get_context("fork").Pool(procs)
    return _NoPool()


def _next_number(index_dir: Path) -> int:
    """One more than the highest generation number in the directory."""
    numbers = [int(p.name.split("-")[1]) for p in index_dir.glob("gen-*")
               if p.name.split("-")[1].isdigit()]
    return max(numbers, default=0) + 1


def _link(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)


def _write_atomic(path: Path, content: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _clean_generations(index_dir: Path, keep: set[str]) -> None:
    """Remove generations other than `keep` (unfinished runs, old indexes)."""
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith("gen-") and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
