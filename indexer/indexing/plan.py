"""What a run has to do: the files under the paths, compared with the live generation's."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.extract.corpus import Skipped, is_candidate, iter_files


@dataclass
class Plan:
    """Files to extract, reports to carry over or drop, files skipped before extraction."""

    sha: dict[str, str] = field(default_factory=dict)          # source -> content hash
    todo: list[tuple[str, str, str]] = field(default_factory=list)   # (path, root, source)
    unchanged: dict[str, dict[str, Any]] = field(default_factory=dict)   # source -> old entry
    stale: list[str] = field(default_factory=list)             # report ids to delete
    removed: int = 0                                           # reports whose file is gone
    skipped: list[Skipped] = field(default_factory=list)


def plan_run(paths: list[str | Path], old_files: dict[str, dict[str, Any]]) -> Plan:
    """Compare the files under `paths` with `old_files` (the live manifest's; {} for a full run)."""
    plan = Plan()
    found: dict[str, tuple[Path, Path]] = {}
    for file, root in iter_files(paths):
        source = file.relative_to(root).as_posix()
        if not is_candidate(file):
            plan.skipped.append(Skipped(source, f"not a report file type ({file.suffix or 'no suffix'})"))
        elif source in found:
            plan.skipped.append(Skipped(source, "the same path was given twice"))
        else:
            found[source] = (file, root)
            plan.sha[source] = hashlib.sha1(file.read_bytes()).hexdigest()
    for source, (file, root) in found.items():
        before = old_files.get(source)
        if before and before["sha1"] == plan.sha[source]:
            plan.unchanged[source] = before
            continue
        if before and "report_id" in before:
            plan.stale.append(before["report_id"])
        plan.todo.append((str(file), str(root), source))
    for source, before in old_files.items():
        if source not in found and "report_id" in before:
            plan.stale.append(before["report_id"])
            plan.removed += 1
    return plan
