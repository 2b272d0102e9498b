"""The Store protocol on every backend: the embedded store, FalkorDB (a real server started by the
fixture) and Neo4j where NEO4J_URI is set. One test body, every backend (issue 6)."""

from __future__ import annotations

import subprocess
import time
import sys

import pytest

from psikg.errors import StoreError
from psikg.graph import cypher
from psikg.graph.records import GraphBatch
from psikg.ontology.model import KINDS, pg_labels, pg_relationship_types


def small_batch() -> GraphBatch:
    batch = GraphBatch()
    batch.add_node("country", "BGD", {"name": "Bangladesh", "ldc": True, "un_member_since": 1974,
                                      "region": "Asia"})
    batch.add_node("country", "PER", {"name": "Perú \"el\" país\\ 'x'\nnew line", "ldc": False})
    batch.add_node("factor", "leadership", {"label": "Leadership"})
    batch.add_node("factor", "political-will", {"label": "Political will"})
    batch.add_node("practice", "tracker", {"title": "SDG Tracker", "year": 2016,
                                           "components": ["dashboard", "open data"], "sources": ["https://x.org/a"]})
    batch.add_link("practice/tracker", "country", "country/BGD")
    batch.add_link("practice/tracker", "factors", "factor/leadership",
                   {"role": "critical", "note": "strong", "sources": ["https://x.org/b"]})
    batch.add_link("practice/tracker", "factors", "factor/political-will", {"role": "supporting"})
    batch.add_link("factor/political-will", "broader", "factor/leadership")
    return batch


def test_allow_list_matches_the_model():
    assert set(cypher.LABELS.values()) == pg_labels()
    assert {cypher.rel_type(k.name, r.name) for k in KINDS.values() for r in k.relations} == pg_relationship_types()
    with pytest.raises(ValueError):
        cypher.label("Country) DETACH DELETE (n")
    with pytest.raises(ValueError):
        cypher.remove_property("country", "name`] DELETE n //")


def test_apply_then_read_back(any_store):
    any_store.apply(small_batch())
    assert dict(any_store.nodes("country"))["PER"]["name"] == "Perú \"el\" país\\ 'x'\nnew line"
    tracker = any_store.node("practice", "tracker")
    assert tracker == {"title": "SDG Tracker", "year": 2016, "components": ["dashboard", "open data"],
                       "sources": ["https://x.org/a"]}
    assert any_store.node("practice", "nope") is None
    assert any_store.ids("factor") == {"leadership", "political-will"}
    links = sorted(any_store.links("practice", "factors"))
    assert links == [("tracker", "factor", "leadership", {"note": "strong", "role": "critical",
                                                           "sources": ["https://x.org/b"]}),
                     ("tracker", "factor", "political-will", {"role": "supporting"})]
    assert list(any_store.links("factor", "broader")) == [("political-will", "factor", "leadership", {})]
    neighbours = any_store.neighbours("factor", "leadership")
    assert neighbours == [("in", "broader", "factor", "political-will", {}),
                          ("in", "factors", "practice", "tracker",
                           {"note": "strong", "role": "critical", "sources": ["https://x.org/b"]})]
    counts = any_store.counts()
    assert counts == {"nodes_by_kind": {"country": 2, "factor": 2, "practice": 1},
                      "links_by_type": {"BROADER": 1, "HAS_FACTOR": 2, "ORIGINATES_IN": 1},
                      "nodes": 5, "edges": 4}


def test_merge_semantics_match_the_embedded_store(any_store):
    any_store.apply(small_batch())
    update = GraphBatch()
    # None and [] delete a property; other properties are kept; given ones replace.
    update.add_node("practice", "tracker", {"year": None, "components": [], "title": "SDG Tracker 2"})
    # An owned relation is replaced as a whole.
    update.add_link("practice/tracker", "factors", "factor/political-will", {"role": "critical"})
    update.own("practice/tracker", "country")  # owned but empty: the link goes
    any_store.apply(update)
    assert any_store.node("practice", "tracker") == {"title": "SDG Tracker 2", "sources": ["https://x.org/a"]}
    assert sorted(any_store.links("practice", "factors")) == [
        ("tracker", "factor", "political-will", {"role": "critical"})]
    assert list(any_store.links("practice", "country")) == []
    # Applying the same batch again changes nothing.
    before = any_store.counts()
    result = any_store.apply(update)
    assert any_store.counts() == before
    assert (result["nodes"], result["edges"]) == (result["nodes_before"], result["edges_before"])


def test_replace_starts_from_an_empty_graph(any_store):
    any_store.apply(small_batch())
    only = GraphBatch()
    only.add_node("country", "FJI", {"name": "Fiji"})
    any_store.apply(only, replace=True)
    assert any_store.counts()["nodes_by_kind"] == {"country": 1}
    assert any_store.counts()["edges"] == 0


def test_link_to_a_missing_node_is_refused_and_writes_nothing(any_store):
    any_store.apply(small_batch())
    before = any_store.counts()
    bad = GraphBatch()
    bad.add_node("country", "FJI", {"name": "Fiji"})
    bad.add_link("practice/tracker", "country", "country/XXX")
    with pytest.raises(StoreError, match="XXX"):
        any_store.apply(bad)
    assert any_store.counts() == before


def test_catalog_is_rebuilt_after_a_write(any_store):
    any_store.apply(small_batch())
    assert any_store.catalog().practices["tracker"].country == "BGD"
    change = GraphBatch()
    change.add_link("practice/tracker", "country", "country/PER")
    any_store.apply(change)
    assert any_store.catalog().practices["tracker"].country == "PER"


def test_tracer_sees_every_query(database_uri):
    from psikg.graph.store import open_database

    seen = []
    store = open_database(database_uri, tracer=lambda query, params: seen.append((query, params)))
    store.apply(small_batch())
    store.catalog()
    assert any("UNWIND $rows" in q for q, _ in seen)
    assert any(q.startswith("MATCH (n:Practice)") for q, _ in seen)
    assert all(isinstance(p, dict) for _, p in seen)
    store.close()


def test_bulk_reads_are_bounded(database_uri, bundled_store_path):
    """The catalog costs one query per kind and relation, not one per node."""
    from psikg.api import Psikg
    from psikg.graph.store import open_database

    seen = []
    store = open_database(database_uri, tracer=lambda query, params: seen.append(query))
    Psikg(store).load()
    seen.clear()
    store.catalog()
    assert len(seen) <= len(KINDS) + sum(len(k.relations) for k in KINDS.values())
    store.close()


def test_open_store_dispatches_database_uris(falkordb_uri):
    from psikg.graph.falkordb_store import FalkorDBStore
    from psikg.graph.store import open_store

    store = open_store(falkordb_uri)
    assert isinstance(store, FalkorDBStore) and "cypher" in store.capabilities
    assert store.counts()["nodes"] == 0
    store.close()


def test_unreachable_database_is_a_store_error():
    pytest.importorskip("falkordb")
    from psikg.graph.store import open_database

    with pytest.raises(StoreError, match="cannot reach FalkorDB"):
        open_database("falkor://127.0.0.1:1/psikg")
    with pytest.raises(StoreError, match="not a graph database URI"):
        open_database("http://example.org/")


def test_import_psikg_works_without_the_database_drivers():
    code = ("import sys; sys.modules['neo4j'] = None; sys.modules['falkordb'] = None\n"
            "import psikg, psikg.cli, psikg.graph.cypher, psikg.graph.cypher_store\n"
            "import psikg.graph.falkordb_store, psikg.graph.neo4j_store\n"
            "from psikg.errors import StoreError\n"
            "for uri in ('falkor://127.0.0.1:1/g', 'bolt://127.0.0.1:1'):\n"
            "    try:\n"
            "        psikg.open(uri)\n"
            "    except StoreError as error:\n"
            "        print(error)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'psikg[falkordb]'" in done.stdout
    assert "pip install 'psikg[neo4j]'" in done.stdout


def test_regression_issue6_several_properties_removed_at_once(any_store):
    """FalkorDB 4.16 removes the wrong properties when ``SET n += $map`` holds several nulls;
    psikg removes properties with ``REMOVE`` instead. Guard: the others must survive intact."""
    batch = GraphBatch()
    batch.add_node("country", "BGD", {"name": "Bangladesh", "official_name": "PRB", "iso2": "BD",
                                      "ldc": True, "m49": "050", "region": "Asia", "subregion": "Southern Asia"})
    any_store.apply(batch)
    removal = GraphBatch()
    removal.add_node("country", "BGD", {"ldc": None, "iso2": None, "subregion": None, "name": "Bangladesh!"})
    any_store.apply(removal)
    assert any_store.node("country", "BGD") == {"name": "Bangladesh!", "official_name": "PRB", "m49": "050",
                                                "region": "Asia"}
    if hasattr(any_store, "write_nodes"):  # the push path: the whole map is overwritten
        any_store.write_nodes("country", [("BGD", {"name": "B", "official_name": "PRB", "iso2": "BD", "ldc": True,
                                                   "m49": "050", "region": "Asia", "subregion": "S"})])
        any_store.write_nodes("country", [("BGD", {"name": "B", "m49": "050", "region": "Asia"})])
        assert any_store.node("country", "BGD") == {"name": "B", "m49": "050", "region": "Asia"}


def test_ids_are_unique_in_the_database(database_store):
    """The schema (Neo4j constraints; FalkorDB index and unique constraint) refuses a second node
    with the same id, whatever writes it."""
    database_store.apply(small_batch())
    graph = getattr(database_store, "_graph", None)
    deadline = time.monotonic() + 10
    while graph is not None and time.monotonic() < deadline:  # FalkorDB builds constraints in the background
        if all(c["status"] == "OPERATIONAL" for c in graph.list_constraints()):
            break
        time.sleep(0.05)
    with pytest.raises(Exception, match="(?i)constraint|already exists"):
        database_store._write([("CREATE (:Country {id: 'BGD'})", {})])
    assert database_store.counts()["nodes_by_kind"]["country"] == 2
