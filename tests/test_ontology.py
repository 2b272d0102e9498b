"""The ontology, the shapes, the JSON-LD context and docs/model.md are generated from the model and
shipped; these tests keep the shipped files equal to the code and check what they say."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from psikg.config import DEFAULT_BASE
from psikg.ontology.context import jsonld_context
from psikg.ontology.docs import model_markdown
from psikg.ontology.generate import ONTOLOGY_DIR, generated_files
from psikg.ontology.model import ENUMS, KINDS
from psikg.ontology.owl import class_iri, expand, ontology_graph, qualified_terms, shapes_graph

PSIKG = DEFAULT_BASE + "ontology#"
FOREIGN = ("http://purl.org/dc/terms/", str(ns.SKOS), "https://schema.org/", "http://www.w3.org/ns/org#",
           "http://metadata.un.org/sdg/ontology#", "http://www.w3.org/ns/prov#")


@pytest.mark.parametrize("path", sorted(generated_files(), key=str), ids=lambda p: p.name)
def test_shipped_file_equals_generated(path):
    expected = generated_files()[path]
    if path.parent.name == "docs":  # docs are not installed: check the repository's copy
        path = Path(__file__).resolve().parents[1] / "docs" / path.name
    assert path.exists(), f"{path} is missing: run python -m psikg.ontology.generate"
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path} differs from the model: run python -m psikg.ontology.generate")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    graph.parse(ONTOLOGY_DIR / "psikg.ttl", format="turtle")
    return graph


def test_ontology_loads_in_rdflib_and_pyoxigraph(ontology):
    assert (URIRef(DEFAULT_BASE + "ontology"), ns.RDF.type, ns.OWL.Ontology) in ontology
    store = pyoxigraph.Store()
    store.load(path=str(ONTOLOGY_DIR / "psikg.ttl"), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(ontology)


def test_ontology_header(ontology):
    onto = URIRef(DEFAULT_BASE + "ontology")
    for predicate in (URIRef("http://purl.org/dc/terms/title"), URIRef("http://purl.org/dc/terms/description"),
                      URIRef("http://purl.org/dc/terms/license"), ns.OWL.versionInfo):
        assert ontology.value(onto, predicate) is not None, predicate


def _declared(graph):
    kinds = (ns.OWL.Class, ns.OWL.ObjectProperty, ns.OWL.DatatypeProperty)
    return {s for k in kinds for s in graph.subjects(ns.RDF.type, k) if isinstance(s, URIRef)}


def test_every_class_and_property_has_a_label_and_a_definition(ontology):
    declared = _declared(ontology)
    assert len(declared) > 40
    for term in declared:
        assert ontology.value(term, ns.RDFS.label) is not None, f"{term} has no rdfs:label"
        if str(term).startswith(PSIKG):
            assert ontology.value(term, ns.SKOS.definition) is not None, f"{term} has no skos:definition"
        else:
            assert ontology.value(term, ns.RDFS.comment) is not None, f"{term} has no comment"
            assert ontology.value(term, ns.RDFS.isDefinedBy) is not None


def test_standard_terms_are_reused_not_redeclared(ontology):
    for term in _declared(ontology):
        if not str(term).startswith(PSIKG):
            assert str(term).startswith(FOREIGN), term
            assert (term, ns.RDF.type, ns.OWL.Class) in ontology, f"{term}: only foreign classes are declared"
    for kind in KINDS.values():
        for prop in (*kind.properties, *kind.relations):
            if not prop.predicate.startswith("psikg:"):
                assert not list(ontology.triples((expand(prop.predicate), ns.RDF.type, None))), prop.predicate


def test_every_kind_and_predicate_is_in_the_ontology(ontology):
    for kind in KINDS.values():
        cls = class_iri(kind, DEFAULT_BASE)
        if kind.rdf_class.startswith("sdgo:"):
            assert str(cls) == "http://metadata.un.org/sdg/ontology#" + kind.rdf_class[5:]
        assert (cls, ns.RDF.type, ns.OWL.Class) in ontology, cls
        for prop in kind.properties:
            if prop.predicate.startswith("psikg:"):
                iri = expand(prop.predicate, DEFAULT_BASE)
                assert (iri, ns.RDF.type, ns.OWL.DatatypeProperty) in ontology, iri
                assert ontology.value(iri, ns.RDFS.domain) is not None and ontology.value(iri, ns.RDFS.range) is not None
        for rel in kind.relations:
            if rel.predicate.startswith("psikg:"):
                iri = expand(rel.predicate, DEFAULT_BASE)
                assert (iri, ns.RDF.type, ns.OWL.ObjectProperty) in ontology, iri
                assert ontology.value(iri, ns.RDFS.range) is not None


def test_shared_predicate_has_a_union_domain(ontology):
    domain = ontology.value(expand("psikg:country", DEFAULT_BASE), ns.RDFS.domain)
    members = list(ontology.items(ontology.value(domain, ns.OWL.unionOf)))
    assert set(members) == {class_iri(k, DEFAULT_BASE) for k in ("context", "need", "organization", "event")}


def test_relation_with_properties_has_a_qualified_form(ontology):
    q = qualified_terms(KINDS["practice"].relation("factors"))
    assert (q.cls, q.link, q.target) == ("FactorRole", "qualifiedFactor", "factor")
    role_class = URIRef(PSIKG + "FactorRole")
    assert (role_class, ns.RDF.type, ns.OWL.Class) in ontology
    assert ontology.value(URIRef(PSIKG + "qualifiedFactor"), ns.RDFS.range) == role_class
    assert ontology.value(URIRef(PSIKG + "factor"), ns.RDFS.domain) == role_class
    assert ontology.value(URIRef(PSIKG + "role"), ns.RDFS.domain) == role_class
    assert "critical" in str(ontology.value(URIRef(PSIKG + "role"), ns.RDFS.comment))


def test_shapes():
    shapes = Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    targets = set(shapes.objects(None, ns.SH.targetClass))
    assert {class_iri(k, DEFAULT_BASE) for k in KINDS.values()} <= targets
    by_path = {}
    for shape in shapes.subjects(ns.RDF.type, ns.SH.PropertyShape):
        by_path[str(shape).rsplit("#", 1)[1]] = shape
    title = by_path["Practice-title"]
    assert shapes.value(title, ns.SH.minCount) == Literal(1) and shapes.value(title, ns.SH.maxCount) == Literal(1)
    assert shapes.value(title, ns.SH.datatype) == ns.XSD.string
    status = by_path["Transfer-status"]
    assert [str(v) for v in shapes.items(shapes.value(status, ns.SH["in"]))] == list(ENUMS["status"])
    assert shapes.value(by_path["Practice-country"], ns.SH["class"]) == class_iri("country", DEFAULT_BASE)
    assert shapes.value(by_path["Practice-components"], ns.SH.maxCount) is None
    assert len(shapes_graph(DEFAULT_BASE)) == len(shapes)


def test_other_base():
    graph = ontology_graph("http://example.org/kg")
    assert (URIRef("http://example.org/kg/ontology#Practice"), ns.RDF.type, ns.OWL.Class) in graph
    assert (URIRef("http://example.org/kg/ontology"), ns.RDF.type, ns.OWL.Ontology) in graph


def test_jsonld_context():
    context = json.loads((ONTOLOGY_DIR / "context.jsonld").read_text())["@context"]
    assert context == jsonld_context(DEFAULT_BASE)["@context"]
    assert context["psikg"] == PSIKG
    assert context["originatingCountry"] == {"@id": "psikg:originatingCountry", "@type": "@id"}
    assert context["Practice"] == "psikg:Practice"


def test_model_doc_has_every_kind_and_the_rules():
    text = model_markdown()
    for kind in KINDS.values():
        assert f"| `{kind.name}`:" in text
        for rel in kind.relations:
            assert rel.pg_type in text and rel.predicate in text
    assert "satisfies* a factor" in text and "engages* its importer" in text
