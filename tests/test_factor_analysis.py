"""Success-factor analysis (issue 5): exact counts, lifts and Fisher p-values (checked against scipy)."""

from __future__ import annotations

import pytest
from scipy.stats import fisher_exact

from psikg.ontology.domain import (Catalog, Country, Factor, FactorStatement, Practice, PracticeFactor,
                                Transfer)
from psikg.queries.factors import factor_analysis, fisher_p_value


def pf(factor, role="critical"):
    return PracticeFactor(factor, role)


def make_catalog():
    factors = [Factor("champion", "Political champion"), Factor("mandate", "Legal mandate"),
               Factor("digital-id", "National digital ID"),
               Factor("mobile-id", "Mobile ID", broader="digital-id")]
    practices = [
        Practice("p1", "One", "BGD", maturity="scaled", factors=(pf("champion"), pf("digital-id", "supporting"))),
        Practice("p2", "Two", "SGP", maturity="institutionalized", factors=(pf("champion"), pf("mandate"))),
        Practice("p3", "Three", "PER", maturity="pilot", factors=(pf("mandate"),)),
        Practice("p4", "Four", "KAZ", maturity="prototype"),
        Practice("p5", "Five", "NPL", factors=(pf("champion"),)),  # no maturity, never transferred
    ]
    statements = [
        FactorStatement("SOM", "champion", True), FactorStatement("SOM", "mobile-id", True),
        FactorStatement("UGA", "champion", True, "2010"), FactorStatement("UGA", "champion", False, "2015"),
        FactorStatement("UGA", "mandate", True),
        FactorStatement("FJI", "champion", True), FactorStatement("FJI", "mandate", True),
        FactorStatement("FJI", "mandate", False, "2019-03-01"),
        FactorStatement("ECU", "digital-id", True),
    ]
    transfers = [
        Transfer("a", "p1", "BGD", "SOM", "adopted", "success"),
        Transfer("b", "p1", "BGD", "UGA", "abandoned", "failure"),
        Transfer("c", "p1", "BGD", "AFG", "stalled", "failure"),
        Transfer("d", "p1", "BGD", "ECU", "scaled", "success"),
        Transfer("e", "p2", "SGP", "UGA", "adopted", "success"),
        Transfer("f", "p2", "SGP", "FJI", "adopted", "success"),
        Transfer("g", "p2", "SGP", "AFG", "abandoned", "failure"),
        Transfer("h", "p3", "PER", "UGA", "adopted", "success"),
        Transfer("i", "p3", "PER", "FJI", "implementing", "partial"),  # neither success nor failure
        Transfer("j", "p1", "BGD", "FJI", "agreed", "unknown"),
        Transfer("k", "p4", "KAZ", "SOM", "abandoned", "failure"),  # a practice without factors
    ]
    countries = [Country(c, c) for c in ("AFG", "BGD", "ECU", "FJI", "KAZ", "NPL", "PER", "SGP", "SOM", "UGA")]
    return Catalog.of(countries=countries, factors=factors, practices=practices, statements=statements,
                      transfers=transfers)


def scipy_p(table):
    return fisher_exact(table, alternative="two-sided").pvalue


def test_counts_lifts_and_p_values():
    result = factor_analysis(make_catalog())
    assert (result.n, result.successes, result.small_sample) == (9, 5, True)
    by_factor = {effect.factor: effect for effect in result.factors}
    assert set(by_factor) == {"champion", "digital-id", "mandate"}  # mobile-id is no practice's factor

    # No transfer has a start year: every statement counts. Unknown states are left out (unknown_n).
    champion = by_factor["champion"]  # with: SOM, FJI; without: UGA (absent since 2015) twice; unknown: AFG x2, ECU
    assert (champion.with_n, champion.with_success, champion.without_n, champion.without_success) == (2, 2, 2, 1)
    assert champion.unknown_n == 3
    assert (champion.rate_with, champion.rate_without) == (1.0, 0.5)
    assert champion.lift == pytest.approx(2.0)
    assert champion.p_value == pytest.approx(scipy_p([[2, 0], [1, 1]]), abs=1e-12)

    digital = by_factor["digital-id"]  # SOM has the narrower mobile-id, ECU has it; UGA, AFG unknown
    assert (digital.with_n, digital.with_success, digital.without_n, digital.unknown_n) == (2, 2, 0, 2)
    assert digital.rate_without is None and digital.lift is None and digital.p_value == 1.0
    assert digital.q_value is None  # an empty arm: not tested

    mandate = by_factor["mandate"]  # UGA has it (twice); FJI's latest statement says absent; AFG unknown
    assert (mandate.with_n, mandate.with_success, mandate.without_n, mandate.without_success) == (2, 2, 1, 1)
    assert mandate.unknown_n == 1
    assert mandate.p_value == 1.0  # a column of the table is empty
    assert champion.q_value == pytest.approx(min(1.0, max(champion.p_value, mandate.p_value)), abs=1e-12)
    assert champion.rate_with_ci == pytest.approx((0.3424, 1.0), abs=1e-4)  # Wilson, 2 of 2

    assert all(effect.small_sample for effect in result.factors)
    assert [e.factor for e in result.factors] == [
        e.factor for e in sorted(result.factors, key=lambda e: (e.p_value, e.factor))]
    assert set(result.as_dict()["factors"][0]) >= {
        "factor", "with_n", "with_success", "without_n", "without_success", "lift", "p_value"}


def test_sorted_by_p_value_then_factor_id():
    result = factor_analysis(make_catalog())
    ps = {e.factor: e.p_value for e in result.factors}
    assert [e.factor for e in result.factors] == sorted(ps, key=lambda f: (ps[f], f))


def test_maturity_view():
    maturity = factor_analysis(make_catalog()).maturity
    assert (maturity.mature_n, maturity.early_n, maturity.small_sample) == (2, 2, True)
    rows = {row.factor: row for row in maturity.factors}
    assert (rows["champion"].mature_with, rows["champion"].early_with) == (2, 0)
    champion = rows["champion"]
    assert (champion.mature_share, champion.early_share, champion.ratio) == (1.0, 0.0, None)
    assert rows["champion"].p_value == pytest.approx(scipy_p([[2, 0], [0, 2]]), abs=1e-12)
    assert (rows["digital-id"].mature_with, rows["digital-id"].early_with) == (1, 0)
    assert rows["digital-id"].p_value == pytest.approx(scipy_p([[1, 1], [0, 2]]), abs=1e-12)
    assert (rows["mandate"].mature_with, rows["mandate"].early_with, rows["mandate"].ratio) == (1, 1, 1.0)
    assert rows["mandate"].p_value == pytest.approx(1.0)
    assert [r.factor for r in maturity.factors] == ["champion", "digital-id", "mandate"]


def test_large_sample_is_not_flagged():
    practices = [Practice("p", "P", "BGD", factors=(pf("champion"), pf("mandate", "supporting")))]
    statements = [FactorStatement(f"C{i:02d}", "champion", True) for i in range(12)]
    statements += [FactorStatement(f"D{i:02d}", "champion", False) for i in range(10)]
    statements += [FactorStatement(f"C{i:02d}", "mandate", i % 2 == 0) for i in range(12)]
    transfers = ([Transfer(f"w{i}", "p", "BGD", f"C{i:02d}", "adopted", "success" if i < 9 else "failure")
                  for i in range(12)]
                 + [Transfer(f"o{i}", "p", "BGD", f"D{i:02d}", "stalled", "success" if i < 3 else "failure")
                    for i in range(10)])
    result = factor_analysis(Catalog.of(practices=practices, statements=statements, transfers=transfers,
                                        factors=[Factor("champion", "Political champion"), Factor("mandate", "M")]))
    effect, mandate = result.factors
    assert mandate.factor == "mandate" and mandate.unknown_n == 10 and mandate.small_sample
    # Benjamini-Hochberg over the two factors tested: q of the smaller p is min(2p, the larger p)
    assert effect.q_value == pytest.approx(min(2 * effect.p_value, mandate.p_value), abs=1e-12)
    assert mandate.q_value == pytest.approx(mandate.p_value, abs=1e-12)
    assert (effect.with_n, effect.with_success, effect.without_n, effect.without_success) == (12, 9, 10, 3)
    assert effect.lift == pytest.approx((9 / 12) / (3 / 10))
    assert effect.p_value == pytest.approx(scipy_p([[9, 3], [3, 7]]), abs=1e-12)
    assert not effect.small_sample and not result.small_sample


def test_empty_catalog_says_so():
    result = factor_analysis(Catalog.of())
    assert (result.n, result.factors, result.small_sample) == (0, (), True)
    assert result.notes[0].startswith("no transfers with verdict success or failure")
    assert fisher_p_value(0, 0, 3, 2) == 1.0


def test_states_are_read_as_of_the_transfer_start_year():
    """A statement dated after the transfer started may be a fact the transfer created."""
    practices = [Practice("p", "P", "BGD", factors=(pf("champion"), PracticeFactor("portal", "critical", kind="component")))]
    statements = [FactorStatement("SOM", "champion", True, "2015"), FactorStatement("UGA", "champion", True, "2010"),
                  FactorStatement("UGA", "portal", False, "2009")]
    transfers = [Transfer("a", "p", "BGD", "SOM", "adopted", start_year=2012),
                 Transfer("b", "p", "BGD", "UGA", "abandoned", start_year=2012),
                 Transfer("c", "p", "BGD", "KEN", "opportunity", "failure")]  # an opportunity: never analysed
    result = factor_analysis(Catalog.of(practices=practices, statements=statements, transfers=transfers))
    assert (result.n, result.successes) == (2, 1)
    (champion,) = result.factors  # the component is no precondition
    assert (champion.with_n, champion.with_success, champion.without_n, champion.unknown_n) == (1, 0, 0, 1)


def test_issue_15_bundled_network_tests_five_factors_with_n_of_10(psikg_cli):
    """Issue 15: ``psikg factors`` on the bundled network tests at least five factors on 10 or more
    transfers each (n = transfers whose importer's state is known as of the transfer's start year)."""
    import json

    result = json.loads(psikg_cli("factors", "--format", "json").output)
    sized = {f["factor"]: f["with_n"] + f["without_n"] for f in result["factors"]}
    large = sorted(factor for factor, n in sized.items() if n >= 10)
    assert len(large) >= 5, sized
    assert "e-transactions-law" in large  # grown from the importers' own laws (importer-contexts/)
