"""The report columns of a generation on disk (`indexer.model.columns.ReportColumns`), written
once when a run publishes and read when a reader opens, instead of rebuilt from every summary::

    columns/strings.json   ids, source, title, agency, province, city, county, figure_keys
    columns/year.npy       int32 per report
    columns/figures.npy    int64 [figure, report] (NO_FIGURE when absent), mapped read-only
    columns/sketch.npy     uint32 [report, SKETCH_SIZE], mapped read-only
    columns/sketch_size.npy  int8 per report
    columns/representative.npy  int64 per report: the report it is another version of, or -1

Built from the summaries one at a time (`report_columns`), so an indexing run at 100k reports never
holds every summary at once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from indexer.model.columns import ReportColumns, report_columns
from indexer.text.near_duplicates import representatives

STRINGS = ("ids", "source", "title", "agency", "province", "city", "county")


def build_columns(ids: Sequence[str], summaries: Mapping[str, Mapping[str, Any]]) -> ReportColumns:
    """`report_columns(ids, summaries)` with the near-duplicate groups."""
    columns = report_columns(ids, summaries)
    return ReportColumns(**{**columns._asdict(), "representative": representatives(
        columns.edition_keys(), columns.source, columns.sketch, columns.sketch_size)})


def write_columns(path: Path, columns: ReportColumns) -> None:
    """The columns as files under `path` (a new folder)."""
    path.mkdir()
    keys = sorted(columns.figures)
    strings = {name: getattr(columns, name) for name in STRINGS}
    (path / "strings.json").write_text(json.dumps({**strings, "figure_keys": keys},
                                                  ensure_ascii=False), encoding="utf-8")
    figures = (np.stack([columns.figures[k] for k in keys]) if keys
               else np.zeros((0, len(columns)), dtype=np.int64))
    for name, array in (("year", columns.year), ("figures", figures),
                        ("sketch", columns.sketch), ("sketch_size", columns.sketch_size),
                        ("representative", columns.representative)):
        if array is not None:
            np.save(path / f"{name}.npy", np.ascontiguousarray(array))


def read_columns(path: Path) -> ReportColumns:
    """The columns written by `write_columns`; the large arrays are mapped, not read."""
    strings = json.loads((path / "strings.json").read_text(encoding="utf-8"))
    figures = _mapped(path / "figures.npy")
    keys = strings.pop("figure_keys")
    return ReportColumns(
        **{name: strings[name] for name in STRINGS}, year=np.load(path / "year.npy"),
        figures={key: figures[i] for i, key in enumerate(keys)},
        sketch=_mapped(path / "sketch.npy"),
        sketch_size=np.load(path / "sketch_size.npy"),
        representative=(np.load(path / "representative.npy")
                        if (path / "representative.npy").exists() else None))


def _mapped(path: Path) -> np.ndarray:
    """A .npy file mapped read-only (an empty array cannot be mapped: read)."""
    try:
        return np.load(path, mmap_mode="r")
    except ValueError:
        return np.load(path)
