"""Neo4jStore's own code, without a Neo4j server (issue 6).

Where NEO4J_URI is set, the conformance suite runs on a real Neo4j. Everywhere else this module
checks the Neo4j store's plumbing with a stand-in for the ``neo4j`` driver whose transactions run
the (shared) Cypher on the session's real FalkorDB server: reads go through read transactions,
each write is one explicit transaction that is committed, ad-hoc Cypher uses a read-access
session, the connection takes NEO4J_USER/NEO4J_PASSWORD/NEO4J_DATABASE, and the answers equal the
embedded store's.
"""

from __future__ import annotations

import pytest

from psikg.api import Psikg
from psikg.errors import StoreError
from psikg.graph.embedded import EmbeddedStore
from psikg.graph.push import push
from psikg.ontology.model import KINDS

neo4j = pytest.importorskip("neo4j", reason="the neo4j driver is not installed (pip install 'psikg[neo4j]')")

from psikg.graph.neo4j_store import Neo4jStore  # noqa: E402

from .test_conformance import assert_conformant, random_batch  # noqa: E402


class FakeResult:
    def __init__(self, keys, rows):
        self._keys, self._rows = keys, rows

    def __iter__(self):
        return iter([FakeRecord(row) for row in self._rows])

    def keys(self):
        return list(self._keys)

    def consume(self):
        return None


class FakeRecord:
    def __init__(self, row):
        self._row = row

    def values(self):
        return list(self._row)


class FakeTransaction:
    """Runs statements on a FalkorDB graph; Neo4j's constraint syntax is recorded, not run."""

    def __init__(self, graph, log, kind):
        self.graph, self.log, self.kind = graph, log, kind
        self.committed = False

    def run(self, query, params=None):
        self.log.append((self.kind, query))
        if query.startswith("CREATE CONSTRAINT"):
            return FakeResult([], [])
        try:
            result = (self.graph.ro_query if self.kind == "read" else self.graph.query)(query, params)
        except Exception as error:
            if "empty key" in str(error):
                return FakeResult([], [])
            raise
        return FakeResult([h[1] for h in result.header], result.result_set)

    def commit(self):
        self.committed = True
        self.log.append((self.kind, "COMMIT"))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if not self.committed:
            self.log.append((self.kind, "ROLLBACK"))
        return False


class FakeSession:
    def __init__(self, driver, database, mode):
        self.driver, self.database, self.mode = driver, database, mode
        driver.sessions.append((database, mode))

    def execute_read(self, work, *args):
        return work(FakeTransaction(self.driver.graph, self.driver.log, "read"), *args)

    def execute_write(self, work, *args):
        with FakeTransaction(self.driver.graph, self.driver.log, "write") as tx:
            found = work(tx, *args)
            tx.commit()
        return found

    def begin_transaction(self):
        assert self.mode == neo4j.WRITE_ACCESS
        return FakeTransaction(self.driver.graph, self.driver.log, "explicit")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class FakeDriver:
    def __init__(self, graph):
        self.graph, self.log, self.sessions, self.closed = graph, [], [], False

    def session(self, database=None, default_access_mode=None):
        return FakeSession(self, database, default_access_mode)

    def verify_connectivity(self):
        return None

    def close(self):
        self.closed = True


@pytest.fixture
def fake_neo4j(falkordb_uri):
    from falkordb import FalkorDB

    from psikg.graph.falkordb_store import FalkorDBStore

    probe = FalkorDBStore.connect(falkordb_uri)
    driver = FakeDriver(FalkorDB(host="127.0.0.1", port=int(falkordb_uri.split(":")[2].split("/")[0]))
                        .select_graph(probe.graph_name))
    probe.close()
    store = Neo4jStore(driver, database="psikg", location="fake-neo4j")
    yield store, driver
    store.close()


def test_reads_use_read_transactions_and_writes_one_committed_transaction(fake_neo4j, tmp_path):
    store, driver = fake_neo4j
    store.apply(random_batch(3))
    kinds = {kind for kind, _ in driver.log}
    assert kinds <= {"read", "explicit", "write"}
    writes = [query for kind, query in driver.log if kind == "explicit"]
    assert any(query.startswith("UNWIND $rows AS row MERGE") for query in writes)
    assert all(query.split()[0] in ("MATCH", "UNWIND") for kind, query in driver.log if kind == "read")
    assert ("explicit", "COMMIT") in driver.log and ("explicit", "ROLLBACK") not in driver.log
    constraints = [query for _, query in driver.log if query.startswith("CREATE CONSTRAINT")]
    assert len(constraints) == len(KINDS) and all("IF NOT EXISTS" in q and "IS UNIQUE" in q for q in constraints)
    assert {database for database, _ in driver.sessions} == {"psikg"}
    # One apply is one explicit transaction (plus one per schema statement).
    data_transactions = [q for k, q in driver.log if k == "explicit" and q == "COMMIT"]
    assert len(data_transactions) == len(constraints) + 1


def test_the_neo4j_store_answers_like_the_embedded_store(fake_neo4j, tmp_path):
    store, _ = fake_neo4j
    embedded = EmbeddedStore(tmp_path / "e.psikg")
    for seed in (4, 104):
        batch = random_batch(seed) if seed < 100 else random_batch(seed, previous=random_batch(4))
        embedded.apply(batch)
        store.apply(batch)
    assert_conformant(embedded, store)
    report = push(embedded, store, batch_size=5)
    assert report.complete
    assert_conformant(embedded, store)


def test_ad_hoc_cypher_runs_in_a_read_session(fake_neo4j):
    store, driver = fake_neo4j
    Psikg(store).load(["tests/data/minimal"], bundled=False)
    driver.sessions.clear()
    columns, rows = store.cypher("MATCH (c:Country) RETURN c.id AS id ORDER BY id LIMIT 2")
    assert columns == ["id"] and len(rows) == 2
    assert driver.sessions == [("psikg", neo4j.READ_ACCESS)]
    from psikg.graph.cypher import ReadOnlyError

    with pytest.raises(ReadOnlyError):
        store.cypher("MATCH (c:Country) SET c.name = 'x'")


def test_a_failed_write_is_rolled_back(fake_neo4j):
    store, driver = fake_neo4j
    with pytest.raises(StoreError):
        store._write([("UNWIND $rows AS row MERGE (n:Country {id: row.id})", {"rows": [{"id": "A"}]}),
                      ("THIS IS NOT CYPHER", {})])
    assert driver.log[-1] == ("explicit", "ROLLBACK")


def test_connect_takes_credentials_from_the_environment(monkeypatch):
    seen = {}

    def driver(uri, auth=None):
        seen.update(uri=uri, auth=auth)
        return FakeDriver(None)

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", driver)
    monkeypatch.setenv("NEO4J_USER", "psikg-user")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret")
    monkeypatch.setenv("NEO4J_DATABASE", "network")
    store = Neo4jStore.connect("neo4j+s://example.databases.neo4j.io")
    assert seen == {"uri": "neo4j+s://example.databases.neo4j.io", "auth": ("psikg-user", "s3cret")}
    assert store.database == "network" and "s3cret" not in store.describe()
    explicit = Neo4jStore.connect("bolt://h:7687", user="u", password="p", database="d")
    assert seen["auth"] == ("u", "p") and explicit.database == "d"


def test_unreachable_neo4j_is_a_store_error():
    with pytest.raises(StoreError, match="cannot reach Neo4j"):
        Neo4jStore.connect("bolt://127.0.0.1:1", user="neo4j", password="x")
