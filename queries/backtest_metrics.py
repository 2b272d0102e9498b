"""Ranking metrics that treat ties honestly: their value is the expected value over every order
of the tied candidates (each order equally likely), so a ranking is never credited for the
alphabetical order of ISO codes.

A ranking is given as *groups*: candidates in rank order, tied candidates in one group. With P
positives among N candidates and k a cut-off:

* ``precision@k`` = E[positives in the first k] / k; ``recall@k`` = E[positives in the first k] / P;
* ``reciprocal rank`` = E[1 / rank of the first positive];
* ``AUC`` = the chance that a positive ranks above a negative, a tie counting one half (None when
  there is no negative).

A ranking that ties everything is the random order, and these are its expected values:

>>> metrics = ranking_metrics([["A", "B", "C", "D"]], {"B"}, (1, 2))
>>> metrics.precision[1], metrics.recall[2], round(metrics.reciprocal_rank, 4), metrics.auc
(0.25, 0.5, 0.5208, 0.5)
>>> ranking_metrics([["B"], ["A", "C"], ["D"]], {"B", "D"}, (1,)).auc
0.5
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb
from typing import Hashable, Iterable, Sequence

__all__ = ["RankingMetrics", "ranking_metrics", "groups_by_key", "positive_ranks"]


@dataclass(frozen=True)
class RankingMetrics:
    """The metrics of one ranking for one set of positives (see the module's definitions)."""

    candidates: int
    positives: int
    precision: dict[int, float]
    recall: dict[int, float]
    reciprocal_rank: float
    auc: float | None


def groups_by_key(keys: dict[str, tuple]) -> list[list[str]]:
    """Candidates grouped by equal key, best (smallest key) first, ids sorted within a group."""
    ordered = sorted(keys, key=lambda c: (keys[c], c))
    groups: list[list[str]] = []
    for country in ordered:
        if groups and keys[groups[-1][0]] == keys[country]:
            groups[-1].append(country)
        else:
            groups.append([country])
    return groups


def _expected_first_reciprocal(start: int, size: int, hits: int) -> float:
    """E[1 / rank of the first of ``hits`` positives placed at random in a group of ``size``
    starting at rank ``start``."""
    total = comb(size, hits)
    return sum(comb(size - j, hits - 1) / total / (start - 1 + j) for j in range(1, size - hits + 2))


def ranking_metrics(groups: Sequence[Sequence[str]], positives: Iterable[Hashable],
                    ks: Sequence[int]) -> RankingMetrics:
    """The metrics of a ranking given as tie groups, for ``positives`` and each cut-off in ``ks``."""
    wanted = set(positives)
    n_candidates = sum(len(g) for g in groups)
    n_positives = sum(1 for g in groups for c in g if c in wanted)
    if n_positives == 0:
        raise ValueError("a ranking needs at least one positive among its candidates")
    n_negatives = n_candidates - n_positives
    in_top = {k: 0.0 for k in ks}
    reciprocal = None
    above_pairs = 0.0
    negatives_seen = 0
    start = 1
    for group in groups:
        size = len(group)
        hits = sum(1 for c in group if c in wanted)
        for k in ks:
            slots = max(0, min(k, start + size - 1) - start + 1)
            in_top[k] += hits * slots / size
        if hits and reciprocal is None:
            reciprocal = _expected_first_reciprocal(start, size, hits)
        misses = size - hits
        above_pairs += hits * (n_negatives - negatives_seen - misses) + 0.5 * hits * misses
        negatives_seen += misses
        start += size
    auc = above_pairs / (n_positives * n_negatives) if n_negatives else None
    return RankingMetrics(n_candidates, n_positives, {k: in_top[k] / k for k in ks},
                          {k: in_top[k] / n_positives for k in ks}, reciprocal or 0.0, auc)


def positive_ranks(groups: Sequence[Sequence[str]], positives: Iterable[Hashable]) -> dict[str, tuple[int, int]]:
    """Each positive's rank as the span of its tie group (best and worst rank it could take)."""
    wanted = set(positives)
    spans: dict[str, tuple[int, int]] = {}
    start = 1
    for group in groups:
        for country in group:
            if country in wanted:
                spans[country] = (start, start + len(group) - 1)
        start += len(group)
    return spans
