"""Figures stated in prose (reports before 2019), read only inside the section they belong to."""

from __future__ import annotations

import re
from typing import Any

from .record import Report
from .stats_numbers import find_counts

PROSE_RULES: list[tuple[str, tuple[str, ...], str]] = []


def prose_figures(report: Report) -> dict[str, Any]:
    """Figures found in the prose of the report's sections (none until sections are split)."""
    return {}
