"""Loading: the bundled network, the CSV round trip, merging and replacing."""

from __future__ import annotations

import hashlib
import json

import psikg
from psikg.cli import cli
from psikg.ontology.domain import PracticeFactor

from .conftest import DATA


def test_bundled_load_summary(bundled_graph):
    counts = bundled_graph.stats().counts
    assert counts["countries"] >= 193
    assert counts["un_members"] == 193
    assert counts["sdg_goals"] == 17
    assert counts["sdg_targets"] == 169
    assert counts["sdg_indicators"] > 200
    assert counts["success_factors"] >= 30
    assert counts["practices"] >= 40
    assert counts["exporter_countries"] >= 25


def test_bundled_record_of_the_network(bundled_catalog):
    catalog = bundled_catalog
    starts = {e.start_date[:7] for e in catalog.events.values() if e.start_date}
    assert {"2017-12", "2018-06"} <= starts
    dhaka = next(e for e in catalog.events.values() if (e.start_date or "").startswith("2017-12"))
    assert (dhaka.participant_count, dhaka.opportunities) == (18, 38)
    astana = next(e for e in catalog.events.values() if (e.start_date or "").startswith("2018-06"))
    assert (astana.participant_count, astana.opportunities) == (10, 13)
    pairs = {(t.exporter, t.importer) for t in catalog.transfers.values()}
    for pair in [("BGD", "SOM"), ("SGP", "UGA"), ("BIH", "AFG"), ("BTN", "FJI"), ("oecd", "BTN"),
                 ("oecd", "BIH"), ("BGD", "PER")]:
        assert pair in pairs, pair


def test_every_bundled_record_has_a_source(bundled_catalog):
    catalog = bundled_catalog
    assert all(p.sources for p in catalog.practices.values())
    assert all(t.sources for t in catalog.transfers.values())
    assert all(s.sources for s in catalog.statements)


def test_every_exporter_and_importer_has_a_context(bundled_catalog):
    catalog = bundled_catalog
    with_context = set(catalog.statements_by_country)
    engaged = {t.importer for t in catalog.transfers.values()}
    engaged |= {t.exporter for t in catalog.transfers.values() if t.exporter_kind == "country"}
    assert engaged - with_context == set()


def test_csv_round_trip_gives_the_same_facts(empty_graph):
    empty_graph.load([DATA / "minimal"], bundled=False)
    catalog = empty_graph.catalog
    practice = catalog.practices["one-stop"]
    assert practice.country == "BGD"
    assert practice.organization == "agency-a"
    assert practice.year == 2012
    assert practice.maturity == "institutionalized"
    assert set(practice.targets) == {"16.6", "16.9"}
    assert set(practice.themes) == {"one-stop-services", "public-services-sdgs"}
    assert practice.components == ("front office", "call centre")
    assert set(practice.factors) == {
        PracticeFactor("political-champion", "critical", "Prime Minister's initiative"),
        PracticeFactor("legal-mandate", "critical"), PracticeFactor("citizen-feedback", "supporting")}
    assert catalog.practices["e-id"].country == "KEN"  # ISO2 normalised
    assert catalog.practices["e-id"].targets == ("16.9",)  # KOS IRI normalised
    statements = {(s.country, s.factor, s.as_of, s.present) for s in catalog.statements}
    assert statements == {("BGD", "political-champion", "2012", True),
                          ("BGD", "legal-mandate", "2012-07-13", True),
                          ("KEN", "national-id-system", "2015", True), ("KEN", "legal-mandate", None, False),
                          ("SOM", "political-champion", "2018", False)}
    need = catalog.needs["som-services"]
    assert (need.country, need.targets, need.goals, need.priority, need.event) == (
        "SOM", ("16.6",), ("16",), "high", "workshop-1")
    transfer = catalog.transfers["one-stop-to-som"]
    assert (transfer.practice, transfer.exporter, transfer.importer, transfer.status, transfer.start_year,
            transfer.facilitators, transfer.event) == (
        "one-stop", "BGD", "SOM", "implementing", 2018, ("agency-b",), "workshop-1")
    organization_export = catalog.transfers["e-id-to-bgd"]
    assert (organization_export.exporter, organization_export.exporter_kind) == ("oecd-like", "organization")
    assert organization_export.outcome == "unknown"
    assert set(catalog.networks["net-1"].members) == {"BGD", "SOM", "agency-b"}
    event = catalog.events["workshop-1"]
    assert (event.participants, event.participant_count, event.opportunities) == (("BGD", "KEN", "SOM"), 18, 38)
    assert catalog.factors["queue-management"].broader == "service-points"


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _content(graph) -> tuple:
    g = graph.store.graph
    nodes = sorted((k, json.dumps(d["props"], sort_keys=True)) for k, d in g.nodes(data=True))
    edges = sorted((s, r, t, json.dumps(d["props"], sort_keys=True)) for s, t, r, d in g.edges(keys=True, data=True))
    return nodes, edges


def test_loading_twice_changes_nothing(empty_graph, store_path):
    empty_graph.load([DATA / "minimal"])
    first = _content(psikg.open(store_path))
    report = empty_graph.load([DATA / "minimal"])
    assert (report.nodes, report.edges) == (report.nodes_before, report.edges_before)
    assert _content(psikg.open(store_path)) == first


def test_merge_updates_a_record_and_replace_starts_over(empty_graph, store_path, tmp_path):
    empty_graph.load([DATA / "minimal"], bundled=False)
    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / "transfers.csv").write_text(
        "id,practice,exporter,importer,status,outcome,source\n"
        "one-stop-to-som,one-stop,BGD,SOM,adopted,success,https://example.org/t1\n", encoding="utf-8")
    empty_graph.load([changed], bundled=False)
    transfer = psikg.open(store_path).catalog.transfers["one-stop-to-som"]
    assert (transfer.status, transfer.outcome, transfer.facilitators) == ("adopted", "success", ())
    assert "e-id" in psikg.open(store_path).catalog.practices
    empty_graph.load([DATA / "minimal"], bundled=False, replace=True)
    assert psikg.open(store_path).catalog.transfers["one-stop-to-som"].status == "implementing"


def test_bom_is_accepted_and_header_only_warns(empty_graph, tmp_path, runner, store_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "organizations.csv").write_bytes(
        "\ufeffid,name,country,kind,source\nx-agency,X Agency,Kenya,government,https://example.org\n".encode())
    (folder / "needs.csv").write_text("id,country,title\n", encoding="utf-8")
    result = runner.invoke(cli, ["--store", str(store_path), "load", "--no-bundled", str(folder)])
    assert result.exit_code == 0, result.output
    assert "no rows yet" in result.output  # a note, no warning
    assert psikg.open(store_path).catalog.organizations["x-agency"].country == "KEN"


def test_cli_stats_json_keys(runner, bundled_store_path):
    result = runner.invoke(cli, ["--store", str(bundled_store_path), "stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in ("countries", "practices", "success_factors", "contexts", "needs", "transfers",
                "organizations", "networks", "events", "sdg_goals", "sdg_targets", "sdg_indicators",
                "nodes", "edges"):
        assert isinstance(data[key], int), key


def test_cli_show_groups_links(runner, bundled_store_path):
    result = runner.invoke(cli, ["--store", str(bundled_store_path), "show", "16.6", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kind"] == "target" and data["links"]["goal"][0]["id"] == "16"
    missing = runner.invoke(cli, ["--store", str(bundled_store_path), "show", "legal-mandat"])
    assert missing.exit_code == 2
    assert "legal-mandate" in missing.output


def test_native_grouped_links_give_the_same_catalog(bundled_graph):
    """The embedded store's grouped-links fast path reads the same catalog as the generic reads."""
    from psikg.graph.catalog import catalog_from_store

    store = bundled_graph.store

    class GenericOnly:  # the same store seen through the protocol's generic reads only
        nodes, links, capabilities = store.nodes, store.links, frozenset()

    assert catalog_from_store(GenericOnly()) == catalog_from_store(store)
