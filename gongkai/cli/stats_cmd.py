"""`gongkai stats`: one row of figures per report, as a table, CSV (for Excel) or JSON."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections import Counter
from typing import Any

import click

from indexer.extract.corpus import Skipped, extract_all
from indexer.errors import GongkaiError
from indexer.model.record import Report
from indexer.extract.figures import FIGURES, MAIN_FIGURES, figures_in

COLUMNS = ["report_id", "agency", "year", "province", "city", *MAIN_FIGURES, "flags"]


def stats_row(report: Report) -> dict[str, Any]:
    """One report as a flat row: identity, region, the main figures (None when not given)."""
    row: dict[str, Any] = {"report_id": report.report_id, "agency": report.agency,
                           "year": report.year, "province": report.region.province,
                           "city": report.region.city}
    for key in MAIN_FIGURES:
        fig = report.stats.get(key)
        row[key] = fig["value"] if fig else None
    row["flags"] = ";".join(f["rule"] for f in report.stats.get("_flags", []))
    return row


def coverage(reports: list[Report]) -> dict[str, int]:
    """How many reports give each figure."""
    counts: Counter[str] = Counter()
    for report in reports:
        counts.update(figures_in(report.stats).keys())
    return {key: counts[key] for key in FIGURES}


def render_csv(rows: list[dict[str, Any]]) -> str:
    """CSV with a UTF-8 BOM so Excel opens the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()


def render_table(rows: list[dict[str, Any]]) -> str:
    """A plain-text table with short column names."""
    lines = ["\t".join(COLUMNS)]
    for row in rows:
        lines.append("\t".join("" if row[c] is None else str(row[c]) for c in COLUMNS))
    return "\n".join(lines)


def render_coverage(counts: dict[str, int], total: int) -> str:
    """Per-figure coverage, one line per figure."""
    lines = [f"coverage over {total} reports:"]
    lines += [f"  {key:<32} {n:>4}  {FIGURES[key]}" for key, n in counts.items()]
    return "\n".join(lines)


@click.command("stats")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a UTF-8 BOM (opens in Excel).")
@click.option("--json", "as_json", is_flag=True, help="JSON: rows, coverage and skipped files.")
@click.option("--coverage", "show_coverage", is_flag=True,
              help="Print the per-figure coverage on stdout instead of the rows.")
def command(paths: tuple[str, ...], as_csv: bool, as_json: bool, show_coverage: bool) -> None:
    """Figures of every report under PATHS (default corpus/): one row per report."""
    if as_csv and as_json:
        raise click.UsageError("choose one of --csv and --json")
    try:
        reports, skipped = [], []
        for item in extract_all(paths or ("corpus",)):
            (skipped if isinstance(item, Skipped) else reports).append(item)
    except GongkaiError as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
    rows = [stats_row(r) for r in reports]
    counts = coverage(reports)
    if as_json:
        click.echo(json.dumps({"rows": rows, "coverage": counts, "reports": len(reports),
                               "skipped": [vars(s) for s in skipped]},
                              ensure_ascii=False, indent=1))
        return
    if show_coverage:
        click.echo(render_coverage(counts, len(reports)))
        return
    if as_csv:
        click.echo(render_csv(rows).encode("utf-8"), nl=False)  # bytes: UTF-8 whatever the locale
    else:
        click.echo(render_table(rows))
    for s in skipped:
        click.echo(f"skipped {s.source}: {s.reason}", err=True)
    click.echo(render_coverage(counts, len(reports)), err=True)
