"""The same search contract on both backends: the embedded Whoosh index and a Sphinx cluster
(two shards, each with a mirror, real searchd processes) holding the same corpus.

Totals, facet counts, filters, verbatim recall, quoted-phrase precision, year order and the
errors of bad queries must be identical; ranking may differ (BM25 statistics are the same, but
field lengths are stored exactly by the cluster and in one byte by Whoosh, and ties are broken by
section numbers the backends choose), so the top-10 overlap per query is reported, not asserted
equal.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster import running_cluster, url
from indexer.errors import GongkaiError
from indexer.indexing import build_index
from indexer.search import SearchRequest, open_index

# The search tests' query set: words, AND, OR, NOT, phrases, groups, every field, figures,
# traditional characters, full-width letters, punctuation and single characters.
QUERIES = [
    "申请", "政府信息公开", "申请 公开", "申请 OR 复议", "申请 -收费", '"政府信息公开"',
    "(申请 OR 复议) 公开", "行政复议", "依申请公开", "莆田市科技局", "科技局", "三明市", "湘桥",
    "江北区教育局", "year:2016", "year:2016-2019 申请", "section:requests 申请",
    "section:appeals", "-section:fees 收费", "province:福建省 公开", "city:莆田市 复议",
    "agency:三明市 申请", "requests_received:>0", "requests_received:>=10 year:2020",
    "reconsiderations:0", "收费", "不予公开", "國家秘密", "ｇｏｖ", "2016年", "信息", "网站",
    "复议 诉讼", '"主动公开政府信息"', "-申请", "", "a", "2", "、", "“", "公开 NOT 收费",
    '"依申请公开" -"行政诉讼"', "无法提供 不予处理",
]
FILTERS = [
    {"year": ["2016"]}, {"section": ["requests"]}, {"city": ["莆田市"]},
    {"agency": ["柳州市教育局", "江北区教育局"]}, {"year": ["2019-2021"], "section": ["appeals", "fees"]},
]
BAD = ["year:abc", "foo:bar", "a" * 600, "requests_received:>x", "section:nope", "agency:不存在的机关"]
OVERLAP: list[tuple[str, int, int]] = []


@pytest.fixture(scope="module")
def cluster_index(tmp_path_factory, corpus_dir):
    """The corpus indexed into a real local cluster, opened."""
    with running_cluster(tmp_path_factory.mktemp("cluster")) as info:
        summary = build_index([corpus_dir], url(info))
        # 1900 sections and a head document per report
        assert (summary.reports, summary.sections, summary.generation) == (258, 2158, "generation 1")
        opened = open_index(url(info))
        yield opened
        opened.close()


def both(index, cluster_index, **request):
    return (index.search(SearchRequest(**request)), cluster_index.search(SearchRequest(**request)))


def same_contract(a: dict, b: dict) -> None:
    assert (a["total"], a["facets"], a["terms"]) == (b["total"], b["facets"], b["terms"])
    assert (a["partial"], a["missing"], b["partial"], b["missing"]) == (False, [], False, [])


@pytest.mark.parametrize("q", QUERIES)
def test_totals_facets_and_terms_are_the_same(index, cluster_index, q):
    a, b = both(index, cluster_index, q=q, per_page=10)
    same_contract(a, b)
    top_a, top_b = [h["report_id"] for h in a["hits"]], [h["report_id"] for h in b["hits"]]
    OVERLAP.append((q, len(set(top_a) & set(top_b)), len(top_a)))


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("q", ["申请", '"政府信息公开"', "复议 OR 诉讼", ""])
def test_filters_are_the_same(index, cluster_index, q, filters):
    same_contract(*both(index, cluster_index, q=q, filters=filters, per_page=5))


@pytest.mark.parametrize("q", ["申请", "复议 -收费", '"政府信息公开"', "year:2016-2019"])
def test_year_order_pages_and_passages_are_the_same(index, cluster_index, q):
    """Sorted by year the order is the library's own, so every page is identical. Passages are
    built by the same code from each backend's matching sections: the same sections match, so
    both show passages from the same sections, each marking a term (which of a report's matching
    sections come first follows the scores, which may differ a little)."""
    for page in (1, 2, 7):
        a, b = both(index, cluster_index, q=q, sort="year", page=page, per_page=20)
        same_contract(a, b)
        assert [h["report_id"] for h in a["hits"]] == [h["report_id"] for h in b["hits"]]
        for ha, hb in zip(a["hits"], b["hits"]):
            assert len(ha["passages"]) == len(hb["passages"])
            assert all("<mark>" in p["html"] for p in ha["passages"] + hb["passages"]) or not a["terms"]


@pytest.mark.parametrize("q", BAD)
def test_bad_queries_fail_the_same_way(index, cluster_index, q):
    with pytest.raises(GongkaiError) as on_disk:
        index.search(SearchRequest(q=q))
    with pytest.raises(GongkaiError) as on_cluster:
        cluster_index.search(SearchRequest(q=q))
    assert on_disk.value.message == on_cluster.value.message


def test_records_listings_and_overall_facets_are_the_same(index, cluster_index):
    assert cluster_index.size() == index.size() == 258
    assert cluster_index.facets() == index.facets()
    assert [r.report_id for r in cluster_index.reports()] == [r.report_id for r in index.reports()]
    for rid in ("000_34846fc542f213aa", "pingtan-105587", "putian-1448447"):
        assert cluster_index.get_report(rid) == index.get_report(rid)
    assert cluster_index.select({"city": ["莆田市"], "year": ["2016"]}) == \
        index.select({"city": ["莆田市"], "year": ["2016"]})


WORDS = ["申请", "公开", "复议", "诉讼", "收费", "政府", "信息", "年度", "莆田", "教育", "网站", "办理"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["", "-", '"']), st.sampled_from(WORDS)), min_size=1,
                max_size=3), st.booleans())
def test_any_combination_of_words_counts_the_same(index, cluster_index, terms, use_or):
    q = (" OR " if use_or else " ").join(f'{op}{w}{op if op == chr(34) else ""}' for op, w in terms)
    same_contract(*both(index, cluster_index, q=q, per_page=3))


def test_ranking_overlap_is_reported(index, cluster_index, capsys):
    """The top-10 overlap of relevance rankings between the backends, printed for the record."""
    assert len(OVERLAP) == len(QUERIES)
    full = sum(1 for _q, n, of in OVERLAP if n == of)
    mean = sum(n / of for _q, n, of in OVERLAP if of) / sum(1 for _q, _n, of in OVERLAP if of)
    with capsys.disabled():
        print(f"\nranking: top-10 overlap Whoosh vs Sphinx cluster: {full}/{len(OVERLAP)} queries "
              f"identical sets, mean overlap {mean:.2f}; lowest: "
              + ", ".join(f"{q!r} {n}/{of}" for q, n, of in sorted(OVERLAP, key=lambda x: x[1] / max(1, x[2]))[:5]))
    assert all(0 <= n <= of <= 10 for _q, n, of in OVERLAP)
