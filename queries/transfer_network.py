"""The transfer network as data: one row per transfer, and the network as a graph for Gephi or R.

**Edge list**: every transfer (opportunities too, marked by ``verdict`` open and ``status``
opportunity, so a reader can drop them), with its practice, exporter and importer, status, outcome,
the one verdict (:func:`queries.rules.verdict`), the degree of transfer (copy, adaptation or
inspiration, where a source grades it), its start year and the year of its latest dated status
step, its facilitators and event, and whether exporter and importer share an M49 region,
sub-region or income group (empty when either is unknown).

**Graph** (:func:`network_graph`): a directed multigraph, one node per party (country or
organization, with name, kind, region, sub-region and income group) and one edge per transfer
(key: the transfer id) with the edge list's fields. Missing values are left out of an edge's
attributes rather than written as empty text, so typed attributes stay typed in GraphML and GEXF.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..ontology.domain import Catalog, Transfer
from ..ontology.lifecycle import as_of_order
from . import rules
from .graphs import node_kind

__all__ = ["EdgeRow", "EDGE_COLUMNS", "edge_list", "network_graph"]

EDGE_COLUMNS = ("transfer", "practice", "exporter", "exporter_kind", "importer", "status", "outcome", "verdict",
                "degree", "start_year", "status_year", "facilitators", "event", "same_region", "same_subregion",
                "same_income_group", "basis")


@dataclass(frozen=True)
class EdgeRow:
    """One transfer as a row of the edge list (see the module's documentation)."""

    transfer: str
    practice: str
    exporter: str
    exporter_kind: str
    importer: str
    status: str
    outcome: str
    verdict: str
    degree: str | None
    start_year: int | None
    status_year: int | None
    facilitators: tuple[str, ...]
    event: str | None
    same_region: bool | None
    same_subregion: bool | None
    same_income_group: bool | None
    basis: str | None

    def as_dict(self) -> dict:
        data = {name: getattr(self, name) for name in EDGE_COLUMNS}
        data["facilitators"] = ";".join(self.facilitators)
        return data


def _same(catalog: Catalog, a: str, b: str, attribute: str) -> bool | None:
    first, second = catalog.countries.get(a), catalog.countries.get(b)
    if first is None or second is None:
        return None
    left, right = getattr(first, attribute), getattr(second, attribute)
    return None if left is None or right is None else left == right


def _status_year(transfer: Transfer) -> int | None:
    dated = [as_of_order(step.date)[1] for step in transfer.steps if step.date]
    return max(dated) if dated else None


def edge_list(catalog: Catalog) -> tuple[EdgeRow, ...]:
    """Every transfer as an :class:`EdgeRow`, by transfer id."""
    rows = []
    for t in sorted(catalog.transfers.values(), key=lambda t: t.id):
        rows.append(EdgeRow(
            t.id, t.practice, t.exporter, t.exporter_kind, t.importer, t.status, t.outcome, rules.verdict(t),
            t.degree, t.start_year, _status_year(t), tuple(sorted(t.facilitators)), t.event,
            _same(catalog, t.exporter, t.importer, "region"), _same(catalog, t.exporter, t.importer, "subregion"),
            _same(catalog, t.exporter, t.importer, "income_group"), t.basis))
    return tuple(rows)


def _node_attributes(catalog: Catalog, party: str) -> dict:
    data = {"kind": node_kind(catalog, party)}
    country = catalog.countries.get(party)
    organization = catalog.organizations.get(party)
    data["name"] = country.name if country else organization.name if organization else party
    if country:
        for attribute in ("region", "subregion", "income_group"):
            if getattr(country, attribute) is not None:
                data[attribute] = getattr(country, attribute)
    return data


def network_graph(catalog: Catalog) -> nx.MultiDiGraph:
    """The transfer network: parties as nodes, one edge per transfer (key: its id)."""
    rows = edge_list(catalog)
    graph = nx.MultiDiGraph(name="psikg transfer network")
    for party in sorted({row.exporter for row in rows} | {row.importer for row in rows} - {None}):
        graph.add_node(party, **_node_attributes(catalog, party))
    for row in rows:
        attributes = {key: value for key, value in row.as_dict().items()
                      if key not in ("transfer", "exporter", "importer") and value not in (None, "")}
        graph.add_edge(row.exporter, row.importer, key=row.transfer, **attributes)
    return graph
