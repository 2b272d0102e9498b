"""The backtest (issue 23) on a hand-built network where every answer is worked out by hand
(tests/backtest_network.py), the tie-aware metrics against brute force, and the command on the
bundled network."""

from __future__ import annotations

import csv
import io
import itertools
import json
from fractions import Fraction

import pytest

from psikg.cli import cli
from psikg.queries.as_of import catalog_as_of
from psikg.queries.backtest import backtest, later_importers, reached_agreement
from psikg.queries.backtest_metrics import ranking_metrics
from psikg.queries.backtest_weights import search_weights, weight_grid
from psikg.queries.match import match

from .backtest_network import backtest_catalog

approx = pytest.approx


@pytest.fixture
def catalog():
    return backtest_catalog()


# The catalog as of a year ---------------------------------------------------------------------

def test_as_of_keeps_statements_dated_by_then(catalog):
    then = catalog_as_of(catalog, 2013)
    assert ("CCC", "f2") not in {(s.country, s.factor) for s in then.statements}
    assert ("CCC", "f2") in {(s.country, s.factor) for s in catalog_as_of(catalog, 2014).statements}


def test_as_of_reads_a_transfers_status_from_its_history(catalog):
    def t2(year):
        found = catalog_as_of(catalog, year).transfers.get("t2")
        return found and (found.status, found.outcome)

    assert t2(2013) is None
    assert t2(2014) == ("agreed", "unknown")
    assert t2(2016) == ("implementing", "unknown")
    assert t2(2017) == ("adopted", "success")


def test_as_of_keeps_transfers_started_by_then_with_their_recorded_status(catalog):
    assert sorted(catalog_as_of(catalog, 2012).transfers) == ["t1", "t6"]
    assert catalog_as_of(catalog, 2013).transfers["t4"].status == "abandoned"


def test_as_of_keeps_needs_expressed_by_then(catalog):
    assert sorted(catalog_as_of(catalog, 2012).needs) == ["n-ccc"]
    assert sorted(catalog_as_of(catalog, 2013).needs) == ["n-ccc", "n-eee"]


def test_match_as_of_reads_the_whole_record_only_when_asked(catalog):
    whole = match(catalog, "p1", as_of=2012, record_as_of=True)
    assert [c.country for c in whole.candidates] == ["CCC", "EEE", "DDD"]
    assert [e.country for e in whole.engaged] == ["BBB"]
    assert [c.score for c in whole.candidates] == approx([0.8, 0.1, 0.05])
    assert whole.record_as_of and whole.as_dict()["record_as_of"]
    statements_only = match(catalog, "p1", as_of=2012)
    assert [e.country for e in statements_only.engaged] == ["BBB", "CCC"]
    assert not statements_only.record_as_of


# Later transfers ------------------------------------------------------------------------------

def test_later_importers_count_agreed_or_beyond_never_opportunities(catalog):
    practice = catalog.practices["p1"]
    assert later_importers(catalog, practice, 2012) == {"CCC": "t2", "DDD": "t4"}
    assert later_importers(catalog, practice, 2013) == {"CCC": "t2"}
    assert later_importers(catalog, practice, 2014) == {}
    assert not reached_agreement(catalog.transfers["t3"])


# The metrics on the hand-built network -------------------------------------------------------

def _summary(result, method, year=None):
    found = result.overall if year is None else result.by_year[year]
    return next(s for s in found if s.method == method)


def test_backtest_years_cases_and_ranks(catalog):
    result = backtest(catalog, ks=(1, 2))
    assert result.years == (2012, 2013, 2014)
    assert [(c.year, c.practice, c.positives) for c in result.cases] == [
        (2012, "p1", ("CCC", "DDD")), (2013, "p1", ("CCC",))]
    assert result.cases[0].ranks == {"CCC": (1, 1), "DDD": (3, 3)}
    assert result.cases[0].tiers == {"CCC": "ready", "DDD": "blocked"}
    assert [_summary(result, "psikg", y).n for y in result.years] == [1, 1, 0]


def test_backtest_metrics_of_the_match(catalog):
    psikg = _summary(backtest(catalog, ks=(1, 2)), "psikg")
    assert psikg.n == 2
    assert psikg.precision == approx({1: 1.0, 2: 0.5})
    assert psikg.recall == approx({1: 0.75, 2: 0.75})
    assert psikg.mrr == approx(1.0)
    assert psikg.auc == approx(0.75)


def test_backtest_baselines(catalog):
    result = backtest(catalog, ks=(1, 2))
    for method in ("random", "same-subregion"):  # no candidate shares AAA's sub-region: all tied
        found = _summary(result, method)
        assert found.precision == approx({1: 0.5, 2: 0.5})
        assert found.recall == approx({1: 1 / 3, 2: 2 / 3})
        assert found.mrr == approx(13 / 18)
        assert found.auc == approx(0.5)
    frequent = _summary(result, "frequent-importers")
    assert frequent.precision == approx({1: 0.0, 2: 0.25})
    assert frequent.recall == approx({1: 0.0, 2: 0.25})
    assert frequent.mrr == approx(5 / 12)
    assert frequent.auc == approx(0.0)
    assert _summary(result, "tier-free").mrr == approx(1.0)


def test_backtest_tiers_of_later_importers(catalog):
    by_tier = backtest(catalog).by_tier
    assert by_tier == {"ready": {"later_importers": 2, "candidates": 2},
                       "unassessed": {"later_importers": 0, "candidates": 2},
                       "blocked": {"later_importers": 1, "candidates": 2}}


def test_backtest_refuses_bad_parameters(catalog):
    with pytest.raises(ValueError, match="--from before --to"):
        backtest(catalog, 2015, 2012)
    with pytest.raises(ValueError, match="at least 1"):
        backtest(catalog, ks=(0,))


def test_weights_search_on_the_hand_built_network(catalog):
    found = search_weights(backtest(catalog), "mrr")
    assert len(found.grid) == 66
    # one candidate per tier: no weighting changes the order, so every one scores MRR 1
    assert [s.value for s in found.grid] == approx([1.0] * 66)
    assert [(h.year, h.n, h.held_out, h.default) for h in found.held_out] == [
        (2012, 1, approx(1.0), approx(1.0)), (2013, 1, approx(1.0), approx(1.0))]
    assert "overfit" in found.warning
    assert len(weight_grid(0.5)) == 6


# Ties: the metrics are the expected values over every order of the tied -----------------------

@pytest.mark.parametrize("groups,positives", [
    ([["A", "B", "C", "D"]], {"B"}),
    ([["A"], ["B", "C", "D"], ["E", "F"]], {"C", "D", "F"}),
    ([["A", "B"], ["C"], ["D", "E", "F"]], {"A", "E"}),
])
def test_tied_metrics_equal_the_mean_over_orders(groups, positives):
    ks = (1, 2, 4)
    orders = [sum((list(p) for p in perm), []) for perm in itertools.product(*(itertools.permutations(g)
                                                                                  for g in groups))]
    n_neg = sum(len(g) for g in groups) - len(positives)
    expected_rr = sum(Fraction(1, next(i for i, c in enumerate(o, 1) if c in positives)) for o in orders) / len(orders)
    expected_auc = sum(Fraction(sum(1 for i, c in enumerate(o) if c in positives for d in o[i + 1:]
                                    if d not in positives), len(positives) * n_neg) for o in orders) / len(orders)
    found = ranking_metrics(groups, positives, ks)
    assert found.reciprocal_rank == approx(float(expected_rr))
    assert found.auc == approx(float(expected_auc))
    for k in ks:
        mean_hits = sum(Fraction(sum(1 for c in o[:k] if c in positives)) for o in orders) / len(orders)
        assert found.precision[k] == approx(float(mean_hits / k))
        assert found.recall[k] == approx(float(mean_hits / len(positives)))


# The command on the bundled network ----------------------------------------------------------

def test_backtest_command_json_and_csv(runner, bundled_store_path):
    base = ["--store", str(bundled_store_path), "backtest", "--from", "2012", "--to", "2016"]
    result = runner.invoke(cli, base + ["--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["years"] == [2012, 2013, 2014, 2015, 2016]
    methods = [row["method"] for row in data["overall"]]
    assert methods == ["psikg", "tier-free", "same-subregion", "frequent-importers", "random"]
    random_row = data["overall"][-1]
    assert random_row["auc"] == approx(0.5) and random_row["n"] == len(data["cases"]) > 0
    rows = list(csv.DictReader(io.StringIO(runner.invoke(cli, base + ["--format", "csv"]).stdout)))
    assert {r["year"] for r in rows} == {"all", "2012", "2013", "2014", "2015", "2016"}


def test_backtest_command_table_search_and_plot(runner, bundled_store_path, tmp_path):
    pytest.importorskip("matplotlib")
    plot = tmp_path / "backtest.svg"
    result = runner.invoke(cli, ["--store", str(bundled_store_path), "backtest", "--from", "2014", "--to", "2015",
                                 "--search-weights", "--plot", str(plot)])
    assert result.exit_code == 0, result.output
    assert "leave one origin year out" in result.output and "overfit" in result.output
    assert plot.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_backtest_command_refuses_a_bad_metric(runner, bundled_store_path):
    result = runner.invoke(cli, ["--store", str(bundled_store_path), "backtest", "--metric", "ndcg"])
    assert result.exit_code == 2 and "--metric" in result.output


def test_match_as_of_says_it_reads_the_whole_record(runner, bundled_store_path):
    practice = json.loads(runner.invoke(cli, ["--store", str(bundled_store_path), "backtest", "--from", "2014",
                                              "--to", "2014", "--format", "json"]).output)["cases"][0]["practice"]
    result = runner.invoke(cli, ["--store", str(bundled_store_path), "match", practice, "--as-of", "2014"])
    assert result.exit_code == 0, result.output
    assert "whole record as it stood then" in result.output


def test_as_of_2015_keeps_t2_implementing_and_not_evidence(catalog):
    """The docs' worked example: t2 stands at implementing as of 2015, so it is no evidence then."""
    result = match(catalog, "p1", as_of=2015, record_as_of=True)
    by_country = {c.country: c for c in result.candidates}
    assert "t2" not in {e.transfer for c in result.candidates for e in c.evidence_transfers}
    assert [e.country for e in result.engaged] == ["BBB", "CCC"]
    assert by_country["EEE"].evidence == 1.0  # t1 to BBB (low income) is the evidence


def test_as_of_dated_only_leaves_out_undated_needs_and_statements(catalog):
    from msgspec.structs import replace

    undated = replace(catalog.statements[0], as_of=None)
    with_undated = backtest_catalog()
    with_undated.statements = (undated,) + catalog.statements[1:]
    assert undated in catalog_as_of(with_undated, 2012).statements
    assert undated not in catalog_as_of(with_undated, 2012, dated_only=True).statements
    assert sorted(catalog_as_of(catalog, 2012, dated_only=True).needs) == []
    assert sorted(catalog_as_of(catalog, 2013, dated_only=True).needs) == ["n-eee"]
    strict = backtest(catalog, ks=(1,), dated_only=True)
    assert strict.cases[0].ranks == {"CCC": (1, 1), "DDD": (3, 3)}  # CCC: 0.4 + 0 + 0.1, still first
    assert any("--dated-only" in note for note in strict.notes)
