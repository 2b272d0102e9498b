"""``psikg serve`` used as real clients use it: the server runs in a subprocess on a free port;
SPARQLWrapper queries it, httpx dereferences IRIs with Accept headers, headless Chromium loads the
landing page.

The server is started with the base ``http://127.0.0.1:{port}/kg/`` mounted at ``/kg/``, so the
IRIs of the graph dereference literally on this machine.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest
import rdflib
from rdflib import URIRef
from rdflib import namespace as ns

TIMEOUT = 2.0
MAX_RESULTS = 50


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(bundled_store_path, tmp_path_factory):
    port = _free_port()
    base = f"http://127.0.0.1:{port}/kg/"
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    command = [sys.executable, "-c", "from psikg.cli import main; main()", "--store", str(bundled_store_path),
               "serve", "--port", str(port), "--base", base, "--mount", "/kg/", "--timeout", str(TIMEOUT), "--max-results", str(MAX_RESULTS),
               "--workers", "2"]
    with open(log, "w") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"psikg serve exited with {process.returncode}: {log.read_text()}")
            try:
                if httpx.get(base, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"psikg serve did not start: {log.read_text()}")
            time.sleep(0.2)
        yield {"base": base, "port": port, "sparql": base + "sparql", "root": f"http://127.0.0.1:{port}/"}
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _sparql(server, query: str, fmt: str = "json", method: str = "GET"):
    from SPARQLWrapper import GET, POST, SPARQLWrapper

    wrapper = SPARQLWrapper(server["sparql"])
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    wrapper.setMethod(POST if method == "POST" else GET)
    wrapper.setTimeout(30)
    return wrapper.query()


# SPARQL protocol ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(server, bundled_catalog, method):
    query = """SELECT ?practice ?title WHERE { ?practice a psikg:Practice ; dcterms:title ?title } ORDER BY ?practice"""
    data = _sparql(server, query, "json", method).convert()
    assert data["head"]["vars"] == ["practice", "title"]
    got = {b["practice"]["value"].rsplit("/", 1)[1]: b["title"]["value"] for b in data["results"]["bindings"]}
    expected = {p.id: p.title for p in bundled_catalog.practices.values()}
    assert got == dict(list(sorted(expected.items()))[:MAX_RESULTS])


def test_sparqlwrapper_xml_csv_ask_construct(server):
    from SPARQLWrapper import CSV, JSON, TURTLE, XML

    query = "SELECT ?status (COUNT(?t) AS ?n) WHERE { ?t psikg:status ?status } GROUP BY ?status ORDER BY ?status"
    xml = _sparql(server, query, XML).convert()
    assert xml.getElementsByTagName("result")
    csv_text = _sparql(server, query, CSV).convert().decode()
    assert csv_text.splitlines()[0] == "status,n"
    ask = _sparql(server, "ASK { ?c a psikg:Country ; psikg:iso2 \"BD\" }", JSON).convert()
    assert ask["boolean"] is True
    turtle = _sparql(server, f"CONSTRUCT {{ ?c ?p ?o }} WHERE {{ BIND(<{server['base']}id/country/BGD> AS ?c) ?c ?p ?o }}",
                     TURTLE).convert()
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    assert (URIRef(server["base"] + "id/country/BGD"), ns.SKOS.exactMatch,
            URIRef("http://publications.europa.eu/resource/authority/country/BGD")) in graph


def test_sparql_tsv_and_format_parameter(server):
    response = httpx.get(server["sparql"], params={"query": "SELECT ?s WHERE { ?s a psikg:Network }", "format": "tsv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/tab-separated-values")
    assert response.text.splitlines()[0] == "?s"
    response = httpx.post(server["sparql"], content="SELECT ?s WHERE { ?s a psikg:Network }",
                          headers={"content-type": "application/sparql-query", "accept": "application/sparql-results+xml"})
    assert response.status_code == 200 and "<sparql" in response.text


def test_update_is_refused(server):
    from SPARQLWrapper import POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    wrapper = SPARQLWrapper(server["sparql"], updateEndpoint=server["sparql"])
    wrapper.setMethod(POST)
    wrapper.setQuery("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }")
    with pytest.raises(QueryBadFormed):
        wrapper.query()
    for request in (
        httpx.post(server["sparql"], data={"update": "CLEAR ALL"}),
        httpx.post(server["sparql"], content="DROP ALL", headers={"content-type": "application/sparql-update"}),
        httpx.get(server["sparql"], params={"query": "DELETE WHERE { ?s ?p ?o }"}),
    ):
        assert request.status_code == 400 and "read-only" in request.text
    count = httpx.get(server["sparql"], params={"query": "ASK { <http://example.org/a> ?p ?o }"}).json()
    assert count["boolean"] is False


def test_service_and_bad_syntax_are_refused(server):
    response = httpx.get(server["sparql"], params={"query": "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})
    assert response.status_code == 400 and "SERVICE" in response.text
    response = httpx.get(server["sparql"], params={"query": "SELEC * WHERE { ?s ?p ?o }"})
    assert response.status_code == 400


def test_slow_query_is_cut_at_the_time_limit(server):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    response = httpx.get(server["sparql"], params={"query": slow}, timeout=60)
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and "time limit" in response.text
    assert elapsed < TIMEOUT + 5
    # the endpoint still answers afterwards (the stuck worker was replaced)
    for _ in range(3):
        quick = httpx.get(server["sparql"], params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert quick.status_code == 200 and quick.json()["boolean"] is True


def test_results_are_limited(server):
    response = httpx.get(server["sparql"], params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                         headers={"accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == MAX_RESULTS
    assert response.headers["x-psikg-truncated"] == "true"


def test_cors(server):
    response = httpx.get(server["sparql"], params={"query": "ASK { ?s ?p ?o }"}, headers={"origin": "http://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(server["sparql"], headers={"origin": "http://example.org",
                                                         "access-control-request-method": "POST"})
    assert preflight.status_code == 200


# Dereferencing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                        ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_iris_dereference_with_content_negotiation(server, accept, fmt):
    iri = server["base"] + "id/practice/bgd-sdg-tracker"
    first = httpx.get(iri, headers={"accept": accept})
    assert first.status_code == 303 and "accept" in first.headers["vary"].lower()
    response = httpx.get(iri, headers={"accept": accept}, follow_redirects=True)
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    practice = URIRef(iri)
    psikg_ns = rdflib.Namespace(server["base"] + "ontology#")
    assert (practice, ns.RDF.type, psikg_ns.Practice) in graph
    assert (practice, psikg_ns.originatingCountry, URIRef(server["base"] + "id/country/BGD")) in graph
    # the qualified success factors and the links pointing here come along
    assert list(graph.objects(practice, psikg_ns.qualifiedFactor))
    assert list(graph.subjects(psikg_ns.practice, practice))


def test_html_page_has_followable_links(server):
    iri = server["base"] + "id/country/BGD"
    response = httpx.get(iri, headers={"accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"},
                         follow_redirects=True)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "Bangladesh" in response.text
    assert 'href="/kg/id/practice/bgd-sdg-tracker"' in response.text  # linked from
    assert "http://publications.europa.eu/resource/authority/country/BGD" in response.text
    practice = httpx.get(server["root"].rstrip("/") + "/kg/id/practice/bgd-sdg-tracker",
                         headers={"accept": "text/html"}, follow_redirects=True)
    assert practice.status_code == 200
    target = "/kg/resource?iri=http%3A%2F%2Fmetadata.un.org%2Fsdg%2F17.18"
    assert target in practice.text.replace("&amp;", "&")
    sdg = httpx.get(server["root"].rstrip("/") + target, headers={"accept": "text/turtle"})
    assert sdg.status_code == 200
    described = rdflib.Graph().parse(data=sdg.content, format="turtle")
    assert (URIRef("http://metadata.un.org/sdg/17.18"), ns.SKOS.broader, URIRef("http://metadata.un.org/sdg/17")) in described


def test_unknown_things_and_paths_outside_the_base_are_404(server):
    for url in (server["base"] + "id/practice/no-such-practice", server["base"] + "id/nokind/x",
                server["base"] + "nothing-here", server["root"] + "id/country/BGD", server["root"] + "other",
                server["root"] + "kg/../etc/passwd", server["base"] + "dump/../../etc/passwd",
                server["base"] + "resource?iri=http://example.org/unknown"):
        response = httpx.get(url, headers={"accept": "text/turtle"})
        assert response.status_code == 404, url


def test_dumps_dataset_and_ontology(server, bundled_catalog):
    dump = httpx.get(server["base"] + "dump/psikg.nt")
    assert dump.status_code == 200 and dump.headers["content-type"].startswith("application/n-triples")
    graph = rdflib.Graph().parse(data=dump.content, format="nt")
    dataset = URIRef(server["base"] + "dataset")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    assert int(graph.value(dataset, void.triples)) > 5000
    described = httpx.get(server["base"] + "dataset", headers={"accept": "text/turtle"})
    assert described.status_code == 200
    description = rdflib.Graph().parse(data=described.content, format="turtle")
    assert description.value(dataset, void.sparqlEndpoint) == URIRef(server["sparql"])
    assert httpx.get(server["base"] + ".well-known/void", follow_redirects=True).status_code == 200
    jsonld = httpx.get(server["base"] + "dump/psikg.jsonld")
    assert len(rdflib.Graph().parse(data=jsonld.content, format="json-ld")) == len(graph)
    ontology = httpx.get(server["base"] + "ontology", headers={"accept": "text/turtle"})
    assert (URIRef(server["base"] + "ontology"), ns.RDF.type, ns.OWL.Ontology) in rdflib.Graph().parse(
        data=ontology.content, format="turtle")
    context = httpx.get(server["base"] + "ontology/context.jsonld").json()
    assert context["@context"]["psikg"] == server["base"] + "ontology#"


def test_landing_page_search(server):
    page = httpx.get(server["base"], params={"q": "sdg tracker"})
    assert page.status_code == 200 and 'href="/kg/id/practice/bgd-sdg-tracker"' in page.text
    found = httpx.get(server["base"], params={"q": "bangladesh", "format": "json"}).json()
    assert {"kind": "country", "id": "BGD"}.items() <= next(r for r in found["results"] if r["id"] == "BGD").items()
    factors = httpx.get(server["base"], params={"q": "leadership", "format": "json"}).json()["results"]
    assert any(r["kind"] == "factor" for r in factors)


# A real browser -----------------------------------------------------------------------------------


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def test_headless_chromium_loads_the_landing_page(server):
    browser = _chromium()
    if browser is None:
        pytest.skip("no Chromium on this machine (apt-get install chromium)")
    profile = tempfile.mkdtemp(prefix="psikg-chromium-")
    try:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom",
                   server["base"] + "?q=tracker"]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=90,
                                    env={**os.environ, "HOME": profile})
        except (OSError, subprocess.TimeoutExpired) as error:
            pytest.skip(f"Chromium could not run here: {error}")
        if result.returncode != 0 and not result.stdout:
            pytest.skip(f"Chromium could not run here: {result.stderr[-500:]}")
        dom = result.stdout
        assert "<title>psikg linked data · psikg</title>" in dom
        assert 'id="results"' in dom and "/kg/id/practice/bgd-sdg-tracker" in dom
        assert 'href="/kg/sparql"' in dom
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def test_the_work_folder_is_reused_until_the_store_changes(bundled_graph):
    from psikg.lod.server import LodServer, ServerConfig

    first = LodServer(bundled_graph.store, ServerConfig())
    assert first.workdir.parent == Path(str(bundled_graph.store.path) + ".lod")
    stamp = first.workdir / "stamp.json"
    built = stamp.stat().st_mtime_ns
    first.close()
    again = LodServer(bundled_graph.store, ServerConfig())
    assert stamp.stat().st_mtime_ns == built  # reused, not rebuilt
    again.close()
    later = bundled_graph.store.path.stat().st_mtime_ns + 10**9
    os.utime(bundled_graph.store.path, ns=(later, later))  # the store changed
    changed = LodServer(bundled_graph.store, ServerConfig())
    assert stamp.stat().st_mtime_ns != built
    changed.close()
    other = LodServer(bundled_graph.store, ServerConfig(license="https://creativecommons.org/publicdomain/zero/1.0/"))
    assert other.workdir != changed.workdir  # another configuration, another folder
    assert json.loads((other.workdir / "stamp.json").read_text())["license"].endswith("zero/1.0/")
    assert len(other.rdf) > 5000
    other.close()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_issue21_relative_iris_resolve_against_the_base(server, method):
    # a relative IRI in a query failed without a base ("IRI parsing failed"); it resolves against it
    result = _sparql(server, "SELECT ?name WHERE { <id/country/BGD> <https://schema.org/name> ?name }",
                     method=method).convert()
    assert [b["name"]["value"] for b in result["results"]["bindings"]] == ["Bangladesh"]
