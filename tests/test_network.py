"""Network analytics (issue 5): exporters, importers, brokers by betweenness, communities."""

from __future__ import annotations

import networkx as nx
import pytest

from psikg.ontology.domain import Catalog, Country, Event, Organization, Practice, Transfer
from psikg.queries.network import network_analytics

TRANSFERS = [
    Transfer("t1", "p1", "BGD", "PER", "adopted"),
    Transfer("t2", "p2", "BGD", "SOM", "agreed", outcome="success"),
    Transfer("t3", "p1", "BGD", "NPL", "opportunity"),
    Transfer("t4", "p3", "SGP", "UGA", "scaled", facilitators=("undp",)),
    Transfer("t5", "p3", "SGP", "PER", "opportunity"),
    Transfer("t6", "p4", "oecd", "BTN", "adopted", exporter_kind="organization"),
    Transfer("t7", "p1", "BGD", "BGD", "scaled"),  # domestic: left out
]


def make_catalog(transfers=TRANSFERS, events=()):
    codes = ("BGD", "BTN", "NPL", "PER", "SGP", "SOM", "UGA")
    return Catalog.of(countries=[Country(c, f"Name {c}") for c in codes],
                      organizations=[Organization("undp", "UNDP"), Organization("oecd", "OECD")],
                      practices=[Practice(p, p.upper(), "BGD") for p in ("p1", "p2", "p3", "p4")],
                      transfers=transfers, events=events)


def test_exporters_and_importers():
    result = network_analytics(make_catalog())
    assert (result.n_transfers, result.n_successful) == (4, 4)  # opportunities are no partnerships
    assert [(r.party, r.kind, r.successful, r.transfers, r.practices, r.partners) for r in result.exporters] == [
        ("BGD", "country", 2, 2, 2, 2), ("SGP", "country", 1, 1, 1, 1), ("oecd", "organization", 1, 1, 1, 1)]
    assert [(r.party, r.successful, r.transfers) for r in result.importers] == [
        ("BTN", 1, 1), ("PER", 1, 1), ("SOM", 1, 1), ("UGA", 1, 1)]
    assert result.exporters[0].name == "Name BGD"


def test_brokers_by_betweenness_with_facilitators_as_nodes():
    result = network_analytics(make_catalog())
    # 9 parties: BGD, BTN, NPL, PER, SGP, SOM, UGA, oecd, undp; normalisation (n-1)(n-2)/2 = 28 pairs.
    # SOM, NPL hang off BGD; BGD-PER-SGP is a chain; SGP, UGA, undp form a triangle.
    assert (result.n_nodes, result.n_edges) == (9, 8)
    assert [(b.party, b.betweenness, b.degree) for b in result.brokers] == [
        ("BGD", pytest.approx(9 / 28), 3), ("PER", pytest.approx(9 / 28), 2), ("SGP", pytest.approx(8 / 28), 3)]


def test_communities_are_the_two_cliques():
    events = [Event("e1", "E1", participants=("BGD", "NPL", "SOM", "BTN")),
              Event("e2", "E2", participants=("PER", "SGP", "UGA"))]
    transfers = [Transfer("t1", "p1", "BGD", "PER", "adopted")]
    catalog = make_catalog(transfers, events)
    result = network_analytics(catalog)
    assert [c.members for c in result.communities] == [("BGD", "BTN", "NPL", "SOM"), ("PER", "SGP", "UGA")]
    graph = nx.Graph()
    graph.add_weighted_edges_from([(a, b, 1) for a, b in (
        ("BGD", "NPL"), ("BGD", "SOM"), ("BGD", "BTN"), ("NPL", "SOM"), ("NPL", "BTN"), ("SOM", "BTN"),
        ("PER", "SGP"), ("PER", "UGA"), ("SGP", "UGA"), ("BGD", "PER"))])
    expected = nx.community.modularity(graph, [set(c.members) for c in result.communities])
    assert result.modularity == pytest.approx(expected)
    assert [(b.party, b.betweenness) for b in result.brokers] == [
        ("BGD", pytest.approx(9 / 15)), ("PER", pytest.approx(8 / 15))]


def test_same_data_same_answer_whatever_the_order():
    forward = network_analytics(make_catalog(TRANSFERS))
    backward = network_analytics(make_catalog(list(reversed(TRANSFERS))))
    assert forward == backward
    members = [m for c in forward.communities for m in c.members]
    assert sorted(members) == sorted(["BGD", "BTN", "NPL", "PER", "SGP", "SOM", "UGA", "oecd", "undp"])
    assert ("BTN", "oecd") in [c.members for c in forward.communities]


def test_small_samples_are_flagged_and_empty_graph():
    result = network_analytics(make_catalog())
    assert result.small_sample
    assert result.notes[0].startswith("only 4 successful transfers")
    assert result.notes[1].startswith("only 9 parties in the cooperation graph")
    empty = network_analytics(Catalog.of())
    assert (empty.n_nodes, empty.brokers, empty.communities, empty.modularity) == (0, (), (), None)
    assert set(empty.as_dict()) >= {"exporters", "importers", "brokers", "communities", "modularity", "notes"}


def test_network_and_factors_count_the_same_successes(bundled_catalog):
    """Issue 14: one verdict, so `psikg network` and `psikg factors` count the same successes."""
    from psikg.queries.factors import factor_analysis

    assert network_analytics(bundled_catalog).n_successful == factor_analysis(bundled_catalog).successes
