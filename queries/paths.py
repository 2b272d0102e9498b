"""Transfer paths: through which countries and partnerships a practice could travel from A to B.

The k shortest simple paths from one country to another in the transfer network
(:func:`queries.graphs.transfer_graph`: exporter -> importer for every transfer agreed,
implementing, adopted or scaled, or with outcome success or partial). When there is none, the
answer falls back to the undirected cooperation graph (countries linked by any transfer, a shared
network or a shared event) and says so.

Order: fewest hops first; paths with as many hops are ordered by their sequence of node ids,
compared element by element (plain string order: ISO3 codes before lower-case organization ids).
networkx's ``shortest_simple_paths`` yields paths by length but leaves ties in an order that
depends on the graph's internals, so every path as short as the k-th is collected and sorted.

Every hop lists every relation that links its two parties (:func:`queries.graphs.links_between`):
the transfers between them (those running in the hop's direction first), then the networks and
events both belong to.

Every hop also says which practice(s) it carried: ``practices`` = the practices of the transfers
running in the hop's direction (empty for a hop over a network or event only). A path is a chain
of one practice only when consecutive hops share a practice: a hop that shares none with the hop
before it is flagged ``practice_change`` (True), and the path's ``practices_change`` says whether
any hop is; a note names such paths, since a chain of different practices shows where countries
cooperate, not how one practice travelled.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from ..errors import QueryError
from ..ontology.domain import Catalog
from ..ontology.model import TRANSFER_ENGAGED_STATUSES
from .graphs import COUNTING_OUTCOMES, Link, cooperation_graph, links_between, transfer_graph
from .lookup import country_of

__all__ = ["Hop", "TransferPath", "Paths", "paths", "k_shortest_simple_paths"]


@dataclass(frozen=True)
class Hop:
    """One step of a path and every relation linking its two ends."""

    source: str
    target: str
    via: tuple[Link, ...]
    practices: tuple[str, ...] = ()
    practice_change: bool = False

    def as_dict(self) -> dict:
        return {"from": self.source, "to": self.target, "practices": list(self.practices),
                "practice_change": self.practice_change, "via": [link.as_dict() for link in self.via]}


@dataclass(frozen=True)
class TransferPath:
    """A path: ``kind`` is ``transfer`` (directed, over transfers that count) or ``cooperation``.

    ``countries`` is the sequence of nodes: ISO3 codes, or organization ids where an
    organization exported a practice.
    """

    kind: str
    countries: tuple[str, ...]
    hops: tuple[Hop, ...]

    @property
    def practices_change(self) -> bool:
        """True when some hop carried none of the practices of the hop before it."""
        return any(hop.practice_change for hop in self.hops)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "countries": list(self.countries), "practices_change": self.practices_change,
                "hops": [hop.as_dict() for hop in self.hops]}


@dataclass(frozen=True)
class Paths:
    """The answer: up to ``k`` paths, all of one kind; ``fallback`` is True when no transfer
    path exists and the paths are cooperation paths."""

    source: str
    target: str
    k: int
    paths: tuple[TransferPath, ...]
    fallback: bool
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"from": self.source, "to": self.target, "k": self.k, "fallback": self.fallback,
                "paths": [path.as_dict() for path in self.paths], "notes": list(self.notes)}

    def rows(self) -> list[dict]:
        """One row per hop, for tables and CSV."""
        return [{"path": number, "kind": path.kind, "hop": step, "from": hop.source, "to": hop.target,
                 "practices": list(hop.practices), "practice_change": hop.practice_change,
                 "via": [link.describe() for link in hop.via]}
                for number, path in enumerate(self.paths, 1)
                for step, hop in enumerate(path.hops, 1)]


def k_shortest_simple_paths(graph: nx.Graph, source: str, target: str, k: int) -> list[tuple[str, ...]]:
    """The ``k`` shortest simple paths by hop count, ties ordered by node sequence.

    Every path as short as the k-th one is enumerated before sorting, so the choice among ties
    never depends on networkx's internal order.

    >>> g = nx.DiGraph([("A", "C"), ("C", "D"), ("A", "B"), ("B", "D"), ("A", "D")])
    >>> k_shortest_simple_paths(g, "A", "D", 2)
    [('A', 'D'), ('A', 'B', 'D')]
    """
    if k < 1:
        raise QueryError(f"k must be at least 1, not {k}")
    if source not in graph or target not in graph or source == target:
        return []
    found: list[tuple[str, ...]] = []
    try:
        for path in nx.shortest_simple_paths(graph, source, target):
            if len(found) >= k and len(path) > len(found[k - 1]):
                break
            found.append(tuple(path))
    except nx.NetworkXNoPath:
        return []
    return sorted(found, key=lambda path: (len(path), path))[:k]


def _resolve(catalog: Catalog, text: str, graphs: tuple[nx.Graph, ...]) -> str:
    """A country id (ISO3, any case, or an exact name) or an organization exporter's id."""
    if text in catalog.countries or any(text in graph for graph in graphs):
        return text
    return country_of(catalog, text).id


def _carries(link: Link, source: str, kind: str) -> bool:
    """A transfer from ``source`` that carried its practice over the hop: on a transfer path one that
    counts in the transfer network, on a cooperation path any but an opportunity."""
    if link.relation != "transfer" or link.exporter != source or not link.practice or link.status == "opportunity":
        return False
    return kind != "transfer" or link.status in TRANSFER_ENGAGED_STATUSES or link.outcome in COUNTING_OUTCOMES


def _build(catalog: Catalog, kind: str, sequence: tuple[str, ...]) -> TransferPath:
    hops: list[Hop] = []
    for a, b in zip(sequence, sequence[1:]):
        via = links_between(catalog, a, b)
        carried = tuple(sorted({link.practice for link in via if _carries(link, a, kind)}))
        change = bool(hops) and not set(carried) & set(hops[-1].practices)
        hops.append(Hop(a, b, via, carried, change))
    return TransferPath(kind, sequence, tuple(hops))


def _change_notes(found: tuple[TransferPath, ...]) -> tuple[str, ...]:
    changed = [str(number) for number, path in enumerate(found, 1) if path.practices_change]
    if not changed:
        return ()
    return (f"path(s) {', '.join(changed)} chain different practices (hops flagged practice_change): they show "
            "where countries cooperate, not how one practice travelled",)


def paths(catalog: Catalog, from_country: str, to_country: str, k: int = 3) -> Paths:
    """The ``k`` shortest transfer paths from one country to another, or cooperation paths.

    Parameters
    ----------
    catalog : the graph's read model.
    from_country, to_country : ISO3 codes (any case), exact country names, or the id of an
        organization that exported a practice.
    k : how many paths at most (ties at the k-th length are broken by node sequence).

    Raises UnknownIdError for a country it does not know.
    """
    if k < 1:
        raise QueryError(f"k must be at least 1, not {k}")
    transfers = transfer_graph(catalog)
    cooperation = cooperation_graph(catalog)
    source = _resolve(catalog, from_country, (transfers, cooperation))
    target = _resolve(catalog, to_country, (transfers, cooperation))
    if source == target:
        return Paths(source, target, k, (), False, (f"{source} is both ends: there is no path to find",))

    found = k_shortest_simple_paths(transfers, source, target, k)
    if found:
        notes = () if len(found) == k else (
            f"only {len(found)} transfer path(s) from {source} to {target}",)
        built = tuple(_build(catalog, "transfer", p) for p in found)
        return Paths(source, target, k, built, False, notes + _change_notes(built))

    found = k_shortest_simple_paths(cooperation, source, target, k)
    if found:
        note = (f"no transfer path from {source} to {target} (transfers agreed, implementing, adopted "
                "or scaled, or with outcome success or partial); these are paths in the cooperation "
                "graph: any transfer, a shared network or a shared event")
        built = tuple(_build(catalog, "cooperation", p) for p in found)
        return Paths(source, target, k, built, True, (note,) + _change_notes(built))
    return Paths(source, target, k, (), True,
                 (f"{source} and {target} are not linked, not even in the cooperation graph",))
