"""Similar countries by context: depth-weighted Jaccard over satisfied factors, by hand.

Satisfied sets in the hand catalog (depth: infra, leader, budget 1; connectivity, champion 2;
broadband 3):

* AAA {infra, connectivity, leader, champion, budget}: weight 7
* BBB {infra, connectivity, broadband, budget} (champion's latest statement is absent): 7
* CCC {infra, connectivity}: 3
* GGG {infra}: 1
"""

from __future__ import annotations

import pytest

from psikg.errors import UnknownIdError
from psikg.ontology.domain import FactorStatement
from psikg.queries.similar import factor_depth, similar

from .hand_catalog import base_parts, hand_catalog


@pytest.fixture
def catalog():
    return hand_catalog()


def test_depth(catalog):
    assert [factor_depth(catalog, f) for f in ("infra", "connectivity", "broadband", "budget")] == [1, 2, 3, 1]


def test_weighted_jaccard_by_hand(catalog):
    result = similar(catalog, "AAA")
    assert result.country == "AAA"
    got = [(s.country, s.shared_weight, s.union_weight) for s in result.similar]
    assert got == [("CCC", 3.0, 7.0), ("BBB", 4.0, 10.0), ("GGG", 1.0, 7.0)]
    for s in result.similar:
        assert s.similarity == pytest.approx(s.shared_weight / s.union_weight, abs=1e-12)
    bbb = result.similar[1]
    assert bbb.shared_factors == ("connectivity", "budget", "infra")  # most specific first, then id
    assert bbb.only_here == ("champion", "leader")
    assert bbb.only_there == ("broadband",)


def test_explanation_adds_up(catalog):
    depth = {f: factor_depth(catalog, f) for f in catalog.factors}
    for country in ("AAA", "BBB", "CCC", "GGG"):
        for s in similar(catalog, country, top=None).similar:
            shared = sum(depth[f] for f in s.shared_factors)
            union = shared + sum(depth[f] for f in s.only_here + s.only_there)
            assert (s.shared_weight, s.union_weight) == (shared, union)


def test_ties_by_shared_weight_then_iso3(catalog):
    result = similar(catalog, "CCC")
    assert [(s.country, round(s.similarity, 12)) for s in result.similar] == [
        ("AAA", round(3 / 7, 12)), ("BBB", round(3 / 7, 12)), ("GGG", round(1 / 3, 12))]


def test_top_and_unknowns(catalog):
    assert [s.country for s in similar(catalog, "AAA", top=1).similar] == ["CCC"]
    empty = similar(catalog, "FFF")
    assert empty.similar == () and empty.warnings
    with pytest.raises(UnknownIdError):
        similar(catalog, "XYZ")


def test_nothing_shared_is_left_out():
    parts = base_parts()
    parts["statements"].append(FactorStatement("JJJ", "budget", True, "2020"))
    result = similar(hand_catalog(**parts), "GGG")
    assert "JJJ" not in {s.country for s in result.similar}


def test_bundled(bundled_catalog):
    result = similar(bundled_catalog, "BGD", top=5)
    assert len(result.similar) <= 5
    sims = [s.similarity for s in result.similar]
    assert sims == sorted(sims, reverse=True) and all(0 < s <= 1 for s in sims)
