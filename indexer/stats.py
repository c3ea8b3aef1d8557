"""Statistics (first version: none)."""

from __future__ import annotations

from typing import Any


def extract_stats(report) -> dict[str, Any]:
    """The figures a report gives, each with its evidence span."""
    return {}
