"""A line chart as plain geometry, drawn as SVG by the `_chart.html` template (no JavaScript).

`line_chart` places one line per series on a year axis and a value axis that starts at zero. A
year without a value is a gap: the path lifts the pen (a new `M`) instead of drawing to zero, and
every value is also drawn as a dot, so a year standing alone between gaps is still visible. The
template escapes every label, so agency names are only ever text.
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

MAX_LINES = 8
# Distinguishable on white and in greyscale print; one per line, in legend order.
PALETTE = ("#9b1c1c", "#1f4f8f", "#2e7d32", "#c98b2a", "#6a3d9a", "#00838f", "#5d4037", "#d81b60")

WIDTH, HEIGHT = 720, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44  # plot margins: room for value labels and years


def nice_scale(high: float, ticks: int = 5) -> tuple[float, float]:
    """(top of the axis, step) for values from 0 to `high`: steps of 1, 2 or 5 times a power of ten."""
    # The figures are counts and amounts in 元: an axis finer than one unit would only show noise.
    if high <= 1:
        return 1, 1
    raw = high / ticks
    magnitude = 10 ** max(0, math.floor(math.log10(raw)))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return step * math.ceil(high / step), step


def number_label(value: float) -> str:
    """`1200` for whole numbers, else up to two decimals (`0.5`)."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def line_chart(series: Sequence[tuple[str, Mapping[int, float | None]]], *, title: str,
               y_label: str, x_label: str = "年度") -> dict[str, Any]:
    """Geometry for one line per `(name, {year: value})`; None values and missing years are gaps."""
    series = list(series)[:MAX_LINES]
    points = [(year, v) for _, values in series for year, v in values.items() if v is not None]
    years = [y for y, _ in points]
    low_year, high_year = (min(years), max(years)) if years else (0, 0)
    top, step = nice_scale(max((v for _, v in points), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(year: int) -> float:
        if high_year == low_year:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (year - low_year) / (high_year - low_year)

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - value / top)

    lines = []
    for i, (name, values) in enumerate(series):
        dots, commands, previous = [], [], None
        for year in sorted(y for y, v in values.items() if v is not None):
            x, y = round(x_of(year), 1), round(y_of(values[year]), 1)
            # Lift the pen over a missing year: a gap, never a drop to zero.
            commands.append(f"{'L' if previous == year - 1 else 'M'}{x} {y}")
            dots.append({"x": x, "y": y, "year": year, "value": number_label(values[year])})
            previous = year
        lines.append({"name": name, "color": PALETTE[i % len(PALETTE)], "d": " ".join(commands),
                      "points": dots})
    x_ticks = [{"x": round(x_of(y), 1), "label": str(y)} for y in range(low_year, high_year + 1)] if years else []
    count = int(round(top / step))
    y_ticks = [{"y": round(y_of(i * step), 1), "label": number_label(i * step)} for i in range(count + 1)]
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP,
            "bottom": HEIGHT - BOTTOM, "title": title, "x_label": x_label, "y_label": y_label,
            "lines": lines, "x_ticks": x_ticks, "y_ticks": y_ticks,
            # Many years on a narrow axis: label every other one so the labels do not overlap.
            "x_label_every": 1 if len(x_ticks) <= 12 else 2}
