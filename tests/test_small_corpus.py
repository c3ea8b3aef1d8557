"""The small corpus fixture is what tests/fixtures/small_corpus.md says it is."""

from __future__ import annotations

from collections import Counter

from conftest import small_corpus_files
from indexer.model.vocabulary import SECTION_SLUGS


def test_every_file_is_an_unmodified_copy_from_the_corpus(small_corpus_dir, corpus_dir):
    listed = small_corpus_files()
    assert len(listed) == len(set(listed)) == 14
    files = sorted(p.relative_to(small_corpus_dir).as_posix()
                   for p in small_corpus_dir.rglob("*") if p.is_file())
    assert files == sorted(listed)
    for rel in files:
        assert (small_corpus_dir / rel).read_bytes() == (corpus_dir / rel).read_bytes(), rel


def test_it_covers_the_sections_formats_flags_agencies_and_cities(small_index):
    rows = small_index.reports()
    assert len(rows) == small_index.size() == 14
    reports = [small_index.get_report(r.report_id) for r in rows]
    assert {s.slug for r in reports for s in r.sections} == set(SECTION_SLUGS)
    assert any({s.slug for s in r.sections} == set(SECTION_SLUGS) for r in reports)
    sources = {f.source for r in reports for f in r.stats.values()}
    assert {"table", "table-indicator", "html", "prose"} <= sources
    assert any(r.source.endswith(".html") for r in reports)
    assert {r.report_id for r in reports if r.flags} == {"003_2d9d6b829977fe3e", "sanming-2006885"}
    by_agency = Counter(r.agency for r in reports)
    assert by_agency["莆田市林业局"] == by_agency["莆田市审计局"] == 3
    assert len({r.region.city for r in reports}) == 5
