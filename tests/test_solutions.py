"""Practices for a need: the demand side, on the hand catalog (see tests/hand_catalog.py)."""

from __future__ import annotations

import math

import pytest

from psikg.errors import UnknownIdError
from psikg.ontology.domain import Need, Practice, Theme
from psikg.queries.match import match
from psikg.queries.solutions import SolutionWeights, rarity, solutions

from .hand_catalog import base_parts, hand_catalog

TOL = 1e-12
#: Three practices; 16.6, 17.18, goal 16 and goal 17 are each met by two of them: ln(4/3) / ln(2).
R = rarity(3, 2)


def assert_explains(solution, weights=SolutionWeights()):
    total = sum(f.weight for f in solution.shared_factors + solution.missing_factors)
    shared = sum(f.weight for f in solution.shared_factors)
    assert solution.factor_fit == pytest.approx(shared / total if total else 0.0, abs=TOL)
    assert solution.score == pytest.approx(
        weights.sdg * solution.sdg_fit + weights.theme * solution.theme_fit
        + weights.factor * solution.factor_fit + weights.evidence * solution.evidence, abs=TOL)
    assert solution.sdg_fit > 0 or solution.theme_fit > 0


@pytest.fixture
def catalog():
    return hand_catalog()


def test_need_with_targets(catalog):
    result = solutions(catalog, "ccc-data")
    assert result.country == "CCC" and result.needs == ("ccc-data",)
    assert [(s.practice, s.score) for s in result.solutions] == [
        ("p-main", pytest.approx(0.3 * R / 2 + 0.4 * 0.4 + 0.1, abs=TOL)),
        ("p-org", pytest.approx(0.3 * R / 2, abs=TOL))]
    main = result.solutions[0]  # two asks, 17.18 (rarity R) met, 16.10 not
    assert (main.sdg_fit, main.theme_fit, main.factor_fit, main.evidence) == (
        pytest.approx(R / 2), 0.0, pytest.approx(0.4), 1.0)
    assert main.matching_targets == ("17.18",) and main.matching_goals == ()
    assert [e.transfer for e in main.evidence_transfers] == ["t2"]
    for solution in result.solutions:
        assert_explains(solution)


def test_goal_level_need_and_themes(catalog):
    result = solutions(catalog, "bbb-gov")
    assert [s.practice for s in result.solutions] == ["p-main"]  # p-bare is BBB's own; p-org is off-goal
    main = result.solutions[0]
    assert (main.sdg_fit, main.theme_fit, main.evidence) == (pytest.approx(R), 1.0, 1.0)  # digital: one practice
    assert main.factor_fit == pytest.approx(0.6, abs=TOL)
    assert main.score == pytest.approx(0.3 * R + 0.2 + 0.4 * 0.6 + 0.1, abs=TOL)
    assert (main.coverage, main.tier) == (1.0, "blocked")
    assert main.matching_goals == ("16",) and main.matching_targets == ("16.6",)
    assert main.matching_themes == ("digital",)


def test_factor_fit_and_evidence_are_those_of_match(catalog):
    by_country = {c.country: c for c in match(catalog, "p-main").candidates}
    for need in ("ccc-data", "bbb-gov", "ggg-partners"):
        result = solutions(catalog, need)
        main = next(s for s in result.solutions if s.practice == "p-main")
        candidate = by_country[result.country]
        assert (main.factor_fit, main.evidence) == (candidate.factor_fit, candidate.evidence)
        assert main.shared_factors == candidate.shared_factors
        assert main.missing_factors == candidate.missing_factors


def test_country_mode_flags_and_order(catalog):
    result = solutions(catalog, country="GGG")
    assert [(s.practice, s.need, s.score) for s in result.solutions] == [
        ("p-main", "ggg-partners", pytest.approx(0.3 * R + 0.05, abs=TOL)),
        ("p-org", "ggg-partners", pytest.approx(0.3 * R, abs=TOL))]
    assert result.solutions[0].flags == ("opportunity",)


def test_country_mode_over_several_needs_and_no_factor_flag():
    parts = base_parts()
    parts["needs"].append(Need("ccc-inst", "CCC", "Institutions", targets=("16.6",), themes=("digital", "stats")))
    result = solutions(hand_catalog(**parts), country="ccc")
    assert result.needs == ("ccc-data", "ccc-inst")
    got = [(s.practice, s.need, s.score) for s in result.solutions]
    assert got == [("p-main", "ccc-inst", pytest.approx(0.3 * R + 0.2 * 0.5 + 0.16 + 0.1, abs=TOL)),
                   ("p-main", "ccc-data", pytest.approx(0.15 * R + 0.26, abs=TOL)),
                   ("p-bare", "ccc-inst", pytest.approx(0.3 * R, abs=TOL)),
                   ("p-org", "ccc-data", pytest.approx(0.15 * R, abs=TOL))]
    bare = result.solutions[2]
    assert bare.flags == ("no-factors",) and bare.theme_fit == 0.0 and bare.sdg_fit == pytest.approx(R)
    for solution in result.solutions:
        assert_explains(solution)


def test_narrower_practice_theme_covers_the_need_theme():
    parts = base_parts()
    parts["themes"].append(Theme("digital-id", "Digital identity", broader="digital"))
    parts["practices"].append(Practice("p-id", "ID", "AAA", themes=("digital-id",)))
    result = solutions(hand_catalog(**parts), "bbb-gov")
    identity = next(s for s in result.solutions if s.practice == "p-id")
    # four practices now, two of which cover "digital" (p-main, and p-id through its narrower theme)
    assert identity.theme_fit == pytest.approx(rarity(4, 2)) and identity.matching_themes == ("digital",)
    assert identity.sdg_fit == 0.0 and identity.score == pytest.approx(0.2 * rarity(4, 2), abs=TOL)


def test_engaged_practices_listed_apart_and_no_needs_warns(catalog):
    result = solutions(catalog, country="DDD")
    assert [(e.practice, e.status, e.transfer) for e in result.engaged] == [("p-main", "adopted", "t1")]
    assert result.solutions == () and any("no needs" in w for w in result.warnings)


def test_custom_weights(catalog):
    weights = SolutionWeights(sdg=1.0, theme=0.0, factor=0.0, evidence=0.0)
    result = solutions(catalog, "ccc-data", weights=weights)
    assert [s.score for s in result.solutions] == [pytest.approx(R / 2), pytest.approx(R / 2)]
    assert [s.practice for s in result.solutions] == ["p-main", "p-org"]  # factor_fit 0.4 before 0
    for solution in result.solutions:
        assert_explains(solution, weights)
    assert SolutionWeights.parse("theme=1") == SolutionWeights(sdg=0.0, theme=1.0, factor=0.0, evidence=0.0)
    with pytest.raises(ValueError):
        SolutionWeights.parse("score=1")


def test_errors(catalog):
    with pytest.raises(ValueError):
        solutions(catalog)
    with pytest.raises(ValueError):
        solutions(catalog, "ccc-data", country="BBB")
    with pytest.raises(UnknownIdError) as error:
        solutions(catalog, "ccc-dta")
    assert "ccc-data" in error.value.suggestions
    with pytest.raises(UnknownIdError):
        solutions(catalog, country="Atlantis")


def test_need_without_anything_to_match_warns():
    parts = base_parts()
    parts["needs"].append(Need("bbb-vague", "BBB", "Something"))
    result = solutions(hand_catalog(**parts), "bbb-vague")
    assert result.solutions == () and any("no SDG targets" in w for w in result.warnings)


def test_bundled_somalia_needs(bundled_catalog):
    result = solutions(bundled_catalog, country="Somalia")
    assert result.country == "SOM" and result.solutions
    assert "bgd-a2i-service-innovation" in {e.practice for e in result.engaged}
    assert "bgd-a2i-service-innovation" not in {s.practice for s in result.solutions}
    scores = [s.score for s in result.solutions]
    assert scores == sorted(scores, reverse=True)
    for solution in result.solutions:
        assert_explains(solution)


def test_rarity_weights_shared_asks_down():
    """Issue 14: a target many practices share tells little (one need no longer gives them all full fit)."""
    assert rarity(62, 1) == 1.0 and rarity(62, 62) == 0.0
    assert rarity(62, 26) == pytest.approx(math.log(63 / 27) / math.log(63 / 2), abs=TOL)
    assert rarity(62, 2) > rarity(62, 26)


def test_bundled_no_need_gives_many_practices_full_sdg_fit(bundled_catalog):
    for need in bundled_catalog.needs:
        full = [s for s in solutions(bundled_catalog, need).solutions if s.sdg_fit >= 1 - 1e-9]
        assert len(full) <= 1, need
