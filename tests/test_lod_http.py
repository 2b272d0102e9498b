"""The HTTP rules of the linked-data server (psikg.lod.http), as plain functions: content
negotiation with q-values, SPARQL protocol parameters, conditional requests and caching headers,
the SPARQL 1.1 Service Description, the sitemap and versioned IRIs (issue 21)."""

from __future__ import annotations

import email.utils
import os
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib

from psikg.lod.http import (SITEMAP_LIMIT, RequestError, caching_headers, negotiate, not_modified,
                            service_description, sitemap, sparql_query_parameter, validators,
                            versioned_resource)

BASE = "https://w3id.org/psikg/"
DOCS = ["text/turtle", "text/html", "application/n-triples", "application/ld+json", "application/rdf+xml"]


# Content negotiation -------------------------------------------------------------------------------

@pytest.mark.parametrize("accept,expected", [
    (None, "text/turtle"),
    ("", "text/turtle"),
    ("*/*", "text/turtle"),
    ("text/html", "text/html"),
    ("application/ld+json;q=0.9, text/turtle;q=0.5", "application/ld+json"),
    ("text/*;q=0.3, text/html;q=0.7, */*;q=0.1", "text/html"),
    ("application/*", "application/n-triples"),
    ("TEXT/TURTLE", "text/turtle"),
    ("text/html;level=1;q=0.4, application/rdf+xml;q=0.5", "application/rdf+xml"),
])
def test_accept_with_q_values(accept, expected):
    assert negotiate(accept, DOCS) == expected


def test_issue21_q_zero_refuses_a_type_even_under_a_wildcard():
    # the issue's case: Turtle refused by name, anything else welcome
    assert negotiate("text/turtle;q=0, */*;q=0.1", DOCS) == "text/html"
    assert negotiate("text/turtle;q=0, text/*;q=0.5", DOCS) == "text/html"


@pytest.mark.parametrize("accept", ["image/png", "text/turtle;q=0", "*/*;q=0", "application/json",
                                    "text/turtle;q=0, text/html;q=0, application/*;q=0"])
def test_issue21_nothing_acceptable_is_none_for_406(accept):
    assert negotiate(accept, DOCS) is None


def test_bad_q_values_do_not_crash():
    assert negotiate("text/html;q=abc, text/turtle;q=0.2", DOCS) == "text/turtle"
    assert negotiate("text/html;q=7", DOCS) == "text/html"  # clamped to 1
    assert negotiate("garbage, ,;;", DOCS) is None


# SPARQL protocol parameters ----------------------------------------------------------------------

def test_one_query_is_taken_from_the_url_the_form_or_the_body():
    assert sparql_query_parameter([("query", "ASK {}")]) == "ASK {}"
    assert sparql_query_parameter([], [("query", "ASK {}")]) == "ASK {}"
    assert sparql_query_parameter([("default-graph-uri", "http://x")], body_query="ASK {}") == "ASK {}"
    assert sparql_query_parameter([("format", "json")]) is None  # no query: the service description


def test_issue21_two_query_parameters_are_400():
    # W3C SPARQL 1.1 protocol test "bad_multiple_queries"
    with pytest.raises(RequestError) as error:
        sparql_query_parameter([("query", "ASK {}"), ("query", "SELECT * {}")])
    assert error.value.status == 400 and "exactly one query" in str(error.value)
    with pytest.raises(RequestError):
        sparql_query_parameter([("query", "ASK {}")], [("query", "ASK {}")])
    with pytest.raises(RequestError):
        sparql_query_parameter([("query", "ASK {}")], body_query="ASK {}")


def test_update_parameter_is_400():
    # W3C protocol tests "bad_query_and_update" / "bad_update_get"
    with pytest.raises(RequestError) as error:
        sparql_query_parameter([("update", "CLEAR ALL")])
    assert error.value.status == 400 and "read-only" in str(error.value)
    with pytest.raises(RequestError):
        sparql_query_parameter([("query", "ASK {}"), ("update", "CLEAR ALL")])


# Caching ------------------------------------------------------------------------------------------

def test_issue21_if_none_match_with_the_etag_is_304(tmp_path):
    dump = tmp_path / "psikg.nt"
    dump.write_bytes(b"<http://a> <http://b> <http://c> .\n")
    current = validators(dump)
    headers = caching_headers(current)
    assert headers["ETag"].startswith('"') and headers["ETag"].endswith('"')
    assert "max-age=" in headers["Cache-Control"]
    assert email.utils.parsedate_to_datetime(headers["Last-Modified"]).timestamp() == int(dump.stat().st_mtime)
    assert not_modified({"If-None-Match": headers["ETag"]}, current)
    assert not_modified({"if-none-match": f'"other", W/{headers["ETag"]}'}, current)  # weak comparison
    assert not_modified({"If-None-Match": "*"}, current)
    assert not not_modified({"If-None-Match": '"other"'}, current)
    assert not not_modified({}, current)


def test_a_rewritten_file_gets_a_new_etag(tmp_path):
    dump = tmp_path / "psikg.nt"
    dump.write_bytes(b"one\n")
    before = validators(dump)
    dump.write_bytes(b"one and two\n")
    later = int(before.last_modified) + 2
    os.utime(dump, (later, later))
    after = validators(dump)
    assert after.etag != before.etag
    assert not not_modified({"If-None-Match": before.etag}, after)


def test_if_modified_since(tmp_path):
    current = validators(body=b"document", last_modified=1_700_000_000.5)
    later = email.utils.formatdate(1_700_000_100, usegmt=True)
    earlier = email.utils.formatdate(1_699_999_000, usegmt=True)
    assert not_modified({"If-Modified-Since": later}, current)
    assert not_modified({"If-Modified-Since": email.utils.formatdate(1_700_000_000, usegmt=True)}, current)
    assert not not_modified({"If-Modified-Since": earlier}, current)
    assert not not_modified({"If-Modified-Since": "not a date"}, current)
    # If-None-Match decides when both are present
    assert not not_modified({"If-None-Match": '"other"', "If-Modified-Since": later}, current)


def test_body_etag_follows_the_bytes():
    assert validators(body=b"a").etag == validators(body=b"a").etag != validators(body=b"b").etag


# Service description ------------------------------------------------------------------------------

def test_service_description_is_sparql_service_description():
    triples = service_description(BASE, triples=12345)
    graph = rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.TURTLE), format="turtle")
    SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    services = list(graph.subjects(rdflib.RDF.type, SD.Service))
    assert len(services) == 1
    service = services[0]
    assert graph.value(service, SD.endpoint) == rdflib.URIRef(BASE + "sparql")
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph  # read-only
    assert (service, SD.feature, SD.BasicFederatedQuery) not in graph  # SERVICE is refused
    formats = {str(f) for f in graph.objects(service, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats
    dataset = graph.value(service, SD.defaultDataset)
    names = {str(graph.value(g, SD.name)) for g in graph.objects(dataset, SD.namedGraph)}
    assert names == {BASE + "graph/ontology", BASE + "graph/dataset"}
    default = graph.value(dataset, SD.defaultGraph)
    assert int(graph.value(default, rdflib.URIRef("http://rdfs.org/ns/void#triples"))) == 12345


# Sitemap ------------------------------------------------------------------------------------------

def test_sitemap_is_sitemaps_org_xml():
    body = sitemap([BASE + "doc/country/BGD", BASE + "doc/practice/a&b"], lastmod="2026-01-01")
    root = ET.fromstring(body)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [e.text for e in root.findall("s:url/s:loc", ns)]
    assert locations == [BASE + "doc/country/BGD", BASE + "doc/practice/a&b"]  # escaped in XML, read back
    assert [e.text for e in root.findall("s:url/s:lastmod", ns)] == ["2026-01-01"] * 2


def test_sitemap_refuses_more_than_the_protocol_allows():
    with pytest.raises(ValueError, match="at most"):
        sitemap(f"{BASE}doc/x/{n}" for n in range(SITEMAP_LIMIT + 1))


def test_sitemap_of_the_bundled_store(bundled_graph):
    from psikg.lod.http import document_urls

    urls = document_urls(bundled_graph.store, BASE)
    assert urls[:3] == [BASE, BASE + "dataset", BASE + "ontology"]
    assert BASE + "doc/country/BGD" in urls and BASE + "doc/practice/bgd-sdg-tracker" in urls
    assert not any("metadata.un.org" in url for url in urls)
    assert len(urls) == len(set(urls)) < SITEMAP_LIMIT
    root = ET.fromstring(sitemap(urls, lastmod="2026-01-01"))
    assert len(root) == len(urls)


# Versioned IRIs -----------------------------------------------------------------------------------

def test_issue21_versioned_iris_resolve():
    names = ["psikg.nt", "psikg.ttl"]
    kwargs = dict(ontology_version="0.1.0", dump_version="2026-01-01", dump_names=names)
    assert versioned_resource("ontology/0.1.0", **kwargs) == ("ontology", None)
    assert versioned_resource("/dump/2026-01-01/psikg.nt", **kwargs) == ("dump", "psikg.nt")
    assert versioned_resource("dump/2025-01-01/psikg.nt", **kwargs) is None  # not kept
    assert versioned_resource("dump/2026-01-01/other.nt", **kwargs) is None
    assert versioned_resource("ontology/9.9.9", **kwargs) is None
