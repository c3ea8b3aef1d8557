"""`/reports/<id>/original`: the report's own file, as the corpus holds it.

The file is found by the library (`Index.original`: the corpus root the indexing run recorded,
the record's source, never a path outside the root). It is sent with its format's Content-Type;
text formats as ``text/plain`` in the charset they decode in (an HTML page too: shown as its
source, never rendered as a page of this site), Word files as downloads. An unknown report, or a
file that is gone, is a 404 page.
"""

from __future__ import annotations

from flask import Blueprint, send_file

from .index import get_index

bp = Blueprint("original", __name__)

# format -> (Content-Type, shown in the browser rather than downloaded)
MEDIA_TYPES: dict[str, tuple[str, bool]] = {
    "pdf": ("application/pdf", True),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
    "doc": ("application/msword", False),
    "wps": ("application/vnd.ms-works", False),
    "txt": ("text/plain", True),
    "html": ("text/plain", True),
}
TEXT_FORMATS = {"txt", "html"}


@bp.route("/reports/<report_id>/original")
def original(report_id: str):
    """The original file of a report; 404 when the report or its file is unknown."""
    path, fmt = get_index().original(report_id)
    mimetype, inline = MEDIA_TYPES.get(fmt, ("application/octet-stream", False))
    response = send_file(path, mimetype=mimetype, as_attachment=not inline,
                         download_name=path.name, max_age=0)
    if fmt in TEXT_FORMATS:   # markup shown as text: nothing in it runs, even if sniffed
        with path.open("rb") as file:
            charset = _charset(file.read(65536))
        response.headers["Content-Type"] = f"{mimetype}; charset={charset}"
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _charset(head: bytes) -> str:
    """utf-8 when the start of the file decodes as UTF-8 (a cut character at the end allowed),
    else gb18030, the encoding of the corpus's legacy files."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:
            return "gb18030"
    return "utf-8"
