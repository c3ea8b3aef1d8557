"""What the search page shows of query understanding: one-click chips for the agency, region or
year a query names, and did-you-mean links — the library's `chips` and `suggestions` with URLs."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .urls import SearchState


def understanding(result: dict[str, Any], state: SearchState) -> dict[str, list[dict[str, Any]]]:
    """{"chips": [{label, total, url}], "suggestions": [{q, reason, total, url}]}."""
    chips = []
    for chip in result.get("chips", []):
        target = state
        for name, values in chip["filters"].items():
            for value in values:
                if not target.is_selected(name, str(value)):
                    target = target.toggled(name, str(value))
        chips.append({"label": chip["label"], "total": chip["total"], "url": target.url()})
    suggestions = [dict(s, url=replace(state, q=s["q"], page=1).url())
                   for s in result.get("suggestions", [])]
    return {"chips": chips, "suggestions": suggestions}
