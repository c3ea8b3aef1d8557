"""Relevance measurement: known-item queries (MRR, top-1) and topic queries (nDCG@10).

    PYTHONPATH=. .venv/bin/python bench/relevance.py run --index-dir /tmp/rel-index
    PYTHONPATH=. .venv/bin/python bench/relevance.py generate --index-dir /tmp/rel-index

The evaluation set is bench/relevance_set/:

* `known_items.json` — generated from the corpus records by `generate` (then kept as a file, so
  a change of code is measured on the same queries): per report, "<agency> <year>年", the agency's
  short form with the year ("莆田民族与宗教事务局 2024"), the report's own title, and for one
  report in four its most distinctive sentence reduced to its three rarest words; and the
  agency with the year written 2019, 2019年度 or 二〇一九年 (`year_forms`). Each query lists
  the reports that count as the right answer (the report, and reports with the same agency and
  year — republished copies — or the same title, or holding the same rare words).
* `topics.json` — hand-written topic queries, each with graded judgement rules over the records
  (grade 2 / 1 / 0: agency, year, province, figures, words in the text or in one section).

The index is built from corpus/ into --index-dir when that directory holds none. Run the script
with PYTHONPATH pointing at the code to measure (main's or a branch's). Nothing here is a test;
tests/test_relevance.py asserts the floors.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from indexer.model.agencies import aliases
from indexer.search import SearchRequest, open_index
from indexer.text.normalize import fold

ROOT = Path(__file__).resolve().parent.parent
SET_DIR = ROOT / "bench" / "relevance_set"
_CJK = re.compile(r"[\u4e00-\u9fff]+")
DEPTH = 20   # a known item below this rank counts as not found (reciprocal rank 0)


def open_or_build(index_dir: Path):
    if not (index_dir / "CURRENT").exists():
        from indexer.indexing import build_index
        build_index([ROOT / "corpus"], index_dir)
    return open_index(index_dir)


# --- generation of the known items ---------------------------------------------------------------

def short_agency(agency: str, city: str | None) -> str | None:
    """莆田市民族与宗教事务局 -> 莆田民族与宗教事务局: the city written without 市."""
    if city and city.endswith("市") and agency.startswith(city) and len(agency) > len(city) + 1:
        return city[:-1] + agency[len(city):]
    return None


def year_form(year: int, n: int) -> str:
    """The year written one of three ways, by n: 2019, 2019年度, 二〇一九年."""
    chinese = "".join("〇一二三四五六七八九"[int(d)] for d in str(year)) + "年"
    return (str(year), f"{year}年度", chinese)[n % 3]


def generate(index) -> list[dict[str, Any]]:
    from indexer.text.analysis import query_words

    reports = index.reports()
    by_agency_year: dict[tuple, set[str]] = {}
    by_title: dict[str, set[str]] = {}
    for r in reports:
        by_agency_year.setdefault((r.agency, r.year), set()).add(r.report_id)
        by_title.setdefault(fold(r.title or ""), set()).add(r.report_id)
    texts = {r.report_id: fold(index.get_report(r.report_id).text) for r in reports}
    words = {rid: {w for w in query_words(t) if len(w) >= 2 and _CJK.fullmatch(w)}
             for rid, t in texts.items()}
    df = Counter(w for ws in words.values() for w in ws)
    # Key terms a person might remember: Chinese words in two to five reports (a word in one
    # report only is mostly a name or a crawl artefact).
    words = {rid: {w for w in ws if 2 <= df[w] <= 5} for rid, ws in words.items()}
    items: list[dict[str, Any]] = []
    for n, r in enumerate(reports):
        same = sorted(by_agency_year[(r.agency, r.year)])
        base = {"target": r.report_id, "source": r.source}
        items.append({**base, "kind": "agency_year", "q": f"{r.agency} {r.year}年", "relevant": same})
        items.append({**base, "kind": "year_forms", "q": f"{r.agency} {year_form(r.year, n)}",
                      "relevant": same})
        short = short_agency(r.agency, r.region.city)
        if short:
            items.append({**base, "kind": "short_year", "q": f"{short} {r.year}", "relevant": same})
        if r.title:
            items.append({**base, "kind": "title", "q": r.title,
                          "relevant": sorted(by_title[fold(r.title)] | {r.report_id})})
        if n % 4 == 0:
            rare = sorted(words[r.report_id], key=lambda w: (df[w], w))[:3]
            holders = sorted(rid for rid, t in texts.items() if all(w in t for w in rare))
            if rare and len(holders) <= 3:
                items.append({**base, "kind": "sentence", "q": " ".join(rare), "relevant": holders})
    return items


# --- judging and metrics ---------------------------------------------------------------------------

def _section_text(record, slug: str) -> str:
    return fold(" ".join(record.text[s.start:s.end] for s in record.sections if s.slug == slug))


def _names(record) -> set[str]:
    """The names the record's agency goes by: as printed, written out, renamed later (one agency
    across its names: 莆田市安监局 is judged as 莆田市应急管理局)."""
    if not record.agency:
        return set()
    region = {"province": record.region.province, "city": record.region.city,
              "county": record.region.county}
    return {record.agency} | aliases(record.agency, region)


def satisfies(record, rule: dict[str, Any]) -> bool:
    """Whether a record meets every condition of one judgement rule."""
    text = None
    for key, want in rule.items():
        if key == "agency" and record.agency != want:
            return False
        if key == "agency_has" and not any(w in name for w in want for name in _names(record)):
            return False
        if key == "year" and record.year not in want:
            return False
        if key == "province" and (record.region.province or "") != want:
            return False
        if key == "figure":
            fig = record.stats.get(want[0]) if record.stats else None
            value = getattr(fig, "value", None) if fig is not None else None
            if not isinstance(value, (int, float)) or value < want[1]:
                return False
        if key == "text_all":
            text = text if text is not None else fold(record.text)
            if not all(fold(w) in text for w in want):
                return False
        if key == "text_any":
            text = text if text is not None else fold(record.text)
            if not any(fold(w) in text for w in want):
                return False
        if key == "section" and not all(fold(w) in _section_text(record, want[0])
                                         for w in want[1:]):
            return False
    return True


def grade(record, judge: list) -> int:
    return max((g for g, rule in judge if satisfies(record, rule)), default=0)


def ndcg(gains: list[int], ideal: list[int], k: int = 10) -> float:
    def dcg(values: list[int]) -> float:
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k]))
    best = dcg(sorted(ideal, reverse=True))
    return dcg(gains) / best if best else 0.0


def ranked_ids(index, query: str, depth: int) -> list[str]:
    result = index.search(SearchRequest(q=query, per_page=depth))
    return [h["report_id"] for h in result["hits"]]


def known_item_scores(index, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per kind: MRR, top-1 and the queries whose answer is not first."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        ids = ranked_ids(index, item["q"], DEPTH)
        rank = next((i + 1 for i, rid in enumerate(ids) if rid in item["relevant"]), None)
        row = out.setdefault(item["kind"], {"n": 0, "rr": 0.0, "top1": 0, "misses": []})
        row["n"] += 1
        row["rr"] += 1 / rank if rank else 0.0
        row["top1"] += rank == 1
        if rank != 1:
            row["misses"].append({"q": item["q"], "rank": rank, "source": item["source"]})
    for row in out.values():
        row["mrr"] = round(row.pop("rr") / row["n"], 4)
        row["top1_rate"] = round(row["top1"] / row["n"], 4)
    return out


def topic_scores(index, topics: list[dict[str, Any]]) -> dict[str, Any]:
    records = [index.get_report(r.report_id) for r in index.reports()]
    per_topic = {}
    for topic in topics:
        grades = {r.report_id: grade(r, topic["judge"]) for r in records}
        ids = ranked_ids(index, topic["q"], 10)
        per_topic[topic["id"]] = round(ndcg([grades[i] for i in ids], list(grades.values())), 4)
    mean = sum(per_topic.values()) / len(per_topic) if per_topic else 0.0
    return {"n": len(per_topic), "ndcg@10": round(mean, 4), "per_topic": per_topic}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("run", "generate"))
    parser.add_argument("--index-dir", type=Path, default=ROOT / "bench" / "out" / "relevance-index")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here too")
    parser.add_argument("--misses", action="store_true", help="list the known items not ranked first")
    args = parser.parse_args(argv)
    index = open_or_build(args.index_dir)
    if args.command == "generate":
        items = generate(index)
        (SET_DIR / "known_items.json").write_text(
            json.dumps(items, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        print(f"{len(items)} known items: {dict(Counter(i['kind'] for i in items))}")
        return 0
    items = json.loads((SET_DIR / "known_items.json").read_text(encoding="utf-8"))
    topics = json.loads((SET_DIR / "topics.json").read_text(encoding="utf-8"))
    known = known_item_scores(index, items)
    figures = {"known": known, "topics": topic_scores(index, topics)}
    for kind, row in known.items():
        print(f"known {kind:12} n={row['n']:4}  MRR {row['mrr']:.3f}  top-1 {row['top1_rate']:.1%}")
        if args.misses:
            for miss in row["misses"]:
                print(f"    rank {miss['rank']}: {miss['q']}  ({miss['source']})")
    print(f"topics n={figures['topics']['n']}  nDCG@10 {figures['topics']['ndcg@10']:.3f}")
    if args.misses:
        print(json.dumps(figures["topics"]["per_topic"], ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
