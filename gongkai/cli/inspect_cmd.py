"""`gongkai inspect`: what extraction makes of one file, or of a whole corpus (--summary)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from gongkai.cli.errors import user_errors
from indexer.errors import GongkaiError
from indexer.extract.corpus import Skipped, corpus_root, extract_all
from indexer.extract.report import extract_report
from indexer.model.agencies import full_name, group_agencies
from indexer.model.record import Report
from indexer.model.vocabulary import SECTION_LABELS


def region_label(report: Report) -> str:
    r = report.region
    parts = [p for p in (r.province, r.city, r.county) if p]
    label = "/".join(parts) if parts else "—"
    return f"{label} ({r.adcode})" if r.adcode else label


def print_summary_of(report: Report) -> None:
    """The readable one-report view."""
    click.echo(f"report   {report.report_id}  ({report.source})")
    click.echo(f"title    {report.title or '—'}")
    click.echo(f"agency   {report.agency or '—'}")
    if report.agency:
        click.echo(f"         canonical: {full_name(report.agency, vars(report.region))}")
    click.echo(f"year     {report.year if report.year is not None else '—'}")
    if report.published or report.url:
        click.echo(f"published {report.published or '—'}  {report.url or ''}")
    click.echo(f"region   {region_label(report)}")
    if report.region.evidence:
        click.echo(f"         evidence: {report.region.evidence}")
    if len(report.region.candidates) > 1:
        alts = ", ".join(f"{c.get('adcode')} {c.get('name', '')}" for c in report.region.candidates)
        click.echo(f"         candidates: {alts}")
    click.echo(f"sections ({len(report.sections)}):")
    for s in report.sections:
        heading = s.heading.replace("\n", " ")[:60] or "(no heading)"
        click.echo(f"  {s.slug:<10} {SECTION_LABELS.get(s.slug, ''):<6} "
                   f"{s.start:>6}-{s.end:<6} {heading}")
    if report.stats or report.flags:
        click.echo(f"stats    {len(report.stats)} figures")
        for key, fig in report.stats.items():
            click.echo(f"  {key:<28} {fig.value}")
        for flag in report.flags:
            click.echo(f"  ! {flag.message}")


def print_corpus_summary(paths: tuple[str, ...], as_json: bool) -> None:
    """One line per report, then counts of what is missing."""
    rows, skipped = [], []
    missing: Counter[str] = Counter()
    slugs: Counter[str] = Counter()
    stat_keys: Counter[str] = Counter()
    reports = []
    for item in extract_all(paths):
        if isinstance(item, Skipped):
            skipped.append(item)
        else:
            reports.append(item)
    agency_of, agencies = group_agencies((r.report_id, r.agency, r.year, vars(r.region))
                                         for r in reports)
    for r in reports:
        kinds = [s.slug for s in r.sections]
        slugs.update(set(kinds))
        stat_keys.update(key for key, fig in r.stats.items() if fig.value is not None)
        for name, value in (("year", r.year), ("agency", r.agency), ("title", r.title),
                            ("province", r.region.province), ("city", r.region.city)):
            if value in (None, ""):
                missing[name] += 1
        if set(kinds) <= {"preamble", "appendix"}:
            missing["sections"] += 1
        rows.append({"report_id": r.report_id, "source": r.source, "year": r.year,
                     "agency": r.agency, "agency_canonical": agency_of[r.report_id],
                     "region": region_label(r),
                     "sections": [s.slug for s in r.sections], "stats": len(r.stats)})
    summary = {"reports": len(rows), "skipped": [vars(s) for s in skipped],
               "missing": dict(missing), "agencies": len(agencies),
               "agency_merges": {a.name: [n["name"] for n in a.names] for a in agencies.values()
                                 if a.other_names},
               "reports_with_section": dict(slugs),
               "reports_with_figure": dict(sorted(stat_keys.items()))}
    if as_json:
        click.echo(json.dumps({"rows": rows, "summary": summary}, ensure_ascii=False, indent=1))
        return
    print_summary_text(rows, summary, slugs, stat_keys)


def print_summary_text(rows: list[dict], summary: dict, slugs: Counter, stat_keys: Counter) -> None:
    """The readable corpus summary: one line per report (printed → canonical agency), counts."""
    for row in rows:
        outline = " ".join(row["sections"])
        agency = row["agency"] or "—"
        if row["agency_canonical"] not in (None, row["agency"]):
            agency += f" → {row['agency_canonical']}"
        click.echo(f"{row['source']:<34} {row['year'] or '—':<5} {agency[:40]:<22} "
                   f"{row['region'][:30]:<30} {outline}")
    click.echo("")
    click.echo(f"reports: {len(rows)}   skipped: {len(summary['skipped'])}")
    for s in summary["skipped"]:
        click.echo(f"  skipped {s['source']}: {s['reason']}")
    for name in ("year", "agency", "title", "province", "city", "sections"):
        click.echo(f"missing {name:<9} {summary['missing'].get(name, 0)}")
    click.echo(f"agencies: {summary['agencies']} (one across its names)")
    for name, names in summary["agency_merges"].items():
        click.echo(f"  {name} ← {'、'.join(names)}")
    click.echo("reports with section: " + ", ".join(
        f"{slug} {slugs[slug]}" for slug in SECTION_LABELS if slugs[slug]))
    if stat_keys:
        click.echo("reports with figure: " + ", ".join(f"{k} {v}" for k, v in sorted(stat_keys.items())))


@click.command("inspect")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the record (or summary) as JSON.")
@click.option("--summary", is_flag=True, help="Run a whole directory and print extraction quality.")
@click.option("--tables", is_flag=True, help="With --json, include tables read from HTML markup.")
def inspect_cmd(paths: tuple[str, ...], as_json: bool, summary: bool, tables: bool) -> None:
    """Show what extraction makes of report FILE(s), or of a corpus DIR with --summary."""
    with user_errors():
        if summary or any(Path(p).is_dir() for p in paths):
            print_corpus_summary(paths, as_json)
            return
        for path in paths:
            if not Path(path).exists():
                raise GongkaiError(f"{path}: no such file or directory")
            report = extract_report(path, corpus_root(Path(path)))
            if as_json:
                click.echo(json.dumps(report.to_dict(with_tables=tables), ensure_ascii=False,
                                      indent=1))
            else:
                print_summary_of(report)
