"""The one search function behind the web page, the JSON API and the CLI.

    index = open_index(index_dir)
    result = index.search(SearchRequest(q="申请", filters={"year": ["2016"]}))

A query matches section documents; a hit is a report, ranked by its best section, carrying the
best passages of its matching sections. Words typed together (one unquoted token such as
江北区教育局) must occur in one section; words separated by spaces (AND) must each occur somewhere
in the report, and `-word` drops every report that contains the word. Facet counts are numbers of distinct matching reports;
the counts of one facet ignore that facet's own filter (so other values can be added: repeated
filters of one facet are OR, different facets AND). The section facet counts reports whose
section of that slug matches.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from heapq import nsmallest
from pathlib import Path
from typing import Any

from indexer.backends.whoosh import engine_old as engine
from indexer.search import query as q
from indexer.errors import GongkaiError, NotFound
from indexer.search.highlight import passages as find_passages
from indexer.indexing.build import current_generation, figures_of, read_manifest
from indexer.text.analysis import index_signature, query_words
from indexer.text.normalize import fold
from indexer.model.record import Report

FACETS = q.FACET_FIELDS
MAX_PER_PAGE = 1000
PASSAGES_PER_REPORT = 3
SECTIONS_PER_REPORT = 3


def report_url(report_id: str, anchor: str | None = None) -> str:
    """The page of a report, or of one of its sections."""
    return f"/reports/{report_id}" + (f"#{anchor}" if anchor else "")


def section_anchors(slugs: Iterable[str]) -> list[str]:
    """Anchors for a report's sections in order: the slug, `slug-2` for a second one, …"""
    seen: Counter[str] = Counter()
    out = []
    for slug in slugs:
        seen[slug] += 1
        out.append(slug if seen[slug] == 1 else f"{slug}-{seen[slug]}")
    return out


@dataclass
class SearchRequest:
    """A query, facet filters (values OR within a facet, AND across), page and sort order."""

    q: str = ""
    filters: dict[str, list[Any]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"

    def validate(self) -> None:
        if not isinstance(self.page, int) or self.page < 1:
            raise GongkaiError("page must be a whole number of 1 or more")
        if not isinstance(self.per_page, int) or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise GongkaiError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if self.sort not in ("relevance", "year"):
            raise GongkaiError("sort must be 'relevance' or 'year'")
        for name in self.filters:
            if name not in FACETS:
                raise GongkaiError(f"unknown filter '{name}' (filters: {', '.join(FACETS)})")


class _Generation:
    """One generation of the index, opened: engine, manifest, per-report facet values."""

    def __init__(self, path: Path):
        self.path = path
        manifest = read_manifest(path)
        if manifest.get("signature") != index_signature():
            raise GongkaiError(f"the index in {path.parent} was built by another version of "
                               "gongkai (or another user dictionary); run `gongkai index --full`")
        self.reports: dict[str, dict[str, Any]] = manifest["reports"]
        self.engine = engine.Engine(path)
        self.values: dict[str, dict[str, Any]] = {}
        for rid, r in self.reports.items():
            self.values[rid] = {"agency": r.get("agency"), "year": r.get("year"),
                                "province": r["region"].get("province"),
                                "city": r["region"].get("city")}
        self.figures_of = {rid: figures_of(r.get("stats") or {}) for rid, r in self.reports.items()}
        self.figures = frozenset(k for figs in self.figures_of.values() for k in figs)
        self.figures |= frozenset(_known_figures())
        self.reports_with: dict[str, dict[Any, set[str]]] = {
            name: {} for name in ("agency", "year", "province", "city")}
        for rid, values in self.values.items():
            for name, value in values.items():
                if value is not None:
                    self.reports_with[name].setdefault(value, set()).add(rid)
        # Facet values per report as plain dicts: counted with `map` at C speed.
        self.value_of: dict[str, dict[str, Any]] = {
            name: {rid: v[name] for rid, v in self.values.items()}
            for name in ("agency", "year", "province", "city")}
        # Position of each report in year order (newest first, then by source).
        by_year = sorted(self.reports, key=lambda rid: (-(self.values[rid]["year"] or 0),
                                                        self.reports[rid].get("source", "")))
        self.year_rank: dict[str, int] = {rid: i for i, rid in enumerate(by_year)}
        self.known: dict[str, set[str]] = {
            name: {v for v in self.reports_with[name] if v} for name in ("agency", "province", "city")}
        self.load_record = lru_cache(maxsize=256)(self._load_record)
        # Close the searcher and the mapped texts when this generation is dropped (or at exit).
        self._finalizer = weakref.finalize(self, self.engine.close)

    def _load_record(self, report_id: str) -> Report:
        path = self.path / "records" / f"{report_id}.json"
        if report_id not in self.reports or not path.is_file():
            raise NotFound(f"no report with id '{report_id}'")
        return Report.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _known_figures() -> list[str]:
    from indexer.extract import figures as stats

    return list(getattr(stats, "FIGURES", ()))


class Index:
    """An open index directory; follows re-indexing runs (CURRENT) without a restart."""

    def __init__(self, index_dir: str | Path):
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._gen: _Generation | None = None
        self._generation()

    def _generation(self) -> _Generation:
        path = current_generation(self.index_dir)
        if path is None:
            raise GongkaiError(f"no index in {self.index_dir}; run `gongkai index` first")
        with self._lock:
            if self._gen is None or self._gen.path != path:
                # The old generation is closed when the last search using it lets go of it.
                self._gen = _Generation(path)
            return self._gen

    def close(self) -> None:
        """Release the open index files."""
        with self._lock:
            if self._gen is not None:
                self._gen._finalizer()
                self._gen = None

    # --- the contract -------------------------------------------------------------------

    def search(self, request: SearchRequest) -> dict[str, Any]:
        """Run a search; the result is exactly what `gongkai search --json` prints."""
        request.validate()
        gen = self._generation()
        tree = q.parse(request.q, gen.figures)
        filters = self._filters(gen, request.filters)
        eng = gen.engine
        docs = eng.live if tree is None else self._match(gen, tree)
        terms = highlight_terms(tree)
        scoring = eng.scoring_query(score_words(tree)) if terms else None

        section_filter = filters.get("section")
        # Work per report, with set operations and `map` over precomputed lookups (C speed),
        # not section by section in Python: a common word matches ~60,000 sections at 10k.
        base, report_ids = eng.key_base, eng.report_ids
        keys = set(map(eng.doc_key.__getitem__, docs))   # matching (report, slug) pairs
        matching = set(map(report_ids.__getitem__, set(map(base.__rfloordiv__, keys))))
        if section_filter is None:
            in_section = matching
        else:
            wanted = {i for i, slug in enumerate(eng.slugs) if slug in section_filter}
            in_section = {report_ids[k // base] for k in keys if k % base in wanted}
        passing = self._passing(gen, in_section, filters)
        hit_set = in_section.intersection(*passing.values())
        facets = self._facets(gen, in_section, self._section_counts(eng, keys, matching, passing),
                              passing)

        total = len(hit_set)
        start = (request.page - 1) * request.per_page
        if request.sort == "year" or scoring is None:
            page_ids = nsmallest(start + request.per_page, hit_set,
                                 key=gen.year_rank.__getitem__)[start:]
        else:
            # Report filters matter to the ranking only when they drop a matching report.
            reports = hit_set if len(hit_set) < len(in_section) else None
            page_ids = self._ranked(gen, scoring, hit_set, docs, reports, section_filter, start,
                                    request.per_page)
        page_docs = {rid: [d for d in eng.report_docs[rid] if d in docs and (
            section_filter is None or eng.doc_section[d] in section_filter)] for rid in page_ids}
        scores = eng.scores(scoring, {d for ds in page_docs.values() for d in ds})
        hits = [self._hit(gen, rid, page_docs[rid], scores, terms) for rid in page_ids]
        return {"query": request.q, "total": total, "page": request.page,
                "per_page": request.per_page, "hits": hits, "facets": facets}

    def get_report(self, report_id: str) -> Report:
        """The full record of a report; raises NotFound."""
        return self._generation().load_record(report_id)

    def reports(self) -> list[dict[str, Any]]:
        """Every indexed report: report_id, source, title, agency, year, region, stats."""
        gen = self._generation()
        keys = ("report_id", "source", "title", "agency", "year", "region", "stats")
        rows = [{k: r.get(k) for k in keys} for r in gen.reports.values()]
        return sorted(rows, key=lambda r: r["source"])

    def facets(self) -> dict[str, list[dict[str, Any]]]:
        """Facet counts over the whole index."""
        gen = self._generation()
        sections = Counter(slug for r in gen.reports.values()
                           for slug in ({s["slug"] for s in r.get("sections", [])} or {"preamble"}))
        return self._facets(gen, set(gen.reports), sections, {})

    # --- helpers --------------------------------------------------------------------------

    def _filters(self, gen: _Generation, raw: dict[str, list[Any]]) -> dict[str, set]:
        out: dict[str, set] = {}
        for name, values in raw.items():
            if values is None or values == []:
                continue
            values = values if isinstance(values, (list, tuple, set)) else [values]
            if name == "year":
                years = set()
                for v in values:
                    years.update(int(y) for y in q.year_values(str(v).strip()))
                out[name] = years
            elif name == "section":
                bad = [v for v in values if v not in q.SECTION_SLUGS]
                if bad:
                    raise GongkaiError(f"unknown section '{bad[0]}' "
                                       f"(sections: {', '.join(q.SECTION_SLUGS)})")
                out[name] = set(values)
            else:
                bad = [v for v in values if v not in gen.known[name]]
                if bad:
                    raise GongkaiError(f"no report has {name} '{bad[0]}'")
                out[name] = set(values)
        return out

    def _match(self, gen: _Generation, node: Any) -> set[int]:
        """The section documents a query tree matches (set algebra over exact matches)."""
        eng = gen.engine
        if isinstance(node, q.Text):
            if node.quoted:
                return eng.substring_docs(node.text)
            result: set[int] | None = None
            for word in _words(node):
                docs = eng.substring_docs(word)
                result = docs if result is None else result & docs
                if not result:
                    break
            return result or set()
        if isinstance(node, q.Not):
            return self._exclude(gen, set(eng.live), node.item)
        if isinstance(node, q.And):
            # Field conditions narrow sections; words and groups must each occur somewhere in
            # the report (not necessarily in one section); `-x` drops reports that contain x.
            scope = set(eng.live)
            for item in node.items:
                if isinstance(item, q.Field):
                    scope &= self._match(gen, item)
            positives = [self._match(gen, i) & scope for i in node.items
                         if not isinstance(i, (q.Field, q.Not))]
            if positives:
                of_report = eng.doc_report.__getitem__
                reports = set.intersection(*(set(map(of_report, docs)) for docs in positives))
                result = set().union(*positives) & eng.docs_of_reports(reports)
            else:
                result = scope
            for item in node.items:
                if isinstance(item, q.Not):
                    result = self._exclude(gen, result, item.item)
            return result
        if isinstance(node, q.Or):
            result = set()
            for item in node.items:
                result |= self._match(gen, item)
            return result
        if node.name == "section":
            return eng.docs_of_sections(node.values)
        if node.name in gen.figures:
            low = -(1 << 62) if node.low is None else node.low
            high = 1 << 62 if node.high is None else node.high
            return eng.docs_of_reports(rid for rid, figs in gen.figures_of.items()
                                       if low <= figs.get(node.name, low - 1) <= high)
        if node.name == "year":
            years = {int(y) for y in node.values}
            return eng.docs_of_reports(rid for rid, v in gen.values.items() if v["year"] in years)
        wanted = set(self._resolve(gen, node))
        return eng.docs_of_reports(rid for rid, v in gen.values.items() if v[node.name] in wanted)

    def _exclude(self, gen: _Generation, docs: set[int], item: Any) -> set[int]:
        """`docs` without what `-item` excludes: sections for `-section:x`, else whole reports."""
        excluded = self._match(gen, item)
        if isinstance(item, q.Field) and item.name == "section":
            return docs - excluded
        eng = gen.engine
        return docs - eng.docs_of_reports(set(map(eng.doc_report.__getitem__, excluded)))

    def _ranked(self, gen: _Generation, scoring: dict[int, float], hit_set: set[str],
                docs: set[int], reports: set[str] | None, section_filter: set[str] | None,
                start: int, per_page: int) -> list[str]:
        """One page of report ids by relevance; reports no scoring term reaches come last.

        `reports`: the reports the filters allow (None: every report with a match in `docs`)."""
        ranked = [rid for rid, _score in gen.engine.top_reports(
            scoring, start + per_page, docs, reports, section_filter)]
        if len(ranked) < start + per_page:
            seen = set(ranked)
            rest = nsmallest(start + per_page - len(ranked) + len(seen & hit_set), hit_set,
                             key=gen.year_rank.__getitem__)
            ranked.extend([rid for rid in rest if rid not in seen][:start + per_page - len(ranked)])
        return ranked[start:start + per_page]

    def _resolve(self, gen: _Generation, node: q.Field) -> list[str]:
        """agency:/province:/city: values — exact, else every known value containing it."""
        wanted = fold(node.raw).strip()
        known = gen.known[node.name]
        exact = [v for v in known if fold(v) == wanted]
        found = exact or sorted(v for v in known if wanted in fold(v))
        if not found:
            raise GongkaiError(f"no report has {node.name} matching '{node.raw}'")
        return found

    def _passing(self, gen: _Generation, in_section: set[str],
                 filters: dict[str, set]) -> dict[str, set[str]]:
        """For each report filter (not `section`): the reports of `in_section` that pass it."""
        return {name: in_section & set().union(*(gen.reports_with[name].get(v, ())
                                                  for v in allowed))
                for name, allowed in filters.items() if name != "section"}

    def _section_counts(self, eng: engine.Engine, keys: set[int], matching: set[str],
                        passing: dict[str, set[str]]) -> Counter:
        """Section facet: per slug, the matching reports (passing the report filters) whose
        section of that slug matches. `keys`: the matching (report, slug) pairs as engine keys."""
        base = eng.key_base
        if passing:
            every = matching.intersection(*passing.values())
            number = eng.report_number
            if len(every) * base < len(keys):
                keys = keys & {number[rid] * base + i for rid in every for i in range(base)}
            else:
                allowed = set(map(number.__getitem__, every))
                keys = {k for k in keys if k // base in allowed}
        counts = Counter(map(base.__rmod__, keys))
        return Counter({eng.slugs[i]: n for i, n in counts.items()})

    def _facets(self, gen: _Generation, in_section: set[str], sections: Counter,
                passing: dict[str, set[str]]) -> dict[str, list]:
        """Counts of matching reports per facet value; a facet ignores its own filter.

        `in_section`: matching reports (with a match in the filtered sections, if any);
        `sections`: the section facet's counts; `passing`: per report filter, the reports of
        `in_section` that pass it."""
        counts: dict[str, Counter] = {"section": sections}
        for name in ("agency", "year", "province", "city"):
            rows = in_section.intersection(*(p for k, p in passing.items() if k != name))
            counts[name] = Counter(map(gen.value_of[name].__getitem__, rows))
            counts[name].pop(None, None)
        out = {}
        for name in FACETS:
            if name == "year":
                items = sorted(counts[name].items(), key=lambda kv: -kv[0])
            else:
                items = sorted(counts[name].items(), key=lambda kv: (-kv[1], str(kv[0])))
            out[name] = [{"value": v, "count": c} for v, c in items]
        return out

    def _hit(self, gen: _Generation, rid: str, docs: list[int], scores: dict[int, float],
             terms: list[str]) -> dict[str, Any]:
        summary = gen.reports[rid]
        region = summary["region"]
        ranked = sorted(docs, key=lambda d: (-scores.get(d, 0.0), d))
        passages = self._passages(gen, rid, ranked, terms) if terms else []
        best = max((scores.get(d, 0.0) for d in docs), default=0.0)
        return {"report_id": rid, "source": summary["source"], "title": summary.get("title"),
                "agency": summary.get("agency"), "year": summary.get("year"),
                "region": {"province": region.get("province"), "city": region.get("city"),
                           "county": region.get("county")},
                "score": round(best, 3), "url": report_url(rid), "passages": passages}

    def _passages(self, gen: _Generation, rid: str, ranked: list[int],
                  terms: list[str]) -> list[dict[str, Any]]:
        """Up to PASSAGES_PER_REPORT passages from the best sections, together showing every
        term the report matched (a common word dropped from scoring still gets its passage)."""
        record = gen.load_record(rid)
        sections = record.sections
        anchors = section_anchors([s.slug for s in sections])
        candidates = []   # (passage, section rank, its JSON)
        covered: set[int] = set()
        full = 0  # passages holding every term: once there are enough, no later one can win
        for rank, docnum in enumerate(ranked):
            if rank >= SECTIONS_PER_REPORT and (len(covered) == len(terms)
                                                or full >= PASSAGES_PER_REPORT):
                break
            ordinal = gen.engine.doc_ordinal[docnum]
            if sections:
                section, anchor = sections[ordinal], anchors[ordinal]
                start, end, slug, heading = section.start, section.end, section.slug, section.heading
            else:
                start, end, slug, heading, anchor = 0, len(record.text), "preamble", "", "preamble"
            for p in find_passages(record.text[start:end], terms, limit=PASSAGES_PER_REPORT):
                full += p.terms >= len(terms)
                covered |= p.found
                candidates.append((p, rank, {"section": slug, "heading": heading,
                                             "url": report_url(rid, anchor), "html": p.html}))
        return [data for _p, _r, data in _cover(candidates, PASSAGES_PER_REPORT)]


def _cover(candidates: list, limit: int) -> list:
    """Pick `limit` passages greedily: most terms not yet shown, then most terms, then rank."""
    chosen, shown = [], set()
    pool = list(enumerate(candidates))
    while pool and len(chosen) < limit:
        best = min(pool, key=lambda item: (-len(item[1][0].found - shown), -item[1][0].terms,
                                           item[1][1], item[0]))
        pool.remove(best)
        chosen.append(best[1])
        shown |= best[1][0].found
    return chosen


def _words(node: q.Text) -> list[str]:
    """The words an unquoted term stands for (each must occur); a quoted term is one string."""
    if node.quoted:
        return [node.text]
    return query_words(node.text) or [node.text]


def highlight_terms(tree: Any) -> list[str]:
    """The folded strings to mark in passages."""
    return list(dict.fromkeys(w for t in q.positive_texts(tree) for w in _words(t)))


def score_words(tree: Any) -> list[str]:
    """The words that rank a match (a quoted phrase ranks by its words)."""
    return [w for t in q.positive_texts(tree) for w in (query_words(t.text) or [t.text])]


def open_index(index_dir: str | Path) -> Index:
    """Open an index directory (once per process); raises GongkaiError if there is none."""
    return Index(index_dir)
