"""Facets and filters over reports: the one place that counts reports per facet value.

Facet counts are numbers of distinct matching reports; the counts of one facet ignore that facet's
own filter (so other values can be added: repeated filters of one facet are OR, different facets
AND). The section facet counts reports whose section of that slug matches. The search page and
the statistics page both count here.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

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


def passing(view: IndexView, reports: set[str], filters: Filters) -> dict[str, set[str]]:
    """For each report filter (not `section`): the reports of `reports` that pass it."""
    return {name: reports & set().union(*(view.reports_with[name].get(v, ()) for v in allowed))
            for name, allowed in filters.items() if name != "section"}


def section_counts(view: IndexView, keys: set[int], matching: set[str],
                   passes: dict[str, set[str]]) -> Counter:
    """Section facet: per slug, the matching reports (passing the report filters) whose section
    of that slug matches. `keys`: the matching (report, slug) pairs as view keys."""
    base = view.key_base
    if passes:
        every = matching.intersection(*passes.values())
        number = view.report_number
        if len(every) * base < len(keys):
            keys = keys & {number[rid] * base + i for rid in every for i in range(base)}
        else:
            allowed = set(map(number.__getitem__, every))
            keys = {k for k in keys if k // base in allowed}
    counts = Counter(map(base.__rmod__, keys))
    return Counter({view.slugs[i]: n for i, n in counts.items()})


def count(view: IndexView, reports: set[str], passes: dict[str, set[str]],
          sections: Counter | None = None) -> dict[str, list[dict[str, Any]]]:
    """Counts of `reports` per facet value; a facet ignores its own filter. `passes`: per report
    filter, the reports of `reports` that pass it; `sections`: the section facet's counts (None:
    the report facets only). Years newest first, other values by count then value."""
    counts: dict[str, Counter] = {} if sections is None else {"section": sections}
    for name in REPORT_FACETS:
        rows = reports.intersection(*(p for k, p in passes.items() if k != name))
        counts[name] = Counter(map(view.value_of[name].__getitem__, rows))
        counts[name].pop(None, None)
    out = {}
    for name in (n for n in FACETS if n in counts):
        if name == "year":
            items = sorted(counts[name].items(), key=lambda kv: -kv[0])
        else:
            items = sorted(counts[name].items(), key=lambda kv: (-kv[1], str(kv[0])))
        out[name] = [{"value": v, "count": c} for v, c in items]
    return out


def overall_sections(view: IndexView) -> Counter:
    """The section facet over the whole index: reports with a section of each slug."""
    return Counter(slug for r in view.summaries.values()
                   for slug in ({s["slug"] for s in r.get("sections", [])} or {"preamble"}))
