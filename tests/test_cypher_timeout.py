"""``psikg cypher --timeout``: the database stops a query after the time given (issue 22), on real
FalkorDB and Neo4j servers; the option is checked before anything is sent."""

from __future__ import annotations

import time

from psikg.cli import cli
from psikg.graph.records import GraphBatch
from psikg.graph.store import open_database

RUNAWAY = ("UNWIND range(1, 100000) AS x UNWIND range(1, 100000) AS y "
           "WITH x, y WHERE (x + y) % 7 = 3 RETURN count(*) AS n")


def test_cli_cypher_timeout_stops_a_runaway_query(runner, database_uri):
    store = open_database(database_uri)
    batch = GraphBatch()
    batch.add_node("country", "BGD", {"name": "Bangladesh"})
    store.apply(batch)  # FalkorDB answers nothing at all on a graph that does not exist yet
    store.close()
    started = time.monotonic()
    done = runner.invoke(cli, ["--store", database_uri, "cypher", "--timeout", "0.5", RUNAWAY])
    assert done.exit_code == 1, done.output
    assert "time" in done.output.lower()
    assert time.monotonic() - started < 30
    quick = runner.invoke(cli, ["--store", database_uri, "cypher", "--timeout", "5", "--format", "json",
                                "MATCH (n:Country) RETURN n.id AS id"])
    assert quick.exit_code == 0, quick.output
    assert '"BGD"' in quick.output


def test_cli_cypher_timeout_must_be_positive(runner, bundled_store_path):
    done = runner.invoke(cli, ["--store", str(bundled_store_path), "cypher", "--timeout", "0", "RETURN 1"])
    assert done.exit_code == 2
    assert "--timeout" in done.output
