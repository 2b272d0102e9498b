"""Issue 22: the served network page of a large network is a summary (countries and the largest
transfer flows), small networks keep the full transfer map, and /network takes a view and filters.

The "large" network is a generated one with the threshold lowered through the parameter, so the
test stays fast; the figures at scale L are in the issue's report."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

import psikg
from psikg.api import generate
from psikg.views import viz


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory):
    """A generated network (30 countries, 300 practices) in an embedded store."""
    folder = tmp_path_factory.mktemp("generated")
    generate(folder / "csv", countries=30, practices=300, factors=40, seed=5)
    graph = psikg.open(folder / "store.psikg")
    graph.load([folder / "csv"], bundled=False)
    return graph.store


def test_a_large_network_gets_the_summary(generated_store):
    transfers = len(generated_store.catalog().transfers)
    assert transfers > 20
    page = viz.network_page(generated_store, summary_above=20)
    assert 'data-view="summary"' in page
    assert 'data-view="transfers"' in viz.network_page(generated_store, summary_above=transfers)  # at the threshold


def test_a_small_network_keeps_the_transfer_map(bundled_graph):
    assert len(bundled_graph.catalog.transfers) < viz.SUMMARY_THRESHOLD
    assert 'data-view="transfers"' in viz.network_page(bundled_graph.store)


def test_the_summary_draws_the_largest_flows_with_every_transfer_counted(generated_store):
    catalog = generated_store.catalog()
    pairs = Counter((t.exporter, t.importer) for t in catalog.transfers.values()
                    if t.exporter and t.importer and t.exporter != t.importer)
    graph = viz.summary_view(catalog, flows=10)
    assert len(graph.edges) == 10 < len(pairs)
    drawn = sorted((int(e.title.split(": ", 1)[1].split(" ", 1)[0]) for e in graph.edges), reverse=True)
    assert drawn == sorted(pairs.values(), reverse=True)[:10]  # the largest flows, each counted whole
    assert all(e.relation == "transfer flow" and e.status is None for e in graph.edges)
    assert {n.kind for n in graph.nodes} <= {"country", "organization"}
    assert any("10 largest are drawn" in note for note in graph.notes)
    whole = viz.summary_view(catalog, flows=10_000)
    assert len(whole.edges) == len(pairs)


def test_a_filter_chooses_the_largest_flows_of_what_it_keeps(generated_store):
    catalog = generated_store.catalog()
    region = next(c.region for c in catalog.countries.values() if c.region and c.id in
                  {t.importer for t in catalog.transfers.values()})
    graph = viz.summary_view(catalog, region=region, flows=5)
    assert graph.filters == {"region": region}
    keys = {n.key for n in graph.nodes}
    assert all(e.source in keys and e.target in keys for e in graph.edges)
    assert all(region in (n.regions or ()) for n in graph.nodes if n.kind == "country")


def _served(store, path: str):
    pytest.importorskip("starlette")
    httpx = pytest.importorskip("httpx")
    from psikg.lod.server import ServerConfig, create_app

    config = ServerConfig(base="http://example.org/kg/")
    config.network_view = lambda store, **options: viz.network_page(store, base=config.base, mount=config.mount,
                                                                    summary_above=20, **options)
    app = create_app(store, config)

    async def get():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return await client.get(path)

    return asyncio.run(get())


def test_served_network_takes_a_view_and_filters(generated_store):
    assert 'data-view="summary"' in _served(generated_store, "/network").text
    assert 'data-view="transfers"' in _served(generated_store, "/network?view=transfers").text
    region = next(c.region for c in generated_store.catalog().countries.values() if c.region)
    filtered = _served(generated_store, f"/network?region={region}")
    assert filtered.status_code == 200 and f"region {region}" in filtered.text


@pytest.mark.parametrize("query, status", [("view=nonsense", 400), ("region=Atlantis", 404)])
def test_served_network_refuses_what_it_cannot_draw(generated_store, query, status):
    response = _served(generated_store, f"/network?{query}")
    assert response.status_code == status
    assert "Traceback" not in response.text
