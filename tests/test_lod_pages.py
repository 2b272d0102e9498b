"""The server's HTML pages come from templates that escape what they show: text from a request or
from the data never becomes markup. Run in-process (Starlette's test client, query workers and all)."""

from __future__ import annotations

import pytest

import psikg
from psikg.lod.server import ServerConfig, create_app

pytest.importorskip("starlette")
pytest.importorskip("httpx")
from starlette.testclient import TestClient  # noqa: E402

HOSTILE = '<script>alert("x")</script>'


@pytest.fixture(scope="module")
def client(bundled_store_path, tmp_path_factory):
    config = ServerConfig(base="http://example.org/kg/", mount="/kg/", workers=1, timeout=20,
                          workdir=str(tmp_path_factory.mktemp("lod-pages")))
    app = create_app(psikg.open(bundled_store_path).store, config)
    with TestClient(app) as test_client:
        yield test_client


def test_search_text_is_escaped_on_the_landing_page(client):
    page = client.get("/kg/", params={"q": HOSTILE})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert HOSTILE not in page.text
    assert "&lt;script&gt;alert(" in page.text
    assert '<p id="results">Nothing found.</p>' in page.text


def test_query_text_and_literal_results_are_escaped_in_the_sparql_page(client):
    query = f"SELECT ?text WHERE {{ BIND('{HOSTILE}' AS ?text) }}"
    page = client.get("/kg/sparql", params={"query": query, "format": "html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert HOSTILE not in page.text
    assert page.text.count("&lt;script&gt;alert(") == 2  # once in the form, once in the table
    assert "<p>1 result(s)</p>" in page.text


def test_every_page_shares_the_frame(client):
    for path in ("/kg/", "/kg/sparql", "/kg/ontology", "/kg/doc/country/BGD.html", "/kg/dataset.html"):
        page = client.get(path, headers={"accept": "text/html"})
        assert page.status_code == 200, path
        assert page.text.count("<title>") == 1, path
        assert '<nav><a href="/kg/">psikg</a>' in page.text, path
        assert '<form action="/kg/" method="get" role="search">' in page.text, path


def test_ontology_page_lists_classes_with_anchors(client):
    page = client.get("/kg/ontology", headers={"accept": "text/html"})
    assert '<tr id="Practice"><th><code>psikg:Practice</code></th>' in page.text
    assert "<h2>Object properties</h2>" in page.text
