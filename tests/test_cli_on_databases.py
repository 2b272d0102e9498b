"""Every query command runs unchanged on a graph database store (issues 6 and 16): the same command
line with ``--store falkor://…`` or ``--store bolt://…`` (a real FalkorDB, a real Neo4j) prints
exactly what it prints with the embedded store."""

from __future__ import annotations

import json
import shutil

import pytest

import psikg
from psikg.cli import cli

QUERIES = [
    ["stats", "--format", "json"],
    ["show", "bgd-sdg-tracker", "--format", "json"],
    ["show", "BGD", "--format", "json"],
    ["match", "bgd-sdg-tracker", "--format", "json"],
    ["match", "bgd-sdg-tracker", "--weights", "factor=0.5,sdg=0.5,evidence=0", "--format", "csv"],
    ["solutions", "--country", "SOM", "--format", "json"],
    ["matchmake", "--event", "ssn4psi-dhaka-2017", "--min-score", "0.2", "--format", "json"],
    ["similar", "BGD", "--top", "5", "--format", "json"],
    ["paths", "BGD", "PER", "--k", "3", "--format", "json"],
    ["diffusion", "bgd-sdg-tracker", "--format", "json"],
    ["diffusion", "BGD", "--format", "json"],
    ["factors", "--format", "json"],
    ["factors", "--maturity", "--format", "csv"],
    ["gaps", "--group", "LDC", "--format", "json"],
    ["gaps", "--region", "Southern Asia", "--by-goal", "--format", "json"],
    ["network", "--top", "5", "--format", "json"],
    ["worksheet", "bgd-sdg-tracker", "PER"],
    ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?p a psikg:Practice }", "--format", "csv"],
    ["partnerships", "--event", "ssn4psi-dhaka-2017", "--format", "json"],
    ["partnerships", "--country", "BGD", "--stale-days", "90", "--format", "csv"],
    ["report", "--event", "ssn4psi-dhaka-2017", "--format", "json"],
    ["report", "--country", "BGD", "--format", "json"],
    ["follow-up", "bgd-sdg-tracker-to-per", "--format", "json"],
]


@pytest.fixture(scope="module", params=("falkordb", "neo4j"))
def database_with_credentials(request, bundled_store_path):
    """Each graph database's URI, with the Neo4j credentials in the environment for the module."""
    with pytest.MonkeyPatch.context() as env:
        if request.param == "falkordb":
            host, port = request.getfixturevalue("falkordb_server")
            uri = f"falkor://{host}:{port}/cli-on-databases"
        else:
            uri, user, password = request.getfixturevalue("neo4j_server")
            env.setenv("NEO4J_USER", user)
            if password is not None:
                env.setenv("NEO4J_PASSWORD", password)
        yield uri


@pytest.fixture
def pushed(database_with_credentials, bundled_store_path, runner):
    """The bundled store and the same graph in each graph database, pushed again when another test
    (which wipes Neo4j's one database) changed it: counts compared, one round trip."""
    from psikg.graph.store import open_database

    uri = database_with_credentials
    database = open_database(uri)
    try:
        if database.counts() != psikg.open(bundled_store_path).store.counts():
            done = runner.invoke(cli, ["--store", str(bundled_store_path), "push", "--to", uri, "--wipe"])
            assert done.exit_code == 0, done.output
    finally:
        database.close()
    return str(bundled_store_path), uri


def _known(command: str) -> bool:
    return command in cli.list_commands(None)


@pytest.mark.parametrize("args", QUERIES, ids=lambda args: " ".join(args[:2]))
def test_query_commands_print_the_same_on_the_database(args, pushed, runner):
    if not _known(args[0]):
        pytest.skip(f"psikg {args[0]} does not exist yet")
    file_store, database = pushed
    on_file = runner.invoke(cli, ["--store", file_store, *args])
    on_database = runner.invoke(cli, ["--store", database, *args])
    assert on_file.exit_code == 0, on_file.output
    assert on_database.exit_code == 0, on_database.output
    if args[-1] == "json":
        assert json.loads(on_database.stdout) == json.loads(on_file.stdout)
    else:
        assert on_database.stdout == on_file.stdout


def test_export_gives_the_same_triples(pushed, runner, tmp_path):
    if not _known("export"):
        pytest.skip("psikg export does not exist yet")
    file_store, database = pushed
    outputs = []
    for store, name in ((file_store, "file.nt"), (database, "database.nt")):
        # One date for both: the file's is the day it was written, a database's is today.
        done = runner.invoke(cli, ["--store", store, "export", "-o", str(tmp_path / name), "--modified", "2026-01-01"])
        assert done.exit_code == 0, done.output
        outputs.append(sorted((tmp_path / name).read_text(encoding="utf-8").splitlines()))
    assert outputs[0] == outputs[1]


def test_matchmake_save_writes_the_same_opportunities(bundled_store_path, database_uri, runner, tmp_path):
    if not _known("matchmake"):
        pytest.skip("psikg matchmake does not exist yet")
    copy = tmp_path / "copy.psikg"
    shutil.copy(bundled_store_path, copy)
    assert runner.invoke(cli, ["--store", str(copy), "push", "--to", database_uri]).exit_code == 0
    for store in (str(copy), database_uri):
        done = runner.invoke(cli, ["--store", store, "matchmake", "--event", "ssn4psi-dhaka-2017",
                                   "--min-score", "0.3", "--save"])
        assert done.exit_code == 0, done.output
    stats = [json.loads(runner.invoke(cli, ["--store", store, "stats", "--format", "json"]).stdout)
             for store in (str(copy), database_uri)]
    assert stats[0] == stats[1]


def test_follow_up_writes_the_same_history(bundled_store_path, database_uri, runner, tmp_path):
    if not _known("follow-up"):
        pytest.skip("psikg follow-up does not exist yet")
    copy = tmp_path / "copy.psikg"
    shutil.copy(bundled_store_path, copy)
    assert runner.invoke(cli, ["--store", str(copy), "push", "--to", database_uri]).exit_code == 0
    outputs = []
    for store in (str(copy), database_uri):
        done = runner.invoke(cli, ["--store", store, "follow-up", "bgd-sdg-tracker-to-per", "--status", "implementing",
                                   "--date", "2019-03-01", "--note", "INEI pilots the tracker"])
        assert done.exit_code == 0, done.output
        shown = runner.invoke(cli, ["--store", store, "follow-up", "bgd-sdg-tracker-to-per", "--format", "json"])
        assert shown.exit_code == 0, shown.output
        outputs.append(json.loads(shown.stdout))
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize("args", [["viz"], ["viz", "--match", "bgd-sdg-tracker", "--top", "5"],
                                  ["viz", "--focus", "BGD", "--depth", "2"]], ids=" ".join)
def test_viz_draws_the_same_page(args, pushed, runner, tmp_path):
    if not _known("viz"):
        pytest.skip("psikg viz does not exist yet")
    file_store, database = pushed
    pages = []
    for store, name in ((file_store, "file.html"), (database, "database.html")):
        done = runner.invoke(cli, ["--store", store, *args, "-o", str(tmp_path / name)])
        assert done.exit_code == 0, done.output
        pages.append((tmp_path / name).read_bytes())
    assert pages[0] == pages[1]
