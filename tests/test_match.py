"""The core query, reproduced exactly on a catalog where every score is known by hand."""

from __future__ import annotations

from dataclasses import replace

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
    checks = candidate.present + candidate.absent + candidate.unknown
    assert sorted(c.factor for c in checks) == sorted({pf.factor for pf in practice.factors
                                                       if pf.kind == "precondition"})
    for check in checks:
        assert check.weight == ROLE_WEIGHTS[check.role]
    total = sum(c.weight for c in checks)
    shared = sum(c.weight for c in candidate.shared_factors)
    assert candidate.factor_fit == pytest.approx(shared / total if total else 0.0, abs=TOL)
    known = sum(c.weight for c in candidate.present + candidate.absent)
    assert candidate.coverage == pytest.approx(known / total if total else 0.0, abs=TOL)
    assert candidate.blocking == tuple(c.factor for c in candidate.absent if c.role == "critical")
    expected_tier = "blocked" if candidate.blocking else ("ready" if candidate.coverage >= result.min_coverage
                                                          else "unassessed")
    assert candidate.tier == expected_tier
    assert len(candidate.questions) == len(candidate.unknown)
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
        factor_fit, sdg_fit, evidence, score, coverage, tier = EXPECTED[candidate.country]
        assert (candidate.coverage, candidate.tier) == (pytest.approx(coverage, abs=1e-12), tier)
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
    assert by_country["BBB"].flags == ("stale",)  # champion 2015, budget 2012: more than 5 years old
    assert by_country["BBB"].stale == ("champion", "budget")
    assert by_country["BBB"].blocking == ("champion",)


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
    parts["countries"].append(Country("KKK", "Country KKK", "R", "S2", None, "LIC", un_member=True))
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
    parts["countries"] += [Country("NNA", "A", None, None, None, None, un_member=True),
                           Country("NNB", "B", None, None, None, None, un_member=True)]
    parts["transfers"] = [Transfer("tn", "p-main", "AAA", "NNA", "scaled")]
    result = match(hand_catalog(**parts), "p-main")
    nnb = next(c for c in result.candidates if c.country == "NNB")
    assert nnb.evidence == 0.5 and nnb.evidence_transfers[0].basis == "elsewhere"


def test_practice_without_factors_warns(catalog):
    result = match(catalog, "p-bare")
    assert any("no preconditions" in w for w in result.warnings)
    assert all(c.tier == "unassessed" and c.coverage == 0.0 for c in result.candidates)
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
    parts["countries"] += [Country("ZZA", "A", None, "S9", None, None, un_member=True),
                           Country("ZZB", "B", None, "S9", None, None, un_member=True)]
    parts["statements"].append(FactorStatement("ZZB", "budget", True, "2020"))  # factor_fit 0.2
    from psikg.ontology.domain import Need
    parts["needs"].append(Need("zza-need", "ZZA", "Data", targets=("17.18",)))  # sdg_fit 0.5
    parts["transfers"] = []
    weights = Weights(factor=5 / 7, sdg=2 / 7, evidence=0.0)  # 5/7 x 0.2 = 2/7 x 0.5
    result = match(hand_catalog(**parts), "p-main", weights=weights, countries=["ZZA", "ZZB"])
    assert [c.country for c in result.candidates] == ["ZZB", "ZZA"]
    assert result.candidates[0].score == pytest.approx(result.candidates[1].score, abs=1e-12)


def test_ranked_treats_scores_within_epsilon_as_equal():
    items = [("B", 0.3, 0.0), ("A", 0.1 + 0.2, 0.0), ("C", 0.3 + 2e-9, 0.0)]
    assert [x[0] for x in ranked(items, lambda x: (x[1], x[2], x[0]))] == ["C", "A", "B"]
    items = [("B", 0.5, 0.4), ("A", 0.5 + 1e-10, 0.4 - 1e-10), ("C", 0.5, 0.2)]
    assert [x[0] for x in ranked(items, lambda x: (x[1], x[2], x[0]))] == ["A", "B", "C"]


def test_top_and_countries(catalog):
    assert [c.country for c in match(catalog, "p-main", top=2).candidates] == ["GGG", "FFF"]
    per_tier = match(catalog, "p-main", top_per_tier=1)
    assert [c.country for c in per_tier.candidates] == ["GGG", "BBB"]
    assert per_tier.tier_counts == {"ready": 0, "unassessed": 4, "blocked": 2}
    assert match(catalog, "p-main", top=0).candidates == ()
    restricted = match(catalog, "p-main", countries=["JJJ", "CCC", "DDD", "AAA", "XXX"])
    assert [c.country for c in restricted.candidates] == ["JJJ", "CCC"]  # unassessed before blocked
    with pytest.raises(ValueError):
        match(catalog, "p-main", top=-1)


def test_custom_weights(catalog):
    result = match(catalog, "p-main", weights=Weights(factor=1.0, sdg=0.0, evidence=0.0))
    assert [c.country for c in result.candidates] == ["FFF", "GGG", "III", "JJJ", "BBB", "CCC"]
    assert result.candidates[4].score == pytest.approx(0.6, abs=TOL)
    for candidate in result.candidates:
        assert_explains(candidate, result, catalog)


def test_weights_parse():
    assert Weights.parse("factor=0.6,sdg=0.3,evidence=0.1") == Weights()
    assert Weights.parse(" sdg = 1 ") == Weights(factor=0.0, sdg=1.0, evidence=0.0)  # omitted weigh 0
    for bad in ("factor", "colour=1", "sdg=x", "sdg=-1", "evidence=nan", "factor=0.5", "factor=1,sdg=1"):
        with pytest.raises(ValueError):
            Weights.parse(bad)
    with pytest.raises(ValueError, match="normalised: factor=0.5,sdg=0.5,evidence=0"):
        Weights.parse("factor=1,sdg=1")
    with pytest.raises(ValueError, match="did you mean factor"):
        Weights.parse("fctor=1")
    with pytest.raises(ValueError):
        Weights(factor=0.5, sdg=0.2, evidence=0.0)


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
        assert again == replace(candidate, flags=tuple(f for f in candidate.flags
                                                       if f not in ("opportunity", "stalled", "abandoned")))


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


def test_tiers_with_a_ready_candidate_and_min_coverage():
    parts = base_parts()
    parts["countries"].append(Country("KKK", "Country KKK", "R", "S5", None, "HIC", un_member=True))
    parts["statements"] += [FactorStatement("KKK", "broadband", True, "2018"),  # narrower: connectivity
                            FactorStatement("KKK", "champion", True, "2021"),
                            FactorStatement("KKK", "budget", False, "2019")]
    catalog = hand_catalog(**parts)
    kkk = next(c for c in match(catalog, "p-main", as_of=2026).candidates if c.country == "KKK")
    assert (kkk.tier, kkk.factor_fit, kkk.coverage, kkk.evidence) == ("ready", 0.8, 1.0, 0.5)
    assert kkk.score == pytest.approx(0.6 * 0.8 + 0.1 * 0.5, abs=TOL)
    assert match(catalog, "p-main", as_of=2026).candidates[0].country == "KKK"  # ready first
    as_2020 = next(c for c in match(catalog, "p-main", as_of=2020).candidates if c.country == "KKK")
    assert (as_2020.factor_fit, as_2020.coverage, as_2020.tier) == (0.4, 0.6, "ready")
    strict = next(c for c in match(catalog, "p-main", as_of=2020, min_coverage=0.75).candidates
                  if c.country == "KKK")
    assert strict.tier == "unassessed" and [c.factor for c in strict.unknown] == ["champion"]
    with pytest.raises(ValueError):
        match(catalog, "p-main", min_coverage=1.5)


def test_territories_only_when_asked():
    parts = base_parts()
    parts["countries"].append(Country("TTT", "Territory", "R", "S1", None, "LIC"))  # not a UN member
    catalog = hand_catalog(**parts)
    assert "TTT" not in {c.country for c in match(catalog, "p-main").candidates}
    ttt = next(c for c in match(catalog, "p-main", all_countries=True).candidates if c.country == "TTT")
    assert "territory" in ttt.flags


def test_components_and_outcomes_are_not_scored():
    parts = base_parts()
    parts["practices"].append(Practice("p-kinds", "Kinds", "AAA", factors=(
        PracticeFactor("budget", "critical"), PracticeFactor("champion", "critical", kind="component"),
        PracticeFactor("connectivity", "supporting", kind="outcome"))))
    result = match(hand_catalog(**parts), "p-kinds")
    bbb = next(c for c in result.candidates if c.country == "BBB")  # champion absent, but a component
    assert (bbb.tier, bbb.factor_fit, bbb.coverage, bbb.blocking) == ("ready", 1.0, 1.0, ())
    assert [c.factor for c in bbb.present + bbb.absent + bbb.unknown] == ["budget"]


def test_a_narrower_present_beats_an_absent_broader_and_undated_always_counts():
    parts = base_parts()
    parts["statements"] += [FactorStatement("JJJ", "connectivity", False, "2020"),
                            FactorStatement("JJJ", "broadband", True, "2010"),
                            FactorStatement("JJJ", "budget", True, None)]
    states = rules.factor_states(hand_catalog(**parts), [s for s in parts["statements"] if s.country == "JJJ"], 2000)
    assert states.state("connectivity") == "unknown" and states.state("budget") == "present"
    jjj = next(c for c in match(hand_catalog(**parts), "p-main").candidates if c.country == "JJJ")
    assert [(c.factor, c.status, c.via) for c in jjj.present] == [("connectivity", "present", ("broadband",)),
                                                                 ("budget", "present", ("budget",))]


def test_opportunities_are_never_evidence():
    parts = base_parts()
    parts["transfers"] = [Transfer("to", "p-main", "AAA", "DDD", "opportunity", outcome="success", basis="matchmaking")]
    result = match(hand_catalog(**parts), "p-main")
    assert all(c.evidence == 0.0 for c in result.candidates)
    assert rules.verdict(parts["transfers"][0]) == "open"


def test_related_practices_share_most_themes_first():
    parts = base_parts()
    parts["practices"] += [Practice("b-one", "One theme", "BBB", themes=("stats",)),
                           Practice("b-two", "Two themes", "BBB", themes=("digital", "stats")),
                           Practice("p-multi", "Multi", "AAA", themes=("digital", "stats"))]
    catalog = hand_catalog(**parts)
    bbb = next(c for c in match(catalog, "p-multi").candidates if c.country == "BBB")
    assert [(r.practice, r.themes) for r in bbb.related_practices] == [
        ("b-two", ("digital", "stats")), ("b-one", ("stats",))]
    bbb_main = next(c for c in match(catalog, "p-main").candidates if c.country == "BBB")
    assert [r.practice for r in bbb_main.related_practices] == ["b-two"]  # p-main's one theme: digital


def test_latest_statements_as_of_a_year_are_those_of_the_statements_that_count_then(bundled_catalog):
    """The year's filter inside latest_statements is the rule's: undated statements always count,
    dated ones by their year (checked for every country of the bundled data and several years)."""
    assert any(not s.as_of for s in bundled_catalog.statements)  # both kinds occur
    for year in (1999, 2012, 2015, 2020, 2100):
        for statements in bundled_catalog.statements_by_country.values():
            counted = [s for s in statements if not s.as_of or rules.statement_year(s.as_of) <= year]
            assert rules.latest_statements(statements, year) == rules.latest_statements(counted)
