"""Region resolution (first version: unresolved)."""

from __future__ import annotations

from .record import Region


def resolve_region(agency: str | None, text: str, header: dict[str, str]) -> Region:
    """The agency's region from GB/T 2260 codes and evidence in the text."""
    return Region()
