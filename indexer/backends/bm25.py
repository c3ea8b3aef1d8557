"""BM25 as every backend scores a section: one formula, one set of parameters, one rule for
leaving very common words out, so the backends rank alike (`tests/test_conformance.py`).

The statistics are over live sections only (a deleted or replaced section counts nowhere), so an
index updated run by run scores as a full rebuild does.
"""

from __future__ import annotations

from math import log

import numpy as np

BM25_B, BM25_K1 = 0.75, 1.2  # Whoosh's BM25F defaults: the embedded index's scores are Whoosh's
COMMON_SHARE = 0.2  # a word in more than this share of the sections does not rank (see `ranking_words`)


def idf(sections: int, holding: int) -> float:
    """Whoosh's BM25F idf: `sections` live sections, `holding` of them hold the word."""
    return log(sections / (holding + 1)) + 1


def length_norm(length: float, average: float) -> float:
    """BM25's length part of a section of `length` words (`average`: over the live sections);
    `length` may be a numpy array (one norm per section)."""
    return BM25_K1 * ((1 - BM25_B) + BM25_B * length / average)


def ranking_words(frequencies: dict[str, int], sections: int) -> list[str]:
    """The words that rank, of those a query holds (word -> live sections holding it, all > 0).

    Words in more than COMMON_SHARE of the sections are left out when rarer ones are there: they
    barely move BM25 next to a rarer word. A query of common words alone ranks by its rarest."""
    limit = COMMON_SHARE * max(1, sections)
    return [w for w, f in frequencies.items() if f <= limit] \
        or [min(frequencies, key=frequencies.get)]


def scores(weights: np.ndarray, norms: np.ndarray, weight: float) -> np.ndarray:
    """BM25F of one word in many sections at once: `weights` its term frequencies, `norms` the
    sections' `length_norm`s, `weight` its `idf` (the same float operations, in the same order,
    as the formula applied one section at a time)."""
    return weight * ((weights * (BM25_K1 + 1)) / (weights + norms))


def summed_arrays(scored: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Several words' scores as Whoosh's Or, from (sorted ids, scores) arrays: the ids holding
    any word, ascending, and per id the sum of its words' scores added in the order of `scored`
    (one word: its scores as they are)."""
    if len(scored) == 1:
        return scored[0]
    ids = np.concatenate([i for i, _ in scored])
    values = np.concatenate([v for _, v in scored])
    unique, at = np.unique(ids, return_inverse=True)
    return unique, np.bincount(at, weights=values, minlength=len(unique))
