"""What ``match`` reads from a graph database: the practice's subgraph, in one or two round trips.

Reading the whole catalog of a large network (one query per kind and per relation) takes tens of
seconds; a match needs a small part of it. :func:`match_catalog` reads that part and builds a
:class:`~psikg.ontology.domain.Catalog` of it with the same builder as the whole catalog
(:func:`psikg.graph.catalog.catalog_from_reads`), so :func:`psikg.queries.match.match` scores it
with the one scoring rule and gives the same answer as on the whole catalog (the conformance
suite compares them). The subgraph, read by a fixed set of statements sent together (one
pipeline on FalkorDB, one read transaction on Neo4j):

* the practice with its links;
* its factors, every factor narrower than them (a factor is present when a narrower one is) and
  every factor broader than those, and the statements about the factors and the narrower ones
  (of their contexts only the date, :data:`CONTEXT_FIELDS`);
* per country one statement of its earliest context: whether a country has any statement as of a
  year (the ``no-context`` flag) depends on that one alone;
* the practice's transfers with their status history (evidence, engagements, ``record_as_of``);
* whatever does not depend on the practice and stays small as the network grows, and only what a
  match uses of it (:data:`WHOLE_KINDS`): every country, SDG target with its goal, need and event.

The related practices an explanation lists (per country, the practices sharing the most themes
with the practice) explain a candidate and never rank it, and read for every country they were the
largest read of all (a third of a match at scale L): :func:`related_catalog` reads them in a second
round trip for the countries the answer shows alone, and
:func:`psikg.queries.match.with_related` puts them into the answer.

Other practices, factors, contexts and organizations are left out, so the catalog answers
``match`` and nothing else: it is never kept as the store's catalog.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from operator import itemgetter
from types import MappingProxyType
from typing import Any

from ..ontology.model import KINDS
from . import cypher
from .catalog import KINDS_READ, catalog_from_reads

__all__ = ["match_catalog", "related_catalog", "reads_for", "whole_reads", "RELATED_PER_COUNTRY", "WHOLE_KINDS",
           "COUNTRY_FIELDS", "NEED_FIELDS", "EVENT_FIELDS", "CONTEXT_FIELDS"]

#: Related practices read per country: the explanation lists five (``MAX_RELATED``). The practice
#: itself is among the best of its own country only, which is never a candidate (the exporter).
RELATED_PER_COUNTRY = 5
#: What a match reads of each country: the name its answer shows, UN membership (who is a
#: candidate; the ``territory`` flag), the sub-region and income group (evidence). The other
#: properties (ISO codes, official name, region, LDC/LLDC/SIDS) were 4,600 of the 7,300 values the
#: countries' read gave at L; ``tests/test_backend_match.py`` checks the match answers the same
#: without them.
COUNTRY_FIELDS = ("name", "un_member", "subregion", "income_group")
#: What a match reads of each need: the title and priority its answer shows, not its description
#: and sources (the bundled network's needs have them); the same test.
NEED_FIELDS = ("title", "priority")
#: What a match reads of each event: the date it began, the year of a need raised there (``as_of``).
EVENT_FIELDS = ("start_date",)
#: What a match reads of each context: the date its statements hold for (which statement is the
#: latest, whether it is stale). Its sources and notes explain a statement, not a match, and were
#: 4,600 of the 11,800 values the statements gave at L (median of 10 practices); the same test.
CONTEXT_FIELDS = ("as_of",)
#: Kinds read whole (small, and independent of the practice): of each, the properties and the
#: relations a match uses. A target's goal and a need's goals are ids (a goal covers its targets):
#: no goal node is read. Themes are left out (related practices compare theme ids), and so are a
#: need's themes and an event's country, participants and organizers: the same test. At L this
#: reads 7 statements and some 2,900 values fewer than every property and relation of the six kinds.
WHOLE_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "country": (COUNTRY_FIELDS, ()),
    "target": ((), ("goal",)),
    "need": (NEED_FIELDS, ("country", "targets", "goals", "event")),
    "event": (EVENT_FIELDS, ()),
}

Statement = tuple[str, dict[str, Any]]

_NO_PROPERTIES: Mapping = MappingProxyType({})  # shared by the many links without properties
_kind_and_id = itemgetter(0, 1)


def _relations(kind: str) -> tuple[str, ...]:
    return tuple(relation.name for relation in KINDS[kind].relations)


def _properties(props) -> dict[str, Any]:
    """A node's properties as read, without its id. A property read by name that the node lacks
    comes as null (a map projection): a database stores no nulls, so it is left out."""
    return {name: value for name, value in (props or {}).items() if value is not None and name != "id"}


class Subgraph:
    """Nodes and links read so far, in the shape :func:`catalog_from_reads` reads."""

    def __init__(self, kind_of):
        self.kind_of = kind_of  # labels -> psikg kind (the store's)
        self.nodes: dict[str, dict[str, dict]] = {kind: {} for kind in KINDS_READ}
        self._links: dict[tuple[str, str], dict[str, list[tuple[str, str, Mapping]]]] = defaultdict(dict)

    def links(self, kind: str, rel: str) -> dict[str, list[tuple[str, str, Mapping]]]:
        """Links of a relation grouped by source, each list sorted by (target kind, target id). A
        link read twice counts once, with the properties read last (a context's statement may be
        both its country's earliest and one about the practice's factors)."""
        grouped = self._links.get((kind, rel), {})
        for source, targets in grouped.items():
            if len(targets) > 1:  # most sources have one link: nothing to sort or merge
                grouped[source] = sorted({target[:2]: target for target in targets}.values(), key=_kind_and_id)
        return grouped

    def add_link(self, kind: str, rel: str, source: str, target_kind: str, target: str, props=None) -> None:
        self._links[(kind, rel)].setdefault(source, []).append(
            (target_kind, target, _NO_PROPERTIES if props is None else props))

    def add_nodes(self, kind: str, rows) -> None:
        """Rows of :func:`psikg.graph.cypher.read_nodes`: ``id, properties``."""
        for id_, props in rows:
            self.nodes[kind][id_] = _properties(props)

    def add_links(self, kind: str, rel: str, rows) -> None:
        """Rows of :func:`psikg.graph.cypher.read_links`, in the shape :func:`~psikg.graph.cypher.link_shape` says."""
        single_kind, with_props = cypher.link_shape(kind, rel)
        for row in rows:
            target_kind = single_kind or self.kind_of(row[1])
            if target_kind is not None:
                self.add_link(kind, rel, row[0], target_kind, row[1] if single_kind else row[2],
                              row[-1] if with_props else None)

    def add_rows(self, kind: str, rels: tuple[str, ...], rows) -> None:
        """Rows of :func:`psikg.graph.cypher.read_subgraph`: nodes with their links."""
        shapes = [cypher.link_shape(kind, rel) for rel in rels]
        self.add_nodes(kind, [row[:2] for row in rows])
        for id_, _, *links in rows:
            for rel, (single_kind, with_props), targets in zip(rels, shapes, links):
                for item in targets or ():
                    target_kind = single_kind or self.kind_of(item[0])
                    if target_kind is not None:
                        self.add_link(kind, rel, id_, target_kind, item[-2], item[-1] if with_props else None)

    def add_statements(self, rows) -> None:
        """Rows of :func:`psikg.graph.cypher.read_statements_about` (or of
        :func:`~psikg.graph.cypher.read_first_statements`): contexts and their statements."""
        for context, props, country, type_, factor in rows:
            self.nodes["context"][context] = _properties(props)
            if country is not None:
                self.add_link("context", "country", context, "country", country)
            rel = "present" if type_ == cypher.rel_type("context", "present") else "absent"
            self.add_link("context", rel, context, "factor", factor)

    def add_related(self, rows) -> None:
        """Rows of :func:`psikg.graph.cypher.read_related_practices`: each practice with its title,
        its country and the themes it shares (a practice has one country, so one row)."""
        for country, practice, title, shared in rows:
            self.nodes["practice"][practice] = {"title": title} if title is not None else {}
            self.add_link("practice", "country", practice, "country", country)
            for theme in shared:
                self.add_link("practice", "themes", practice, "theme", theme)


def reads_for(practice: str, dialect: cypher.Dialect) -> list[Statement]:
    """Every read of a match of ``practice`` but the related practices, sent together: the
    practice (also by its id trimmed and in lower case, as lookups accept it), its factors with the
    narrower and broader ones, the statements about them, one statement per country from its
    earliest context, the practice's transfers and their steps, and every kind read whole
    (:func:`whole_reads`)."""
    ids = sorted({practice, practice.strip().lower()})
    by_practice = {"practice": practice}
    return [
        (cypher.read_subgraph("practice", _relations("practice"), "ids"), {"ids": ids}),
        (cypher.read_practice_factors(), by_practice),
        (cypher.read_statements_about(CONTEXT_FIELDS), by_practice),
        (cypher.read_first_statements(dialect, CONTEXT_FIELDS), {}),
        (cypher.read_subgraph("transfer", _relations("transfer"), "transfers_of_practice"), by_practice),
        (cypher.read_subgraph("status_step", (), "steps_of_practice"), by_practice),
    ] + [(query, {}) for query, _, _ in whole_reads(dialect)]


def whole_reads(dialect: cypher.Dialect) -> list[tuple[str, Any, tuple]]:
    """``(query, method, arguments)`` for every kind read whole, where ``method(subgraph,
    *arguments, rows)`` adds the rows to a :class:`Subgraph`: one statement of the nodes with their
    links, or one for the nodes and one per relation, as the dialect prefers
    (:attr:`~psikg.graph.cypher.Dialect.whole_kind_with_links`)."""
    reads = []
    for kind, (fields, rels) in WHOLE_KINDS.items():
        if dialect.whole_kind_with_links:
            reads.append((cypher.read_subgraph(kind, rels, "all", fields), Subgraph.add_rows, (kind, rels)))
            continue
        reads.append((cypher.read_nodes(kind, fields), Subgraph.add_nodes, (kind,)))
        reads += [(cypher.read_links(kind, rel, from_sources=True), Subgraph.add_links, (kind, rel)) for rel in rels]
    return reads


def match_catalog(store, practice_id: str):
    """The catalog of the subgraph a match of ``practice_id`` reads (see the module) without the
    related practices (:func:`related_catalog` reads them for the countries shown), or None when
    the store has no such practice. ``store.read_many`` sends the reads together; a second time
    only when the practice's id is written differently (capitals, spaces)."""
    found = store.read_many(reads_for(practice_id, store.dialect))
    practices = [row for row in found[0] if row[0] == practice_id] or found[0][:1]
    if not practices:
        return None
    if practices[0][0] != practice_id:
        found = store.read_many(reads_for(practices[0][0], store.dialect))
    _, factors, statements, first_statements, transfers, steps, *whole = found
    subgraph = Subgraph(store._kind_of)
    subgraph.add_rows("practice", _relations("practice"), practices)
    for id_, props, broader in factors:
        subgraph.add_nodes("factor", [(id_, props)])
        if broader is not None:
            subgraph.add_link("factor", "broader", id_, "factor", broader)
    subgraph.add_statements(first_statements)
    subgraph.add_statements(statements)
    subgraph.add_rows("transfer", _relations("transfer"), transfers)
    subgraph.add_rows("status_step", (), steps)
    for (_, method, arguments), rows in zip(whole_reads(store.dialect), whole):
        method(subgraph, *arguments, rows)
    return catalog_from_reads(subgraph)


def related_catalog(store, practice_id: str, countries: list[str]):
    """A catalog of the related practices of ``countries`` to the practice ``practice_id`` (each
    with its title, country and the themes it shares), in one more round trip: what
    :func:`psikg.queries.match.with_related` reads the candidates' related practices from."""
    subgraph = Subgraph(store._kind_of)
    subgraph.add_related(store.read_many([(cypher.read_related_practices(), {
        "practice": practice_id, "countries": sorted(set(countries)), "limit": RELATED_PER_COUNTRY})])[0])
    return catalog_from_reads(subgraph)
