"""`gongkai stats`: one row of figures per report, as a table, CSV (for Excel) or JSON."""

from __future__ import annotations

import json

import click

from gongkai.cli.errors import user_errors
from indexer.extract.corpus import Skipped, extract_all
from indexer.model.agencies import group_agencies
from indexer.model.figures_table import (coverage, render_coverage, render_csv, render_table,
                                         stats_row)

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
    reports, skipped = [], []
    with user_errors():
        for item in extract_all(paths or ("corpus",)):
            (skipped if isinstance(item, Skipped) else reports).append(item)
    agency_of, _agencies = group_agencies((r.report_id, r.agency, r.year, vars(r.region))
                                          for r in reports)
    rows = [stats_row(r, agency_of[r.report_id]) for r in reports]
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
