"""What a run has to do: the files under the paths, compared with the live generation's.

Sources are paths relative to the corpus root (the nearest folder, the given one included, named
`corpus` or holding SOURCES.md; else the given folder, or a given file's folder), so indexing a
subfolder or one file names its files as indexing the whole corpus does. A report is dropped only
on evidence: its file is gone from a folder this run was given and could read. Reports outside
the given paths, under a folder that could not be read, or of a file that could not be read are
carried over. Every file problem is named (`Skipped`) and the run goes on. Links are followed
only to files inside the corpus root.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.errors import GongkaiError
from indexer.extract.corpus import Skipped, corpus_root, is_candidate, link_problem, os_reason

@dataclass
class Plan:
    """Files to extract, reports to carry over or drop, files skipped before extraction."""

    sha: dict[str, str] = field(default_factory=dict)          # source -> content hash
    todo: list[tuple[str, str, str]] = field(default_factory=list)   # (path, root, source)
    unchanged: dict[str, dict[str, Any]] = field(default_factory=dict)   # source -> old entry
    kept: dict[str, dict[str, Any]] = field(default_factory=dict)   # not looked at: carried over
    stale: list[str] = field(default_factory=list)             # report ids to delete
    removed: int = 0                                           # reports whose file is gone
    skipped: list[Skipped] = field(default_factory=list)


@dataclass
class _Walk:
    """The files found under the paths, and the sources this run can vouch for."""

    found: dict[str, tuple[Path, Path]] = field(default_factory=dict)   # source -> (file, root)
    covered: list[str] = field(default_factory=list)      # "" (all), "dir/" or "dir/file.txt"
    unreadable: list[str] = field(default_factory=list)   # same forms: their reports are kept
    skipped: list[Skipped] = field(default_factory=list)
    sha: dict[str, str] = field(default_factory=dict)


def plan_run(paths: list[str | Path], old_files: dict[str, dict[str, Any]]) -> Plan:
    """Compare the files under `paths` with `old_files` (the live manifest's; {} for a full run)."""
    walk = _Walk()
    for raw in paths:
        _walk_path(Path(raw), walk)
    plan = Plan(sha=walk.sha, skipped=walk.skipped)
    for source, (file, root) in walk.found.items():
        before = old_files.get(source)
        if before and before["sha1"] == plan.sha[source]:
            plan.unchanged[source] = before
            continue
        if before and "report_id" in before:
            plan.stale.append(before["report_id"])
        plan.todo.append((str(file), str(root), source))
    for source, before in old_files.items():
        if source in walk.found:
            continue
        if _under(source, walk.covered) and not _under(source, walk.unreadable):
            if "report_id" in before:
                plan.stale.append(before["report_id"])
                plan.removed += 1
        else:
            plan.kept[source] = before
    return plan


def check_removals(plan: Plan, live_files: dict[str, dict[str, Any]], paths: list[str | Path],
                   prune: bool) -> None:
    """Refuse a run that removes more than a quarter of the indexed reports unless `prune`.

    `live_files` are the live generation's files: a full run removes every report it does not
    find again (`plan.removed` counts the files of an incremental run that are gone)."""
    indexed = sum(1 for entry in live_files.values() if "report_id" in entry)
    found = set(plan.unchanged) | {source for _, _, source in plan.todo} | set(plan.kept)
    gone = sum(1 for source, entry in live_files.items()
               if "report_id" in entry and source not in found)
    if prune or gone * 4 <= indexed:
        return
    names = ", ".join(str(p) for p in paths)
    why = f"{names} holds none of them" if not found else f"their files are not in {names}"
    raise GongkaiError(f"this run would remove {gone} of {indexed} indexed reports ({why}); "
                       "run again with --prune to remove them")


def _walk_path(given: Path, walk: _Walk) -> None:
    """The files under one given path (a folder or a file)."""
    if not os.path.lexists(given):
        raise GongkaiError(f"{given}: no such file or directory")
    absolute = Path(os.path.abspath(given))
    root = corpus_root(absolute)
    prefix = absolute.relative_to(root).as_posix()
    if absolute.is_dir():
        prefix = "" if prefix == "." else prefix + "/"
        walk.covered.append(prefix)
        _walk_folder(absolute, root, Path(os.path.realpath(root)), walk)
    else:
        walk.covered.append(prefix)
        _visit(absolute, root, Path(os.path.realpath(root)), walk)


def _walk_folder(folder: Path, root: Path, real_root: Path, walk: _Walk) -> None:
    """Every entry of a folder, sorted, hidden ones left out; a folder that cannot be read is
    named and its reports kept."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries)
    except OSError as exc:
        source = folder.relative_to(root).as_posix() + "/"
        walk.unreadable.append(source)
        walk.skipped.append(Skipped(source, f"could not read this folder ({os_reason(exc)}); "
                                            "its indexed reports are kept"))
        return
    for name in names:
        if name.startswith("."):
            continue
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            _walk_folder(path, root, real_root, walk)
        else:
            _visit(path, root, real_root, walk)


def _visit(path: Path, root: Path, real_root: Path, walk: _Walk) -> None:
    """One file (or link): skipped with a reason, or found with its content hash."""
    source = path.relative_to(root).as_posix()
    reason = link_problem(path, real_root)
    if reason is None:
        reason = _not_a_file(path)
    if reason is None and not is_candidate(path):
        reason = f"not a report file type ({path.suffix or 'no suffix'})"
    if reason is None and source in walk.found:
        reason = "the same path was given twice"
    if reason is None:
        try:
            walk.sha[source] = _sha1(path)
        except OSError as exc:
            reason = f"could not read ({os_reason(exc)}); its indexed report is kept"
    if reason is not None:
        if source not in walk.found:   # there but not readable: not evidence that it is gone
            walk.unreadable.append(source)
        if reason:
            walk.skipped.append(Skipped(source, reason))
        return
    walk.found[source] = (path, root)


def _not_a_file(path: Path) -> str | None:
    """Why a path is not a regular file ("" for an entry to leave out silently), or None."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"could not read ({os_reason(exc)})"
    if stat.S_ISREG(mode):
        return None
    return "not a regular file" if is_candidate(path) else ""


def _sha1(path: Path) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _under(source: str, prefixes: list[str]) -> bool:
    """Whether `source` is one of `prefixes` ("dir/" ones hold everything under them)."""
    return any(p == "" or source == p or (p.endswith("/") and source.startswith(p))
               for p in prefixes)
