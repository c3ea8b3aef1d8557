"""Per-report values as columns: what search counts, filters and sorts on for every report, held
as one array or list per value rather than one dict per report.

At 100,000 reports a dict per summary (sections, figures with their evidence, flags) costs
gigabytes of Python objects; the columns cost tens of megabytes and count at C speed. They are
built from the summaries (`report_columns`) when an indexing run publishes (and kept on disk) or
when a cluster's listing is read; the full summary of one report stays available on demand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

NO_FIGURE = np.iinfo(np.int64).min   # a report that gives no integer value for a figure
NO_YEAR = 0                          # a report whose year is not known
SKETCH_SIZE = 32                     # values of a near-duplicate sketch (`indexer.text.sketch`)


class ReportColumns(NamedTuple):
    """Every report of an open generation, position i in each column being report i of `ids`."""

    ids: list[str]
    source: list[str]
    title: list[str | None]
    agency: list[str | None]            # as printed (the canonical agency is derived on reading)
    year: np.ndarray                    # int32, NO_YEAR when unknown
    province: list[str | None]
    city: list[str | None]
    county: list[str | None]
    figures: dict[str, np.ndarray]      # figure key -> int64 per report, NO_FIGURE when absent
    sketch: np.ndarray                  # uint32 [reports, SKETCH_SIZE], the first sketch_size used
    sketch_size: np.ndarray             # int8: how many values the report's sketch has (0: none)
    # int64: the report each report is another version of, -1 if none (`indexer.text.
    # near_duplicates`); computed when a run publishes, None where it was not (search computes it)
    representative: np.ndarray | None = None

    def __len__(self) -> int:   # type: ignore[override]
        return len(self.ids)

    def region(self, i: int) -> dict[str, str | None]:
        """The region of report i as search shows it."""
        return {"province": self.province[i], "city": self.city[i], "county": self.county[i]}

    def edition_keys(self) -> list[tuple[str, int] | None]:
        """Each report's (printed agency, year), None without either: near-duplicates are
        looked for among the reports of one key."""
        year = self.year.tolist()
        return [(agency, year[i]) if agency and year[i] else None
                for i, agency in enumerate(self.agency)]

    def sketch_of(self, i: int) -> list[int]:
        """Report i's near-duplicate sketch as `indexer.text.sketch` made it ([] when none)."""
        return self.sketch[i, :self.sketch_size[i]].tolist()


def integer_figures(stats: Mapping[str, Any]) -> dict[str, int]:
    """The integer figures of a report's stats (what figure filters compare)."""
    out = {}
    for key, fig in stats.items():
        value = fig.get("value") if isinstance(fig, Mapping) else None
        if isinstance(value, int) and not isinstance(value, bool):
            out[key] = value
    return out


def report_columns(ids: Sequence[str], summaries: Mapping[str, Mapping[str, Any]]) -> ReportColumns:
    """The columns of the reports `ids` (in that order) from their summaries, each read once and
    let go (a mapping that parses a summary when asked never holds them all at once)."""
    n = len(ids)
    strings: dict[str, list[Any]] = {name: [] for name in
                                     ("source", "title", "agency", "province", "city", "county")}
    year = np.full(n, NO_YEAR, dtype=np.int32)
    figures: dict[str, np.ndarray] = {}
    sketch = np.zeros((n, SKETCH_SIZE), dtype=np.uint32)
    sketch_size = np.zeros(n, dtype=np.int8)
    for i, report_id in enumerate(ids):
        row = summaries[report_id]
        region = row.get("region") or {}
        strings["source"].append(row.get("source") or "")
        for name in ("title", "agency"):
            strings[name].append(row.get(name))
        for name in ("province", "city", "county"):
            strings[name].append(region.get(name))
        year[i] = row.get("year") or NO_YEAR
        for key, value in integer_figures(row.get("stats") or {}).items():
            column = figures.get(key)
            if column is None:
                column = figures[key] = np.full(n, NO_FIGURE, dtype=np.int64)
            column[i] = value
        values = (row.get("sketch") or ())[:SKETCH_SIZE]
        sketch[i, :len(values)] = values
        sketch_size[i] = len(values)
    return ReportColumns(ids=list(ids), **strings, year=year, figures=figures, sketch=sketch,
                         sketch_size=sketch_size)
