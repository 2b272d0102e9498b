"""What only Neo4j does, on a real Neo4j server (issue 16): constraints created idempotently,
``neo4j://`` routing URIs, read transactions, credentials from the environment, clear messages for
a wrong password or an unreachable server, rollback of a failed write, and a connection dropped in
the middle of a push (through a real TCP relay that is cut)."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from psikg.cli import cli
from psikg.errors import StoreError
from psikg.graph.embedded import EmbeddedStore
from psikg.graph.push import push
from psikg.ontology.model import KINDS

neo4j = pytest.importorskip("neo4j", reason="the neo4j driver is not installed (pip install 'psikg[neo4j]')")

from psikg.graph.neo4j_store import Neo4jStore  # noqa: E402

from .test_conformance import assert_conformant, random_batch  # noqa: E402

MINIMAL = "tests/data/minimal"


def _raw_driver(neo4j_credentials):
    uri, user, password = neo4j_credentials
    return neo4j.GraphDatabase.driver(uri, auth=(user, password))


def _psikg_constraints(driver) -> list[tuple[str, list[str], list[str], str]]:
    records, _, _ = driver.execute_query(
        "SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties, type WHERE name STARTS WITH 'psikg_' "
        "RETURN name, labelsOrTypes, properties, type ORDER BY name")
    return [tuple(record.values()) for record in records]


def test_constraints_are_created_once_and_refuse_a_duplicate_id(neo4j_credentials):
    store = Neo4jStore.connect(neo4j_credentials[0])
    store.ensure_schema()
    store.ensure_schema()  # IF NOT EXISTS: running it again changes nothing
    with _raw_driver(neo4j_credentials) as driver:
        constraints = _psikg_constraints(driver)
        assert len(constraints) == len(KINDS)
        assert {name for name, *_ in constraints} == {f"psikg_{kind}_id" for kind in KINDS}
        assert all(properties == ["id"] and "UNIQUE" in type_ for _, _, properties, type_ in constraints)
        assert {labels[0] for _, labels, _, _ in constraints} == {kind.label for kind in KINDS.values()}
        driver.execute_query("CREATE (:Country {id: 'XXA'})")
        with pytest.raises(neo4j.exceptions.ConstraintError):
            driver.execute_query("CREATE (:Country {id: 'XXA'})")
    store.close()


def test_a_routing_uri_works_against_a_single_server(neo4j_credentials, tmp_path):
    uri = neo4j_credentials[0].replace("bolt://", "neo4j://", 1)
    if not uri.startswith("neo4j://"):
        pytest.skip(f"NEO4J_URI is {neo4j_credentials[0]}, not a bolt:// URI to rewrite")
    store = Neo4jStore.connect(uri)
    embedded = EmbeddedStore(tmp_path / "e.psikg")
    embedded.apply(random_batch(7))
    assert push(embedded, store, batch_size=50).complete
    assert_conformant(embedded, store)
    store.close()


def test_reads_run_in_read_transactions(neo4j_uri):
    """The store's bulk reads and ad-hoc queries go through read-access transactions: the server
    refuses a write sent that way."""
    store = Neo4jStore.connect(neo4j_uri)
    for run in (lambda q: store._read(q), lambda q: store._read_only(q, None, 10)):
        with pytest.raises(StoreError, match="(?i)read access|read-only|not allowed"):
            run("CREATE (n:Country {id: 'XXB'}) RETURN n.id")
    assert store.counts()["nodes"] == 0
    store.close()


def test_a_failed_write_is_rolled_back_whole(neo4j_uri):
    store = Neo4jStore.connect(neo4j_uri)
    with pytest.raises(StoreError):
        store._write([("UNWIND $rows AS row MERGE (n:Country {id: row.id})", {"rows": [{"id": "XXC"}]}),
                      ("THIS IS NOT CYPHER", {})])
    assert store.counts()["nodes"] == 0
    store.close()


def test_credentials_come_from_the_environment(neo4j_credentials, monkeypatch):
    uri, user, password = neo4j_credentials
    monkeypatch.delenv("NEO4J_USER", raising=False)
    monkeypatch.setenv("NEO4J_USERNAME", user)  # the name Neo4j's own tools use
    store = Neo4jStore.connect(uri)  # NEO4J_PASSWORD from the fixture
    assert store.counts()["nodes"] == 0 and password not in store.describe()
    store.close()
    monkeypatch.delenv("NEO4J_PASSWORD")
    explicit = Neo4jStore.connect(uri, user=user, password=password)
    assert explicit.counts()["nodes"] == 0
    explicit.close()


def test_a_wrong_password_is_one_clear_message(neo4j_credentials, monkeypatch, runner, tmp_path):
    uri, user, _ = neo4j_credentials
    monkeypatch.setenv("NEO4J_PASSWORD", "not-the-password")
    done = runner.invoke(cli, ["--store", uri, "stats"])
    assert done.exit_code == 1 and isinstance(done.exception, SystemExit)
    assert "Traceback" not in done.output
    assert f"cannot reach Neo4j at {uri} as {user}" in done.output
    assert "refused the user or password" in done.output and "NEO4J_PASSWORD" in done.output
    assert "not-the-password" not in done.output


@pytest.mark.parametrize("uri", ["bolt://127.0.0.1:1", "neo4j://127.0.0.1:1"])
def test_an_unreachable_server_is_one_clear_message(uri, runner):
    done = runner.invoke(cli, ["--store", uri, "stats"])
    assert done.exit_code == 1 and isinstance(done.exception, SystemExit)
    assert "Traceback" not in done.output
    assert f"cannot reach Neo4j at {uri}" in done.output and "no Neo4j server answers there" in done.output


class Relay:
    """A TCP relay from a local port to the Neo4j server; :meth:`cut` drops every connection and
    refuses new ones, as a lost network would."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass

    def cut(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (a close alone does not)
        except OSError:
            pass
        self.listener.close()
        for sock in self.sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()


def test_a_dropped_connection_fails_the_push_cleanly_and_a_new_push_completes(neo4j_credentials, tmp_path):
    uri = neo4j_credentials[0]
    if not uri.startswith("bolt://127.0.0.1:"):
        pytest.skip("the relay is for the local test server")
    relay = Relay("127.0.0.1", int(uri.rsplit(":", 1)[1]))
    source = EmbeddedStore(tmp_path / "e.psikg")
    source.apply(random_batch(11))
    through_relay = Neo4jStore.connect(f"bolt://127.0.0.1:{relay.port}")
    batches = {"n": 0}

    def cut_after_three(what, advance, total):
        batches["n"] += 1 if advance else 0
        if batches["n"] == 3:
            relay.cut()

    with pytest.raises(StoreError, match="Neo4j"):
        push(source, through_relay, batch_size=5, progress=cut_after_three)
    through_relay.close()
    direct = Neo4jStore.connect(uri)
    assert 0 < direct.counts()["nodes"] < source.counts()["nodes"]
    report = push(source, direct, batch_size=5)
    assert report.complete
    assert_conformant(source, direct)
    direct.close()



def test_the_launcher_stops_on_sigterm_and_leaves_nothing(tmp_path):
    """Neo4jLauncher (tests/neo4j): SIGTERM stops Neo4j cleanly and deletes its data folder.
    (Closing its standard input, the other way, is how every test session stops it.)"""
    import re
    import signal

    from .neo4j_server import NEO4J_DEFAULT_VERSION, Neo4jUnavailable, start_neo4j

    version = os.environ.get("PSIKG_NEO4J_VERSION") or NEO4J_DEFAULT_VERSION
    try:
        process, uri = start_neo4j(version, tmp_path / "launcher.log")
    except Neo4jUnavailable as reason:
        pytest.skip(str(reason))
    assert re.fullmatch(r"bolt://127\.0\.0\.1:\d+", uri)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) in (0, 128 + signal.SIGTERM, -signal.SIGTERM)
    process.stdin.close()
    process.stdout.close()
    log = (tmp_path / "launcher.log").read_text()
    folder = re.search(r"data in (\S+);", log).group(1)
    assert "Neo4j stopped, data folder deleted" in log
    assert not Path(folder).exists()
    with pytest.raises(StoreError, match="no Neo4j server answers there"):
        Neo4jStore.connect(uri, user="neo4j", password="psikg-test-password")
