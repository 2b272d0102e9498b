"""psikg push and psikg cypher against the graph databases, a real FalkorDB and a real Neo4j
(issues 6 and 16)."""

from __future__ import annotations

import json

import pytest

import psikg
from psikg.cli import cli
from psikg.graph.cypher import ReadOnlyError, check_read_only
from psikg.graph.store import open_database
from psikg.graph.push import push
from psikg.graph.records import GraphBatch

MINIMAL = "tests/data/minimal"


class Interrupted(Exception):
    pass


def interrupt_after(batches: int):
    seen = {"n": 0}

    def progress(what, advance, total):
        if advance:
            seen["n"] += 1
            if seen["n"] >= batches:
                raise Interrupted(what)

    return progress


def test_push_copies_everything_and_twice_changes_nothing(bundled_store_path, database_uri):
    source = psikg.open(bundled_store_path).store
    target = open_database(database_uri)
    first = push(source, target, batch_size=200)
    assert first.complete and first.counts == source.counts()
    assert first.nodes_written == source.counts()["nodes"]
    assert first.relationships_written == source.counts()["edges"]
    second = push(source, target, batch_size=200)
    assert second.complete and second.counts == first.counts
    assert (second.nodes_deleted, second.relationships_deleted) == (0, 0)
    assert target.catalog() == source.catalog()
    target.close()


def test_interrupted_push_completes_when_run_again(bundled_store_path, database_uri):
    source = psikg.open(bundled_store_path).store
    target = open_database(database_uri)
    with pytest.raises(Interrupted):
        push(source, target, batch_size=100, progress=interrupt_after(7))
    partial = target.counts()
    assert 0 < partial["nodes"] < source.counts()["nodes"]
    with pytest.raises(Interrupted):  # interrupted again, among the relationships this time
        push(source, target, batch_size=100, progress=interrupt_after(16))
    assert target.counts()["edges"] < source.counts()["edges"]
    report = push(source, target, batch_size=100)
    assert report.complete
    assert target.counts() == source.counts()
    assert target.catalog() == source.catalog()
    target.close()


def test_push_removes_what_the_source_no_longer_has(bundled_graph, database_uri):
    target = open_database(database_uri)
    push(bundled_graph.store, target)
    practice = next(iter(sorted(bundled_graph.store.ids("practice"))))
    change = GraphBatch()
    change.add_node("practice", practice, {"description": None, "title": "Renamed"})
    change.own(f"practice/{practice}", "factors")  # every success factor link of it goes
    bundled_graph.store.apply(change)
    report = push(bundled_graph.store, target)
    assert report.complete and report.relationships_deleted > 0
    assert target.node("practice", practice) == bundled_graph.store.node("practice", practice)
    assert target.catalog() == bundled_graph.store.catalog()
    # A smaller graph replaces the larger one entirely.
    small = psikg.open(bundled_graph.store.path.with_name("small.psikg"))
    small.load([MINIMAL], bundled=False)
    report = push(small.store, target)
    assert report.complete and report.nodes_deleted > 0
    assert target.catalog() == small.catalog
    target.close()


def test_push_with_wipe(bundled_store_path, database_uri, tmp_path):
    source = psikg.open(bundled_store_path).store
    target = open_database(database_uri)
    push(source, target)
    small = psikg.open(tmp_path / "small.psikg")
    small.load([MINIMAL], bundled=False)
    report = push(small.store, target, wipe=True)
    assert report.complete and (report.nodes_deleted, report.relationships_deleted) == (0, 0)
    assert target.counts() == small.store.counts()
    target.close()


def test_cli_push_then_queries_on_the_database(runner, bundled_store_path, database_uri):
    first = runner.invoke(cli, ["--store", str(bundled_store_path), "push", "--to", database_uri,
                                "--batch-size", "300", "--format", "json"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert report["complete"] and report["batches"] > 1
    again = runner.invoke(cli, ["--store", str(bundled_store_path), "push", "--to", database_uri])
    assert again.exit_code == 0, again.output
    assert f"holds {report['counts']['nodes']} nodes" in again.output
    on_db = runner.invoke(cli, ["--store", database_uri, "stats", "--format", "json"])
    on_file = runner.invoke(cli, ["--store", str(bundled_store_path), "stats", "--format", "json"])
    assert on_db.exit_code == 0, on_db.output
    assert json.loads(on_db.output) == json.loads(on_file.output)
    shown_db = runner.invoke(cli, ["--store", database_uri, "show", "BGD", "--format", "json"])
    shown_file = runner.invoke(cli, ["--store", str(bundled_store_path), "show", "BGD", "--format", "json"])
    assert shown_db.exit_code == 0, shown_db.output
    assert json.loads(shown_db.output) == json.loads(shown_file.output)


def test_cli_push_trace_and_graph_option(runner, bundled_store_path, falkordb_server, tmp_path):
    host, port = falkordb_server
    small = tmp_path / "small.psikg"
    assert runner.invoke(cli, ["--store", str(small), "load", "--no-bundled", MINIMAL]).exit_code == 0
    done = runner.invoke(cli, ["--store", str(small), "--trace", "push", "--to", f"falkor://{host}:{port}",
                               "--database", "psikg-option-test", "--wipe"])
    assert done.exit_code == 0, done.output
    assert "[trace] UNWIND $rows AS row MERGE" in done.output
    assert f"falkor://{host}:{port}/psikg-option-test" in done.output


def test_neo4j_credentials_in_the_environment_do_not_go_to_falkordb(runner, tmp_path, falkordb_uri, monkeypatch):
    monkeypatch.setenv("NEO4J_USER", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", "not-for-falkordb")
    small = tmp_path / "small.psikg"
    assert runner.invoke(cli, ["--store", str(small), "load", "--no-bundled", MINIMAL]).exit_code == 0
    done = runner.invoke(cli, ["--store", str(small), "push", "--to", falkordb_uri])
    assert done.exit_code == 0, done.output


@pytest.mark.parametrize("uri, message", [("falkor://127.0.0.1:1/x", "cannot reach FalkorDB"),
                                          ("bolt://127.0.0.1:1", "cannot reach Neo4j")])
def test_cli_push_to_an_unreachable_database(runner, bundled_store_path, uri, message):
    pytest.importorskip(uri.split(":")[0].replace("bolt", "neo4j").replace("falkor", "falkordb"))
    done = runner.invoke(cli, ["--store", str(bundled_store_path), "push", "--to", uri])
    assert done.exit_code == 1
    assert message in done.output and "Traceback" not in done.output
    assert isinstance(done.exception, SystemExit)


# psikg cypher ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "CREATE (n:Country {id: 'XXX'})",
    "MATCH (n:Country) SET n.name = 'x'",
    "MERGE (n:Country {id: 'XXX'})",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n) delete n",
    "MATCH (n:Country) REMOVE n.name",
    "DROP INDEX ON :Country(id)",
    "LOAD CSV FROM 'file:///x.csv' AS row RETURN row",
    "MATCH (n) FOREACH (x IN [1] | SET n.y = x)",
    "CALL db.createLabel('X')",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DELETE n', {})",
    "MATCH (n) CALL { WITH n RETURN n AS m } IN TRANSACTIONS RETURN m",
])
def test_write_queries_are_refused(query):
    with pytest.raises(ReadOnlyError):
        check_read_only(query)


@pytest.mark.parametrize("query", [
    "MATCH (n:Practice) WHERE n.title CONTAINS 'set' RETURN n.id",
    "MATCH (n:Practice) WHERE n.description =~ \".*CREATE.*\" RETURN n.`create`",
    "MATCH (n:Country) RETURN n.set, n.id // DELETE everything",
    "/* MERGE */ MATCH (n) RETURN count(n) AS created",
    "CALL db.labels()",
    "CALL db.indexes() YIELD label RETURN label",
    "CALL db.idx.fulltext.queryNodes('Practice', 'tracker') YIELD node RETURN node.id",
    "MATCH (e:Event) RETURN e.start_date, e.end_date ORDER BY e.start_date",
])
def test_read_queries_pass(query):
    check_read_only(query)


def test_cli_cypher_on_the_database(runner, bundled_store_path, database_uri):
    assert runner.invoke(cli, ["--store", str(bundled_store_path), "push", "--to", database_uri]).exit_code == 0
    query = ("MATCH (p:Practice)-[:ORIGINATES_IN]->(c:Country {id: $iso3}) "
             "RETURN p.id AS practice, c.name AS country ORDER BY practice")
    done = runner.invoke(cli, ["--store", database_uri, "cypher", query, "-p", "iso3=BGD", "--format", "json"])
    assert done.exit_code == 0, done.output
    rows = json.loads(done.output)
    catalog = psikg.open(bundled_store_path).catalog
    assert [r["practice"] for r in rows] == sorted(p.id for p in catalog.practices.values() if p.country == "BGD")
    as_csv = runner.invoke(cli, ["--store", database_uri, "cypher", "MATCH (n:Country {id: 'BGD'}) RETURN n",
                                 "--format", "csv"])
    assert as_csv.exit_code == 0, as_csv.output
    assert as_csv.output.splitlines()[0] == "n" and '"labels": [""Country""]'.replace('""', '"') in \
        as_csv.output.replace('""', '"')
    table = runner.invoke(cli, ["--store", database_uri, "cypher", "MATCH (n:SDGGoal) RETURN count(n) AS goals"])
    assert table.exit_code == 0 and "17" in table.output


@pytest.mark.parametrize("query, named", [("CREATE (n:Country {id: 'XXX'})", "CREATE"),
                                          ("CALL `db.createLabel`('Country')", "db.createLabel"),
                                          ("CALL `db`.`createLabel`('Country')", "db.createLabel")])
def test_cli_cypher_refuses_writes_with_exit_2(runner, database_uri, query, named):
    done = runner.invoke(cli, ["--store", database_uri, "cypher", query])
    assert done.exit_code == 2
    assert "read-only" in done.output and named in done.output
    assert open_database(database_uri).counts()["nodes"] == 0


def test_database_refuses_writes_that_slip_through(database_uri):
    """The second guard: FalkorDB's GRAPH.RO_QUERY, Neo4j's read transaction."""
    from psikg.errors import StoreError

    store = open_database(database_uri)
    batch = GraphBatch()
    batch.add_node("country", "BGD", {"name": "Bangladesh"})
    store.apply(batch)
    slipping = ["CREATE (n:Country {id: 'XXX'})"]
    if "neo4j" in store.capabilities:
        slipping.append("CALL db.createLabel('Country')")
    for query in slipping:
        with pytest.raises(StoreError, match="(?i)read-only|read access"):
            store._read_only(query, None, 10)
    assert store.counts()["nodes"] == 1
    store.close()


def test_cypher_runs_with_a_time_limit(database_uri):
    """A runaway query is stopped by the database (Neo4j: transaction timeout; FalkorDB: TIMEOUT)."""
    import time

    from psikg.errors import StoreError

    store = open_database(database_uri)
    batch = GraphBatch()
    batch.add_node("country", "BGD", {"name": "Bangladesh"})
    store.apply(batch)  # FalkorDB answers nothing at all on a graph that does not exist yet
    started = time.monotonic()
    with pytest.raises(StoreError, match="(?i)time"):
        store.cypher("UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y "
                     "WITH x, y WHERE (x + y) % 7 = 3 RETURN count(*) AS n", timeout=0.5)
    assert time.monotonic() - started < 30
    assert store.cypher("RETURN 1 AS one", timeout=0.5) == (["one"], [[1]])
    store.close()


def test_cli_cypher_on_the_embedded_store_explains(runner, bundled_store_path):
    done = runner.invoke(cli, ["--store", str(bundled_store_path), "cypher", "MATCH (n) RETURN count(n)"])
    assert done.exit_code == 1
    assert "Cypher needs a graph database" in done.output


def test_killed_push_completes_when_run_again(bundled_store_path, database_uri):
    """A push killed (SIGKILL) half-way, then run again, leaves the database complete and correct."""
    import signal
    import subprocess
    import sys
    import time

    source = psikg.open(bundled_store_path).store
    target = open_database(database_uri)
    from pathlib import Path

    script = Path(sys.executable).with_name("psikg")
    if not script.exists():
        pytest.skip(f"no psikg console script beside {sys.executable}")
    command = [str(script), "--store", str(bundled_store_path), "push", "--to", database_uri,
               "--batch-size", "10"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if target.counts()["edges"] > 0:  # nodes are in, relationships are being written
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = target.counts()
    assert 0 < killed_at["edges"] < source.counts()["edges"], "the push was not killed half-way"
    done = subprocess.run(command[:-2], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert target.counts() == source.counts()
    assert target.catalog() == source.catalog()
    target.close()


def test_python_api_push_and_cypher(bundled_store_path, database_uri):
    from psikg.errors import StoreError

    report = psikg.open(bundled_store_path).push(database_uri, batch_size=500)
    assert report.complete
    on_database = psikg.open(database_uri)
    rows = on_database.cypher("MATCH (g:SDGGoal) RETURN count(g) AS goals")
    assert rows == [{"goals": 17}]
    with pytest.raises(ReadOnlyError):
        on_database.cypher("MATCH (g:SDGGoal) DETACH DELETE g")
    with pytest.raises(StoreError, match="Cypher needs a graph database"):
        psikg.open(bundled_store_path).cypher("MATCH (n) RETURN n")
    on_database.close()
