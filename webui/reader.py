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
                marks: list[tuple[int, int]]) -> Markup:
    """Escaped `text[start:end]` with `<mark>` around `marks` and anchors around `figures`."""
    figs = _nested([(max(s, start), min(e, end), k) for s, e, k in figures
                    if s < end and e > start])
    marks = [(max(s, start), min(e, end)) for s, e in marks if s < end and e > start]
    cuts = sorted({start, end, *(p for s, e, _ in figs for p in (s, e)),
                   *(p for s, e in marks for p in (s, e))})
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
            out.append(f'<span class="fig" id="fig-{escape(fig[2])}">')
            stack.append(fig)
        piece = str(escape(text[pos:cuts[i + 1]]))
        if any(s <= pos and cuts[i + 1] <= e for s, e in marks):
            piece = f"<mark>{piece}</mark>"
        out.append(piece)
    out.extend("</span>" for _ in stack)
    return Markup("".join(out))


def report_sections(report: Report, marks: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Each section with its anchor id, Chinese label, heading and body HTML."""
    figures = [(f["start"], f["end"], f["key"]) for f in figures_of(report) if f["anchor"]]
    anchors = section_anchors(s.slug for s in report.sections)
    return [{"anchor": anchor, "slug": s.slug, "label": section_label(s.slug),
             "heading": " ".join(s.heading.split()), "page": report.page_at(s.start),
             "html": render_span(report.text, s.start, s.end, figures, marks)}
            for s, anchor in zip(report.sections, anchors)]
