"""Issue 20: time to adoption and factor models, checked against numbers worked out by hand and
against statsmodels' own output."""

from __future__ import annotations

import math

import pytest

from psikg.queries.adoption import Spell, adoption_curve, exposure_hazards, median_lag, spells
from psikg.queries.factor_models import fit_logit, model_rows
from psikg.queries.panel import adoption_panel

from .test_research_panel import hand_catalog


def spell(duration, event):
    return Spell("X", "p", 2000, duration, event, None, None)


def test_kaplan_meier_curve_by_hand():
    # Durations 1 (adopted), 2 (censored), 3 (adopted), 3 (adopted), 4 (censored).
    # t=1: 5 at risk, 1 event: S = 4/5. t=3: 3 at risk, 2 events: S = 0.8 * 1/3.
    # Greenwood: var S(1) = 0.8^2 * 1/(5*4); var S(3) = S(3)^2 * (1/20 + 2/(3*1)).
    curve = adoption_curve([spell(1, 1), spell(2, 0), spell(3, 1), spell(3, 1), spell(4, 0)])
    assert curve.times == (1, 3) and (curve.n, curve.events, curve.median) == (5, 3, 3)
    assert curve.adopted == pytest.approx((0.2, 1 - 0.8 / 3), abs=1e-12)
    # The log(-log) interval of S(1) = 0.8, se = sqrt(0.032), worked out on paper.
    se = math.sqrt(0.64 / 20)
    spread = 1.959963984540054 * se / (0.8 * -math.log(0.8))
    low_s = math.exp(-math.exp(math.log(-math.log(0.8)) + spread))
    high_s = math.exp(-math.exp(math.log(-math.log(0.8)) - spread))
    assert (curve.lower[0], curve.upper[0]) == pytest.approx((1 - high_s, 1 - low_s), abs=1e-9)
    assert (round(1 - high_s, 4), round(1 - low_s, 4)) == (0.0308, 0.7962)
    lag = median_lag([spell(1, 1), spell(2, 0), spell(3, 1), spell(3, 1)])
    assert (lag.n, lag.median) == (3, 2.0)


def test_no_adopter_means_no_curve_but_n():
    curve = adoption_curve([spell(3, 0), spell(4, 0)])
    assert (curve.n, curve.events, curve.times, curve.median) == (2, 0, (), None)


def test_spells_and_exposure_on_the_hand_panel():
    panel = adoption_panel(hand_catalog(), end_year=2020)
    assert [(s.country, s.duration, s.event) for s in spells(panel)] == [("BBB", 2, 1), ("CCC", 3, 0)]
    hazards = {h.exposure: h for h in exposure_hazards(panel)}
    # At-risk rows: BBB 2018 (neighbour), BBB 2019 (neighbour, adopts), CCC 2018 (none), CCC 2019
    # (event), CCC 2020 (network, event).
    neighbour = hazards["neighbour"]
    assert (neighbour.exposed_n, neighbour.exposed_events, neighbour.unexposed_n, neighbour.unexposed_events) == (
        2, 1, 3, 0)
    assert neighbour.hazard_exposed == 0.5 and neighbour.ratio is None  # no event among the unexposed
    assert (hazards["any"].exposed_n, hazards["any"].exposed_events, hazards["any"].unexposed_n) == (4, 1, 1)
    assert (hazards["event"].exposed_n, hazards["event"].exposed_events) == (2, 0)


def table_rows(cells):
    """Rows from (x, success, count) cells."""
    return [{"x": float(x), "success": y} for x, y, count in cells for _ in range(count)]


def test_logit_on_a_two_by_two_table_is_the_log_odds_ratio():
    # x=1: 8 successes, 4 failures; x=0: 6 successes, 12 failures. By hand: b = log((8/4) / (6/12)) = log 4,
    # se = sqrt(1/8 + 1/4 + 1/6 + 1/12); intercept = log(6/12).
    model = fit_logit("hand", table_rows([(1, 1, 8), (1, 0, 4), (0, 1, 6), (0, 0, 12)]), numeric=("x",))
    assert model.refused is None and model.n == 30
    intercept, slope = model.coefficients
    assert slope.estimate == pytest.approx(math.log(4), abs=1e-6)
    assert slope.std_error == pytest.approx(math.sqrt(1 / 8 + 1 / 4 + 1 / 6 + 1 / 12), abs=1e-6)
    assert intercept.estimate == pytest.approx(math.log(0.5), abs=1e-6)
    assert slope.odds_ratio == pytest.approx(4.0, abs=1e-5)
    assert (slope.ci_low, slope.ci_high) == pytest.approx(
        (math.log(4) - 1.959963984540054 * math.sqrt(0.625), math.log(4) + 1.959963984540054 * math.sqrt(0.625)),
        abs=1e-6)


def test_logit_with_a_category_matches_statsmodels_formula_output():
    pd = pytest.importorskip("pandas")
    smf = pytest.importorskip("statsmodels.formula.api")
    rows = []
    for index in range(60):
        group = ("a", "b", "c")[index % 3]
        x = (index * 7 % 11) / 10
        success = int((index * 5 + (3 if group == "b" else 0)) % 4 != 0) if index % 7 else int(x > 0.5)
        rows.append({"x": x, "g": group, "success": success})
    model = fit_logit("small", rows, numeric=("x",), categorical=("g",))
    assert model.refused is None
    frame = pd.DataFrame(rows)
    reference = smf.logit("success ~ x + C(g, Treatment('a'))", data=frame).fit(disp=0)
    ours = {c.term: c for c in model.coefficients}
    names = {"intercept": "Intercept", "x": "x", "g[b]": "C(g, Treatment('a'))[T.b]",
             "g[c]": "C(g, Treatment('a'))[T.c]"}
    intervals = reference.conf_int()
    for term, theirs in names.items():
        assert ours[term].estimate == pytest.approx(reference.params[theirs], abs=1e-6)
        assert ours[term].std_error == pytest.approx(reference.bse[theirs], abs=1e-6)
        assert ours[term].p_value == pytest.approx(reference.pvalues[theirs], abs=1e-6)
        assert (ours[term].ci_low, ours[term].ci_high) == pytest.approx(tuple(intervals.loc[theirs]), abs=1e-6)
    assert model.log_likelihood == pytest.approx(reference.llf, abs=1e-6)
    # Table rows carry the same numbers as the JSON.
    assert [row["estimate"] for row in model_rows(type("R", (), {"models": (model,)})())] == [
        c["estimate"] for c in model.as_dict()["coefficients"]]


def test_refuses_too_few_transfers():
    model = fit_logit("tiny", table_rows([(1, 1, 5), (0, 0, 5), (1, 0, 2)]), numeric=("x",))
    assert model.coefficients == () and "too few transfers: n = 12" in model.refused


def test_refuses_too_few_events_per_coefficient():
    model = fit_logit("rare", table_rows([(1, 1, 20), (0, 1, 20), (1, 0, 2), (0, 0, 2)]), numeric=("x",))
    assert "the rarer verdict has 4 transfers for 1 coefficient" in model.refused


def test_refuses_perfect_separation():
    model = fit_logit("separated", table_rows([(1, 1, 15), (0, 1, 5), (0, 0, 10)]), numeric=("x",))
    assert model.refused.startswith("separation: every transfer with x = 1 has the same verdict (success)")


def test_a_covariate_without_variation_is_left_out_with_a_note():
    rows = [{**row, "z": 1.0} for row in table_rows([(1, 1, 8), (1, 0, 4), (0, 1, 6), (0, 0, 12)])]
    model = fit_logit("constant", rows, numeric=("x", "z"))
    assert [c.term for c in model.coefficients] == ["intercept", "x"]
    assert model.notes == ("z has no variation: left out",)


def test_no_transfer_at_all_is_a_refusal_not_a_crash():
    model = fit_logit("empty", [], numeric=("x",), categorical=("g",))
    assert model.n == 0 and "too few transfers: n = 0" in model.refused
