"""``psikg serve`` against the HTTP rules it promises (issues 21 and 17), with real clients on a real
server: the applicable W3C SPARQL 1.1 protocol cases, the service description, content
negotiation with q-values and 406, caching validators and 304, the dataset as the dumps describe
it, versioned IRIs, the sitemap, the body limit (memory measured), heavy queries beside light ones,
and the CORS and Host policy.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urldefrag

import httpx
import pytest
import rdflib
from rdflib import URIRef
from rdflib import namespace as ns

from .test_lod_server import _free_port

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
TIMEOUT = 4.0
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@contextlib.contextmanager
def _serving(store_path: Path, log: Path, *extra: str):
    """``psikg serve`` in a subprocess with the base mounted at ``/kg/`` on a free port."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}/kg/"
    command = [sys.executable, "-c", "from psikg.cli import main; main()", "--store", str(store_path), "serve",
               "--port", str(port), "--base", base, "--mount", "/kg/", "--timeout", str(TIMEOUT), *extra]
    with open(log, "w") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"psikg serve exited with {process.returncode}: {log.read_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(base, timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"psikg serve did not start: {log.read_text()}")
            time.sleep(0.2)
        yield {"base": base, "sparql": base + "sparql", "pid": process.pid}
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def server(bundled_store_path, tmp_path_factory):
    with _serving(bundled_store_path, tmp_path_factory.mktemp("serve") / "serve.log", "--workers", "2") as running:
        yield running


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


# W3C SPARQL 1.1 protocol cases (https://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/) --

FORM = {"content-type": "application/x-www-form-urlencoded"}
DIRECT = {"content-type": "application/sparql-query"}
ASK = "ASK { ?s ?p ?o }"


def test_query_get_post_form_and_post_direct(server):
    for response in (httpx.get(server["sparql"], params={"query": ASK}),
                     httpx.post(server["sparql"], data={"query": ASK}),
                     httpx.post(server["sparql"], content=ASK.encode(), headers=DIRECT)):
        assert response.status_code == 200 and response.json()["boolean"] is True


@pytest.mark.parametrize("accept, media", [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("text/csv", "text/csv"), ("text/tab-separated-values", "text/tab-separated-values")])
def test_query_content_type_select(server, accept, media):
    response = httpx.get(server["sparql"], params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"},
                         headers={"accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)


@pytest.mark.parametrize("query", ["CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
                                   "DESCRIBE ?s WHERE { ?s ?p ?o } LIMIT 1"])
def test_query_content_type_construct_and_describe(server, query):
    response = httpx.get(server["sparql"], params={"query": query}, headers={"accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    assert len(rdflib.Graph().parse(data=response.text, format="turtle")) > 0


def test_query_dataset_named_in_the_request(server):
    graph = server["base"] + "graph/ontology"
    query = "ASK { ?c a <http://www.w3.org/2002/07/owl#Class> }"
    assert httpx.get(server["sparql"], params={"query": query}).json()["boolean"] is False
    assert httpx.get(server["sparql"], params={"query": query, "default-graph-uri": graph}).json()["boolean"]
    assert httpx.post(server["sparql"], data={"query": query, "default-graph-uri": graph}).json()["boolean"]


@pytest.mark.parametrize("send", [
    lambda url: httpx.get(url, params=[("query", ASK), ("query", ASK)]),
    lambda url: httpx.post(url + "?query=" + ASK, data={"query": ASK}),
    lambda url: httpx.post(url, content=f"query={ASK}&query={ASK}".encode(), headers=FORM),
    lambda url: httpx.get(url, params={"update": "CLEAR ALL"}),
    lambda url: httpx.post(url, data={"update": "CLEAR ALL"}),
    lambda url: httpx.post(url, content=b"CLEAR ALL", headers={"content-type": "application/sparql-update"}),
    lambda url: httpx.get(url, params={"query": "SELEC * WHERE { ?s ?p ?o }"}),
    lambda url: httpx.post(url, content=b"", headers=FORM),
], ids=["multiple-queries-get", "query-in-url-and-form", "multiple-queries-form", "update-get", "update-form",
        "update-direct", "syntax", "post-without-query"])
def test_bad_requests_are_400(server, send):
    assert send(server["sparql"]).status_code == 400


def test_bad_media_type_and_method(server):
    assert httpx.post(server["sparql"], content=ASK.encode(), headers={"content-type": "text/plain"}).status_code == 415
    assert httpx.post(server["sparql"], content=ASK.encode()).status_code == 415
    assert httpx.put(server["sparql"], content=ASK.encode(), headers=DIRECT).status_code == 405


# Service description, negotiation -------------------------------------------------------------------


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("*/*", "turtle"),
                                         ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")])
def test_service_description_without_a_query(server, accept, fmt):
    response = httpx.get(server["sparql"], headers={"accept": accept})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    service = graph.value(None, SD.endpoint, URIRef(server["sparql"]))
    assert service is not None and (service, ns.RDF.type, SD.Service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph


def test_browsers_get_the_query_form(server):
    response = httpx.get(server["sparql"], headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and "<form" in response.text


def test_q_zero_is_honoured_and_nothing_acceptable_is_406(server):
    thing = server["base"] + "id/country/BGD"
    refused = httpx.get(thing, headers={"accept": "text/turtle;q=0, */*;q=0.1"})
    assert refused.status_code == 303 and not refused.headers["location"].endswith(".ttl")
    for url in (thing, server["base"] + "doc/country/BGD", server["base"] + "dataset", server["base"] + "ontology",
                server["sparql"], server["sparql"] + "?query=" + ASK):
        response = httpx.get(url, headers={"accept": "image/png"})
        assert response.status_code == 406, url
        assert "text/turtle" in response.text, url


# Caching ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["dump/psikg.nt", "doc/country/BGD.ttl", "dataset", "ontology", "sitemap.xml"])
def test_validators_and_304(server, path):
    url = server["base"] + path
    first = httpx.get(url, headers={"accept": "text/turtle"})
    assert first.status_code == 200
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert "max-age" in first.headers["cache-control"]
    assert httpx.get(url, headers={"accept": "text/turtle", "if-none-match": etag}).status_code == 304
    assert httpx.get(url, headers={"accept": "text/turtle", "if-modified-since": modified}).status_code == 304
    assert httpx.get(url, headers={"accept": "text/turtle", "if-none-match": '"other"'}).status_code == 200


# The dataset, versions, sitemap ----------------------------------------------------------------------


def _local(server, iri: str) -> str:
    """An IRI of the base is a URL of the test server (the base is mounted there)."""
    assert iri.startswith(server["base"]), iri
    return urldefrag(iri).url


def test_dataset_is_the_dumps_description(server):
    quads = rdflib.Dataset()
    quads.parse(data=httpx.get(server["base"] + "dump/psikg.nq").content, format="nquads")
    in_dump = quads.graph(URIRef(server["base"] + "graph/dataset"))
    served = rdflib.Graph().parse(data=httpx.get(server["base"] + "dataset.nt").content, format="nt")
    assert len(in_dump) > 50
    assert set(served) == set(in_dump)


def test_publisher_root_resources_and_versions_resolve(server):
    description = rdflib.Graph().parse(data=httpx.get(server["base"] + "dataset.ttl").content, format="turtle")
    dataset = URIRef(server["base"] + "dataset")
    publisher = description.value(dataset, ns.DCTERMS.publisher)
    page = rdflib.Graph().parse(data=httpx.get(_local(server, str(publisher)), headers={"accept": "text/turtle"}).content,
                                format="turtle")
    assert any(page.triples((publisher, None, None)))
    roots = list(description.objects(dataset, VOID.rootResource))
    assert roots
    for root in roots:
        assert httpx.get(_local(server, str(root)), headers={"accept": "text/turtle"},
                         follow_redirects=True).status_code == 200
    downloads = set(description.objects(None, DCAT.downloadURL))
    assert len(downloads) >= 4
    for url in downloads:
        assert httpx.head(_local(server, str(url))).status_code == 200, url
    assert httpx.head(server["base"] + "dump/1999-01-01/psikg.nt").status_code == 404
    ontology = rdflib.Graph().parse(data=httpx.get(server["base"] + "ontology",
                                                   headers={"accept": "text/turtle"}).content, format="turtle")
    version = ontology.value(URIRef(server["base"] + "ontology"), ns.OWL.versionIRI)
    versioned = httpx.get(_local(server, str(version)), headers={"accept": "text/turtle"})
    assert versioned.status_code == 200
    assert (URIRef(server["base"] + "ontology"), ns.OWL.versionIRI, version) in rdflib.Graph().parse(
        data=versioned.content, format="turtle")
    assert httpx.get(server["base"] + "ontology/0.0.0-old").status_code == 404


def test_sitemap_lists_documents_that_resolve(server):
    response = httpx.get(server["base"] + "sitemap.xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    urls = [loc.text for loc in ET.fromstring(response.content).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(urls) > 100 and server["base"] + "dataset" in urls
    for url in urls[:3] + urls[-3:]:
        assert httpx.get(url).status_code == 200, url


# Limits and fairness ---------------------------------------------------------------------------------


def test_a_huge_post_is_refused_early_without_growing_memory(server):
    """400 MB streamed (chunked, no Content-Length) and 400 MB announced: 413, memory flat."""
    before = _rss_kb(server["pid"])

    def chunks(total=400 * 2**20, size=2**20):
        for _ in range(total // size):
            yield b"q" * size

    for send in (lambda: httpx.post(server["sparql"], content=chunks(), headers=DIRECT, timeout=60),
                 lambda: httpx.post(server["sparql"], content=chunks(),
                                    headers={**DIRECT, "content-length": str(400 * 2**20)}, timeout=60)):
        try:
            assert send().status_code == 413
        except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
            pass  # the server closed the connection after answering 413 while the client was still sending
    grown = _rss_kb(server["pid"]) - before
    assert grown < 30_000, f"the server grew by {grown} KB"
    assert httpx.get(server["sparql"], params={"query": ASK}).status_code == 200


def test_light_queries_keep_answering_while_heavy_ones_run(server):
    """Four clients send heavy queries in a loop; a fifth sends light ones meanwhile."""
    stop = threading.Event()
    heavy_status: list[int] = []

    def heavy():
        with httpx.Client(timeout=60) as client:
            while not stop.is_set():
                heavy_status.append(client.get(server["sparql"], params={"query": HEAVY}).status_code)

    threads = [threading.Thread(target=heavy) for _ in range(4)]
    for thread in threads:
        thread.start()
    light_status, light_times = [], []
    try:
        time.sleep(1.0)
        with httpx.Client(timeout=60) as client:
            for _ in range(20):
                started = time.monotonic()
                response = client.get(server["sparql"], params={"query": ASK})
                light_status.append(response.status_code if response.status_code == 200 else response.text)
                light_times.append(time.monotonic() - started)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
    assert heavy_status and all(status == 503 for status in heavy_status)
    assert light_status.count(200) == len(light_status), light_status
    assert max(light_times) < TIMEOUT, light_times


def test_cors_and_host_policy_are_configurable(bundled_store_path, tmp_path):
    with _serving(bundled_store_path, tmp_path / "serve.log", "--workers", "2", "--cors-origin", "https://a.example",
                  "--allowed-host", "127.0.0.1") as running:
        url = running["sparql"]
        allowed = httpx.get(url, params={"query": ASK}, headers={"origin": "https://a.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://a.example"
        other = httpx.get(url, params={"query": ASK}, headers={"origin": "https://b.example"})
        assert "access-control-allow-origin" not in other.headers
        assert httpx.get(url, params={"query": ASK}, headers={"host": "evil.example"}).status_code == 400
