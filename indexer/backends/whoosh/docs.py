"""The Whoosh documents' own columns — report id, section slug, ordinal and section id (`sid`) of
every document, live or deleted — as arrays, written when a run finishes.

Reading them through Whoosh's column readers costs several microseconds a document in Python:
~6 s of every open at 100,000 reports (800,000 sections). Written once by the run, they load in
milliseconds. A generation without them (written before they existed) is read through Whoosh.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

ARRAYS, NAMES = "docs.npz", "docs.json"


class DocColumns(NamedTuple):
    """Per Whoosh document number: its report (an index into `report_ids`), slug (an index into
    `slugs`), ordinal and section id."""

    report: np.ndarray   # int32
    slug: np.ndarray     # int16
    ordinal: np.ndarray  # int32
    sid: np.ndarray      # int64
    report_ids: list[str]
    slugs: list[str]


def from_whoosh(reader: Any) -> DocColumns:
    """The columns of every document of an open Whoosh reader (the slow way: one Python call
    per document and column)."""
    count = reader.doc_count_all()
    names = ("report_id", "section", "ordinal", "sid")
    rcol, scol, ocol, icol = ((list(reader.column_reader(name)) if count else [])
                              for name in names)
    report_ids, slugs = list(dict.fromkeys(rcol)), list(dict.fromkeys(scol))
    report_of = {rid: i for i, rid in enumerate(report_ids)}
    slug_of = {slug: i for i, slug in enumerate(slugs)}
    return DocColumns(np.fromiter(map(report_of.__getitem__, rcol), dtype=np.int32, count=count),
                      np.fromiter(map(slug_of.__getitem__, scol), dtype=np.int16, count=count),
                      np.asarray(ocol, dtype=np.int32), np.asarray(icol, dtype=np.int64),
                      report_ids, slugs)


def write_docs(part: Path, reader: Any) -> None:
    """Write the columns of a finished Whoosh index into the backend's part."""
    docs = from_whoosh(reader)
    np.savez(part / ARRAYS, report=docs.report, slug=docs.slug, ordinal=docs.ordinal,
             sid=docs.sid)
    (part / NAMES).write_text(json.dumps({"report_ids": docs.report_ids, "slugs": docs.slugs},
                                         ensure_ascii=False), encoding="utf-8")


def read_docs(part: Path, reader: Any) -> DocColumns:
    """The columns written by the run, or read through Whoosh when the run wrote none."""
    if not (part / ARRAYS).is_file() or not (part / NAMES).is_file():
        return from_whoosh(reader)
    names = json.loads((part / NAMES).read_text(encoding="utf-8"))
    with np.load(part / ARRAYS) as arrays:
        docs = DocColumns(arrays["report"], arrays["slug"], arrays["ordinal"], arrays["sid"],
                          names["report_ids"], names["slugs"])
    if len(docs.report) != reader.doc_count_all():   # not this index's: never trust it
        return from_whoosh(reader)
    return docs
