"""Web chrome around crawled report bodies (first version: no trimming)."""


def body_bounds(text: str) -> tuple[int, int]:
    """(start, end) of the report body inside crawled text."""
    return 0, len(text)
