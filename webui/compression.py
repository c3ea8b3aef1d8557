"""gzip for the HTML, JSON and CSV answers when the client accepts it (`Accept-Encoding: gzip`).

A finished body of at least `MIN_BYTES` is compressed at once (level 6); a streamed body (the
exports of `webui.export`) is compressed chunk by chunk as it goes out, so it stays streamed.
`Vary: Accept-Encoding` goes on every compressible answer, so a cache keeps both forms apart.
"""

from __future__ import annotations

import gzip
import zlib
from typing import Iterable, Iterator

from flask import Flask, Response, request

TYPES = ("text/html", "application/json", "text/csv")
MIN_BYTES = 500
LEVEL = 6


def _accepts_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


def _gzip_stream(chunks: Iterable[bytes | str]) -> Iterator[bytes]:
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, 31)   # wbits 31: the gzip container
    for chunk in chunks:
        data = packer.compress(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        if data:
            yield data
    yield packer.flush()


def compress(response: Response) -> Response:
    """The response gzipped when it is compressible and the client takes gzip."""
    if response.mimetype not in TYPES or response.status_code < 200 or response.status_code in (204, 304):
        return response
    response.vary.add("Accept-Encoding")
    if "Content-Encoding" in response.headers or not _accepts_gzip() or request.method == "HEAD":
        return response
    if response.is_streamed:
        response.response = _gzip_stream(response.response)
        response.headers.pop("Content-Length", None)
    else:
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        response.set_data(gzip.compress(body, LEVEL))
    response.headers["Content-Encoding"] = "gzip"
    return response


def register(app: Flask) -> None:
    app.after_request(compress)
