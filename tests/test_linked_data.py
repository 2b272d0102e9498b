"""Linked data: exports in every syntax, SHACL conformance, SDG and country links, RDF input, the
round trip, and the shipped SPARQL examples checked against the Python API."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

import psikg
from psikg.cli import cli
from psikg.config import DEFAULT_BASE
from psikg.errors import PsikgError
from psikg.lod.rdf import FORMATS, export, node_iri, parse_node_iri
from psikg.lod.sparql import QueryRefused, format_results, oxigraph_store, run_query
from psikg.ontology.model import EU_COUNTRY_NS, SDG_NS
from psikg.ontology.owl import shapes_graph

PSIKG = rdflib.Namespace(DEFAULT_BASE + "ontology#")
SDGO = rdflib.Namespace("http://metadata.un.org/sdg/ontology#")
RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "jsonld": "json-ld", "xml": "xml"}
OX_FORMAT = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
             "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}
SPARQL_DIR = Path(psikg.__file__).resolve().parent / "queries" / "sparql"
MODIFIED = "2026-01-01"


def _rdflib_graph(data: bytes, fmt: str) -> rdflib.Graph:
    if fmt == "nq":
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format="nquads")
        graph = rdflib.Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    return rdflib.Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])


@pytest.fixture(scope="module")
def bundled(bundled_store_path):
    return psikg.open(bundled_store_path)


@pytest.fixture(scope="module")
def exports(bundled) -> dict[str, bytes]:
    from psikg.lod.rdf import DatasetInfo

    out = {}
    for fmt in FORMATS:
        buffer = io.BytesIO()
        export(bundled.store, buffer, fmt, DEFAULT_BASE, info=DatasetInfo(modified=MODIFIED))
        out[fmt] = buffer.getvalue()
    return out


@pytest.fixture(scope="module")
def data_graph(exports) -> rdflib.Graph:
    return _rdflib_graph(exports["nt"], "nt")


def test_every_export_parses_in_rdflib_and_pyoxigraph_and_they_agree(exports, data_graph):
    assert len(data_graph) > 5000
    reference = {(q.subject, q.predicate, q.object) for q in ox.parse(exports["nt"], format=ox.RdfFormat.N_TRIPLES)}
    assert len(reference) == len(data_graph)
    assert not any(isinstance(t, ox.BlankNode) for triple in reference for t in triple)  # so sets compare graphs
    for fmt, data in exports.items():
        graph = _rdflib_graph(data, fmt)
        assert isomorphic(graph, data_graph), f"{fmt} differs from N-Triples (rdflib)"
        parsed = {(q.subject, q.predicate, q.object) for q in ox.parse(data, format=OX_FORMAT[fmt])}
        assert parsed == reference, f"{fmt} differs from N-Triples (pyoxigraph)"


def test_nquads_has_named_graphs(exports):
    graphs = {q.graph_name.value for q in ox.parse(exports["nq"], format=ox.RdfFormat.N_QUADS)}
    assert graphs == {DEFAULT_BASE + "graph/data", DEFAULT_BASE + "graph/dataset"}


def test_jsonld_uses_the_published_context(exports):
    document = json.loads(exports["jsonld"])
    context = json.loads((Path(psikg.__file__).resolve().parent / "ontology" / "context.jsonld").read_text())
    assert document["@context"] == context["@context"]
    practice = next(n for n in document["@graph"] if n["@id"] == node_iri("practice", "bgd-sdg-tracker"))
    assert practice["@type"] == ["Practice"]
    assert practice["originatingCountry"] == [node_iri("country", "BGD")]


def test_export_conforms_to_the_shapes(data_graph):
    from pyshacl import validate

    conforms, _, text = validate(data_graph, shacl_graph=shapes_graph(DEFAULT_BASE), inference="none")
    assert conforms, text[:3000]


def _named_graph(data: bytes, name: str) -> rdflib.Graph:
    triples = [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)
               if q.graph_name.value == DEFAULT_BASE + "graph/" + name]
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def _description(exports) -> rdflib.Graph:
    """The dataset description alone (the named graph of the N-Quads dump)."""
    return _named_graph(exports["nq"], "dataset")


def test_things_and_the_dataset_description(data_graph, bundled, exports):
    catalog = bundled.catalog
    practice = URIRef(node_iri("practice", "bgd-sdg-tracker"))
    assert practice == URIRef(DEFAULT_BASE + "id/practice/bgd-sdg-tracker")
    assert (practice, ns.RDF.type, PSIKG.Practice) in data_graph
    assert (practice, PSIKG.originatingCountry, URIRef(DEFAULT_BASE + "id/country/BGD")) in data_graph
    assert (practice, PSIKG.addressesTarget, URIRef(SDG_NS + "17.18")) in data_graph
    # every source is a dcterms:source IRI
    for source in catalog.practices["bgd-sdg-tracker"].sources:
        assert (practice, ns.DCTERMS.source, URIRef(source)) in data_graph
    # the qualified form of a success factor carries its role
    roles = list(data_graph.objects(practice, PSIKG.qualifiedFactor))
    assert len(roles) == len(catalog.practices["bgd-sdg-tracker"].factors)
    for pf in catalog.practices["bgd-sdg-tracker"].factors:
        node = URIRef(f"{practice}#factor-{pf.factor}")
        assert (node, PSIKG.role, rdflib.Literal(pf.role)) in data_graph
        assert (node, PSIKG.factor, URIRef(node_iri("factor", pf.factor))) in data_graph
    dataset = URIRef(DEFAULT_BASE + "dataset")
    VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
    DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    assert (dataset, ns.RDF.type, VOID.Dataset) in data_graph and (dataset, ns.RDF.type, DCAT.Dataset) in data_graph
    assert data_graph.value(dataset, ns.DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(data_graph.value(dataset, ns.DCTERMS.modified)) == MODIFIED
    triples = int(data_graph.value(dataset, VOID.triples))
    assert triples == len(data_graph) - len(_description(exports))  # the data, without its description
    assert int(data_graph.value(dataset, VOID.entities)) == sum(bundled.store.counts()["nodes_by_kind"].values())
    assert data_graph.value(dataset, VOID.sparqlEndpoint) == URIRef(DEFAULT_BASE + "sparql")
    assert URIRef(DEFAULT_BASE + "dump/psikg.nt") in set(data_graph.objects(dataset, VOID.dataDump))
    vocabularies = set(data_graph.objects(dataset, VOID.vocabulary))
    assert URIRef(str(PSIKG)) in vocabularies and URIRef(str(ns.SKOS)) in vocabularies


def test_sdg_iris_are_the_kos_concepts(data_graph, shared_reference):
    kos = rdflib.Graph().parse(shared_reference / "sdg" / "sdg-kos-goals-targets-indicators.ttl")
    for cls, count in (("Goal", 17), ("Target", 169), ("Indicator", 200)):
        typed = set(data_graph.subjects(ns.RDF.type, SDGO[cls]))
        ours = {iri for iri in typed if str(iri).startswith("http://metadata.un.org/sdg/")}
        assert len(ours) >= count, cls
        # only indicators the KOS lacks have psikg's own IRIs (issue 21)
        assert all(cls == "Indicator" and str(iri).startswith(DEFAULT_BASE + "id/indicator/") for iri in typed - ours)
        missing = ours - set(kos.subjects(ns.RDF.type, SDGO[cls]))
        assert not missing, f"{cls} IRIs not in the KOS: {sorted(missing)[:5]}"
    # an indicator listed under several targets is one KOS concept
    shared = URIRef(SDG_NS + "C200303")
    assert {str(t) for t in data_graph.objects(shared, ns.SKOS.broader)} >= {SDG_NS + "1.5", SDG_NS + "13.1"}


def test_countries_link_to_the_eu_authority(data_graph):
    countries = set(data_graph.subjects(ns.RDF.type, PSIKG.Country))
    assert len(countries) > 240
    for country in countries:
        iso3 = str(country).rsplit("/", 1)[1]
        assert re.fullmatch(r"[A-Z]{3}", iso3)
        assert list(data_graph.objects(country, ns.SKOS.exactMatch)) == [URIRef(EU_COUNTRY_NS + iso3)]


def test_iris_parse_back():
    assert parse_node_iri(DEFAULT_BASE + "id/practice/bgd-sdg-tracker") == ("practice", "bgd-sdg-tracker")
    assert parse_node_iri("https://metadata.un.org/sdg/16.6") == ("target", "16.6")  # https accepted
    assert parse_node_iri(SDG_NS + "16") == ("goal", "16")
    assert parse_node_iri(SDG_NS + "C200303") == ("indicator", "C200303")
    assert parse_node_iri("http://example.org/id/practice/x") is None
    assert parse_node_iri(DEFAULT_BASE + "id/nokind/x") is None


# The CLI ------------------------------------------------------------------------------------------


def test_cli_export(runner, bundled_store_path, tmp_path):
    out = tmp_path / "kg.nt"
    result = runner.invoke(cli, ["--store", str(bundled_store_path), "export", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(list(ox.parse(path=str(out), format=ox.RdfFormat.N_TRIPLES))) > 5000
    result = runner.invoke(cli, ["--store", str(bundled_store_path), "export", "--format", "ttl", "--ontology",
                                 "--base", "http://example.org/kg/"])
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(data=result.stdout_bytes, format="turtle")
    assert (URIRef("http://example.org/kg/ontology"), ns.RDF.type, ns.OWL.Ontology) in graph
    assert (URIRef("http://example.org/kg/id/country/BGD"), ns.RDF.type,
            URIRef("http://example.org/kg/ontology#Country")) in graph


def _modified_dates(nt: bytes) -> set[str]:
    graph = rdflib.Graph().parse(data=nt, format="nt")
    return {str(date) for date in graph.objects(None, ns.DCTERMS.modified)}


def test_cli_export_dates_the_dataset_by_the_store_unless_told(runner, bundled_store_path):
    """The dump's date is the day the store's file was written, also when the licence or publisher
    is given; ``--modified`` fixes it, so two dumps made on different days can be compared."""
    from psikg.lod.rdf import store_date

    store = ["--store", str(bundled_store_path), "export", "--format", "nt"]
    for extra in ([], ["--publisher", "A secretariat"]):
        result = runner.invoke(cli, store + extra)
        assert result.exit_code == 0, result.output
        assert _modified_dates(result.stdout_bytes) == {store_date(psikg.open(bundled_store_path).store)}
    result = runner.invoke(cli, store + ["--modified", "2020-02-29"])
    assert result.exit_code == 0, result.output
    assert _modified_dates(result.stdout_bytes) == {"2020-02-29"}
    refused = runner.invoke(cli, store + ["--modified", "2020-02-30"])
    assert refused.exit_code == 2
    assert "'2020-02-30' does not match the format '%Y-%m-%d'" in refused.output


# RDF input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "nt"])
def test_export_then_load_gives_an_isomorphic_graph(exports, data_graph, tmp_path, runner, fmt):
    path = tmp_path / f"kg.{fmt}"
    path.write_bytes(exports[fmt])
    store = tmp_path / "copy.psikg"
    result = runner.invoke(cli, ["--store", str(store), "load", "--replace", "--no-bundled", str(path)])
    assert result.exit_code == 0, result.output
    from psikg.lod.rdf import DatasetInfo

    buffer = io.BytesIO()
    export(psikg.open(store).store, buffer, "nt", DEFAULT_BASE, info=DatasetInfo(modified=MODIFIED))
    assert isomorphic(_rdflib_graph(buffer.getvalue(), "nt"), data_graph)


BAD_TURTLE = """\
@prefix psikg: <https://w3id.org/psikg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/psikg/id/practice/new-practice> a psikg:Practice ;
    psikg:maturity "mature" ;
    psikg:originatingCountry <https://w3id.org/psikg/id/country/BGD> , <https://w3id.org/psikg/id/country/PER> .
"""


def test_bad_rdf_is_refused_with_a_readable_report(runner, bundled_store_path, tmp_path):
    store = tmp_path / "store.psikg"
    shutil.copy(bundled_store_path, store)
    before = store.read_bytes()
    path = tmp_path / "bad.ttl"
    path.write_text(BAD_TURTLE)
    result = runner.invoke(cli, ["--store", str(store), "load", str(path)])
    assert result.exit_code == 2, result.output
    assert "bad.ttl" in result.stderr and "practice/new-practice" in result.stderr
    assert "dcterms:title" in result.stderr  # the required title is missing
    assert "mature" in result.stderr  # not one of the maturities
    assert "originatingCountry" in result.stderr  # more than one
    assert "nothing was written" in result.stderr
    assert store.read_bytes() == before


def test_rdf_linking_to_an_unknown_thing_is_refused(runner, tmp_path):
    path = tmp_path / "dangling.ttl"
    path.write_text("""\
@prefix psikg: <https://w3id.org/psikg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<https://w3id.org/psikg/id/practice/p> a psikg:Practice ; dcterms:title "P" ;
    psikg:originatingCountry <https://w3id.org/psikg/id/country/XXX> .
""")
    result = runner.invoke(cli, ["--store", str(tmp_path / "s.psikg"), "load", "--no-bundled", str(path)])
    assert result.exit_code == 2
    assert "country/XXX" in result.stderr


def test_good_rdf_merges_into_the_store(runner, bundled_store_path, tmp_path):
    store = tmp_path / "store.psikg"
    shutil.copy(bundled_store_path, store)
    path = tmp_path / "new.jsonld"
    path.write_text(json.dumps({
        "@context": json.loads((Path(psikg.__file__).resolve().parent / "ontology" / "context.jsonld")
                               .read_text())["@context"],
        "@id": "https://w3id.org/psikg/id/practice/new-practice", "@type": "Practice",
        "title": "A new practice", "maturity": "pilot", "startYear": "2020",
        "originatingCountry": "https://w3id.org/psikg/id/country/KEN",
        "addressesTarget": "https://metadata.un.org/sdg/16.6",
        "source": "https://example.org/case",
    }))
    result = runner.invoke(cli, ["--store", str(store), "load", str(path)])
    assert result.exit_code == 0, result.output
    practice = psikg.open(store).catalog.practices["new-practice"]
    assert (practice.title, practice.country, practice.targets, practice.year, practice.maturity) == (
        "A new practice", "KEN", ("16.6",), 2020, "pilot")
    assert practice.sources == ("https://example.org/case",)


# SPARQL -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sparql_store(bundled):
    return oxigraph_store(bundled.store, DEFAULT_BASE)


def _select(store, text: str) -> list[dict]:
    answer = format_results(run_query(store, text, DEFAULT_BASE), "json")
    data = json.loads(answer.body)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def test_example_importers_of_practice(sparql_store, bundled):
    text = (SPARQL_DIR / "importers-of-practice.rq").read_text()
    catalog = bundled.catalog
    assert catalog.transfers_by_practice.get("bgd-sdg-tracker")
    for practice, transfers in catalog.transfers_by_practice.items():
        rows = _select(sparql_store, text.replace(node_iri("practice", "bgd-sdg-tracker"),
                                                  node_iri("practice", practice)))
        got = sorted((parse_node_iri(r["transfer"])[1], parse_node_iri(r["importer"])[1], r["status"],
                      r.get("outcome", "unknown")) for r in rows)
        assert got == sorted((t.id, t.importer, t.status, t.outcome) for t in transfers), practice


def test_example_practices_per_target(sparql_store, bundled):
    rows = _select(sparql_store, (SPARQL_DIR / "practices-per-target.rq").read_text())
    expected: dict[str, int] = {}
    for practice in bundled.catalog.practices.values():
        for target in set(practice.targets):
            expected[target] = expected.get(target, 0) + 1
    assert {r["code"]: int(r["practices"]) for r in rows} == expected
    counts = [int(r["practices"]) for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_example_transfers_by_status(sparql_store, bundled):
    rows = _select(sparql_store, (SPARQL_DIR / "transfers-by-status.rq").read_text())
    expected: dict[str, list[int]] = {}
    for transfer in bundled.catalog.transfers.values():
        entry = expected.setdefault(transfer.status, [0, 0])
        entry[0] += 1
        entry[1] += transfer.outcome == "success"
    assert {r["status"]: [int(r["transfers"]), int(r["successes"])] for r in rows} == expected


def test_example_countries_by_group(sparql_store, bundled):
    rows = _select(sparql_store, (SPARQL_DIR / "countries-by-group.rq").read_text())
    expected: dict[str, list[int]] = {}
    for country in bundled.catalog.countries.values():
        entry = expected.setdefault(country.region or "(none)", [0, 0, 0, 0])
        for i, flag in enumerate((True, country.ldc, country.lldc, country.sids)):
            entry[i] += bool(flag)
    assert {r["region"]: [int(r[k]) for k in ("countries", "ldc", "lldc", "sids")] for r in rows} == expected


def test_queries_are_read_only_and_results_are_limited(sparql_store):
    assert issubclass(QueryRefused, PsikgError) and QueryRefused.exit_code == 2  # as every refused query
    with pytest.raises(QueryRefused, match="read-only"):
        run_query(sparql_store, "PREFIX x: <http://x/> # comment\nINSERT DATA { x:a x:b x:c }", DEFAULT_BASE)
    with pytest.raises(QueryRefused, match="syntax"):
        run_query(sparql_store, "SELEC * WHERE { ?s ?p ?o }", DEFAULT_BASE)
    with pytest.raises(QueryRefused, match="SERVICE"):
        run_query(sparql_store, "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", DEFAULT_BASE,
                  allow_service=False)
    answer = format_results(run_query(sparql_store, "SELECT * { ?s ?p ?o }", DEFAULT_BASE), "csv", limit=3)
    assert answer.truncated and answer.rows == 3 and len(answer.body.decode().strip().splitlines()) == 4
    ontology = run_query(sparql_store, f"ASK {{ GRAPH <{DEFAULT_BASE}graph/ontology> {{ psikg:Practice a owl:Class }} }}",
                         DEFAULT_BASE)
    assert bool(ontology)


def test_cli_sparql(runner, bundled_store_path):
    result = runner.invoke(cli, ["--store", str(bundled_store_path), "sparql", "transfers-by-status",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["head"]["vars"] == ["status", "transfers", "successes"]
    result = runner.invoke(cli, ["--store", str(bundled_store_path), "sparql", str(SPARQL_DIR / "countries-by-group.rq"),
                                 "--format", "csv"])
    assert result.exit_code == 0 and result.stdout.startswith("region,countries,ldc,lldc,sids")
    result = runner.invoke(cli, ["--store", str(bundled_store_path), "sparql",
                                 f"SELECT ?t WHERE {{ <{node_iri('practice', 'bgd-sdg-tracker')}> dcterms:title ?t }}"])
    assert result.exit_code == 0 and "SDG Tracker" in result.stdout
    result = runner.invoke(cli, ["--store", str(bundled_store_path), "sparql", "DELETE WHERE { ?s ?p ?o }"])
    assert result.exit_code == 2 and "read-only" in result.stderr


# Issue 21: linked data that validates everywhere ----------------------------------------------------

DCAT_AP_SHAPES = Path(__file__).resolve().parent / "data" / "dcat-ap" / "dcat-ap-3.0.1-mandatory-and-ranges.ttl"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DATASET = URIRef(DEFAULT_BASE + "dataset")


def test_issue21_description_passes_the_dcat_ap_3_mandatory_and_range_shapes(exports):
    from pyshacl import validate

    shapes = rdflib.Graph().parse(DCAT_AP_SHAPES)
    description = _description(exports)
    conforms, _, text = validate(description, shacl_graph=shapes, inference="none")
    assert conforms, text[:3000]
    # the shapes bite: without an access URL a distribution violates them
    broken = rdflib.Graph()
    for triple in description:
        if triple[1] != DCAT.accessURL or not str(triple[0]).endswith("#dump-nt"):
            broken.add(triple)
    conforms, _, text = validate(broken, shacl_graph=shapes, inference="none")
    assert not conforms and "accessURL" in text


def test_issue21_catalogue_distributions_and_service(exports):
    description = _description(exports)
    catalogs = list(description.subjects(ns.RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1 and (catalogs[0], DCAT.dataset, DATASET) in description
    distributions = set(description.objects(DATASET, DCAT.distribution))
    assert len(distributions) == len(FORMATS) + 1
    for distribution in distributions:
        assert description.value(distribution, DCAT.accessURL) is not None, distribution
    service = description.value(catalogs[0], DCAT.service)
    assert (service, ns.RDF.type, DCAT.DataService) in description
    assert description.value(service, ns.DCTERMS.title) is not None
    assert description.value(service, DCAT.endpointURL) == URIRef(DEFAULT_BASE + "sparql")
    # every node of the description is the dataset or one of its fragments: one document
    ours = {s for s in description.subjects() if str(s).startswith(DEFAULT_BASE)}
    assert all(s == DATASET or str(s).startswith(str(DATASET) + "#") or s == URIRef(DEFAULT_BASE)
               or s == URIRef(DEFAULT_BASE + "ontology") for s in ours), sorted(ours)


def test_issue21_void_counts_come_from_the_data(exports):
    data = _named_graph(exports["nq"], "data")
    description = _description(exports)
    classes = set(data.objects(None, ns.RDF.type))
    assert int(description.value(DATASET, VOID.classes)) == len(classes)
    partitions = {description.value(p, VOID["class"]): int(description.value(p, VOID.entities))
                  for p in description.objects(DATASET, VOID.classPartition)}
    assert partitions == {cls: len(set(data.subjects(ns.RDF.type, cls))) for cls in classes}
    assert partitions[URIRef("http://www.w3.org/ns/org#Organization")] == len(
        set(data.subjects(ns.RDF.type, URIRef("http://www.w3.org/ns/org#Organization"))))
    properties = {description.value(p, VOID.property): int(description.value(p, VOID.triples))
                  for p in description.objects(DATASET, VOID.propertyPartition)}
    assert properties == {p: len(list(data.triples((None, p, None)))) for p in set(data.predicates())}
    assert int(description.value(DATASET, VOID.properties)) == len(properties)
    assert int(description.value(DATASET, VOID.triples)) == len(data)


def test_issue21_linksets_to_the_sdg_kos_and_the_eu_authority(exports):
    data = _named_graph(exports["nq"], "data")
    description = _description(exports)
    linksets = {}
    for linkset in description.objects(DATASET, VOID.subset):
        assert (linkset, ns.RDF.type, VOID.Linkset) in description
        assert description.value(linkset, VOID.subjectsTarget) == DATASET
        key = (str(description.value(linkset, VOID.objectsTarget)), description.value(linkset, VOID.linkPredicate))
        linksets[key] = int(description.value(linkset, VOID.triples))
    eu = ("http://publications.europa.eu/resource/dataset/country", ns.SKOS.exactMatch)
    assert linksets[eu] == len([o for o in data.objects(None, ns.SKOS.exactMatch) if str(o).startswith(EU_COUNTRY_NS)])
    kos = ("http://metadata.un.org/sdg/void.ttl#SDG", PSIKG.addressesTarget)
    assert linksets[kos] == len(list(data.triples((None, PSIKG.addressesTarget, None)))) > 100


@pytest.mark.parametrize("fmt,ontology", [("nt", False), ("ttl", True), ("jsonld", False), ("xml", True),
                                          ("nq", True)])
def test_issue21_export_reports_the_triples_the_file_holds(runner, bundled_store_path, tmp_path, fmt, ontology):
    out = tmp_path / f"kg.{FORMATS[fmt][2]}"
    args = ["--store", str(bundled_store_path), "export", "--format", fmt, "-o", str(out)]
    result = runner.invoke(cli, args + (["--ontology"] if ontology else []))
    assert result.exit_code == 0, result.output
    reported = int(re.search(r"Wrote (\d+) triples", result.stderr).group(1))
    parsed = list(ox.parse(path=str(out), format=OX_FORMAT[fmt]))
    assert reported == len(parsed)


def test_issue21_relative_iris_in_a_query_resolve_against_the_base(sparql_store):
    results = run_query(sparql_store, "SELECT ?name WHERE { <id/country/BGD> schema:name ?name }", DEFAULT_BASE)
    assert [s["name"].value for s in results] == ["Bangladesh"]
    results = run_query(sparql_store, "ASK { <dataset> a dcat:Catalog }", DEFAULT_BASE)
    assert not bool(results)  # resolved, and the dataset is not the catalogue


def test_issue21_sparql_store_serves_the_description_of_the_dumps(bundled, exports):
    from psikg.lod.rdf import DatasetInfo
    from psikg.lod.sparql import dataset_description

    store = oxigraph_store(bundled.store, DEFAULT_BASE, info=DatasetInfo(modified=MODIFIED))
    served = rdflib.Graph().parse(data=ox.serialize(dataset_description(store, DEFAULT_BASE),
                                                     format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert isomorphic(served, _description(exports))


def test_issue21_no_gyear_in_the_data_or_the_ontology(exports):
    assert b"gYear" not in exports["nt"]
    from psikg.ontology.owl import ontology_graph

    assert "gYear" not in ontology_graph(DEFAULT_BASE).serialize(format="nt")


def test_issue21_ontology_is_owl2_dl_for_hermit(tmp_path):
    """HermiT (through owlready2, Java 17) loads and classifies the ontology; before issue 21 it
    refused it (xsd:gYear is not an OWL 2 datatype)."""
    owlready2 = pytest.importorskip("owlready2")
    if shutil.which("java") is None:
        pytest.skip("Java is needed for HermiT")
    from psikg.ontology.owl import ontology_graph

    path = tmp_path / "psikg.owl"
    ontology_graph(DEFAULT_BASE).serialize(path, format="xml")
    world = owlready2.World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert not list(world.inconsistent_classes())
    assert len(list(onto.classes())) >= 10


def test_issue21_jsonld_naming_the_context_by_iri_is_read_offline(bundled, runner, bundled_store_path, tmp_path):
    from psikg.lod.rdf import graph_triples, write_jsonld
    from psikg.ontology.context import context_iri

    practice = node_iri("practice", "bgd-sdg-tracker")
    triples = [t for t in graph_triples(bundled.store, DEFAULT_BASE)
               if t.subject.value == practice or t.subject.value.startswith(practice + "#")]
    buffer = io.BytesIO()
    write_jsonld(triples, buffer, DEFAULT_BASE, context_by_iri=True)
    document = json.loads(buffer.getvalue())
    assert document["@context"] == context_iri(DEFAULT_BASE) == DEFAULT_BASE + "ontology/context.jsonld"
    path = tmp_path / "practice.jsonld"
    path.write_bytes(buffer.getvalue())
    result = runner.invoke(cli, ["--store", str(bundled_store_path), "validate", str(path)])
    assert result.exit_code == 0, result.output + result.stderr


def test_issue21_sdg_labels_are_english_and_notations_typed_as_the_kos(data_graph, shared_reference):
    kos = rdflib.Graph().parse(shared_reference / "sdg" / "sdg-kos-goals-targets-indicators.ttl")
    for cls in ("Goal", "Target", "Indicator"):
        for concept in data_graph.subjects(ns.RDF.type, SDGO[cls]):
            labels = list(data_graph.objects(concept, ns.SKOS.prefLabel))
            assert [label.language for label in labels] == ["en"], concept
    ours = {(s, o) for s, o in data_graph.subject_objects(ns.SKOS.notation)}
    assert ours and all(o.datatype == SDGO.SDGCodeCompact for _, o in ours)
    theirs = set(kos.subject_objects(ns.SKOS.notation))
    in_kos = {(s, o) for s, o in ours if str(s).startswith(SDG_NS)}
    assert in_kos <= theirs, sorted(in_kos - theirs)[:5]  # the same literal on the same concept


def test_issue21_current_indicators_without_a_kos_concept_are_included(data_graph, shared_reference):
    kos = rdflib.Graph().parse(shared_reference / "sdg" / "sdg-kos-goals-targets-indicators.ttl")
    kos_codes = {str(o) for o in kos.objects(None, ns.SKOS.notation)}
    added = {"2.2.3", "3.d.2", "4.1.2", "10.4.2", "10.7.3", "10.7.4", "13.2.2", "16.3.3", "11.5.3", "17.6.1"}
    for code in added:
        iri = URIRef(node_iri("indicator", code))
        assert iri == URIRef(f"{DEFAULT_BASE}id/indicator/{code}")  # never a made-up KOS IRI
        assert (iri, ns.RDF.type, SDGO.Indicator) in data_graph
        assert (iri, ns.SKOS.notation, rdflib.Literal(code, datatype=SDGO.SDGCodeCompact)) in data_graph
        target = code.rsplit(".", 1)[0]
        assert (iri, ns.SKOS.broader, URIRef(SDG_NS + target)) in data_graph
        assert data_graph.value(iri, ns.SKOS.prefLabel).language == "en"
    assert not (added - {"17.6.1"}) & kos_codes  # the KOS has no concept for them (17.6.1 names another)
    assert parse_node_iri(f"{DEFAULT_BASE}id/indicator/2.2.3") == ("indicator", "2.2.3")


def test_issue21_countries_state_their_sources(data_graph):
    for country in data_graph.subjects(ns.RDF.type, PSIKG.Country):
        assert set(data_graph.objects(country, ns.DCTERMS.source)) == {
            URIRef("https://www.iso.org/iso-3166-country-codes.html"),
            URIRef("https://unstats.un.org/unsd/methodology/m49/overview/")}


def test_issue21_resolvable_publisher_root_and_versions(exports):
    description = _description(exports)
    publisher = description.value(DATASET, ns.DCTERMS.publisher)
    assert str(publisher) == str(DATASET) + "#publisher"  # served with the dataset description
    roots = set(description.objects(DATASET, VOID.rootResource))
    data = _named_graph(exports["nq"], "data")
    assert roots and all(parse_node_iri(str(r)) is not None and (r, None, None) in data for r in roots)
    for distribution in description.objects(DATASET, DCAT.distribution):
        download = description.value(distribution, DCAT.downloadURL)
        if download is not None:
            assert str(download).startswith(f"{DEFAULT_BASE}dump/{MODIFIED}/psikg.")
    from psikg.lod.rdf import ontology_version_iri
    from psikg.ontology.owl import VERSION, ontology_graph

    ontology = ontology_graph(DEFAULT_BASE)
    assert ontology.value(URIRef(DEFAULT_BASE + "ontology"), ns.OWL.versionIRI) == URIRef(ontology_version_iri())
    assert ontology_version_iri() == f"{DEFAULT_BASE}ontology/{VERSION}"


def test_issue21_every_record_is_derived_from_its_sources(data_graph):
    PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
    sources = {(s, o) for s, o in data_graph.subject_objects(ns.DCTERMS.source)
               if isinstance(o, URIRef) and "#" not in str(s)}
    assert len(sources) > 300
    assert sources == {(s, o) for s, o in data_graph.subject_objects(PROV.wasDerivedFrom)}


def test_issue21_kos_labels_in_every_language_when_the_kos_is_loaded(runner, bundled_store_path, tmp_path,
                                                                     shared_reference):
    kos_path = shared_reference / "sdg" / "sdg-kos-goals-targets-indicators.ttl"
    store = tmp_path / "store.psikg"
    shutil.copy(bundled_store_path, store)
    result = runner.invoke(cli, ["--store", str(store), "load", str(kos_path)])
    assert result.exit_code == 0, result.output + result.stderr
    buffer = io.BytesIO()
    export(psikg.open(store).store, buffer, "nt", DEFAULT_BASE)
    data = rdflib.Graph().parse(data=buffer.getvalue(), format="nt")
    kos = rdflib.Graph().parse(kos_path)
    checked = 0
    for concept in set(data.subjects(ns.RDF.type, SDGO.Target)):
        ours = {(l.language, str(l)) for l in data.objects(concept, ns.SKOS.prefLabel)}
        theirs = {(l.language, " ".join(str(l).split())) for l in kos.objects(concept, ns.SKOS.prefLabel)}
        assert {lang for lang, _ in ours} == {"en", "es", "fr"}, concept  # one label per language
        assert {t for t in ours if t[0] != "en"} == {t for t in theirs if t[0] != "en"}, concept
        checked += 1
    assert checked == 169
    # and the multilingual graph reads back as it was written
    path = tmp_path / "kg.nt"
    path.write_bytes(buffer.getvalue())
    from psikg.loaders.rdf_input import read_rdf

    issues: list = []
    read_rdf(path, issues, base=DEFAULT_BASE)
    assert not [i for i in issues if i.severity == "error"], issues[:5]
    # the KOS gives target 12.3 two French and two Spanish labels: a warning, not a refusal
    from pyshacl import validate

    _, report, _ = validate(data, shacl_graph=shapes_graph(DEFAULT_BASE), inference="none")
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    results = list(report.subjects(ns.RDF.type, SH.ValidationResult))
    assert {report.value(r, SH.resultSeverity) for r in results} == {SH.Warning}
    assert {report.value(r, SH.sourceConstraintComponent) for r in results} == {SH.UniqueLangConstraintComponent}
    assert URIRef(SDG_NS + "12.3") in {report.value(r, SH.focusNode) for r in results}
