"""Finding report files under the paths a user gives, and extracting them all."""

from __future__ import annotations

import os
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
    """(file, corpus root) for every file under `paths`, sorted, as absolute paths; a missing
    path is an error. Hidden entries are left out; links are listed (see `link_problem`)."""
    for raw in paths:
        if not os.path.lexists(raw):
            raise GongkaiError(f"{raw}: no such file or directory")
        path = Path(os.path.abspath(raw))
        root = corpus_root(path)
        if not path.is_dir():
            yield path, root
            continue
        for file in sorted(p for p in path.rglob("*") if p.is_file() or p.is_symlink()):
            if any(part.startswith(".") for part in file.relative_to(path).parts):
                continue
            yield file, root


def corpus_root(path: Path) -> Path:
    """The root sources are named from: the nearest folder at or above `path` named `corpus` or
    holding SOURCES.md; else the given folder, or a given file's folder. Indexing a subfolder or
    one file names its reports as indexing the whole corpus does."""
    path = Path(os.path.abspath(path))
    folder = path.is_dir()
    for candidate in ([path] if folder else []) + list(path.parents):
        if candidate.name == "corpus" or (candidate / "SOURCES.md").is_file():
            return candidate
    return path if folder else path.parent


def is_candidate(path: Path) -> bool:
    """Whether a file has a report suffix (others are listed as skipped, not read)."""
    return path.suffix.lower() in SUFFIXES


OUT_OF_ROOT = "link out of the indexed folder"
BROKEN_LINK = "broken link (its target does not exist)"
LINK_LOOP = "link loop (the link points back to itself)"


def link_problem(path: Path, real_root: Path) -> str | None:
    """Why a link under a corpus root (`real_root`: its real path) is not followed; None for a
    plain file, or a link to a file inside the root."""
    if not path.is_symlink():
        return None
    try:
        target = Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        return BROKEN_LINK
    except OSError as exc:
        return LINK_LOOP if "loop" in str(exc).lower() or exc.errno == 40 else \
            f"could not follow the link ({os_reason(exc)})"
    if target != real_root and real_root not in target.parents:
        return OUT_OF_ROOT
    if target.is_dir():
        return "link to a folder (not followed)"
    return None


def os_reason(exc: OSError) -> str:
    """An OS error as a skip reason reads it."""
    return exc.strerror or type(exc).__name__


def extract_all(paths: Iterable[str | Path]) -> Iterator[Report | Skipped]:
    """Extract every file under `paths`: a Report, or a Skipped with the reason. Links out of
    the folder given are not followed (as an indexing run does not)."""
    for file, root in iter_files(paths):
        source = file.relative_to(root).as_posix()
        problem = link_problem(file, Path(os.path.realpath(root)))
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
