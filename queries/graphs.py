"""The two networks the path and network analytics read, built from a catalog.

* The **transfer network** is directed: an edge exporter -> importer for every transfer that
  *counts* (:func:`counts_as_transfer`: status agreed, implementing, adopted or scaled, or outcome
  success or partial). Exporters that are organizations are nodes too.
* The **cooperation graph** is undirected: two parties are linked by any transfer between them
  (any status), by membership of the same network, or by taking part in the same event. With
  ``facilitators=True`` each facilitator organization of a transfer is a node too, linked to the
  transfer's exporter and importer. Edge ``weight`` = number of relations linking the pair.

A domestic transfer (exporter = importer) links nothing. Nodes and edges are inserted in sorted
order so that every algorithm run on these graphs is deterministic.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

import networkx as nx

from ..ontology.domain import Catalog, Transfer
from ..ontology.model import TRANSFER_ENGAGED_STATUSES

__all__ = [
    "COUNTING_OUTCOMES",
    "Link",
    "counts_as_transfer",
    "links_between",
    "node_kind",
    "transfer_graph",
    "cooperation_graph",
]

# Outcomes that make a transfer count in the transfer network whatever its status.
COUNTING_OUTCOMES = ("success", "partial")

_RELATION_ORDER = {"transfer": 0, "network": 1, "event": 2}


@dataclass(frozen=True)
class Link:
    """One relation between two parties: a transfer, a shared network or a shared event.

    ``id`` and ``label`` name the transfer, network or event; the transfer fields are set for
    transfers only (``practice`` is the practice id, ``label`` its title).
    """

    relation: str  # "transfer" | "network" | "event"
    id: str
    label: str
    practice: str | None = None
    exporter: str | None = None
    importer: str | None = None
    status: str | None = None
    outcome: str | None = None
    year: int | None = None

    def as_dict(self) -> dict:
        data = {"relation": self.relation, "id": self.id, "label": self.label}
        if self.relation == "transfer":
            data.update(practice=self.practice, exporter=self.exporter, importer=self.importer,
                        status=self.status, outcome=self.outcome, year=self.year)
        return data

    def describe(self) -> str:
        """One line for tables: ``practice (exporter->importer, status, outcome)``, ``network id (name)``."""
        if self.relation == "transfer":
            outcome = "" if self.outcome in (None, "unknown") else f", {self.outcome}"
            return f"{self.practice} ({self.exporter}->{self.importer}, {self.status}{outcome})"
        return f"{self.relation} {self.id} ({self.label})"


def counts_as_transfer(transfer: Transfer) -> bool:
    """True when the transfer is an edge of the transfer network."""
    return transfer.status in TRANSFER_ENGAGED_STATUSES or transfer.outcome in COUNTING_OUTCOMES


def node_kind(catalog: Catalog, node: str) -> str:
    """``country`` or ``organization`` (what a node of these graphs is)."""
    if node in catalog.countries:
        return "country"
    if node in catalog.organizations or node in catalog.networks:
        return "organization"
    organization_exporters = catalog.__dict__.get("_organization_exporters")
    if organization_exporters is None:
        organization_exporters = frozenset(t.exporter for t in catalog.transfers.values()
                                           if t.exporter_kind == "organization")
        catalog.__dict__["_organization_exporters"] = organization_exporters
    return "organization" if node in organization_exporters else "country"


def _transfer_link(catalog: Catalog, transfer: Transfer) -> Link:
    practice = catalog.practices.get(transfer.practice)
    return Link("transfer", transfer.id, practice.title if practice else str(transfer.practice),
                transfer.practice, transfer.exporter, transfer.importer, transfer.status,
                transfer.outcome, transfer.start_year)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _cooperation_links(catalog: Catalog) -> dict[tuple[str, str], tuple[Link, ...]]:
    """Every relation between every linked pair (sorted pair -> links), computed once per catalog."""
    cached = catalog.__dict__.get("_cooperation_links")
    if cached is not None:
        return cached
    grouped: dict[tuple[str, str], list[Link]] = defaultdict(list)
    for transfer in sorted(catalog.transfers.values(), key=lambda t: t.id):
        if transfer.exporter and transfer.importer and transfer.exporter != transfer.importer:
            grouped[_pair(transfer.exporter, transfer.importer)].append(_transfer_link(catalog, transfer))
    for network in sorted(catalog.networks.values(), key=lambda n: n.id):
        for a, b in combinations(sorted(set(network.members)), 2):
            grouped[(a, b)].append(Link("network", network.id, network.name))
    for event in sorted(catalog.events.values(), key=lambda e: e.id):
        for a, b in combinations(sorted(set(event.participants)), 2):
            grouped[(a, b)].append(Link("event", event.id, event.name))
    cached = {pair: tuple(links) for pair, links in sorted(grouped.items())}
    catalog.__dict__["_cooperation_links"] = cached
    return cached


def links_between(catalog: Catalog, source: str, target: str) -> tuple[Link, ...]:
    """Every relation linking two parties: transfers (``source`` -> ``target`` first), then shared
    networks, then shared events, each group by id."""
    links = _cooperation_links(catalog).get(_pair(source, target), ())
    return tuple(sorted(links, key=lambda link: (
        _RELATION_ORDER[link.relation],
        0 if link.relation != "transfer" or link.exporter == source else 1,
        link.id)))


def _per_catalog(name: str, build):
    """Build a graph once per catalog (catalogs never change); callers must not modify it."""

    def cached(catalog: Catalog, **options):
        key = (name, tuple(sorted(options.items())))
        store = catalog.__dict__.setdefault("_graphs", {})
        if key not in store:
            store[key] = build(catalog, **options)
        return store[key]

    cached.__doc__, cached.__name__ = build.__doc__, build.__name__
    return cached


def _transfer_graph(catalog: Catalog) -> nx.DiGraph:
    """The directed transfer network; edge attribute ``transfers`` lists the transfer ids.
    Built once per catalog: read it, do not modify it."""
    graph = nx.DiGraph()
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for transfer in sorted(catalog.transfers.values(), key=lambda t: t.id):
        if (counts_as_transfer(transfer) and transfer.exporter and transfer.importer
                and transfer.exporter != transfer.importer):
            edges[(transfer.exporter, transfer.importer)].append(transfer.id)
    for node in sorted({n for edge in edges for n in edge}):
        graph.add_node(node, kind=node_kind(catalog, node))
    for (exporter, importer), transfers in sorted(edges.items()):
        graph.add_edge(exporter, importer, transfers=tuple(transfers))
    return graph


def _cooperation_graph(catalog: Catalog, *, facilitators: bool = False) -> nx.Graph:
    """The undirected cooperation graph; ``weight`` = relations linking the pair. Built once per
    catalog: read it, do not modify it.

    With ``facilitators`` each facilitator organization is a node, linked to the exporter and the
    importer of every transfer it facilitated (one relation per transfer).
    """
    weights: dict[tuple[str, str], int] = {pair: len(links)
                                           for pair, links in _cooperation_links(catalog).items()}
    if facilitators:
        for transfer in sorted(catalog.transfers.values(), key=lambda t: t.id):
            for facilitator in sorted(set(transfer.facilitators)):
                for party in sorted({transfer.exporter, transfer.importer} - {None, facilitator}):
                    pair = _pair(facilitator, party)
                    weights[pair] = weights.get(pair, 0) + 1
    graph = nx.Graph()
    for node in sorted({n for pair in weights for n in pair}):
        graph.add_node(node, kind=node_kind(catalog, node))
    for (a, b), weight in sorted(weights.items()):
        graph.add_edge(a, b, weight=weight)
    return graph


transfer_graph = _per_catalog("transfer", _transfer_graph)
cooperation_graph = _per_catalog("cooperation", _cooperation_graph)
