"""SDG supply and demand gaps (issue 5): exact gaps and per-goal totals, by country, region and group."""

from __future__ import annotations

import pytest

from psikg.errors import UnknownIdError
from psikg.ontology.domain import Catalog, Country, Goal, Need, Practice, Target
from psikg.queries.gaps import gaps


def make_catalog():
    countries = [
        Country("BGD", "Bangladesh", "Asia", "Southern Asia", ldc=True),
        Country("NPL", "Nepal", "Asia", "Southern Asia", ldc=True, lldc=True),
        Country("FJI", "Fiji", "Oceania", "Melanesia", sids=True),
        Country("PER", "Peru", "Americas", "Latin America and the Caribbean", "South America"),
        Country("SGP", "Singapore", "Asia", "South-eastern Asia"),
    ]
    goals = [Goal("1", "No poverty"), Goal("16", "Peace, justice and strong institutions"),
             Goal("17", "Partnerships for the goals")]
    targets = [Target(t, t.split(".")[0], f"Target {t}") for t in ("1.1", "1.2", "1.a", "16.6", "16.10", "17.18")]
    needs = [
        Need("n1", "BGD", "Accountable institutions", targets=("16.6",)),
        Need("n2", "NPL", "End poverty", goals=("1",)),
        Need("n3", "FJI", "Data capacity", targets=("17.18",)),
        Need("n4", "PER", "Digital skills", themes=("digital",)),  # no target or goal
        Need("n5", "FJI", "Access to information", targets=("16.10",)),
    ]
    practices = [
        Practice("p1", "SDG Tracker", "BGD", targets=("16.6", "17.18")),
        Practice("p2", "Open data", "SGP", targets=("1.2", "16.10")),
        Practice("p3", "Gender budgeting", "PER", targets=("5.5",)),  # a target the catalog lacks
        Practice("p4", "Cash transfers", "NPL", targets=("1.1",)),
    ]
    return Catalog.of(countries=countries, goals=goals, targets=targets, needs=needs, practices=practices)


def totals(result):
    return [(g.goal, g.demanded, g.supplied, g.covered, g.unmet, g.unasked) for g in result.goals]


def test_everywhere():
    result = gaps(make_catalog())
    assert (result.n_countries, result.n_needs, result.n_practices, result.small_sample) == (5, 5, 4, True)
    assert [g.as_dict() for g in result.unmet] == [
        {"target": "1.a", "goal": "1", "title": "Target 1.a", "countries": ["NPL"], "needs": ["n2"],
         "practices": []}]
    assert [g.as_dict() for g in result.unasked] == [
        {"target": "5.5", "goal": "5", "title": "", "countries": ["PER"], "needs": [], "practices": ["p3"]}]
    assert totals(result) == [("1", 3, 2, 2, 1, 0), ("5", 0, 1, 0, 0, 1), ("16", 2, 2, 2, 0, 0),
                              ("17", 1, 1, 1, 0, 0)]
    assert result.goals[0].title == "No poverty"
    assert result.notes == ("only 5 needs in this scope (fewer than 10): treat the figures as anecdotes, "
                            "not estimates",
                            "1 need(s) in this scope name no SDG target or goal and are not counted")
    assert result.rows()[0]["gap"] == "unmet" and result.rows()[1]["gap"] == "unasked"


def test_country_scope():
    result = gaps(make_catalog(), country="bgd")
    assert result.scope == {"country": "BGD"}
    assert (result.n_countries, result.n_needs, result.n_practices) == (1, 1, 1)
    assert result.unmet == () and result.unasked == ()
    assert totals(result) == [("16", 1, 1, 1, 0, 0), ("17", 0, 1, 0, 0, 0)]


def test_region_scope_matches_subregions_in_any_case():
    result = gaps(make_catalog(), region="southern asia")
    assert result.scope == {"region": "Southern Asia"} and result.n_countries == 2
    assert [g.target for g in result.unmet] == ["1.a"] and result.unasked == ()
    assert totals(result) == [("1", 3, 1, 2, 1, 0), ("16", 1, 1, 1, 0, 0), ("17", 0, 1, 0, 0, 0)]

    americas = gaps(make_catalog(), region="South America")  # an intermediate region
    assert (americas.n_needs, americas.n_practices) == (1, 1)
    assert [g.target for g in americas.unasked] == ["5.5"]
    assert americas.notes[-1] == "1 need(s) in this scope name no SDG target or goal and are not counted"


def test_group_scope():
    sids = gaps(make_catalog(), group="SIDS")
    assert sids.scope == {"group": "SIDS"} and (sids.n_needs, sids.n_practices) == (2, 0)
    assert sids.unmet == () and totals(sids) == [("16", 1, 0, 1, 0, 0), ("17", 1, 0, 1, 0, 0)]
    ldc = gaps(make_catalog(), group="ldc")
    assert ldc.n_countries == 2 and [g.target for g in ldc.unmet] == ["1.a"]


def test_targets_in_un_order():
    catalog = Catalog.of(needs=[Need("n", "BGD", "x", targets=("16.10", "1.a", "16.6", "2.1", "1.10"))])
    assert [g.target for g in gaps(catalog).unmet] == ["1.10", "1.a", "2.1", "16.6", "16.10"]


def test_bad_scopes():
    catalog = make_catalog()
    with pytest.raises(ValueError):
        gaps(catalog, country="BGD", group="LDC")
    with pytest.raises(UnknownIdError) as error:
        gaps(catalog, region="Southern Asai")
    assert error.value.suggestions[0] == "Southern Asia"
    with pytest.raises(UnknownIdError):
        gaps(catalog, group="LLCD")
    with pytest.raises(UnknownIdError):
        gaps(catalog, country="XXX")
