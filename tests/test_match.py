"""The core query, reproduced exactly on a catalog where every score is known by hand."""

from __future__ import annotations

import pytest

from psikg.errors import PsikgError, UnknownIdError
from psikg.ontology.domain import Country, Factor, FactorStatement, Practice, PracticeFactor, Transfer
from psikg.queries import rules
from psikg.queries.match import (
    ROLE_WEIGHTS, Candidate, Weights, latest_statements, match, ranked, score_country,
)

from .hand_catalog import EXPECTED, EXPECTED_ORDER, base_parts, hand_catalog

TOL = 1e-12


def assert_explains(candidate: Candidate, result, catalog) -> None:
    """Every number of a candidate follows from its explanation."""
    practice = catalog.practices[result.practice]
    checks = candidate.shared_factors + candidate.missing_factors
    assert sorted(c.factor for c in checks) == sorted({pf.factor for pf in practice.factors})
    for check in checks:
        assert check.weight == ROLE_WEIGHTS[check.role]
    total = sum(c.weight for c in checks)
    shared = sum(c.weight for c in candidate.shared_factors)
    assert candidate.factor_fit == pytest.approx(shared / total if total else 0.0, abs=TOL)
    assert all(c.status == "present" and c.via for c in candidate.shared_factors)
    assert all(c.status in ("absent", "unknown") for c in candidate.missing_factors)
    # missing factors: critical first, then by id
    assert [(c.role != "critical", c.factor) for c in candidate.missing_factors] == sorted(
        (c.role != "critical", c.factor) for c in candidate.missing_factors)

    targets = set(practice.targets)
    assert candidate.sdg_fit == pytest.approx(len(candidate.matching_targets) / len(targets) if targets else 0.0,
                                              abs=TOL)
    from_needs = {t for need in candidate.matching_needs for t in need.targets}
    assert from_needs == set(candidate.matching_targets)
    for need in candidate.matching_needs:
        assert set(need.targets) <= rules.need_targets(catalog, catalog.needs[need.need])

    bases = {e.basis for e in candidate.evidence_transfers}
    expected_evidence = 0.0 if not bases else (0.5 if bases == {"elsewhere"} else 1.0)
    assert candidate.evidence == expected_evidence
    for item in candidate.evidence_transfers:
        assert rules.is_successful(catalog.transfers[item.transfer])

    w = result.weights
    assert candidate.score == pytest.approx(
        w.factor * candidate.factor_fit + w.sdg * candidate.sdg_fit + w.evidence * candidate.evidence, abs=TOL)


@pytest.fixture
def catalog():
    return hand_catalog()


def test_scores_and_order_by_hand(catalog):
    result = match(catalog, "p-main")
    assert result.practice == "p-main" and result.exporter == "AAA"
    assert [c.country for c in result.candidates] == EXPECTED_ORDER
    for candidate in result.candidates:
        factor_fit, sdg_fit, evidence, score = EXPECTED[candidate.country]
        assert candidate.factor_fit == pytest.approx(factor_fit, abs=1e-12)
        assert candidate.sdg_fit == pytest.approx(sdg_fit, abs=1e-12)
        assert candidate.evidence == evidence
        assert candidate.score == pytest.approx(score, abs=1e-12)
        assert_explains(candidate, result, catalog)
    assert result.warnings == ()


def test_engaged_listed_apart_with_most_advanced_status(catalog):
    result = match(catalog, "p-main")
    assert [(e.country, e.status, e.transfer) for e in result.engaged] == [
        ("DDD", "adopted", "t1"), ("EEE", "implementing", "t2"), ("HHH", "agreed", "t3")]
    listed = {c.country for c in result.candidates}
    assert not listed & {"AAA", "DDD", "EEE", "HHH"}


def test_opportunity_and_stalled_stay_candidates_with_flags(catalog):
    by_country = {c.country: c for c in match(catalog, "p-main").candidates}
    assert by_country["GGG"].flags == ("opportunity",)
    assert by_country["III"].flags == ("stalled", "no-context", "no-needs")
    assert by_country["JJJ"].flags == ("no-context", "no-needs")
    assert by_country["BBB"].flags == ()


def test_hierarchy_and_latest_statement(catalog):
    by_country = {c.country: c for c in match(catalog, "p-main").candidates}
    bbb = by_country["BBB"]
    assert [(c.factor, c.via) for c in bbb.shared_factors] == [("connectivity", ("broadband",)),
                                                               ("budget", ("budget",))]
    assert [(c.factor, c.status) for c in bbb.missing_factors] == [("champion", "absent")]
    ccc = by_country["CCC"]  # a year comes before a full date within it
    assert [(c.factor, c.status) for c in ccc.missing_factors] == [("champion", "absent"), ("budget", "unknown")]
    ggg = by_country["GGG"]  # a broader factor does not satisfy a narrower one
    assert [(c.factor, c.status) for c in ggg.missing_factors] == [
        ("champion", "unknown"), ("connectivity", "unknown"), ("budget", "unknown")]


def test_goal_level_need_covers_its_targets(catalog):
    by_country = {c.country: c for c in match(catalog, "p-main").candidates}
    bbb = by_country["BBB"]
    assert bbb.matching_targets == ("16.6",)
    assert [(n.need, n.targets) for n in bbb.matching_needs] == [("bbb-gov", ("16.6",))]
    assert by_country["GGG"].matching_targets == ("17.18",)
    assert by_country["CCC"].matching_targets == ("17.18",)


def test_evidence_by_subregion_income_group_and_elsewhere(catalog):
    by_country = {c.country: c for c in match(catalog, "p-main").candidates}
    assert [(e.transfer, e.basis) for e in by_country["BBB"].evidence_transfers] == [("t1", "income-group")]
    assert [(e.transfer, e.basis) for e in by_country["CCC"].evidence_transfers] == [("t2", "subregion")]
    assert [(e.transfer, e.basis) for e in by_country["FFF"].evidence_transfers] == [("t2", "income-group")]
    assert [(e.transfer, e.basis) for e in by_country["GGG"].evidence_transfers] == [
        ("t1", "elsewhere"), ("t2", "elsewhere")]


def test_evidence_both_subregion_and_income_group():
    parts = base_parts()
    parts["countries"].append(Country("KKK", "Country KKK", "R", "S2", None, "LIC"))
    result = match(hand_catalog(**parts), "p-main")
    kkk = next(c for c in result.candidates if c.country == "KKK")
    assert [(e.transfer, e.basis) for e in kkk.evidence_transfers] == [("t1", "subregion+income-group")]
    assert kkk.evidence == 1.0


def test_no_successful_transfer_means_no_evidence():
    parts = base_parts()
    parts["transfers"] = [t for t in parts["transfers"] if t.id not in ("t1", "t2")]
    result = match(hand_catalog(**parts), "p-main")
    assert all(c.evidence == 0.0 and c.evidence_transfers == () for c in result.candidates)


def test_unknown_subregion_never_matches_unknown_subregion():
    parts = base_parts()
    parts["countries"] += [Country("NNA", "A", None, None, None, None), Country("NNB", "B", None, None, None, None)]
    parts["transfers"] = [Transfer("tn", "p-main", "AAA", "NNA", "scaled")]
    result = match(hand_catalog(**parts), "p-main")
    nnb = next(c for c in result.candidates if c.country == "NNB")
    assert nnb.evidence == 0.5 and nnb.evidence_transfers[0].basis == "elsewhere"


def test_practice_without_factors_warns(catalog):
    result = match(catalog, "p-bare")
    assert any("no success factors" in w for w in result.warnings)
    assert all(c.factor_fit == 0.0 and not c.shared_factors and not c.missing_factors for c in result.candidates)
    assert "BBB" not in {c.country for c in result.candidates}  # the exporter
    for candidate in result.candidates:
        assert_explains(candidate, result, catalog)


def test_practice_without_targets_warns():
    parts = base_parts()
    parts["practices"].append(Practice("p-notargets", "No targets", "AAA",
                                       factors=(PracticeFactor("budget", "critical"),)))
    result = match(hand_catalog(**parts), "p-notargets")
    assert any("no SDG targets" in w for w in result.warnings)
    assert all(c.sdg_fit == 0.0 for c in result.candidates)


def test_organization_exporter_excludes_no_country(catalog):
    result = match(catalog, "p-org")
    assert result.exporter == "orgx"
    countries = [c.country for c in result.candidates]
    assert len(countries) == len(catalog.countries)
    assert "AAA" in countries
    for candidate in result.candidates:
        assert_explains(candidate, result, catalog)


def test_organization_exporter_scores_by_hand(catalog):
    by_country = {c.country: c for c in match(catalog, "p-org").candidates}
    assert by_country["AAA"].score == pytest.approx(0.6, abs=TOL)  # budget present, no needs
    assert by_country["BBB"].score == pytest.approx(0.6, abs=TOL)  # 2012 present beats undated absent
    assert by_country["CCC"].score == pytest.approx(0.3, abs=TOL)  # 17.18 need
    assert by_country["GGG"].score == pytest.approx(0.3, abs=TOL)  # goal 17 need
    order = [c.country for c in match(catalog, "p-org").candidates]
    assert order[:4] == ["AAA", "BBB", "CCC", "GGG"]


def test_ties_broken_by_factor_fit_then_iso3():
    parts = base_parts()
    parts["countries"] += [Country("ZZA", "A", None, "S9", None, None), Country("ZZB", "B", None, "S9", None, None)]
    parts["statements"].append(FactorStatement("ZZB", "budget", True, "2020"))  # factor_fit 0.2
    from psikg.ontology.domain import Need
    parts["needs"].append(Need("zza-need", "ZZA", "Data", targets=("17.18",)))  # sdg_fit 0.5
    parts["transfers"] = []
    weights = Weights(factor=0.5, sdg=0.2, evidence=0.0)
    result = match(hand_catalog(**parts), "p-main", weights=weights, countries=["ZZA", "ZZB"])
    assert [c.country for c in result.candidates] == ["ZZB", "ZZA"]
    assert result.candidates[0].score == pytest.approx(result.candidates[1].score, abs=1e-12)


def test_ranked_treats_scores_within_epsilon_as_equal():
    items = [("B", 0.3, 0.0), ("A", 0.1 + 0.2, 0.0), ("C", 0.3 + 2e-9, 0.0)]
    assert [x[0] for x in ranked(items, lambda x: (x[1], x[2], x[0]))] == ["C", "A", "B"]
    items = [("B", 0.5, 0.4), ("A", 0.5 + 1e-10, 0.4 - 1e-10), ("C", 0.5, 0.2)]
    assert [x[0] for x in ranked(items, lambda x: (x[1], x[2], x[0]))] == ["A", "B", "C"]


def test_top_and_countries(catalog):
    assert [c.country for c in match(catalog, "p-main", top=2).candidates] == ["BBB", "CCC"]
    assert match(catalog, "p-main", top=0).candidates == ()
    restricted = match(catalog, "p-main", countries=["JJJ", "CCC", "DDD", "AAA", "XXX"])
    assert [c.country for c in restricted.candidates] == ["CCC", "JJJ"]
    with pytest.raises(ValueError):
        match(catalog, "p-main", top=-1)


def test_custom_weights(catalog):
    result = match(catalog, "p-main", weights=Weights(factor=1.0, sdg=0.0, evidence=0.0))
    assert result.candidates[0].country == "BBB"
    assert result.candidates[0].score == pytest.approx(0.6, abs=TOL)
    for candidate in result.candidates:
        assert_explains(candidate, result, catalog)


def test_weights_parse():
    assert Weights.parse("factor=0.6,sdg=0.3,evidence=0.1") == Weights()
    assert Weights.parse(" sdg = 1 ") == Weights(sdg=1.0)
    for bad in ("factor", "colour=1", "sdg=x", "sdg=-1", "evidence=nan"):
        with pytest.raises(ValueError):
            Weights.parse(bad)


def test_unknown_practice_suggests_nearest(catalog):
    with pytest.raises(UnknownIdError) as error:
        match(catalog, "p-mian")
    assert isinstance(error.value, PsikgError)
    assert error.value.kind == "practice"
    assert "p-main" in error.value.suggestions
    assert "p-main" in str(error.value)


def test_practice_id_is_case_insensitive(catalog):
    assert match(catalog, "P-MAIN").practice == "p-main"


def test_score_country_is_the_rule_match_applies(catalog):
    result = match(catalog, "p-main")
    for candidate in result.candidates:
        again = score_country(catalog, catalog.practices["p-main"], candidate.country)
        assert again.score == candidate.score and again.shared_factors == candidate.shared_factors


def test_critical_role_wins_when_a_factor_is_listed_twice():
    parts = base_parts()
    parts["practices"].append(Practice("p-dup", "Dup", "AAA", factors=(
        PracticeFactor("budget", "supporting"), PracticeFactor("budget", "critical"))))
    result = match(hand_catalog(**parts), "p-dup")
    bbb = next(c for c in result.candidates if c.country == "BBB")
    assert [(c.factor, c.role, c.weight) for c in bbb.shared_factors] == [("budget", "critical", 1.0)]


def test_factor_missing_from_the_scheme_still_counts():
    parts = base_parts()
    parts["practices"].append(Practice("p-x", "X", "AAA", factors=(PracticeFactor("mystery", "critical"),)))
    parts["statements"].append(FactorStatement("CCC", "mystery", True, "2020"))
    parts["factors"] = parts["factors"] + [Factor("other", "Other")]
    result = match(hand_catalog(**parts), "p-x")
    assert result.candidates[0].country == "CCC" and result.candidates[0].factor_fit == 1.0


def test_latest_statements_agree_with_rules_on_the_bundled_data(bundled_catalog):
    for country in bundled_catalog.statements_by_country:
        present = {f for f, s in latest_statements(bundled_catalog, country).items() if s.present}
        assert present == rules.factors_had(bundled_catalog.statements_by_country[country])


def test_bundled_somalia_engaged_with_the_bangladesh_practice(bundled_catalog):
    """Issue 4's done-criterion, on the Python side: Somalia is engaged, not a candidate."""
    transfer = next(t for t in bundled_catalog.transfers.values() if t.importer == "SOM" and t.exporter == "BGD")
    result = match(bundled_catalog, transfer.practice)
    assert ("SOM", transfer.status) in [(e.country, e.status) for e in result.engaged]
    assert "SOM" not in {c.country for c in result.candidates}
    assert "BGD" not in {c.country for c in result.candidates}
    for candidate in result.candidates:
        assert_explains(candidate, result, bundled_catalog)
