"""Event matchmaking on the hand catalog, and saving opportunities idempotently."""

from __future__ import annotations

import hashlib

import pytest

from psikg.errors import UnknownIdError
from psikg.ontology.domain import Event, Transfer
from psikg.queries.match import match
from psikg.queries.matchmake import matchmake, opportunities_batch, transfer_id

from .hand_catalog import base_parts, hand_catalog

TOL = 1e-12


@pytest.fixture
def catalog():
    return hand_catalog()


def test_every_pair_among_participants_ranked(catalog):
    result = matchmake(catalog, "ws-1")
    assert result.participants == ("AAA", "BBB", "CCC", "EEE")
    got = [(o.practice, o.exporter, o.importer, round(o.score, 12)) for o in result.opportunities]
    assert got == [("p-main", "AAA", "BBB", 0.61), ("p-main", "AAA", "CCC", 0.49),
                   ("p-bare", "BBB", "AAA", 0.0), ("p-bare", "BBB", "CCC", 0.0), ("p-bare", "BBB", "EEE", 0.0)]
    assert [(e.practice, e.importer, e.status) for e in result.engaged] == [("p-main", "EEE", "implementing")]


def test_scores_are_those_of_match(catalog):
    by_country = {c.country: c for c in match(catalog, "p-main").candidates}
    for opportunity in matchmake(catalog, "ws-1").opportunities:
        if opportunity.practice == "p-main":
            assert opportunity.candidate == by_country[opportunity.importer]


def test_min_score_threshold(catalog):
    assert [o.importer for o in matchmake(catalog, "ws-1", min_score=0.49).opportunities] == ["BBB", "CCC"]
    assert [o.importer for o in matchmake(catalog, "ws-1", min_score=0.5).opportunities] == ["BBB"]
    assert matchmake(catalog, "ws-1", min_score=0.62).opportunities == ()


def test_unknown_event_and_empty_events():
    parts = base_parts()
    parts["events"] += [Event("ws-empty", "Empty"), Event("ws-2", "No exporters", participants=("CCC", "EEE"))]
    catalog = hand_catalog(**parts)
    with pytest.raises(UnknownIdError) as error:
        matchmake(catalog, "ws1")
    assert "ws-1" in error.value.suggestions
    assert any("no pair" in w for w in matchmake(catalog, "ws-empty").warnings)
    assert any("has a practice" in w for w in matchmake(catalog, "ws-2").warnings)


def test_batch_ids_and_links(catalog):
    result = matchmake(catalog, "ws-1", min_score=0.4)
    batch = opportunities_batch(catalog, result, saved_on="2026-11-28")
    assert sorted(batch.ids("transfer")) == ["p-main-to-bbb", "p-main-to-ccc"]
    node = batch.nodes["transfer/p-main-to-bbb"]
    assert node.props["status"] == "opportunity" and node.props["basis"] == "matchmaking"  # a suggestion
    links = {(l.source, l.rel, l.target) for l in batch.links.values() if l.source == "transfer/p-main-to-bbb"}
    assert links == {("transfer/p-main-to-bbb", "practice", "practice/p-main"),
                     ("transfer/p-main-to-bbb", "exporter", "country/AAA"),
                     ("transfer/p-main-to-bbb", "importer", "country/BBB"),
                     ("transfer/p-main-to-bbb", "event", "event/ws-1"),
                     ("transfer/p-main-to-bbb", "steps", "status_step/p-main-to-bbb--2026-11-28--opportunity")}
    step = batch.nodes["status_step/p-main-to-bbb--2026-11-28--opportunity"]
    assert (step.props["status"], step.props["date"]) == ("opportunity", "2026-11-28")  # a dated first step
    assert transfer_id("p-main", "BBB") == "p-main-to-bbb"


def test_batch_never_touches_recorded_transfers():
    parts = base_parts()
    parts["transfers"] += [Transfer("older-id", "p-main", "AAA", "CCC", "abandoned"),
                           Transfer("p-bare-to-aaa", "p-bare", "BBB", "AAA", "opportunity")]
    catalog = hand_catalog(**parts)
    result = matchmake(catalog, "ws-1")
    by_pair = {(o.practice, o.importer): o for o in result.opportunities}
    assert by_pair[("p-main", "CCC")].recorded == "older-id"
    assert "abandoned" in by_pair[("p-main", "CCC")].candidate.flags
    batch = opportunities_batch(catalog, result)
    assert sorted(batch.ids("transfer")) == ["p-bare-to-ccc", "p-bare-to-eee", "p-main-to-bbb"]


def test_saving_twice_changes_nothing(bundled_graph):
    catalog = bundled_graph.catalog
    dhaka = next(e for e in catalog.events.values() if e.start_date and e.start_date.startswith("2017-12"))
    first = bundled_graph.matchmake(dhaka.id, save=True)
    assert first.saved, "the Dhaka workshop should yield at least one new opportunity"
    after = bundled_graph.catalog
    for id_ in first.saved:
        assert after.transfers[id_].status == "opportunity" and after.transfers[id_].basis == "matchmaking"
        assert after.transfers[id_].event == dhaka.id
    # saved suggestions are never evidence: the factor analysis and the network count the same as before
    from psikg.queries.factors import factor_analysis
    from psikg.queries.network import network_analytics

    assert factor_analysis(after).successes == factor_analysis(catalog).successes
    assert network_analytics(after).n_transfers == network_analytics(catalog).n_transfers
    # transfers recorded before keep their status
    for transfer in catalog.transfers.values():
        assert after.transfers[transfer.id].status == transfer.status
    digest = hashlib.sha256(bundled_graph.store.path.read_bytes()).hexdigest()
    second = bundled_graph.matchmake(dhaka.id, save=True)
    assert second.saved == ()
    assert hashlib.sha256(bundled_graph.store.path.read_bytes()).hexdigest() == digest
    assert {o.transfer for o in second.opportunities} >= set(first.saved)
    assert all(o.recorded == o.transfer for o in second.opportunities if o.transfer in first.saved)


def test_participants_named_and_unassessed():
    parts = base_parts()
    parts["events"] = [Event("ws-2", "Workshop", participants=("AAA", "BBB", "JJJ"), participant_count=12)]
    result = matchmake(hand_catalog(**parts), "ws-2")
    assert (result.participant_count, result.participants, result.unnamed) == (12, ("AAA", "BBB", "JJJ"), 9)
    assert result.unassessed == ("JJJ",)  # nothing recorded of its context
    assert any("names 3" in w for w in result.warnings) and any("JJJ" in w for w in result.warnings)
    assert {o.candidate.tier for o in result.opportunities} <= {"ready", "unassessed", "blocked"}
