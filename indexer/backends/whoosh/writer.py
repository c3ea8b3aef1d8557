"""Writing a generation's Whoosh index and bigram lists (one indexing run)."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from itertools import islice
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import NO_MERGE

from indexer.backends import SectionDoc
from indexer.backends.whoosh.grams import GramWriter
from indexer.backends.whoosh.schema import make_schema

SEGMENT_DOCS = 16000  # sections per commit while indexing (see `WhooshWriter.add_sections`)
WORDS = "words"       # the Whoosh index inside the backend's part of a generation


class WhooshWriter:
    """The backend's part of a new generation: a copy of the previous one's (incremental) or an
    empty one (full), then deletions, then additions. Section ids (`sid`) only grow."""

    def __init__(self, part: Path, previous: Path | None, procs: int = 1, limitmb: int = 256):
        self.part = part
        part.mkdir(parents=True)
        self.words = str(part / WORDS)
        if previous is None:
            Path(self.words).mkdir()
            whoosh_index.create_in(self.words, make_schema())
        else:
            shutil.copytree(previous / WORDS, self.words)
        self.grams = GramWriter(part, previous)
        self.procs, self.limitmb = procs, limitmb

    def delete_reports(self, report_ids: Iterable[str]) -> None:
        ids = list(report_ids)
        if not ids:
            return
        with whoosh_index.open_dir(self.words).writer() as writer:
            for rid in ids:
                writer.delete_by_term("report_id", rid)

    def add_sections(self, docs: Iterable[SectionDoc], segment_docs: int = SEGMENT_DOCS) -> int:
        """Index section documents; returns how many were added.

        A commit every `segment_docs` documents: Whoosh sorts a writer's postings in memory up to
        `limitmb` and beyond that spills sorted runs to disk and merges them, in Python, at
        commit (a whole extra pass over every posting; 1k reports fit, 10k do not). Smaller
        commits keep every writer's postings in memory. They leave more segments, which are not
        merged: a merge is slow (one process) and recounts field lengths from their one-byte
        encodings, which would shift BM25's average length and so every score."""
        ix = whoosh_index.open_dir(self.words)
        stream = iter(docs)
        n = 0
        for first in stream:
            writer = (ix.writer(procs=self.procs, multisegment=True, limitmb=self.limitmb)
                      if self.procs > 1 else ix.writer(limitmb=self.limitmb))
            try:
                for doc in (first, *islice(stream, segment_docs - 1)):
                    writer.add_document(report_id=doc.report_id, section=doc.slug,
                                        ordinal=doc.ordinal, sid=self.grams.add(doc.text),
                                        words=doc.words)
                    n += 1
            except BaseException:
                writer.cancel()
                raise
            # The run's first commit: Whoosh's usual policy; later ones leave segments unmerged.
            writer.commit() if n <= segment_docs else writer.commit(mergetype=NO_MERGE)
        return n

    def finish(self) -> int:
        self.grams.close()
        with whoosh_index.open_dir(self.words).searcher() as searcher:
            return searcher.doc_count()
