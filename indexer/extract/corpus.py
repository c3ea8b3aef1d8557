"""Finding report files under the paths a user gives, and extracting them all."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from indexer.errors import GongkaiError, ReportReadError
from indexer.extract.reading import SUFFIXES
from indexer.extract.report import extract_report
from indexer.model.record import Report


@dataclass
class Skipped:
    """A file that was not indexed, and why."""

    source: str
    reason: str


def iter_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, Path]]:
    """(file, corpus root) for every file under `paths`, sorted; a missing path is an error."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise GongkaiError(f"{raw}: no such file or directory")
        if path.is_file():
            yield path, corpus_root(path)
            continue
        for file in sorted(p for p in path.rglob("*") if p.is_file() or p.is_symlink()):
            if any(part.startswith(".") for part in file.relative_to(path).parts):
                continue
            yield file, path


def corpus_root(path: Path) -> Path:
    """The corpus root of a single file: the nearest ancestor named `corpus` or holding SOURCES.md."""
    for parent in path.resolve().parents:
        if parent.name == "corpus" or (parent / "SOURCES.md").is_file():
            return parent
    return path.resolve().parent


def is_candidate(path: Path) -> bool:
    """Whether a file has a report suffix (others are listed as skipped, not read)."""
    return path.suffix.lower() in SUFFIXES


def link_problem(file: Path, root: Path) -> str | None:
    """Why a symbolic link under `root` is not read (None for a plain file or a link inside)."""
    if not file.is_symlink():
        return None
    try:
        target = file.resolve(strict=True)
    except (FileNotFoundError, RuntimeError, OSError):
        return "broken link or link loop (not followed)"
    if not target.is_relative_to(root.resolve()):
        return "link out of the indexed folder (not followed)"
    return None


def extract_all(paths: Iterable[str | Path]) -> Iterator[Report | Skipped]:
    """Extract every file under `paths`: a Report, or a Skipped with the reason. Links out of
    the folder given are not followed (as an indexing run does not)."""
    for file, root in iter_files(paths):
        source = file.relative_to(root).as_posix()
        problem = link_problem(file, root)
        if problem:
            yield Skipped(source, problem)
            continue
        if not is_candidate(file):
            yield Skipped(source, f"not a report file type ({file.suffix or 'no suffix'})")
            continue
        try:
            yield extract_report(file, root)
        except ReportReadError as exc:
            yield Skipped(source, exc.reason)
