"""Issue 18, a newcomer's first hour: an empty store says so, tables keep ids whole, show reads as
words, unknown columns are refused, diff shows a load before it is made, and the smaller findings."""

from __future__ import annotations

import csv
import json
import re

import pytest

import psikg
from psikg.cli import cli
from psikg.graph.records import GraphBatch

PRACTICES_HEADER = "id,title,source,country,maturity\n"


def invoke(runner, store, *args, **kwargs):
    return runner.invoke(cli, ["--store", str(store), *args], **kwargs)


@pytest.fixture
def bundled_store(bundled_graph):
    return bundled_graph.store.path


# An empty or missing store ----------------------------------------------------------------------

@pytest.mark.parametrize("command", [["stats"], ["match", "bgd-sdg-tracker"], ["viz", "-o", "x.html"],
                                     ["show", "BGD"], ["factors"]])
def test_a_missing_store_says_so_and_names_the_command_that_fills_it(command, runner, store_path):
    result = invoke(runner, store_path, *command)
    assert result.exit_code == 1, result.output
    assert "no knowledge graph" in result.output
    assert f"psikg --store {store_path} load" in result.output
    assert not store_path.exists()


def test_an_existing_but_empty_store_says_it_is_empty(runner, store_path):
    psikg.open(store_path).store.apply(GraphBatch())  # a store file that holds nothing
    assert store_path.exists()
    result = invoke(runner, store_path, "stats")
    assert result.exit_code == 1, result.output
    assert "is empty" in result.output and "load" in result.output


# Tables ----------------------------------------------------------------------------------------

def test_narrow_terminal_tables_keep_every_id_whole(runner, bundled_store, monkeypatch, bundled_catalog):
    monkeypatch.setenv("COLUMNS", "60")
    result = invoke(runner, bundled_store, "matchmake", "--event", "ssn4psi-dhaka-2017")
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    shown = set(re.findall(r"│ ([a-z0-9]+(?:-[a-z0-9]+)+) ", result.output))
    assert shown and shown <= set(bundled_catalog.practices), shown - set(bundled_catalog.practices)


def test_match_table_has_names_beside_codes(runner, bundled_store):
    result = invoke(runner, bundled_store, "match", "bgd-sdg-tracker", "--top", "3")
    assert result.exit_code == 0, result.output
    assert "Uganda" in result.output and "UGA" in result.output


def test_show_groups_links_in_words_without_python_reprs(runner, bundled_store):
    result = invoke(runner, bundled_store, "show", "bgd-sdg-tracker")
    assert result.exit_code == 0, result.output
    assert "{'" not in result.output and "(incoming)" not in result.output
    assert "transfers whose practice it is (1 link):" in result.output
    assert "factors (" in result.output and "political-champion" in result.output


def test_scores_rounded_for_people_exact_in_json(runner, bundled_store):
    table = invoke(runner, bundled_store, "match", "bgd-sdg-tracker", "--format", "csv")
    rows = csv.DictReader(line for line in table.output.splitlines() if not line.startswith("note:"))
    scores = [row["score"] for row in rows]
    assert scores and all(len(score.split(".")[-1]) <= 6 for score in scores)
    data = json.loads(invoke(runner, bundled_store, "match", "bgd-sdg-tracker", "--format", "json").output)
    assert all("name" in candidate for candidate in data["candidates"])


def test_small_sample_reads_yes_not_true(runner, bundled_store):
    result = invoke(runner, bundled_store, "factors")
    assert result.exit_code == 0, result.output
    assert "True" not in result.output and "False" not in result.output


@pytest.mark.parametrize("command", ["viz", "generate", "export", "worksheet", "report"])
def test_one_spelling_of_output(command, runner):
    result = runner.invoke(cli, [command, "--help"])
    assert "-o, --output" in result.output and "--out " not in result.output


def test_csv_note_does_not_suggest_csv(runner, bundled_store):
    result = invoke(runner, bundled_store, "solutions", "--country", "SOM", "--top", "1", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "--format csv" not in result.output


# SPARQL files -------------------------------------------------------------------------------------

def test_sparql_by_name_or_path_and_a_missing_file(runner, bundled_store):
    by_name = invoke(runner, bundled_store, "sparql", "importers-of-practice")
    by_path = invoke(runner, bundled_store, "sparql", "some/where/importers-of-practice.rq")
    assert by_name.exit_code == 0 and "bgd-sdg-tracker-to-per" in by_name.output
    assert by_path.output == by_name.output
    missing = invoke(runner, bundled_store, "sparql", "no-such-query.rq")
    assert missing.exit_code == 2
    assert "no such file" in missing.output and "syntax" not in missing.output.lower()


# Curators' round trip ----------------------------------------------------------------------------

def misspelt_folder(tmp_path):
    folder = tmp_path / "misspelt"
    folder.mkdir()
    (folder / "practices.csv").write_text(
        "id,title,source,country,maturty\nx-portal,X portal,https://example.org/x,KEN,pilot\n", encoding="utf-8")
    return folder


def test_an_unknown_column_is_an_error_naming_the_nearest(runner, bundled_store, tmp_path):
    result = invoke(runner, bundled_store, "load", str(misspelt_folder(tmp_path)))
    assert result.exit_code == 2, result.output
    assert "'maturty'" in result.output and "did you mean maturity?" in result.output
    assert "--allow-extra-columns" in result.output
    assert "x-portal" not in psikg.open(bundled_store).catalog.practices


def test_allow_extra_columns_loads_the_rest(runner, bundled_store, tmp_path):
    result = invoke(runner, bundled_store, "load", "--allow-extra-columns", str(misspelt_folder(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "warning:" in result.output and "maturty" in result.output
    assert "x-portal" in psikg.open(bundled_store).catalog.practices


def test_diff_shows_a_load_without_writing_and_load_says_what_changed(runner, bundled_store, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "practices.csv").write_text(PRACTICES_HEADER + "x-portal,X portal,https://example.org/x,KEN,pilot\n",
                                          encoding="utf-8")
    before = bundled_store.read_bytes()
    diff = invoke(runner, bundled_store, "diff", str(folder), "--format", "json")
    assert diff.exit_code == 0, diff.output
    changes = json.loads(diff.output)
    assert {"name": "practice", "added": 1, "changed": 0, "removed": 0}.items() <= changes["nodes"][0].items()
    assert bundled_store.read_bytes() == before
    loaded = invoke(runner, bundled_store, "load", str(folder))
    assert "Changed: nodes practice +1" in loaded.output
    (folder / "practices.csv").write_text(PRACTICES_HEADER + "x-portal,X portal,https://example.org/x,KEN,scaled\n",
                                          encoding="utf-8")
    again = invoke(runner, bundled_store, "diff", str(folder))
    assert re.search(r"practice\s*│\s*0\s*│\s*1\s*│", again.output), again.output
    assert "Nothing changed" in invoke(runner, bundled_store, "load").output


def test_a_fresh_template_validates_without_warnings(runner, bundled_store, tmp_path):
    assert runner.invoke(cli, ["template", str(tmp_path / "t")]).exit_code == 0
    result = invoke(runner, bundled_store, "validate", str(tmp_path / "t"))
    assert result.exit_code == 0, result.output
    assert "0 warnings" in result.output and "warning:" not in result.output


# Smaller findings ----------------------------------------------------------------------------------

def test_a_repeated_follow_up_says_nothing_changed(runner, bundled_store):
    args = ["follow-up", "bgd-sdg-tracker-to-per", "--status", "implementing", "--date", "2019-03-01"]
    first = invoke(runner, bundled_store, *args)
    second = invoke(runner, bundled_store, *args)
    assert first.exit_code == 0 and "Recorded bgd-sdg-tracker-to-per" in first.output, first.output
    assert second.exit_code == 0 and "Already recorded, nothing changed" in second.output, second.output


def test_one_participant_is_singular(runner, bundled_store):
    result = invoke(runner, bundled_store, "matchmake", "--event", "ssn4psi-dhaka-2017")
    assert "(1 participants" not in result.output and "participants named" in result.output


def test_open_is_a_context_manager_and_help_shows_how(bundled_store):
    with psikg.open(bundled_store) as kg:
        assert kg.stats().counts["practices"] > 0
    assert "with psikg.open(" in psikg.__doc__ and "match" in psikg.__doc__
