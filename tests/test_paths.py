"""Transfer paths (issue 5): exact paths, tie-breaks, the cooperation fallback, every hop explained."""

from __future__ import annotations

import networkx as nx
import pytest

from psikg.errors import UnknownIdError
from psikg.ontology.domain import Catalog, Country, Event, Network, Organization, Practice, Transfer
from psikg.queries.paths import k_shortest_simple_paths, paths

CODES = ("AFG", "BGD", "BIH", "BTN", "ECU", "FJI", "KAZ", "NPL", "PER", "SGP", "SOM", "UGA")


def countries(*codes):
    return [Country(code, f"Country {code}") for code in codes or CODES]


def practice(pid, country):
    return Practice(pid, f"Practice {pid}", country)


def catalog(transfers, networks=(), events=(), organizations=()):
    practices = {t.practice: practice(t.practice, t.exporter) for t in transfers}
    return Catalog.of(countries=countries(), practices=practices.values(), transfers=transfers,
                      networks=networks, events=events, organizations=organizations)


def sequences(result):
    return [list(p.countries) for p in result.paths]


def test_direct_transfer_with_every_relation_on_the_hop():
    data = catalog(
        [Transfer("t1", "sdg-tracker", "BGD", "PER", "agreed", start_year=2018),
         Transfer("t2", "other", "PER", "BGD", "opportunity")],
        networks=[Network("ssn", "South-South Network", ("BGD", "PER", "SOM"))],
        events=[Event("dhaka", "Dhaka workshop", participants=("BGD", "PER"))])
    result = paths(data, "BGD", "PER")
    assert not result.fallback and result.notes == ("only 1 transfer path(s) from BGD to PER",)
    assert result.as_dict()["paths"] == [{
        "kind": "transfer", "countries": ["BGD", "PER"], "practices_change": False,
        "hops": [{"from": "BGD", "to": "PER", "practices": ["sdg-tracker"], "practice_change": False, "via": [
            {"relation": "transfer", "id": "t1", "label": "Practice sdg-tracker", "practice": "sdg-tracker",
             "exporter": "BGD", "importer": "PER", "status": "agreed", "outcome": "unknown", "year": 2018},
            {"relation": "transfer", "id": "t2", "label": "Practice other", "practice": "other",
             "exporter": "PER", "importer": "BGD", "status": "opportunity", "outcome": "unknown", "year": None},
            {"relation": "network", "id": "ssn", "label": "South-South Network"},
            {"relation": "event", "id": "dhaka", "label": "Dhaka workshop"},
        ]}]}]


def test_ties_are_broken_by_country_sequence():
    # Two 2-hop paths BGD->SOM->PER and BGD->AFG->PER, one 3-hop path, one 4-hop path.
    data = catalog([
        Transfer("a", "p1", "BGD", "SOM", "adopted"),
        Transfer("b", "p2", "SOM", "PER", "scaled"),
        Transfer("c", "p3", "BGD", "AFG", "implementing"),
        Transfer("d", "p4", "AFG", "PER", "agreed"),
        Transfer("e", "p5", "BGD", "UGA", "agreed"),
        Transfer("f", "p6", "UGA", "NPL", "agreed"),
        Transfer("g", "p7", "NPL", "PER", "agreed"),
    ])
    assert sequences(paths(data, "BGD", "PER", k=1)) == [["BGD", "AFG", "PER"]]
    assert sequences(paths(data, "BGD", "PER", k=2)) == [["BGD", "AFG", "PER"], ["BGD", "SOM", "PER"]]
    assert sequences(paths(data, "BGD", "PER", k=3)) == [
        ["BGD", "AFG", "PER"], ["BGD", "SOM", "PER"], ["BGD", "UGA", "NPL", "PER"]]
    assert len(paths(data, "BGD", "PER", k=5).paths) == 3


def test_tie_break_does_not_depend_on_insertion_order():
    edges = [("A", "Z"), ("Z", "D"), ("A", "M"), ("M", "D"), ("A", "B"), ("B", "D")]
    for order in (edges, list(reversed(edges))):
        graph = nx.DiGraph(order)
        assert k_shortest_simple_paths(graph, "A", "D", 2) == [("A", "B", "D"), ("A", "M", "D")]


@pytest.mark.parametrize("status, outcome, counts", [
    ("opportunity", "unknown", False),
    ("agreed", "unknown", True),
    ("implementing", "unknown", True),
    ("adopted", "unknown", True),
    ("scaled", "unknown", True),
    ("stalled", "partial", True),
    ("abandoned", "success", True),
    ("stalled", "unknown", False),
    ("abandoned", "failure", False),
])
def test_which_transfers_make_the_transfer_network(status, outcome, counts):
    data = catalog([Transfer("t", "p", "BGD", "PER", status, outcome=outcome)])
    result = paths(data, "BGD", "PER")
    assert result.paths[0].kind == ("transfer" if counts else "cooperation")
    assert result.fallback is (not counts)


def test_transfer_network_is_directed_and_falls_back_to_cooperation():
    data = catalog(
        [Transfer("t1", "p", "PER", "BGD", "adopted"),  # the wrong way round for BGD -> PER
         Transfer("t2", "q", "SOM", "UGA", "opportunity")],
        networks=[Network("hub", "Civil Service Hub", ("KAZ", "SOM"))],
        events=[Event("astana", "Astana workshop", participants=("BGD", "KAZ", "NPL"))])
    result = paths(data, "BGD", "PER")
    assert result.fallback and result.paths[0].kind == "cooperation"
    assert "no transfer path from BGD to PER" in result.notes[0]
    assert result.paths[0].hops[0].via[0].id == "t1"

    result = paths(data, "BGD", "UGA", k=3)
    assert sequences(result) == [["BGD", "KAZ", "SOM", "UGA"], ["BGD", "NPL", "KAZ", "SOM", "UGA"]]
    hops = result.as_dict()["paths"][0]["hops"]
    assert [(h["from"], h["to"], [v["id"] for v in h["via"]]) for h in hops] == [
        ("BGD", "KAZ", ["astana"]), ("KAZ", "SOM", ["hub"]), ("SOM", "UGA", ["t2"])]


def test_cooperation_fallback_ties_and_k():
    data = catalog([], events=[Event("e1", "E1", participants=("BGD", "NPL", "SOM")),
                               Event("e2", "E2", participants=("NPL", "PER", "SOM", "AFG"))])
    result = paths(data, "BGD", "PER", k=3)
    assert result.fallback
    assert sequences(result) == [["BGD", "NPL", "PER"], ["BGD", "SOM", "PER"], ["BGD", "NPL", "AFG", "PER"]]


def test_organization_exporters_are_nodes():
    data = catalog([Transfer("t1", "digital-skills", "oecd", "BTN", "implementing", exporter_kind="organization"),
                    Transfer("t2", "civil-service", "BTN", "FJI", "agreed")],
                   organizations=[Organization("oecd", "OECD", kind="international")])
    result = paths(data, "oecd", "FJI")
    assert sequences(result) == [["oecd", "BTN", "FJI"]] and not result.fallback


def test_no_path_at_all():
    data = catalog([Transfer("t1", "p", "BGD", "PER", "agreed")])
    result = paths(data, "SOM", "PER")
    assert result.paths == () and result.fallback
    assert result.notes == ("SOM and PER are not linked, not even in the cooperation graph",)


def test_country_names_case_and_unknown_ids():
    data = catalog([Transfer("t1", "p", "BGD", "PER", "agreed")])
    assert sequences(paths(data, "bgd", "Country PER")) == [["BGD", "PER"]]
    with pytest.raises(UnknownIdError) as error:
        paths(data, "BGX", "PER")
    assert "BGD" in error.value.suggestions
    with pytest.raises(ValueError):
        paths(data, "BGD", "PER", k=0)


def test_rows_one_per_hop():
    data = catalog([Transfer("t1", "p", "BGD", "SOM", "agreed"), Transfer("t2", "q", "SOM", "PER", "scaled",
                                                                          outcome="success")])
    assert paths(data, "BGD", "PER").rows() == [
        {"path": 1, "kind": "transfer", "hop": 1, "from": "BGD", "to": "SOM", "practices": ["p"],
         "practice_change": False, "via": ["p (BGD->SOM, agreed)"]},
        {"path": 1, "kind": "transfer", "hop": 2, "from": "SOM", "to": "PER", "practices": ["q"],
         "practice_change": True, "via": ["q (SOM->PER, scaled, success)"]},
    ]


def test_issue_20_hops_say_which_practice_they_carried_and_flag_a_change():
    # BGD -> SOM carries p1, SOM -> PER carries p1 (the same practice, passed on), then PER -> AFG p2.
    data = catalog([
        Transfer("a", "p1", "BGD", "SOM", "adopted"),
        Transfer("b", "p1", "SOM", "PER", "agreed"),
        Transfer("c", "p2", "PER", "AFG", "implementing"),
        Transfer("d", "p3", "PER", "AFG", "opportunity"),
    ])
    result = paths(data, "BGD", "AFG", k=1)
    (path,) = result.paths
    assert [(hop.practices, hop.practice_change) for hop in path.hops] == [
        (("p1",), False), (("p1",), False), (("p2",), True)]
    assert path.practices_change is True
    assert any("chain different practices" in note for note in result.notes)
    assert [row["practices"] for row in result.rows()] == [["p1"], ["p1"], ["p2"]]


def test_issue_20_a_chain_of_one_practice_has_no_change_note():
    data = catalog([Transfer("a", "p1", "BGD", "SOM", "adopted"), Transfer("b", "p1", "SOM", "PER", "scaled")])
    result = paths(data, "BGD", "PER", k=1)
    assert result.paths[0].practices_change is False
    assert not any("chain different practices" in note for note in result.notes)
