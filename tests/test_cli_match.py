"""The match, solutions, matchmake, similar and worksheet commands on the bundled network (issue 4)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from psikg.cli import cli
from psikg.queries.match import match


@pytest.fixture(scope="module")
def somalia_transfer(bundled_catalog):
    return next(t for t in bundled_catalog.transfers.values() if t.exporter == "BGD" and t.importer == "SOM")


def test_issue_4_somalia_is_engaged_with_the_bangladesh_practice(psikg_cli, somalia_transfer):
    """Done-criterion of issue 4: `psikg match` for the Bangladesh practice behind the Somalia
    transfer lists Somalia under engaged."""
    data = json.loads(psikg_cli("match", somalia_transfer.practice, "--format", "json").stdout)
    assert data["practice"] == somalia_transfer.practice and data["exporter"] == "BGD"
    assert {"country": "SOM", "status": somalia_transfer.status} in [
        {"country": e["country"], "status": e["status"]} for e in data["engaged"]]
    countries = [c["country"] for c in data["candidates"]]
    assert "SOM" not in countries and "BGD" not in countries
    table = psikg_cli("match", somalia_transfer.practice, "--top", "3").stdout
    assert "already engaged: SOM" in table


def test_match_json_shape_and_unrounded_scores(psikg_cli, bundled_catalog):
    data = json.loads(psikg_cli("match", "bgd-sdg-tracker", "--format", "json").stdout)
    expected = match(bundled_catalog, "bgd-sdg-tracker")
    assert [c["country"] for c in data["candidates"]] == [c.country for c in expected.candidates]
    first, want = data["candidates"][0], expected.candidates[0]
    assert list(first)[:8] == ["country", "name", "score", "factor_fit", "sdg_fit", "evidence", "coverage", "tier"]
    for key in ("present", "absent", "unknown", "blocking", "questions", "matching_needs", "evidence_transfers",
                "stale", "related_practices", "flags"):
        assert key in first
    assert first["score"] == want.score  # unrounded
    assert [f["factor"] for f in first["unknown"]] == [f.factor for f in want.unknown]
    assert data["tier_counts"] == expected.tier_counts and data["as_of"] == expected.as_of
    assert {"country": "PER", "status": "agreed", "transfer": "bgd-sdg-tracker-to-per"} in data["engaged"]


def test_match_top_weights_and_csv(psikg_cli, bundled_catalog):
    rows = list(csv.DictReader(io.StringIO(
        psikg_cli("match", "bgd-sdg-tracker", "--top", "5", "--weights", "factor=1,sdg=0,evidence=0",
                  "--format", "csv").stdout)))
    assert len(rows) == 5
    assert all(float(r["score"]) == pytest.approx(float(r["factor_fit"]), abs=1e-12) for r in rows)
    assert rows[0]["rank"] == "1" and len(rows[0]["country"]) == 3


def test_match_errors(psikg_cli):
    result = psikg_cli("match", "bgd-sdg-trackr", code=2)
    assert "unknown practice 'bgd-sdg-trackr'" in result.output and "bgd-sdg-tracker" in result.output
    result = psikg_cli("match", "bgd-sdg-tracker", "--weights", "colour=1", code=2)
    assert "--weights" in result.output


def test_solutions(psikg_cli):
    data = json.loads(psikg_cli("solutions", "--country", "SOM", "--format", "json").stdout)
    assert data["country"] == "SOM" and data["solutions"]
    assert "bgd-a2i-service-innovation" in [e["practice"] for e in data["engaged"]]
    need = data["solutions"][0]["need"]
    rows = list(csv.DictReader(io.StringIO(psikg_cli("solutions", need, "--format", "csv").stdout)))
    assert rows and {r["need"] for r in rows} == {need}
    assert "Solutions for" in psikg_cli("solutions", need, "--top", "2").stdout
    psikg_cli("solutions", code=2)
    psikg_cli("solutions", need, "--country", "SOM", code=2)


def test_matchmake_and_save_twice(psikg_cli, bundled_graph):
    store = bundled_graph.store.path
    catalog = bundled_graph.catalog
    event = next(e.id for e in catalog.events.values() if len(e.participants) >= 2)
    data = json.loads(psikg_cli("matchmake", "--event", event, "--format", "json", store=store).stdout)
    assert data["event"] == event and data["opportunities"]
    scores = [o["score"] for o in data["opportunities"]]
    assert scores == sorted(scores, reverse=True)
    first = psikg_cli("matchmake", "--event", event, "--save", store=store)
    assert "Saved" in first.output
    second = psikg_cli("matchmake", "--event", event, "--save", store=store)
    assert "Nothing new to save" in second.output
    psikg_cli("matchmake", "--event", "no-such-event", code=2)


def test_similar(psikg_cli):
    data = json.loads(psikg_cli("similar", "BGD", "--top", "3", "--format", "json").stdout)
    assert data["country"] == "BGD" and 0 < len(data["similar"]) <= 3
    assert "Countries with contexts like BGD" in psikg_cli("similar", "bangladesh").stdout


def test_worksheet_files(psikg_cli, tmp_path):
    markdown, page = tmp_path / "w.md", tmp_path / "w.html"
    psikg_cli("worksheet", "bgd-sdg-tracker", "UGA", "-o", str(markdown))
    psikg_cli("worksheet", "bgd-sdg-tracker", "UGA", "-o", str(page))
    assert markdown.read_text(encoding="utf-8").startswith("# Reverse-engineering worksheet: SDG Tracker")
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "## 4. Gaps" in psikg_cli("worksheet", "bgd-sdg-tracker", "UGA").stdout
    psikg_cli("worksheet", "bgd-sdg-tracker", "UGA", "-o", str(tmp_path / "w.txt"), code=2)
    psikg_cli("worksheet", "bgd-sdg-tracker", "BGD", code=2)


def test_every_command_has_help_with_an_example(runner):
    for command in ("match", "solutions", "matchmake", "similar", "worksheet"):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output and f"psikg {command}" in result.output


def test_docs_state_the_default_weights():
    """docs/queries.md and the module docstrings give the weights the code uses."""
    from pathlib import Path

    from psikg.queries import match as match_module
    from psikg.queries import solutions as solutions_module
    from psikg.queries.match import DEFAULT_WEIGHTS
    from psikg.queries.solutions import DEFAULT_SOLUTION_WEIGHTS

    docs = (Path(__file__).resolve().parents[1] / "docs" / "queries.md").read_text(encoding="utf-8")
    w, s = DEFAULT_WEIGHTS, DEFAULT_SOLUTION_WEIGHTS
    core = f"{w.factor}·factor_fit + {w.sdg}·sdg_fit + {w.evidence}·evidence"
    demand = f"{s.sdg}·sdg_fit + {s.theme}·theme_fit + {s.factor}·factor_fit + {s.evidence}·evidence"
    assert core in docs and core in match_module.__doc__
    assert demand in docs and demand in solutions_module.__doc__
    for command in ("psikg match", "psikg solutions", "psikg matchmake", "psikg similar", "psikg worksheet"):
        assert command in docs


def test_issue_14_bundled_done_criteria(psikg_cli, bundled_catalog):
    """No territory among default candidates; no country without any recorded state is ready."""
    for practice in ("bgd-sdg-tracker", "est-x-road", "rwa-imihigo"):
        data = json.loads(psikg_cli("match", practice, "--format", "json").stdout)
        for candidate in data["candidates"]:
            assert bundled_catalog.countries[candidate["country"]].un_member, candidate["country"]
            if candidate["tier"] == "ready":
                assert candidate["present"] or candidate["absent"]
                assert "no-context" not in candidate["flags"]
        tiers = [c["tier"] for c in data["candidates"]]
        assert tiers == sorted(tiers, key=("ready", "unassessed", "blocked").index)
    everyone = json.loads(psikg_cli("match", "est-x-road", "--all-countries", "--format", "json").stdout)
    assert any("territory" in c["flags"] for c in everyone["candidates"])


def test_match_as_of_min_coverage_and_tier_tables(psikg_cli):
    strict = json.loads(psikg_cli("match", "rwa-imihigo", "--min-coverage", "1", "--format", "json").stdout)
    assert all(c["coverage"] >= 1 - 1e-9 for c in strict["candidates"] if c["tier"] == "ready")
    early = json.loads(psikg_cli("match", "rwa-imihigo", "--as-of", "2000", "--format", "json").stdout)
    assert early["as_of"] == 2000 and early["tier_counts"]["ready"] <= strict["tier_counts"]["ready"] + 10
    table = psikg_cli("match", "rwa-imihigo", "--top", "3").stdout
    assert "ready:" in table and "unassessed:" in table and "blocked" in table
    default = json.loads(psikg_cli("match", "rwa-imihigo", "--format", "json").stdout)
    first_ready = next(c for c in default["candidates"] if c["tier"] == "ready")
    assert "ask them first about" in table and first_ready["name"].split()[0] in table  # names are shown
    psikg_cli("match", "rwa-imihigo", "--min-coverage", "2", code=2)
    psikg_cli("match", "rwa-imihigo", "--weights", "factor=1,sdg=1", code=2)  # must sum to 1


def test_dhaka_matchmaking_says_how_many_participants_it_could_assess(psikg_cli):
    data = json.loads(psikg_cli("matchmake", "--event", "ssn4psi-dhaka-2017", "--format", "json").stdout)
    assert data["participant_count"] == 18 and data["unnamed"] == 18 - len(data["participants"])
    assert any("the data names" in w for w in data["warnings"])
    table = psikg_cli("matchmake", "--event", "ssn4psi-dhaka-2017").stdout
    assert f"{len(data['participants'])} of 18 participants named" in table
