"""Similar countries by context and structure, by hand: similarity = 0.5·context + 0.5·structure,
context the depth-weighted Jaccard over satisfied factors, structure the mean of same income group,
same region (sub-region here: no intermediate regions) and the Jaccard of LDC/LLDC/SIDS flags (1 when
neither has any), each left out when unknown.

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
from psikg.ontology.domain import Country, FactorStatement
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
    got = [(s.country, s.shared_weight, s.union_weight) for s in result.similar[:3]]
    assert got == [("BBB", 4.0, 10.0), ("CCC", 3.0, 7.0), ("GGG", 1.0, 7.0)]
    structure = {"BBB": 2 / 3, "CCC": 1 / 3, "GGG": 1 / 2}  # same sub-region; none; income unknown
    for s in result.similar:
        assert s.context == pytest.approx(s.shared_weight / s.union_weight if s.shared_weight else 0.0, abs=1e-12)
        assert s.similarity == pytest.approx(0.5 * s.context + 0.5 * s.structure, abs=1e-12)
        if s.country in structure:
            assert s.structure == pytest.approx(structure[s.country], abs=1e-12)
    bbb = result.similar[0]
    assert bbb.shared_factors == ("connectivity", "budget", "infra")  # most specific first, then id
    assert bbb.only_here == ("champion", "leader")
    assert bbb.only_there == ("broadband",)
    assert bbb.shared_traits == ("region",)
    by_country = {s.country: s for s in result.similar}
    assert by_country["DDD"].flags == ("no-context",) and by_country["DDD"].similarity == pytest.approx(1 / 6)
    assert [s.country for s in result.similar[3:6]] == ["HHH", "III", "JJJ"]  # structure 0.5, ties by ISO3


def test_explanation_adds_up(catalog):
    depth = {f: factor_depth(catalog, f) for f in catalog.factors}
    for country in ("AAA", "BBB", "CCC", "GGG"):
        for s in similar(catalog, country, top=None).similar:
            shared = sum(depth[f] for f in s.shared_factors)
            union = shared + sum(depth[f] for f in s.only_here + s.only_there)
            assert (s.shared_weight, s.union_weight) == (shared, union)


def test_ties_by_shared_weight_then_iso3(catalog):
    result = similar(catalog, "CCC")
    assert [(s.country, round(s.similarity, 12)) for s in result.similar[:4]] == [
        ("GGG", round(1 / 6 + 1 / 4, 12)), ("AAA", round(3 / 14 + 1 / 6, 12)), ("BBB", round(3 / 14 + 1 / 6, 12)),
        ("EEE", round(1 / 3, 12))]


def test_top_and_unknowns(catalog):
    assert [s.country for s in similar(catalog, "AAA", top=1).similar] == ["BBB"]
    unknown = similar(catalog, "FFF")  # no context: structure alone
    assert unknown.warnings and all(s.context == 0.0 for s in unknown.similar)
    with pytest.raises(UnknownIdError):
        similar(catalog, "XYZ")


def test_nothing_shared_is_left_out():
    parts = base_parts()
    parts["countries"].append(Country("ZZZ", "Z", "R", "S9", None, "HIC", sids=True, un_member=True))
    result = similar(hand_catalog(**parts), "AAA")  # other income, region and flags, no context
    assert "ZZZ" not in {s.country for s in result.similar}


def test_bundled(bundled_catalog):
    result = similar(bundled_catalog, "BGD", top=5)
    assert len(result.similar) <= 5
    sims = [s.similarity for s in result.similar]
    assert sims == sorted(sims, reverse=True) and all(0 < s <= 1 for s in sims)
