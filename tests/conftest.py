"""Shared fixtures: stores in temporary folders, the bundled graph loaded once per session, and
the CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import psikg

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
SHARED_REFERENCE = TESTS.parents[1] / "shared" / "reference"


@pytest.fixture
def store_path(tmp_path) -> Path:
    return tmp_path / "store.psikg"


@pytest.fixture
def empty_graph(store_path):
    """A new, empty embedded store."""
    return psikg.open(store_path)


@pytest.fixture(scope="session")
def bundled_store_path(tmp_path_factory) -> Path:
    """A store with the reference data and the bundled network, loaded once per session."""
    path = tmp_path_factory.mktemp("bundled") / "store.psikg"
    psikg.open(path).load()
    return path


@pytest.fixture
def bundled_graph(bundled_store_path, tmp_path):
    """A private copy of the bundled store, free to modify."""
    copy = tmp_path / "bundled.psikg"
    shutil.copy(bundled_store_path, copy)
    return psikg.open(copy)


@pytest.fixture(scope="session")
def bundled_catalog(bundled_store_path):
    return psikg.open(bundled_store_path).catalog


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()

@pytest.fixture
def psikg_cli(runner, bundled_store_path):
    """Run a psikg command on the bundled store (or ``store=``) and check its exit code."""
    from psikg.cli import cli

    def run(*args, code=0, store=None):
        result = runner.invoke(cli, ["--store", str(store or bundled_store_path), *args])
        assert result.exit_code == code, result.output
        return result

    return run


@pytest.fixture
def shared_reference() -> Path:
    if not SHARED_REFERENCE.is_dir():
        pytest.skip(f"reference copies not found at {SHARED_REFERENCE} (../shared/reference)")
    return SHARED_REFERENCE


# Graph databases: a FalkorDB server and a Neo4j server for the session (or the Neo4j NEO4J_URI names).
from .graphdb_fixtures import (  # noqa: E402,F401
    any_store, database_store, database_uri, falkordb_server, falkordb_uri, neo4j_credentials, neo4j_server,
    neo4j_uri)
