"""The SPARQL baselines of the match benchmark compute what psikg computes (issue 22): the same top
10 (countries, tiers, and every number to 1e-9) on a small generated network and on the bundled
one, so the benchmark compares like with like."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

import psikg
from psikg.graph.embedded import EmbeddedStore
from psikg.loaders.generate import generate
from psikg.queries.match import Weights, match

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import match_baselines  # noqa: E402

pytest.importorskip("pyoxigraph")
TOL = 1e-9


@pytest.fixture(scope="module")
def small_network(tmp_path_factory):
    folder = tmp_path_factory.mktemp("baselines")
    generate(folder / "csv", 15, 40, 20, seed=3)
    graph = psikg.open(folder / "store.psikg")
    graph.load([folder / "csv"], bundled=False)
    graph.export(folder / "graph.nt", "nt")
    return EmbeddedStore(folder / "store.psikg"), folder / "graph.nt"


def assert_same_top(catalog, engine, practice, year, weights=Weights(), min_coverage=0.5, top=10):
    expected = match(catalog, practice, top=top, as_of=year, weights=weights, min_coverage=min_coverage).candidates
    found = match_baselines.run_query(engine, practice, year, top=top, min_coverage=min_coverage,
                                      weights=(weights.factor, weights.sdg, weights.evidence))
    assert [(r.country, r.tier) for r in found] == [(c.country, c.tier) for c in expected], practice
    for row, candidate in zip(found, expected):
        for name in ("score", "factor_fit", "coverage", "sdg_fit", "evidence"):
            assert abs(getattr(row, name) - getattr(candidate, name)) <= TOL, (practice, row.country, name)


def test_oxigraph_baseline_gives_psikg_top_10(small_network):
    store, _ = small_network
    catalog, oxigraph = store.catalog(), match_baselines.oxigraph_store_of(store)
    for practice in sorted(catalog.practices):
        for year in (2014, 2018, 2026):
            assert_same_top(catalog, oxigraph, practice, year)
    for practice in sorted(catalog.practices)[:10]:
        assert_same_top(catalog, oxigraph, practice, 2020, Weights(0.5, 0.2, 0.3), min_coverage=0.25, top=15)


def test_oxigraph_baseline_on_the_bundled_network(bundled_store_path):
    """The bundled statements carry full dates and years; needs carry goals; transfers verdicts."""
    store = EmbeddedStore(bundled_store_path)
    catalog, oxigraph = store.catalog(), match_baselines.oxigraph_store_of(store)
    for practice in random.Random(22).sample(sorted(catalog.practices), 12):
        assert_same_top(catalog, oxigraph, practice, 2026)
        assert_same_top(catalog, oxigraph, practice, 2015)


def test_rdflib_baseline_gives_psikg_top_10(small_network):
    """rdflib's engine is slow on this query (seconds per practice even here): two practices."""
    store, nt_path = small_network
    catalog, graph = store.catalog(), match_baselines.rdflib_graph_of(nt_path)
    for practice in sorted(catalog.practices)[:2]:
        assert_same_top(catalog, graph, practice, 2018)
