"""Universities, colleges and hospitals sit where their address says, not where their name points.

An institution's name may hold a place it is not in: 中山大学 is in 广州 (中山 is a person), a
provincial university is in one city of its province, a hospital may carry a district it moved out of.
When the report prints the institution's address ("地址：广州市海珠区…", the contact line), the
places of the address decide; without one, the name is read as any agency's.
"""

from __future__ import annotations

import re

from indexer.extract.regions.places import PlaceMatch, candidates_from, find_places

_INSTITUTION = re.compile(r"(?:大学|学院|学校|医院)$")
# The address up to its first digit (street numbers and postcodes are no places).
_ADDRESS = re.compile(r"(?:通讯地址|联系地址|地址|校址|院址)[：:]\s*(?P<address>[^，,。；;（()）\d\n]{2,30})")


def institution_places(agency: str, body: str) -> tuple[list[PlaceMatch], str] | None:
    """(place matches of the address, a note) for an institution that prints one, else None."""
    if not _INSTITUTION.search(agency):
        return None
    for match in _ADDRESS.finditer(body):
        address = match.group("address")
        matches = find_places(address)
        if candidates_from(matches):
            return matches, f"{agency} at its address {address}"
    return None
