"""Writing a generation's Whoosh index and bigram lists (one indexing run)."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.writing import NO_MERGE

from indexer.backends.seam import SectionDoc
from indexer.backends.whoosh.common import write_common
from indexer.backends.whoosh.docs import write_docs
from indexer.backends.whoosh.grams import GramWriter
from indexer.backends.whoosh.schema import FIELD, make_schema

SEGMENT_DOCS = 16000  # sections per commit while indexing (see `WhooshWriter.add`)
WORDS = "words"       # the Whoosh index inside the backend's part of a generation


class WhooshWriter:
    """The backend's part of a new generation: a copy of the previous one's (incremental) or an
    empty one (full), then deletions, then additions. Section ids (`sid`) only grow.

    Segments are written as separate files, not one compound file (`compound=False`, passed on
    to the sub-writers of a multi-process writer): Whoosh reads a compound file's parts through
    an in-memory copy, so a reader opening compound segments copied every posting into its heap.

    A commit every `segment_docs` sections: Whoosh sorts a writer's postings in memory up to
    `limitmb` and beyond that spills sorted runs to disk and merges them, in Python, at commit (a
    whole extra pass over every posting; 1k reports fit, 10k do not). Smaller commits keep every
    writer's postings in memory. They leave more segments, which are not merged: a merge is slow
    (one process). (Scores do not depend on segments or merges: the reader takes BM25's average
    length from the stored one-byte lengths of the live sections.)"""

    def __init__(self, part: Path, previous: Path | None, procs: int = 1, limitmb: int = 256,
                 segment_docs: int | None = None, common_postings: int | None = None):
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
        self.segment_docs = segment_docs or SEGMENT_DOCS
        self.common_postings = common_postings   # None: `common.COMMON_POSTINGS`
        self._ix = whoosh_index.open_dir(self.words)
        self._writer: Any = None
        self._in_segment = 0
        self._commits = 0

    def delete_reports(self, report_ids: Iterable[str]) -> None:
        ids = list(report_ids)
        if not ids:
            return
        with self._ix.writer(compound=False) as writer:
            for rid in ids:
                writer.delete_by_term("report_id", rid)

    def add(self, docs: Iterable[SectionDoc]) -> None:
        """Index section documents (committed every `segment_docs`, and by `finish`)."""
        for doc in docs:
            if self._writer is None:
                self._writer = (self._ix.writer(procs=self.procs, multisegment=True,
                                                limitmb=self.limitmb, compound=False)
                                if self.procs > 1 else
                                self._ix.writer(limitmb=self.limitmb, compound=False))
            self._writer.add_document(report_id=doc.report_id, section=doc.slug,
                                      ordinal=doc.ordinal, sid=self.grams.add(doc.text),
                                      words=doc.words)
            self._in_segment += 1
            if self._in_segment >= self.segment_docs:
                self._commit()

    def _commit(self) -> None:
        # The run's first commit: Whoosh's usual policy; later ones leave segments unmerged.
        self._writer.commit() if self._commits == 0 else self._writer.commit(mergetype=NO_MERGE)
        self._writer, self._in_segment = None, 0
        self._commits += 1

    def cancel(self) -> None:
        """Drop what is not committed (the run failed; its generation is never published)."""
        if self._writer is not None:
            self._writer.cancel()
            self._writer = None

    def finish(self) -> int:
        """Commit, write the bigram lists and the common words' postings (`common.py`);
        returns the number of live sections."""
        if self._writer is not None:
            self._commit()
        self.grams.close()
        with whoosh_index.open_dir(self.words).searcher() as searcher:
            write_common(self.part, searcher, FIELD, self.common_postings)
            write_docs(self.part, searcher.reader())
            return searcher.doc_count()
