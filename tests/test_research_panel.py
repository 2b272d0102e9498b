"""Issue 20: the adoption panel, the edge list and the research files, on a network built by hand.

Practice p from AAA (2018, critical precondition champion); BBB adopts in 2019 (adopted, a copy);
CCC never adopts; DDD has a transfer with no start year (left out); an opportunity to CCC is not
an adoption. BBB is AAA's sub-region neighbour; CCC shares a network with BBB (founded 2019) and
attended an event with AAA in 2019. Statements: BBB champion absent (undated), CCC champion present
as of 2020. Practice q has no year and no dated transfer (left out). End year 2020.
"""

from __future__ import annotations

import csv
import io

import networkx as nx
import pytest

from psikg.ontology.domain import (Catalog, Country, Event, Factor, FactorStatement, Network, Practice,
                                   PracticeFactor, Transfer)
from psikg.queries.panel import PANEL_COLUMNS, adoption_panel
from psikg.queries.transfer_network import EDGE_COLUMNS, edge_list, network_graph
from psikg.views.research_files import EDGE_DICTIONARY, PANEL_DICTIONARY, safe_cell, write_network, write_table


def hand_catalog() -> Catalog:
    def country(code, subregion):
        return Country(code, f"Country {code}", region="R", subregion=subregion, income_group="Low income",
                       un_member=True)

    return Catalog.of(
        countries=[country("AAA", "S1"), country("BBB", "S1"), country("CCC", "S2"), country("DDD", "S2")],
        factors=[Factor("champion", "Champion")],
        practices=[Practice("p", "P", "AAA", year=2018, factors=(PracticeFactor("champion", "critical"),)),
                   Practice("q", "Q", "CCC")],
        statements=[FactorStatement("BBB", "champion", False), FactorStatement("CCC", "champion", True, "2020")],
        transfers=[Transfer("t1", "p", "AAA", "BBB", "adopted", start_year=2019, degree="copy"),
                   Transfer("t2", "p", "AAA", "DDD", "agreed"),
                   Transfer("t3", "p", "AAA", "CCC", "opportunity", start_year=2019),
                   Transfer("t4", "q", "CCC", "AAA", "stalled")],
        networks=[Network("net", "Network", ("BBB", "CCC"), founded="2019")],
        events=[Event("ev", "Workshop", start_date="2019-05-01", participants=("AAA", "CCC"))])


@pytest.fixture
def panel():
    return adoption_panel(hand_catalog(), end_year=2020)


def test_rows_and_risk_sets(panel):
    shape = [(r.country, r.year, r.at_risk, r.event, r.adopted, r.transfer, r.verdict, r.degree) for r in panel.rows]
    assert shape == [
        ("BBB", 2018, 1, 0, 0, None, None, None), ("CCC", 2018, 1, 0, 0, None, None, None),
        ("BBB", 2019, 1, 1, 1, "t1", "success", "copy"), ("CCC", 2019, 1, 0, 0, None, None, None),
        ("BBB", 2020, 0, 0, 1, "t1", "success", "copy"), ("CCC", 2020, 1, 0, 0, None, None, None)]
    risk_sets = {year: {r.country for r in panel.rows if r.year == year and r.at_risk} for year in (2018, 2019, 2020)}
    assert risk_sets == {2018: {"BBB", "CCC"}, 2019: {"BBB", "CCC"}, 2020: {"CCC"}}
    assert panel.practices == 1 and panel.end_year == 2020
    assert any("1 practice(s) with no year" in note for note in panel.notes)
    assert any("1 adoption(s) with no start year" in note for note in panel.notes)


def test_states_and_ties_as_of_each_year(panel):
    by = {(r.country, r.year): r for r in panel.rows}
    assert [(by["BBB", y].absent, by["BBB", y].precondition_fit, by["BBB", y].precondition_coverage)
            for y in (2018, 2020)] == [(("champion",), 0.0, 1.0)] * 2
    assert [(by["CCC", y].present, by["CCC", y].unknown, by["CCC", y].precondition_fit) for y in (2018, 2019, 2020)] == [
        ((), ("champion",), 0.0), ((), ("champion",), 0.0), (("champion",), (), 1.0)]
    ties = {(r.country, r.year): (r.neighbour_ties, r.network_ties, r.event_ties) for r in panel.rows}
    assert ties == {("BBB", 2018): (1, 0, 0), ("BBB", 2019): (1, 0, 0), ("BBB", 2020): (1, 0, 0),
                    ("CCC", 2018): (0, 0, 0), ("CCC", 2019): (0, 0, 1), ("CCC", 2020): (0, 1, 1)}


def test_edge_list_and_network():
    catalog = hand_catalog()
    rows = edge_list(catalog)
    assert [(r.transfer, r.verdict, r.degree, r.start_year, r.same_subregion) for r in rows] == [
        ("t1", "success", "copy", 2019, True), ("t2", "open", None, None, False),
        ("t3", "open", None, 2019, False), ("t4", "open", None, None, False)]
    assert list(rows[0].as_dict()) == list(EDGE_COLUMNS)
    graph = network_graph(catalog)
    assert graph.number_of_edges() == 4 and graph.edges["AAA", "BBB", "t1"]["degree"] == "copy"


def test_files_are_the_same_bytes_twice_and_readable(tmp_path, panel):
    catalog = hand_catalog()
    outputs = []
    for run in ("one", "two"):
        folder = tmp_path / run
        folder.mkdir()
        files = write_table(folder, "panel", [r.as_dict() for r in panel.rows], PANEL_DICTIONARY)
        files += write_table(folder, "transfers", [r.as_dict() for r in edge_list(catalog)], EDGE_DICTIONARY)
        files += write_network(folder, network_graph(catalog), panel.end_year)
        outputs.append({path.name: path.read_bytes() for path in files})
    assert outputs[0] == outputs[1]
    folder = tmp_path / "one"
    rows = list(csv.DictReader(io.StringIO((folder / "panel.csv").read_text())))
    assert len(rows) == 6 and list(rows[0]) == list(PANEL_COLUMNS)
    assert {r["column"] for r in csv.DictReader(io.StringIO((folder / "panel.dictionary.csv").read_text()))} == set(
        PANEL_COLUMNS)
    import pyarrow.parquet as pq

    table = pq.read_table(folder / "panel.parquet")
    assert table.num_rows == 6 and table.column("event").to_pylist() == [0, 0, 1, 0, 0, 0]
    assert nx.read_graphml(folder / "network.graphml").number_of_edges() == 4
    assert nx.read_gexf(folder / "network.gexf").number_of_edges() == 4
    assert b'lastmodifieddate="2020-12-31"' in (folder / "network.gexf").read_bytes()


def test_a_cell_is_never_a_spreadsheet_formula():
    assert safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and safe_cell(None) == "" and safe_cell(True) == "true"


def test_diffusion_shows_each_hops_degree_and_verdict():
    from psikg.queries.diffusion import diffusion, render_tree

    result = diffusion(hand_catalog(), "p")
    assert [(row["to"], row["verdict"], row["degree"]) for row in result.rows()] == [
        ("BBB", "success", "copy"), ("DDD", "open", None)]
    assert "BBB Country BBB: 2019, adopted, outcome unknown, verdict success, degree copy [t1]" in render_tree(result)
