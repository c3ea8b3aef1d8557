"""Title, agency, year (first version: header only)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Metadata:
    title: str | None
    agency: str | None
    year: int | None
    published: str | None
    url: str | None


def extract_metadata(text: str, header: dict[str, str]) -> Metadata:
    """Metadata of a report body and its crawl header."""
    published = (header.get("published") or "")[:10] or None
    return Metadata(header.get("title"), header.get("publisher"), None, published,
                    header.get("url") or None)
