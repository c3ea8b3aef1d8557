"""`gongkai search`: the search the web page runs, as JSON or as a readable list."""

from __future__ import annotations

import html
import json
import re
import sys

import click

from gongkai.cli.errors import user_errors
from gongkai.cli.options import index_options, location
from indexer.search import MAX_PER_PAGE, SearchRequest, open_index

_MARK = re.compile(r"</?mark>")


def plain(passage_html: str, tty: bool) -> str:
    """A passage for a terminal: marks in bold (or 【】 off a terminal), entities decoded."""
    on, off = ("\x1b[1m", "\x1b[0m") if tty else ("【", "】")
    return html.unescape(_MARK.sub(lambda m: off if m.group().startswith("</") else on,
                                   passage_html))


def print_result(result: dict, tty: bool) -> None:
    """The readable list: title, agency, year, passages."""
    total, page, per_page = result["total"], result["page"], result["per_page"]
    first = (page - 1) * per_page
    click.echo(f"{total} reports" + (f" (showing {first + 1}-{first + len(result['hits'])})"
                                     if result["hits"] else ""))
    for n, hit in enumerate(result["hits"], first + 1):
        click.echo("")
        click.echo(f"{n}. {hit['title'] or hit['source']}")
        click.echo(f"   {hit['agency'] or '—'} · {hit['year'] or '—'} · {hit['source']}"
                   f" · score {hit['score']}")
        for p in hit["passages"]:
            click.echo(f"   [{p['section']}] {plain(p['html'], tty)}")
    facets = result["facets"]
    for name in ("year", "section"):
        if facets[name]:
            click.echo(f"\n{name}: " + ", ".join(f"{f['value']} ({f['count']})"
                                                 for f in facets[name][:12]))


@click.command("search")
@click.argument("query", default="")
@index_options
@click.option("--agency", multiple=True, help="Only this agency (repeat for any of several).")
@click.option("--year", multiple=True, help="Only this year, or range 2016-2019 (repeatable).")
@click.option("--section", multiple=True, help="Only matches in this section (repeatable).")
@click.option("--province", multiple=True, help="Only this province (repeatable).")
@click.option("--city", multiple=True, help="Only this city (repeatable).")
@click.option("--page", type=int, default=1, show_default=True)
@click.option("--per-page", type=int, default=10, show_default=True,
              help=f"Hits per page (1-{MAX_PER_PAGE}).")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest", "year"]),
              default="relevance", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def command(query: str, index_dir: str, backend: str | None, agency: tuple[str, ...], year: tuple[str, ...],
            section: tuple[str, ...], province: tuple[str, ...], city: tuple[str, ...],
            page: int, per_page: int, sort: str, as_json: bool) -> None:
    """Search the index for QUERY (words ANDed; OR, -word, "phrase", field:value)."""
    filters = {name: list(values) for name, values in (
        ("agency", agency), ("year", year), ("section", section), ("province", province),
        ("city", city)) if values}
    with user_errors(as_json):
        index = open_index(location(backend, index_dir))
        try:
            result = index.search(SearchRequest(q=query, filters=filters, page=page,
                                                per_page=per_page, sort=sort))
        finally:
            index.close()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print_result(result, sys.stdout.isatty())
