"""Issue 22: the fast N-Triples export writes the same graph as the term-by-term mapping it
replaced (tests/rdf_reference.py), on the bundled network, a generated one and hostile values,
read straight from the embedded store's tables and through the Store protocol alike."""

from __future__ import annotations

import io

import pyoxigraph as ox
import pytest

import psikg
from psikg.config import DEFAULT_BASE
from psikg.graph.embedded import EmbeddedStore
from psikg.graph.records import GraphBatch
from psikg.loaders.generate import generate
from psikg.lod.rdf import DatasetInfo, dataset_triples, export, graph_triples
from psikg.lod.rdf_terms import ExportStats

from . import rdf_reference

INFO = DatasetInfo(modified="2026-01-01")


class ThroughProtocol:
    """A real store seen only through the Store protocol's ``nodes`` and ``links`` (the way a
    graph database is read), so the export takes its generic path."""

    path = None

    def __init__(self, store):
        self._store = store

    def nodes(self, kind):
        return self._store.nodes(kind)

    def links(self, kind, rel):
        return self._store.links(kind, rel)


def _reference(store) -> tuple[bytes, ExportStats]:
    """The data and the dataset description as the term-by-term mapping writes them."""
    stats = ExportStats()
    data = list(rdf_reference.graph_triples(store, DEFAULT_BASE, stats))
    description = dataset_triples(stats, DEFAULT_BASE, INFO)
    stats.description_triples = len(description)
    return ox.serialize(data + description, format=ox.RdfFormat.N_TRIPLES), stats


def _exported(store, fmt: str = "nt") -> tuple[bytes, ExportStats]:
    buffer = io.BytesIO()
    stats = export(store, buffer, fmt, DEFAULT_BASE, info=INFO)
    return buffer.getvalue(), stats


def _triples(data: bytes, fmt=ox.RdfFormat.N_TRIPLES) -> set:
    return {q.triple for q in ox.parse(data, format=fmt)}


def _assert_same_export(store) -> None:
    expected, expected_stats = _reference(store)
    for seen in (store, ThroughProtocol(store)):
        data, stats = _exported(seen)
        assert _triples(data) == _triples(expected)
        assert data == expected  # the same lines in the same order, too
        assert stats == expected_stats  # the counts the VoID description states
        assert stats.written == len(_triples(data))


def test_bundled_network_exports_the_same_graph(bundled_store_path):
    _assert_same_export(psikg.open(bundled_store_path).store)


def test_generated_network_exports_the_same_graph(tmp_path):
    generate(tmp_path / "csv", 30, 400, 60, seed=7)
    graph = psikg.open(tmp_path / "generated.psikg")
    graph.load([tmp_path / "csv"], bundled=False)
    _assert_same_export(graph.store)


def _hostile_batch() -> GraphBatch:
    """Ids and values that need escaping or decoding: spaces and accents in ids, quotes, newlines
    and control characters in text, a list where one value is declared, lists of sources on links,
    a property the model does not declare."""
    batch = GraphBatch()
    batch.add_node("country", "BGD", {"name": "Bangladesh", "un_member": True, "ldc": False})
    batch.add_node("factor", "política pública", {"label": 'say "hi"\n\ttab\x01bell'})
    batch.add_node("factor", "plain", {"label": "Plain"})
    batch.add_node("practice", "práctica uno/dos", {
        "title": "Line one\nline two \\ backslash", "year": 2019, "maturity": "pilot",
        "sources": ["https://example.org/a b", "https://example.org/ok", "A printed report, 2019"],
        "undeclared": "kept out of RDF"})
    batch.add_node("practice", "p2", {"title": ["first of a list", "second"], "year": "circa 2010"})
    batch.add_link("practice/práctica uno/dos", "factors", "factor/política pública",
                   {"role": "critical", "kind": "precondition", "sources": ["https://example.org/s1", "not an iri"]})
    batch.add_link("practice/práctica uno/dos", "factors", "factor/plain",
                   {"role": "supporting", "basis": ["reading", "a list where one value is declared"]})
    batch.add_link("practice/p2", "factors", "factor/plain", {"role": "supporting", "weight": 3})
    batch.add_link("practice/práctica uno/dos", "country", "country/BGD")
    batch.add_link("practice/práctica uno/dos", "targets", "target/16.6")
    return batch


def test_hostile_values_export_the_same_graph(tmp_path):
    store = EmbeddedStore(tmp_path / "hostile.psikg")
    batch = _hostile_batch()
    batch.add_node("target", "16.6", {"title": "Develop effective institutions"})
    store.apply(batch)
    _assert_same_export(store)


@pytest.mark.parametrize("fmt, ox_format", [("ttl", ox.RdfFormat.TURTLE), ("xml", ox.RdfFormat.RDF_XML),
                                            ("nq", ox.RdfFormat.N_QUADS)])
def test_every_syntax_holds_the_same_graph(bundled_store_path, fmt, ox_format):
    store = psikg.open(bundled_store_path).store
    expected, _ = _reference(store)
    data, _ = _exported(store, fmt)
    assert _triples(data, ox_format) == _triples(expected)


def test_graph_triples_stream_the_line_writer(bundled_store_path):
    store = psikg.open(bundled_store_path).store
    stats = ExportStats()
    streamed = list(graph_triples(store, DEFAULT_BASE, stats))
    reference_stats = ExportStats()
    assert streamed == list(rdf_reference.graph_triples(store, DEFAULT_BASE, reference_stats))
    assert stats == reference_stats
