"""`gongkai index`: build or update the search index (incremental, atomic, one run at a time)."""

from __future__ import annotations

import sys

import click
from tqdm import tqdm

from gongkai.cli.errors import user_errors
from gongkai.cli.options import index_options, location
from indexer.indexing import build_index


@click.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@index_options
@click.option("--full", is_flag=True, help="Rebuild from scratch instead of updating.")
@click.option("--procs", type=click.IntRange(1, 64), default=None,
              help="Worker processes (default: up to 2, one per core).")
@click.option("--silent", is_flag=True, help="No progress bar.")
@click.option("--prune", is_flag=True,
              help="Allow removing more than a quarter of the indexed reports.")
@click.option("--compact", is_flag=True,
              help="Drop the space deleted sections left behind (done by itself past a quarter).")
def command(paths: tuple[str, ...], index_dir: str, backend: str | None, full: bool, procs: int | None,
            silent: bool, prune: bool, compact: bool) -> None:
    """Index the report files under PATHS (default: corpus/).

    Re-running indexes only new or changed files and removes the reports whose files are gone
    from PATHS (reports outside PATHS are kept); a run that would remove more than a quarter of
    the indexed reports stops unless --prune is given. A run that is killed leaves the previous
    index intact and searchable.
    """
    bar = tqdm(total=0, unit="file", desc="indexing", disable=silent or not sys.stderr.isatty())

    def step(source: str) -> None:
        """One more file read: the bar advances and names it."""
        bar.set_postfix_str(source[-40:], refresh=False)
        bar.update(1)

    def on_total(n: int) -> None:
        bar.total = n
        bar.refresh()

    try:
        with user_errors():
            summary = build_index(list(paths) or ["corpus"], location(backend, index_dir),
                                  procs=procs, full=full, prune=prune, compact=compact,
                                  progress=step, on_total=on_total)
    finally:
        bar.close()
    kind = "full build" if summary.full else ("compacting update" if summary.compacted
                                              else "update")
    click.echo(f"{summary.reports} reports, {summary.sections} sections in "
               f"{location(backend, index_dir)} "
               f"({kind}: {summary.added} new or changed, {summary.unchanged} unchanged, "
               f"{summary.removed} removed) in {summary.seconds:.1f} s")
    click.echo(f"skipped {len(summary.skipped)} files" + (":" if summary.skipped else ""))
    for skipped in summary.skipped:
        click.echo(f"  {skipped.source}: {skipped.reason}")
