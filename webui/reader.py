"""The report page's body: sections with anchors, figures with anchors, query terms marked.

A section's HTML is built from the original text in one pass over the boundaries of its figure
evidence spans and marked terms: each piece of text is escaped, then wrapped in `<mark>` when it
lies in a marked term, and figure spans open and close as `<span id="fig-KEY">` around it. Marks are
split at figure boundaries so the markup always nests; a figure span that partly overlaps another
is clipped to nest inside it.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from indexer.model.record import Report
from indexer.search.display import Block
from indexer.search.layout import layout
from indexer.search.passages import section_anchors

from .labels import figure_label, section_label


def figures_of(report: Report) -> list[dict[str, Any]]:
    """The figures of `report.stats` with label and evidence span (anchored when the span lies
    in the text)."""
    figures = []
    for key, fig in report.stats.items():
        has_span = 0 <= fig.start < fig.end <= len(report.text)
        figures.append({"key": key, "label": figure_label(key), "value": fig.value,
                        "section": fig.section, "approx": fig.approx,
                        "stated_in_words": fig.stated_in_words,
                        "start": fig.start if has_span else None,
                        "end": fig.end if has_span else None,
                        "anchor": f"fig-{key}" if has_span else None,
                        "page": report.page_at(fig.start) if has_span else None})
    return figures


def _nested(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Figure spans clipped so that each one nests inside or sits apart from the others."""
    accepted: list[tuple[int, int, str]] = []
    stack: list[tuple[int, int, str]] = []
    for start, end, key in sorted(spans, key=lambda s: (s[0], -s[1], s[2])):
        while stack and stack[-1][1] <= start:
            stack.pop()
        if stack and end > stack[-1][1]:
            end = stack[-1][1]
        if end > start:
            accepted.append((start, end, key))
            stack.append((start, end, key))
    return accepted


def render_span(text: str, start: int, end: int, figures: list[tuple[int, int, str]],
                marks: list[tuple[int, int]], seen: set[str] | None = None) -> Markup:
    """Escaped `text[start:end]` with `<mark>` around `marks` and anchors around `figures`.

    A figure or mark cut over several pieces carries its id (`fig-KEY`, `mN`, N counting marks
    from 1) on its first piece only; `seen` holds the ids already given out on the page."""
    seen = set() if seen is None else seen
    figs = _nested([(max(s, start), min(e, end), k) for s, e, k in figures
                    if s < end and e > start])
    clipped = [(max(s, start), min(e, end), n) for n, (s, e) in enumerate(marks, 1)
               if s < end and e > start]
    cuts = sorted({start, end, *(p for s, e, _ in figs for p in (s, e)),
                   *(p for s, e, _n in clipped for p in (s, e))})
    opens: dict[int, list[tuple[int, int, str]]] = {}
    for fig in figs:
        opens.setdefault(fig[0], []).append(fig)
    out: list[str] = []
    stack: list[tuple[int, int, str]] = []
    for i, pos in enumerate(cuts[:-1]):
        while stack and stack[-1][1] <= pos:
            stack.pop()
            out.append("</span>")
        for fig in opens.get(pos, []):
            out.append(_open_figure(fig[2], seen))
            stack.append(fig)
        piece = str(escape(text[pos:cuts[i + 1]]))
        mark = next((n for s, e, n in clipped if s <= pos and cuts[i + 1] <= e), None)
        if mark is not None:
            piece = f"{_open_mark(mark, seen)}{piece}</mark>"
        out.append(piece)
    out.extend("</span>" for _ in stack)
    return Markup("".join(out))


def _id_once(name: str, seen: set[str], again: str) -> str:
    """The attribute naming an element: `id="name"` the first time the page uses the name (ids are
    unique; a figure or mark split over several elements is anchored at its first), `again` after."""
    if name in seen:
        return again
    seen.add(name)
    return f'id="{escape(name)}"'


def _open_figure(key: str, seen: set[str]) -> str:
    again = f'data-fig="{escape(key)}"'
    return f'<span class="fig" {_id_once(f"fig-{key}", seen, again)}>'


def _open_mark(number: int, seen: set[str]) -> str:
    again = f'data-m="{number}"'
    return f'<mark {_id_once(f"m{number}", seen, again)}>'


def render_pieces(text: str, pieces: list[tuple[int, int]], figures: list[tuple[int, int, str]],
                  marks: list[tuple[int, int]], seen: set[str]) -> str:
    """The pieces of a block, each escaped and marked, in order."""
    return "".join(render_span(text, a, b, figures, marks, seen) for a, b in pieces)


def render_block(text: str, block: Block, figures: list[tuple[int, int, str]],
                 marks: list[tuple[int, int]], seen: set[str]) -> str:
    """One laid-out block as HTML: a paragraph, a heading line, a table grid or printed text."""
    def body(pieces: list[tuple[int, int]]) -> str:
        return render_pieces(text, pieces, figures, marks, seen)

    note = f'<p class="grid-note" role="note">{escape(block.note)}</p>' if block.note else ""
    if block.kind == "h":
        return f'<p class="para-heading">{body(block.pieces)}</p>'
    if block.kind == "p":
        return f"<p>{body(block.pieces)}</p>"
    if block.kind == "raw":
        return f'{note}<div class="raw-table">{body(block.pieces)}</div>'
    rows = []
    for row in block.rows:
        cells = []
        scope = "row" if any(not c.header for c in row) else "col"
        for cell in row:
            span = "".join(f' {name}="{n}"' for name, n in (("colspan", cell.colspan),
                                                           ("rowspan", cell.rowspan)) if n > 1)
            if cell.header:
                cells.append(f'<th scope="{scope}"{span}>{body(cell.pieces)}</th>')
            else:
                cells.append(f"<td{span}>{body(cell.pieces)}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'{note}<div class="grid-wrap"><table class="grid">{"".join(rows)}</table></div>'


def report_sections(report: Report, marks: list[tuple[int, int]],
                    raw: bool = False) -> list[dict[str, Any]]:
    """Each section with its anchor id, Chinese label, heading and body HTML: laid out for
    reading (`indexer.search.layout`), or the text exactly as extracted when `raw`."""
    figures = [(f["start"], f["end"], f["key"]) for f in figures_of(report) if f["anchor"]]
    anchors = section_anchors(s.slug for s in report.sections)
    seen: set[str] = set()
    out = []
    for s, anchor in zip(report.sections, anchors):
        if raw:
            html = render_span(report.text, s.start, s.end, figures, marks, seen)
        else:
            html = Markup("".join(render_block(report.text, block, figures, marks, seen)
                                  for block in layout(report.text, s.start, s.end, report.tables)))
        out.append({"anchor": anchor, "slug": s.slug, "label": section_label(s.slug),
                    "heading": " ".join(s.heading.split()), "page": report.page_at(s.start),
                    "html": html})
    return out
