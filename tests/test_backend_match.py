"""Match on a graph database reads only the practice's subgraph (issue 22), and answers as the
embedded store does: the same candidates, numbers (to 1e-9), explanations and errors, on real
FalkorDB and Neo4j servers (the fixtures of ``tests/graphdb_fixtures.py``).
"""

from __future__ import annotations

import dataclasses
import gc

import msgspec
import pytest

from psikg.api import Psikg
from psikg.graph import cypher, match_reads
from psikg.graph.embedded import EmbeddedStore
from psikg.graph.push import push
from psikg.graph.store import open_database
from psikg.ontology.domain import Country, FactorStatement
from psikg.queries.match import Weights, match

from .test_conformance import MINIMAL, assert_same, outcome, random_batch

OPTIONS = ({}, {"top_per_tier": 3}, {"as_of": 2015, "all_countries": True, "min_coverage": 0.25},
           {"as_of": 2015, "record_as_of": True}, {"as_of": 2005}, {"top": 4, "weights": "factor=0.5,sdg=0.5"})


class Trace:
    """Every statement a store sends."""

    def __init__(self):
        self.queries: list[str] = []
        self.params: list[dict] = []

    def __call__(self, query, params):
        self.queries.append(query)
        self.params.append(params)


def assert_same_matches(reference, database, practices, options=OPTIONS) -> None:
    expected, found = Psikg(reference), Psikg(database)
    for practice in practices:
        for option in options:
            assert_same(outcome(expected.match, practice, **option), outcome(found.match, practice, **option),
                        f"match({practice!r}, {option})")


def test_bundled_network_matches_the_same(database_uri, bundled_store_path):
    reference = EmbeddedStore(bundled_store_path)
    database = open_database(database_uri)
    push(reference, database)
    practices = sorted(reference.catalog().practices)
    assert_same_matches(reference, database, practices)
    assert database._catalog is None, "match read the whole catalog"
    database.close()


def test_a_database_match_pauses_the_collector(database_uri, bundled_store_path):
    """The catalog a database match reads dies with it: the cyclic collector is off while the
    match reads (collections took a fifth to a quarter of the client's CPU time at L), on again
    after it, and nothing is frozen."""
    reference = EmbeddedStore(bundled_store_path)
    collector_on: list[bool] = []
    database = open_database(database_uri, tracer=lambda query, params: collector_on.append(gc.isenabled()))
    push(reference, database)
    practice = sorted(reference.catalog().practices)[0]
    collector_on.clear()
    frozen = gc.get_freeze_count()
    assert Psikg(database).match(practice).candidates
    assert len(collector_on) > 2 and not any(collector_on)
    assert gc.isenabled() and gc.get_freeze_count() <= frozen  # none frozen (frozen ones may have died)
    database.close()


def test_unknown_and_differently_written_ids(database_uri, bundled_store_path):
    """A practice id in capitals or with spaces is found as the lookups find it; an unknown id
    fails with the same nearest ids."""
    reference = EmbeddedStore(bundled_store_path)
    database = open_database(database_uri)
    push(reference, database)
    practice = sorted(reference.catalog().practices)[0]
    assert_same_matches(reference, database, [f" {practice.upper()} ", "no-such-practice", "bgd-sdg"], ({},))
    database.close()


def test_minimal_and_generated_graphs_match_the_same(database_uri, tmp_path):
    """Hierarchies of factors (a narrower factor present makes the broader one present), statements
    in several contexts and years, transfers with histories, odd strings."""
    reference = EmbeddedStore(tmp_path / "minimal.psikg")
    Psikg(reference).load([MINIMAL], bundled=False)
    database = open_database(database_uri)
    push(reference, database)
    assert_same_matches(reference, database, sorted(reference.catalog().practices))
    for seed in (1, 2, 3, 4, 5, 6):
        reference = EmbeddedStore(tmp_path / f"generated-{seed}.psikg")
        reference.apply(random_batch(seed))
        reference.apply(random_batch(seed + 100, previous=random_batch(seed)))
        push(reference, database, batch_size=50)
        assert database.counts() == reference.counts()
        database._catalog = None
        assert_same_matches(reference, database, sorted(reference.catalog().practices))
    database.close()


def _at_defaults(record, keep: set[str]):
    """``record`` with every field but ``keep`` at its default, or at its id where it has none (as
    the catalog builder names a node read without its name or title)."""
    return msgspec.structs.replace(record, **{f.name: record.id if f.default is msgspec.NODEFAULT else f.default
                                              for f in msgspec.structs.fields(record) if f.name not in keep})


def test_a_match_needs_no_more_of_the_network_than_it_reads(bundled_catalog):
    """A database match reads of each country, need and event only the properties and relations
    ``WHOLE_KINDS`` names, of each target its goal, no goal or theme, and of each context only
    ``CONTEXT_FIELDS`` (and no statement's basis): with everything else at its default, the bundled
    network (real ISO codes, regions, LDC, LLDC and SIDS memberships, needs with descriptions and
    sources, events with their participants, statements with sources, notes and readings) gets the
    same answers, as of a year too. The bundled needs name no event and no SDG goal: here each is
    given one of each, so that the year a need was raised (its event's date) and the targets of a
    goal count."""
    kinds = match_reads.WHOLE_KINDS
    dated = sorted(e.id for e in bundled_catalog.events.values() if e.start_date)
    goals = sorted(bundled_catalog.goals)
    needs = {i: msgspec.structs.replace(n, event=dated[k % len(dated)], goals=(goals[k % len(goals)],))
             for k, (i, n) in enumerate(bundled_catalog.needs.items())}
    bundled_catalog = dataclasses.replace(bundled_catalog, needs=needs)
    countries = set(Country.__struct_fields__) - {"id", *match_reads.COUNTRY_FIELDS}
    assert countries == {"region", "intermediate_region", "ldc", "lldc", "sids", "iso2", "m49", "official_name"}
    assert set(kinds) == {"country", "target", "need", "event"}
    kept = {"country", "factor", "present", "context", *match_reads.CONTEXT_FIELDS}
    statements = set(FactorStatement.__struct_fields__) - kept
    assert statements == {"sources", "note", "basis", "read_by", "read_on"}
    for proof in (any(c.ldc or c.sids for c in bundled_catalog.countries.values()),
                  any(s.note and s.sources and s.basis for s in bundled_catalog.statements),
                  any(n.description and n.sources and n.themes for n in bundled_catalog.needs.values()),
                  any(n.event for n in bundled_catalog.needs.values()),
                  any(e.participants for e in bundled_catalog.events.values()),
                  bundled_catalog.goals and bundled_catalog.themes):
        assert proof, "the check would prove nothing"

    def reduced_kind(kind: str, records: dict) -> dict:
        fields, relations = kinds[kind]
        return {i: _at_defaults(r, {"id", *fields, *relations}) for i, r in records.items()}

    reduced = dataclasses.replace(
        bundled_catalog, countries=reduced_kind("country", bundled_catalog.countries),
        needs=reduced_kind("need", bundled_catalog.needs), events=reduced_kind("event", bundled_catalog.events),
        targets=reduced_kind("target", bundled_catalog.targets), goals={}, themes={},
        statements=tuple(_at_defaults(s, kept) for s in bundled_catalog.statements))
    raised = sorted({int(bundled_catalog.events[e].start_date[:4]) for e in dated})
    assert len(raised) > 1, "no year before which some needs were not yet raised"
    for practice in sorted(bundled_catalog.practices):
        for option in OPTIONS + ({"as_of": raised[0]}, {"as_of": raised[len(raised) // 2]}):
            option = dict(option)
            top = option.pop("top", None)
            weights = Weights.parse(option.pop("weights", "factor=0.6,sdg=0.3,evidence=0.1"))
            assert_same(outcome(match, bundled_catalog, practice, top, weights, **option),
                        outcome(match, reduced, practice, top, weights, **option), f"match({practice!r}, {option})")


def test_match_reads_a_bounded_subgraph(database_uri, bundled_store_path):
    """Two rounds of reads, the same statements whatever the network's size, none of which reads
    every practice, context, factor or transfer; the second reads related practices only for the
    countries the answer shows."""
    reference = EmbeddedStore(bundled_store_path)
    trace = Trace()
    database = open_database(database_uri, tracer=trace)
    push(reference, database)
    trace.queries.clear()
    trace.params.clear()
    practice = sorted(reference.catalog().practices)[0]
    shown = Psikg(database).match(practice, top_per_tier=2).candidates
    first_round = [database.sent_text(query) for query, _ in match_reads.reads_for(practice, database.dialect)]
    assert trace.queries[:-1] == first_round
    assert trace.queries[-1] == database.sent_text(cypher.read_related_practices())
    assert trace.params[-1]["countries"] == sorted({c.country for c in shown}) and 0 < len(shown) < 20
    for kind in ("practice", "context", "factor", "transfer", "status_step"):
        whole = cypher.SELECTIONS["all"].format(label=cypher.label(kind)) + " RETURN"
        assert not any(cypher.read_nodes(kind) in query or whole in query for query in trace.queries)
    for relation in ("factors", "targets", "themes", "country"):
        assert not any(cypher.read_links("practice", relation) in query for query in trace.queries)
    trace.queries.clear()
    Psikg(database).match(practice, top=0)
    assert trace.queries == first_round, "nothing shown, no related practices read"
    database.close()


def test_each_read_as_one_row_holds_the_same_rows(database_uri, bundled_store_path):
    """Neo4j receives each read of a match as one row listing its rows (``cypher.as_one_row``):
    on both databases that row lists exactly the rows, in order, the read gives by itself."""
    database = open_database(database_uri)
    push(EmbeddedStore(bundled_store_path), database)
    reads = match_reads.reads_for("bgd-sdg-tracker", database.dialect) + [
        (cypher.read_related_practices(), {"practice": "bgd-sdg-tracker", "countries": ["PER", "RWA", "KEN"],
                                           "limit": match_reads.RELATED_PER_COUNTRY})]
    for query, params in reads:
        rows = database._read(query, params)
        assert database._read(cypher.as_one_row(query), params) == [[rows]], query
    assert sum(map(len, (database._read(query, params) for query, params in reads))) > 500
    database.close()


@pytest.mark.parametrize("query,names", [
    ("MATCH (n) RETURN n.id AS id, properties(n) AS props", ["id", "props"]),
    ("MATCH (n) RETURN DISTINCT n, 'a, b' AS text, [x IN n.tags | x] AS tags ORDER BY n.id LIMIT 3",
     ["n", "text", "tags"]),
    ("MATCH (n) RETURN 'out' AS way, n.id AS id UNION ALL MATCH (n) RETURN 'in' AS way, n.id AS id", ["way", "id"]),
    ("MATCH (n) WITH n {.name} AS m RETURN m", ["m"]),
])
def test_returned_names(query, names):
    assert cypher.returned_names(query) == names


@pytest.mark.parametrize("query", ["MATCH (n) RETURN n.id", "MATCH (n) RETURN n.id AS `odd name`", "MATCH (n)"])
def test_a_read_whose_columns_have_no_plain_name_cannot_be_one_row(query):
    with pytest.raises(ValueError):
        cypher.as_one_row(query)


def test_regression_issue22_comprehensions_with_the_same_variable(database_uri, bundled_store_path):
    """FalkorDB 4.16 mixes up pattern comprehensions of one RETURN that reuse a variable name (the
    second and later came back empty): the practice's subgraph names each one apart."""
    reference = EmbeddedStore(bundled_store_path)
    database = open_database(database_uri)
    push(reference, database)
    practice = max(reference.catalog().practices.values(), key=lambda p: (len(p.factors), len(p.targets), p.id))
    found = database.match_catalog(practice.id).practices[practice.id]
    assert found == practice and found.themes and found.targets and found.factors
    database.close()


def baseline_top(store, practice: str, year: int) -> list[tuple]:
    rows = store._read(cypher.match_in_one_query(), {
        "practice": practice, "year": year, "factor": 0.6, "sdg": 0.3, "evidence": 0.1, "min_coverage": 0.5,
        "limit": 10})
    return [(row[0], row[1], row[2:]) for row in rows]


def psikg_top(graph, practice: str, year: int) -> list[tuple]:
    return [(c.country, c.tier, [c.score, c.factor_fit, c.coverage, c.sdg_fit, c.evidence])
            for c in graph.match(practice, top=10, as_of=year).candidates]


@pytest.mark.parametrize("data", ["bundled", "generated"])
def test_cypher_baseline_gives_the_same_top_10(data, database_uri, bundled_store_path, tmp_path):
    """The benchmark's baseline (the whole ranking as one Cypher query) computes what psikg does:
    the same ten countries, tiers and numbers (to 1e-9), for every practice and two years."""
    if data == "bundled":
        reference = EmbeddedStore(bundled_store_path)
    else:
        reference = EmbeddedStore(tmp_path / "generated.psikg")
        for seed in (7, 8):
            reference.apply(random_batch(seed))
    database = open_database(database_uri)
    push(reference, database)
    graph = Psikg(reference)
    checked = 0
    for practice in sorted(reference.catalog().practices):
        for year in (2016, 2026):
            expected, found = psikg_top(graph, practice, year), baseline_top(database, practice, year)
            assert [(c, t) for c, t, _ in found] == [(c, t) for c, t, _ in expected], (practice, year)
            for (_, _, numbers), (_, _, wanted) in zip(found, expected):
                assert numbers == pytest.approx(wanted, abs=1e-9), (practice, year)
            checked += bool(expected)
    assert checked
    database.close()
