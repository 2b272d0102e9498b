"""Evidence-aware matching (issue 14), on every backend: factor-link kinds, states as of a year
with narrower factors, coverage, tiers, UN members by default, one verdict per transfer, factor
analysis with unknowns left out. The data is tests/data/evidence; every number below is worked
out by hand from it.

Practice ev-p (BGD): preconditions ev-network (critical 1.0), ev-champion (critical 1.0, no kind
given: precondition), ev-budget (supporting 0.5); W = 2.5. ev-layer is a component and ev-uptake an
outcome: neither is scored. Target 16.6. Transfers: RWA adopted 2016 (success), ETH abandoned with
outcome success (failure), TZA opportunity saved by matchmaking (open), GHA implementing partial.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from psikg.api import Psikg
from psikg.queries import rules

DATA = Path(__file__).resolve().parent / "data" / "evidence"
TOL = 1e-9


@pytest.fixture
def graph(any_store):
    graph = Psikg(any_store)
    graph.load([DATA], bundled=False)
    return graph


def by_country(result):
    return {c.country: c for c in result.candidates}


def test_states_coverage_and_tiers_as_of_2026(graph):
    result = graph.match("ev-p", as_of=2026)
    found = by_country(result)
    ken = found["KEN"]  # fibre (narrower, 2015) makes the network present over the older "absent"
    assert (ken.tier, ken.factor_fit, ken.coverage, ken.sdg_fit, ken.evidence) == ("ready", 0.8, 1.0, 1.0, 1.0)
    assert ken.score == pytest.approx(0.6 * 0.8 + 0.3 + 0.1, abs=TOL)
    assert [(c.factor, c.via) for c in ken.present] == [("ev-champion", ("ev-champion",)),
                                                        ("ev-network", ("ev-fibre",))]
    assert [c.factor for c in ken.absent] == ["ev-budget"]  # ev-layer is absent too, but a component
    assert ken.blocking == () and ken.unknown == ()
    som = found["SOM"]  # critical champion known absent
    assert (som.tier, som.blocking, som.factor_fit, som.coverage) == ("blocked", ("ev-champion",), 0.4, 0.8)
    uga = found["UGA"]  # an undated statement always counts
    assert (uga.tier, uga.factor_fit, uga.coverage) == ("unassessed", 0.2, 0.2)
    assert [q for q in uga.questions if "Political champion" in q]
    tiers = [c.tier for c in result.candidates]
    assert tiers == sorted(tiers, key=("ready", "unassessed", "blocked").index)
    assert result.tier_counts == {"ready": 2, "unassessed": 187, "blocked": 1}
    assert result.ask[0].factor in ("ev-champion", "ev-network") and result.ask[0].role == "critical"


def test_as_of_cuts_off_later_statements_and_transfers(graph):
    ken_2020 = by_country(graph.match("ev-p", as_of=2020))["KEN"]  # champion stated 2021: unknown
    assert (ken_2020.factor_fit, ken_2020.coverage, ken_2020.tier) == (0.4, 0.6, "ready")
    assert [c.factor for c in ken_2020.unknown] == ["ev-champion"]
    assert by_country(graph.match("ev-p", as_of=2020, min_coverage=0.75))["KEN"].tier == "unassessed"
    found_2014 = by_country(graph.match("ev-p", as_of=2014))
    ken_2014 = found_2014["KEN"]  # before the fibre: the network's own "absent" (2012) decides
    assert (ken_2014.tier, ken_2014.blocking) == ("blocked", ("ev-network",))
    assert ken_2014.evidence == 0.0  # the only success started in 2016
    assert "no-context" in found_2014["SOM"].flags  # its statements are from 2018


def test_un_members_by_default_territories_when_asked(graph):
    assert "PRI" not in by_country(graph.match("ev-p"))
    pri = by_country(graph.match("ev-p", all_countries=True))["PRI"]
    assert pri.tier == "ready" and "territory" in pri.flags
    default = graph.match("ev-p")
    assert all(graph.catalog.countries[c.country].un_member for c in default.candidates)


def test_engaged_flags_stale_and_related_practices(graph):
    result = graph.match("ev-p", as_of=2026)
    assert [(e.country, e.status) for e in result.engaged] == [("GHA", "implementing"), ("RWA", "adopted")]
    found = by_country(result)
    assert "abandoned" in found["ETH"].flags and "opportunity" in found["TZA"].flags
    ken = found["KEN"]
    assert ken.stale == ("ev-network", "ev-budget") and "stale" in ken.flags  # 2015 and 2019 < 2021
    assert [r.practice for r in ken.related_practices] == ["ken-portal"]
    assert [e.transfer for e in ken.evidence_transfers] == ["ev-p-to-rwa"]  # never the opportunity


def test_one_verdict_per_transfer(graph):
    transfers = graph.catalog.transfers
    assert {t: rules.verdict(transfers[t]) for t in sorted(transfers)} == {
        "ev-p-to-eth": "failure", "ev-p-to-gha": "partial", "ev-p-to-rwa": "success", "ev-p-to-tza": "open"}
    assert transfers["ev-p-to-tza"].basis == "matchmaking"
    assert graph.stats().transfers_by_verdict == {"success": 1, "partial": 1, "failure": 1, "open": 1}


def test_factor_analysis_as_of_start_year_with_unknowns(graph):
    result = graph.factors()
    assert (result.n, result.successes) == (2, 1)  # RWA success, ETH failure
    effects = {e.factor: e for e in result.factors}
    assert "ev-layer" not in effects and "ev-uptake" not in effects  # component and outcome
    champion = effects["ev-champion"]  # RWA (2010) and ETH (2015) had a champion at the start
    assert (champion.with_n, champion.with_success, champion.without_n, champion.unknown_n) == (2, 1, 0, 0)
    assert champion.rate_with_ci == pytest.approx((0.0945, 0.9055), abs=1e-4)
    assert champion.q_value is None  # an arm is empty: not tested
    budget = effects["ev-budget"]  # ETH's budget is stated in 2020, after its 2017 start
    assert (budget.with_n, budget.without_n, budget.unknown_n) == (0, 0, 2)
    assert graph.network().n_successful == result.successes


def test_kind_round_trips_through_the_store(graph):
    kinds = {pf.factor: pf.kind for pf in graph.catalog.practices["ev-p"].factors}
    assert kinds == {"ev-network": "precondition", "ev-champion": "precondition", "ev-budget": "precondition",
                     "ev-layer": "component", "ev-uptake": "outcome"}


def test_partnerships_carry_the_one_verdict(graph):
    found = {p.transfer: p.verdict for p in graph.partnerships(as_of="2026-01-01").partnerships}
    assert found == {"ev-p-to-eth": "failure", "ev-p-to-gha": "partial", "ev-p-to-rwa": "success",
                     "ev-p-to-tza": "open"}
