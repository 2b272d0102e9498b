"""Diffusion tree (issue 5): every transfer under the party that passed the practice on."""

from __future__ import annotations

import pytest

from psikg.errors import UnknownIdError
from psikg.ontology.domain import Catalog, Country, Organization, Practice, Transfer
from psikg.queries.diffusion import diffusion, diffusion_from_country, render_tree

NAMES = {"BGD": "Bangladesh", "PER": "Peru", "SOM": "Somalia", "ECU": "Ecuador", "BOL": "Bolivia",
         "NPL": "Nepal", "FJI": "Fiji"}


def make_catalog(transfers, **practice):
    return Catalog.of(
        countries=[Country(code, name) for code, name in NAMES.items()],
        organizations=[Organization("undp", "UNDP"), Organization("oecd", "OECD")],
        practices=[Practice("tracker", "SDG Tracker", **(practice or {"country": "BGD"})),
                   Practice("other", "Other", "NPL")],
        transfers=transfers)


TRANSFERS = [
    Transfer("t-per", "tracker", "BGD", "PER", "agreed", start_year=2018, facilitators=("undp",),
             event="dhaka-2017"),
    Transfer("t-som", "tracker", "BGD", "SOM", "implementing", start_year=2017),
    Transfer("t-ecu", "tracker", "PER", "ECU", "opportunity", start_year=2020),
    Transfer("t-bol", "tracker", "PER", "BOL", "adopted", outcome="success"),
    Transfer("t-bol2", "tracker", "ECU", "BOL", "opportunity", start_year=2021),
    Transfer("t-npl", "tracker", "oecd", "NPL", "agreed", exporter_kind="organization", start_year=2019),
    Transfer("t-fji", "tracker", "NPL", "FJI", "stalled", start_year=2022),
    Transfer("x", "other", "NPL", "BGD", "agreed"),
]


def shape(node):
    return (node.party, node.transfer, [shape(child) for child in node.children])


def test_tree_structure():
    result = diffusion(make_catalog(TRANSFERS), "tracker")
    assert result.n == 5 and result.origin == "BGD"  # the two opportunities are suggestions, not diffusion
    assert result.reached == ("BOL", "NPL", "PER", "SOM")  # opportunities and stalled ones do not count
    assert [shape(root) for root in result.roots] == [
        ("BGD", None, [
            ("SOM", "t-som", []),
            ("PER", "t-per", [("BOL", "t-bol", [])]),
        ]),
        ("oecd", None, [("NPL", "t-npl", [("FJI", "t-fji", [])])]),
    ]
    assert result.notes == ("2 opportunities of this practice not shown: suggestions are not diffusion",
                            "oecd exported the practice but is not reached from its origin BGD: "
                            "its transfers form a tree of their own",)
    assert [n.verdict for n in result.roots[0].walk()] == [None, "open", "open", "success"]
    per = result.roots[0].children[1]
    assert (per.year, per.status, per.outcome, per.facilitators, per.event, per.exporter) == (
        2018, "agreed", "unknown", ("undp",), "dhaka-2017", "BGD")
    assert result.roots[1].kind == "organization" and result.roots[1].name == "OECD"


def test_render_tree():
    assert render_tree(diffusion(make_catalog(TRANSFERS), "tracker")) == "\n".join([
        "tracker: SDG Tracker (5 transfers)",
        "BGD Bangladesh (origin)",
        "├── SOM Somalia: 2017, implementing, outcome unknown, verdict open [t-som]",
        "└── PER Peru: 2018, agreed, outcome unknown, verdict open, facilitated by undp, matched at dhaka-2017 [t-per]",
        "    └── BOL Bolivia: year unknown, adopted, outcome success, verdict success [t-bol]",
        "oecd OECD",
        "└── NPL Nepal: 2019, agreed, outcome unknown, verdict open [t-npl]",
        "    └── FJI Fiji: 2022, stalled, outcome unknown, verdict open [t-fji]",
        "note: 2 opportunities of this practice not shown: suggestions are not diffusion",
        "note: oecd exported the practice but is not reached from its origin BGD: "
        "its transfers form a tree of their own",
    ])


def test_a_country_imported_twice_passes_on_from_its_successful_import():
    transfers = [Transfer("t1", "tracker", "BGD", "PER", "stalled", start_year=2016),
                 Transfer("t2", "tracker", "BGD", "PER", "adopted", start_year=2018),
                 Transfer("t3", "tracker", "PER", "ECU", "agreed", start_year=2020)]
    result = diffusion(make_catalog(transfers), "tracker")
    assert shape(result.roots[0]) == ("BGD", None, [("PER", "t1", []), ("PER", "t2", [("ECU", "t3", [])])])


def test_exports_by_the_origin_organization_hang_under_the_root():
    transfers = [Transfer("t1", "tracker", "undp", "PER", "agreed", exporter_kind="organization")]
    result = diffusion(make_catalog(transfers, country="BGD", organization="undp"), "tracker")
    assert shape(result.roots[0]) == ("BGD", None, [("PER", "t1", [])]) and result.notes == ()


def test_cycles_and_domestic_transfers_end_as_leaves():
    transfers = [Transfer("t1", "tracker", "BGD", "PER", "agreed", start_year=2016),
                 Transfer("t2", "tracker", "PER", "BGD", "agreed", start_year=2018),
                 Transfer("t3", "tracker", "BGD", "BGD", "scaled", start_year=2019)]
    result = diffusion(make_catalog(transfers), "tracker")
    assert shape(result.roots[0]) == ("BGD", None, [("PER", "t1", [("BGD", "t2", [])]), ("BGD", "t3", [])])
    assert result.reached == ("PER",)


def test_practice_without_transfers_and_json():
    result = diffusion(make_catalog([]), "tracker")
    assert result.as_dict() == {
        "practice": "tracker", "title": "SDG Tracker", "origin": "BGD", "n": 0, "reached": [],
        "roots": [{"party": "BGD", "kind": "country", "name": "Bangladesh", "children": []}],
        "notes": ["no transfer of this practice is recorded"]}


def test_rows_depth_first():
    rows = diffusion(make_catalog(TRANSFERS[:4]), "tracker").rows()
    assert [(r["depth"], r["transfer"], r["from"], r["to"], r["verdict"]) for r in rows] == [
        (1, "t-som", "BGD", "SOM", "open"), (1, "t-per", "BGD", "PER", "open"), (2, "t-bol", "PER", "BOL", "success")]


def test_unknown_practice():
    with pytest.raises(UnknownIdError) as error:
        diffusion(make_catalog([]), "trackr")
    assert error.value.suggestions == ("tracker",)


def test_every_practice_of_a_country():
    catalog = make_catalog(TRANSFERS)
    assert [d.practice for d in diffusion_from_country(catalog, "npl")] == ["other"]
    assert diffusion_from_country(catalog, "BGD")[0] == diffusion(catalog, "tracker")
    with pytest.raises(UnknownIdError):
        diffusion_from_country(catalog, "PER")  # a country without practices of its own
