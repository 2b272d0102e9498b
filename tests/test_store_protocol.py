"""Every backend says what it is through the one Store protocol: the methods callers use, and what
it can do beyond them as declared capability flags that keep their promises."""

from __future__ import annotations

import pytest

from psikg.errors import StoreError
from psikg.graph.records import GraphBatch
from psikg.graph.store import CAPABILITIES, Store, open_database, open_store

OPTIONAL_METHODS = {"cypher": "cypher", "grouped_links": "grouped_links"}


def _small_batch() -> GraphBatch:
    batch = GraphBatch()
    batch.add_node("country", "BGD", {"name": "Bangladesh", "iso2": "BD"})
    batch.add_node("practice", "p-one", {"title": "One"})
    batch.add_link("practice/p-one", "country", "country/BGD")
    return batch


def test_every_backend_is_a_store_with_declared_capabilities(any_store):
    assert isinstance(any_store, Store)
    assert any_store.capabilities <= set(CAPABILITIES), any_store.capabilities - set(CAPABILITIES)
    assert isinstance(any_store.describe(), str) and any_store.describe()


def test_capability_flags_keep_their_promises(any_store):
    any_store.apply(_small_batch())
    assert any_store.exists()
    for flag, method in OPTIONAL_METHODS.items():
        assert (flag in any_store.capabilities) == callable(getattr(any_store, method, None)), flag
    if "networkx" in any_store.capabilities:
        import networkx

        assert isinstance(any_store.graph, networkx.MultiDiGraph) and any_store.graph.number_of_nodes() == 2
    else:
        assert not hasattr(any_store, "graph")
    if "grouped_links" in any_store.capabilities:
        assert any_store.grouped_links("practice", "country") == {"p-one": [("country", "BGD", {})]}
    if "cypher" in any_store.capabilities:
        columns, rows = any_store.cypher("MATCH (c:Country) RETURN c.id AS id")
        assert (columns, rows) == (["id"], [["BGD"]])
    assert (any_store.path is None) == ("cypher" in any_store.capabilities)


def test_one_opener_for_every_location(tmp_path):
    store = open_store(tmp_path / "s.psikg")
    assert isinstance(store, Store) and store.path == tmp_path / "s.psikg" and not store.exists()
    with pytest.raises(StoreError, match="not a graph database URI"):
        open_database("http://example.org/")
    with pytest.raises(StoreError):
        open_store("falkor://127.0.0.1:1/psikg")  # a database URI goes to its backend, which cannot connect
