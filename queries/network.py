"""Network analytics: who exports, who imports, who brokers, which communities form.

* **Exporters / importers**: every party with a transfer out / in, ranked by successful ones
  (verdict success, :func:`queries.rules.verdict`: the count ``psikg factors`` uses too), then by
  all its transfers, then by id. Domestic transfers (exporter = importer) and opportunities
  (suggestions, not partnerships) are left out.
* **Brokers**: betweenness centrality (``networkx.betweenness_centrality``, exact, normalized,
  unweighted: the edge weight counts relations, it is not a distance) in the cooperation graph of
  :func:`queries.graphs.cooperation_graph` with facilitator organizations as nodes. Only parties
  with a betweenness above 0 are listed, highest first, then by id.
* **Communities**: Clauset-Newman-Moore greedy modularity maximisation
  (``networkx.community.greedy_modularity_communities``, weighted by the number of relations
  between two parties). It is deterministic for a given graph, and the graph is built in sorted
  order, so the same data always gives the same communities. Communities are numbered by size
  (largest first), then by their smallest member; the modularity of the partition is reported.

``n_successful`` is the n behind the rankings, ``n_nodes`` the n behind betweenness and
communities; each is flagged when below :data:`queries.sample.SMALL_N`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

import networkx as nx

from ..ontology.domain import Catalog
from .graphs import cooperation_graph, node_kind
from .rules import is_successful, is_suggestion
from .sample import is_small, small_note

__all__ = ["Ranked", "Broker", "Community", "NetworkAnalytics", "network_analytics"]


@dataclass(frozen=True)
class Ranked:
    """A party's transfers in one direction: ``successful`` ones, all ``transfers``, and the
    distinct ``practices`` and ``partners`` of its successful ones."""

    party: str
    kind: str
    name: str
    successful: int
    transfers: int
    practices: int
    partners: int

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Broker:
    party: str
    kind: str
    name: str
    betweenness: float
    degree: int

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Community:
    number: int
    members: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.members)

    def as_dict(self) -> dict:
        return {"number": self.number, "size": self.size, "members": list(self.members)}


@dataclass(frozen=True)
class NetworkAnalytics:
    n_transfers: int
    n_successful: int
    n_nodes: int
    n_edges: int
    exporters: tuple[Ranked, ...]
    importers: tuple[Ranked, ...]
    brokers: tuple[Broker, ...]
    communities: tuple[Community, ...]
    modularity: float | None
    small_sample: bool
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"n_transfers": self.n_transfers, "n_successful": self.n_successful, "n_nodes": self.n_nodes,
                "n_edges": self.n_edges, "small_sample": self.small_sample,
                "exporters": [r.as_dict() for r in self.exporters],
                "importers": [r.as_dict() for r in self.importers],
                "brokers": [b.as_dict() for b in self.brokers],
                "communities": [c.as_dict() for c in self.communities],
                "modularity": self.modularity, "notes": list(self.notes)}

    def rows(self) -> list[dict]:
        """One row per ranked party, broker and community, for tables and CSV."""
        rows = []
        for section, ranked in (("exporter", self.exporters), ("importer", self.importers)):
            rows += [{"section": section, "party": r.party, "name": r.name,
                      "value": r.successful, "detail": f"{r.transfers} transfers, {r.practices} practices, "
                                                      f"{r.partners} partners"} for r in ranked]
        rows += [{"section": "broker", "party": b.party, "name": b.name, "value": b.betweenness,
                  "detail": f"degree {b.degree}"} for b in self.brokers]
        rows += [{"section": "community", "party": str(c.number), "name": "", "value": c.size,
                  "detail": c.members} for c in self.communities]
        return rows


def _name(catalog: Catalog, party: str) -> str:
    for table in (catalog.countries, catalog.organizations, catalog.networks):
        if party in table:
            return table[party].name
    return party


def _ranking(catalog: Catalog, transfers, side: str, other: str) -> tuple[Ranked, ...]:
    all_by_party: dict[str, int] = defaultdict(int)
    successful: dict[str, list] = defaultdict(list)
    for transfer in transfers:
        party = getattr(transfer, side)
        all_by_party[party] += 1
        if is_successful(transfer):
            successful[party].append(transfer)
    ranked = []
    for party, count in all_by_party.items():
        found = successful.get(party, [])
        ranked.append(Ranked(party, node_kind(catalog, party), _name(catalog, party), len(found), count,
                             len({t.practice for t in found}), len({getattr(t, other) for t in found})))
    ranked.sort(key=lambda r: (-r.successful, -r.transfers, r.party))
    return tuple(ranked)


def network_analytics(catalog: Catalog) -> NetworkAnalytics:
    """Leading exporters and importers, brokers and communities (see the module's documentation)."""
    transfers = [t for t in sorted(catalog.transfers.values(), key=lambda t: t.id)
                 if t.exporter and t.importer and t.exporter != t.importer and not is_suggestion(t)]
    n_successful = sum(1 for t in transfers if is_successful(t))
    exporters = _ranking(catalog, transfers, "exporter", "importer")
    importers = _ranking(catalog, transfers, "importer", "exporter")

    graph = cooperation_graph(catalog, facilitators=True)
    brokers: tuple[Broker, ...] = ()
    communities: tuple[Community, ...] = ()
    modularity = None
    if graph.number_of_nodes():
        betweenness = nx.betweenness_centrality(graph, normalized=True, weight=None)
        brokers = tuple(sorted((Broker(node, graph.nodes[node]["kind"], _name(catalog, node), value,
                                       graph.degree(node))
                                for node, value in betweenness.items() if value > 0),
                               key=lambda b: (-b.betweenness, b.party)))
    if graph.number_of_edges():
        found = nx.community.greedy_modularity_communities(graph, weight="weight")
        modularity = nx.community.modularity(graph, found, weight="weight")
        ordered = sorted((tuple(sorted(members)) for members in found), key=lambda m: (-len(m), m[0]))
        communities = tuple(Community(number, members) for number, members in enumerate(ordered, 1))

    notes = []
    if is_small(n_successful):
        notes.append(small_note("successful transfers behind the exporter and importer rankings", n_successful))
    if is_small(graph.number_of_nodes()):
        notes.append(small_note("parties in the cooperation graph behind brokers and communities",
                                graph.number_of_nodes()))
    return NetworkAnalytics(len(transfers), n_successful, graph.number_of_nodes(), graph.number_of_edges(),
                            exporters, importers, brokers, communities, modularity,
                            is_small(n_successful) or is_small(graph.number_of_nodes()), tuple(notes))
