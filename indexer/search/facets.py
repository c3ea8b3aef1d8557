"""Facets and filters over reports: the one place that counts reports per facet value.

Facet counts are numbers of distinct matching reports; the counts of one facet ignore that facet's
own filter (so other values can be added: repeated filters of one facet are OR, different facets
AND). The section facet counts reports whose section of that slug matches. The search page and
the statistics page both count here.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

from indexer.backends import HEAD_SLUG
from indexer.errors import GongkaiError
from indexer.model.vocabulary import FACET_LABELS, FACETS, REPORT_FACETS, SECTION_SLUGS
from indexer.search.query import year_values
from indexer.search.view import IndexView

Filters = dict[str, set]


def read_filters(view: IndexView, raw: dict[str, Any], strict: bool = True) -> Filters:
    """Facet filters as sets of values; years as ints (2016-2019 is a range). `strict`: a value
    no report has is an error (a search); otherwise it simply matches nothing (a table)."""
    out: Filters = {}
    for name, values in raw.items():
        if values is None or values == []:
            continue
        values = values if isinstance(values, (list, tuple, set)) else [values]
        if name == "year":
            out[name] = {int(y) for v in values for y in year_values(str(v).strip())}
        elif name == "section":
            bad = [v for v in values if v not in SECTION_SLUGS]
            if bad:
                raise GongkaiError(f"未知章节 '{bad[0]}'（章节：{', '.join(SECTION_SLUGS)}）",
                                   code="unknown_section")
            out[name] = set(values)
        elif name == "agency":
            out[name] = _agencies(view, values, strict)
        else:
            bad = [v for v in values if v not in view.known[name]]
            if bad and strict:
                raise _unknown_value(name, bad[0])
            out[name] = set(values)
    return out


def _unknown_value(name: str, value: Any) -> GongkaiError:
    """The error for a filter value no report has."""
    return GongkaiError(f"没有{FACET_LABELS[name]}为「{value}」的报告。", code="unknown_value")


def _agencies(view: IndexView, values: Any, strict: bool) -> set[str]:
    """Agency filter values as canonical agencies: any name an agency appeared under selects it."""
    out: set[str] = set()
    for value in values:
        found = view.agencies_named(str(value))
        if not found and strict:
            raise _unknown_value("agency", value)
        out |= found or {value}
    return out


def passing(view: IndexView, reports: np.ndarray, filters: Filters) -> dict[str, np.ndarray]:
    """For each report filter (not `section`): the reports of `reports` (a mask) that pass it."""
    return {name: reports & view.reports_with(name, allowed)
            for name, allowed in filters.items() if name != "section"}


def every(reports: np.ndarray, passes: dict[str, np.ndarray]) -> np.ndarray:
    """The reports of `reports` passing every filter."""
    out = reports
    for passed in passes.values():
        out = out & passed
    return out


def section_counts(view: IndexView, docs: np.ndarray, allowed: np.ndarray) -> Counter:
    """Section facet: per slug, the `allowed` reports (matching, passing the report filters)
    whose section of that slug is in `docs`."""
    pairs = np.zeros(len(view.pair_slug), dtype=bool)
    pairs[view.doc_pair[docs]] = True
    pairs &= allowed[view.pair_report]
    counts = np.bincount(view.pair_slug[pairs], minlength=len(view.slugs))
    return Counter({view.slugs[i]: int(n) for i, n in enumerate(counts.tolist()) if n})


def count(view: IndexView, reports: np.ndarray, passes: dict[str, np.ndarray],
          sections: Counter | None = None) -> dict[str, list[dict[str, Any]]]:
    """Counts of `reports` (a mask) per facet value; a facet ignores its own filter. `passes`:
    per report filter, the reports of `reports` that pass it; `sections`: the section facet's
    counts (None: the report facets only). Years newest first, other values by count then
    value."""
    counts: dict[str, Counter] = {} if sections is None else {"section": sections}
    for name in REPORT_FACETS:
        rows = every(reports, {k: p for k, p in passes.items() if k != name})
        codes = view.codes[name][rows]
        found = np.bincount(codes[codes >= 0], minlength=len(view.values[name]))
        values, present = view.values[name], np.flatnonzero(found)
        counts[name] = Counter(dict(zip([values[i] for i in present.tolist()],
                                        found[present].tolist())))
    out = {}
    for name in (n for n in FACETS if n in counts):
        if name == "year":
            items = sorted(counts[name].items(), key=lambda kv: -kv[0])
        else:
            items = sorted(counts[name].items(), key=lambda kv: (-kv[1], str(kv[0])))
        out[name] = [{"value": v, "count": c} for v, c in items]
    return out


def overall_sections(view: IndexView) -> Counter:
    """The section facet over the whole index: reports with a section of each slug (the
    indexed sections: a report without sections has one, `preamble`)."""
    sections = section_counts(view, view.live, np.ones(len(view.columns), dtype=bool))
    sections.pop(HEAD_SLUG, None)
    return sections
