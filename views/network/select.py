"""What to draw: the network, transfer-map and focus views as pure functions of a catalog."""

from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from dataclasses import replace
from typing import Iterable, Sequence

from ...errors import PsikgError, UnknownIdError
from ...ontology.domain import Catalog
from ...queries.lookup import nearest, sdg_key
from .filters import apply_filters
from .layout import grouped_by_region
from .model import ALL_KINDS, DEFAULT_KINDS, REFERENCE_KINDS, VizEdge, VizGraph, VizNode
from .nodes import NodeMaker, goal_of_target, theme_closure
from .style import KIND_STYLES, REGION_COLOURS, STATUS_ORDER

__all__ = ["network_view", "transfer_view", "focus_view", "check_kinds", "sized_by_degree",
           "transfers_by_pair_and_status", "transfer_parties"]

def drop_unlinked(nodes: dict[str, VizNode], edges: list[VizEdge],
                   kinds=REFERENCE_KINDS) -> tuple[dict[str, VizNode], int]:
    """The nodes without reference nodes that nothing links to, and how many were dropped."""
    linked = {e.source for e in edges} | {e.target for e in edges}
    kept = {k: n for k, n in nodes.items() if n.kind not in kinds or k in linked}
    return kept, len(nodes) - len(kept)


def sized_by_degree(nodes: dict[str, VizNode], edges: Sequence[VizEdge]) -> dict[str, VizNode]:
    """Nodes that have no measure of their own are sized by their links in the view."""
    degree: Counter = Counter()
    for edge in edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    sized = {}
    for key, node in nodes.items():
        if node.measure:
            sized[key] = node
        else:
            links = degree.get(key, 0)
            sized[key] = replace(node, value=1.0 + links, measure=f"{links} link{'s' * (links != 1)} in this view")
    return sized


def check_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    """The node kinds asked for (default :data:`DEFAULT_KINDS`); an unknown kind is refused with a
    suggestion."""
    if kinds is None:
        return DEFAULT_KINDS
    chosen = tuple(dict.fromkeys(k.strip().lower() for k in kinds if k and k.strip()))
    for kind in chosen:
        if kind not in ALL_KINDS:
            raise UnknownIdError("kind", kind, nearest(kind, ALL_KINDS) or ALL_KINDS)
    return chosen


class _WholeNetwork:
    """Every node of the chosen kinds and every link between them, built part by part: the
    practices, transfers, needs, organizations, networks, events and the concept hierarchies."""

    def __init__(self, catalog: Catalog, kinds: tuple[str, ...]):
        self.catalog, self.wanted = catalog, set(kinds)
        self.make = NodeMaker(catalog)
        self.nodes: dict[str, VizNode] = {}
        self.edges: list[VizEdge] = []
        self.tables = {"country": catalog.countries, "factor": catalog.factors, "theme": catalog.themes,
                       "goal": catalog.goals, "target": catalog.targets, "practice": catalog.practices,
                       "need": catalog.needs, "organization": catalog.organizations,
                       "network": catalog.networks, "event": catalog.events}

    def add(self, kind: str, id_: str | None) -> str | None:
        """The key of the node, added on first use; None for a kind left out or a dangling reference."""
        if not id_ or kind not in self.wanted:
            return None
        key = f"{kind}/{id_}"
        if key not in self.nodes:
            if id_ not in self.tables[kind]:  # a dangling reference draws nothing
                return None
            self.nodes[key] = self.make.of(kind, id_)
        return key

    def link(self, source, target, relation, title="", **kw):
        if source and target and source != target:
            self.edges.append(VizEdge(source, target, relation, title, **kw))

    def sdg_links(self, source: str | None, targets: Iterable[str], goals: Iterable[str] = ()):
        """Links to targets, or to their goals when targets are not shown."""
        if source is None:
            return
        by_goal: dict[str, list[str]] = defaultdict(list)
        for target in sorted(set(targets), key=sdg_key):
            if "target" in self.wanted:
                self.link(source, self.add("target", target), "addresses", f"addresses target {target}")
            else:
                by_goal[goal_of_target(self.catalog, target)].append(target)
        for goal in goals:
            by_goal.setdefault(goal, [])
        for goal, under in sorted(by_goal.items(), key=lambda item: sdg_key(item[0])):
            what = f"targets {', '.join(under)}" if under else f"goal {goal}"
            self.link(source, self.add("goal", goal), "addresses", f"addresses SDG {what}")

    def practices(self) -> None:
        for practice in sorted(self.catalog.practices.values(), key=lambda p: p.id):
            key = self.add("practice", practice.id)
            if key is None:
                continue
            self.link(key, self.add("country", practice.country), "originates in")
            self.link(key, self.add("organization", practice.organization), "developed by")
            roles: dict[str, str] = {}
            for pf in practice.factors:
                if roles.get(pf.factor) != "critical":
                    roles[pf.factor] = pf.role
            for factor, role in sorted(roles.items()):
                relation = f"{'critical' if role == 'critical' else 'supporting'} factor"
                self.link(key, self.add("factor", factor), relation)
            for theme in sorted(set(practice.themes)):
                self.link(key, self.add("theme", theme), "theme")
            self.sdg_links(key, practice.targets)

    def transfers(self) -> None:
        """From the practice to the importer; without practices, from the exporter to the importer."""
        for transfer in sorted(self.catalog.transfers.values(), key=lambda t: t.id):
            if "practice" in self.wanted:
                practice = f"practice/{transfer.practice}"
                source = practice if practice in self.nodes else None
            else:
                exporter_kind = "country" if transfer.exporter_kind == "country" else "organization"
                source = self.add(exporter_kind, transfer.exporter)
            if source and transfer.importer:
                year = f", {transfer.start_year}" if transfer.start_year else ""
                outcome = f", outcome {transfer.outcome}" if transfer.outcome not in (None, "unknown") else ""
                self.link(source, self.add("country", transfer.importer), "transfer",
                          f"transfer {transfer.id}: {transfer.exporter} \u2192 {transfer.importer}, "
                          f"{transfer.status}{outcome}{year}", status=transfer.status)

    def needs(self) -> None:
        for need in sorted(self.catalog.needs.values(), key=lambda n: n.id):
            key = self.add("need", need.id)
            if key is None:
                continue
            self.link(key, self.add("country", need.country), "need of")
            for theme in sorted(set(need.themes)):
                self.link(key, self.add("theme", theme), "theme")
            self.sdg_links(key, need.targets, sorted(set(need.goals), key=sdg_key))
            self.link(key, self.add("event", need.event), "expressed at")

    def organizations_and_networks(self) -> None:
        catalog = self.catalog
        if "organization" in self.wanted:
            for org in sorted(catalog.organizations.values(), key=lambda o: o.id):
                self.link(self.add("organization", org.id), self.add("country", org.country), "based in")
        for network in sorted(catalog.networks.values(), key=lambda n: n.id):
            key = self.add("network", network.id)
            if key is None:
                continue
            for member in sorted(set(network.members)):
                member_kind = "country" if member in catalog.countries else "organization"
                self.link(key, self.add(member_kind, member), "member")

    def events(self) -> None:
        for event in sorted(self.catalog.events.values(), key=lambda e: e.id):
            key = self.add("event", event.id)
            if key is None:
                continue
            for country in sorted(set(event.participants)):
                self.link(key, self.add("country", country), "participant")
            if event.country and event.country not in event.participants:
                self.link(key, self.add("country", event.country), "held in")
            for organizer in sorted(set(event.organizers)):
                kind = "network" if organizer in self.catalog.networks else "organization"
                self.link(key, self.add(kind, organizer), "organized by")

    def hierarchies(self) -> None:
        """Broader factors and themes, and the goal of each target, among the nodes already drawn."""
        for kind in ("factor", "theme"):
            if kind in self.wanted:
                for concept in sorted(self.tables[kind].values(), key=lambda c: c.id):
                    if f"{kind}/{concept.id}" in self.nodes and concept.broader:
                        self.link(f"{kind}/{concept.id}", self.add(kind, concept.broader), "broader")
        if "target" in self.wanted and "goal" in self.wanted:
            for key in sorted(k for k in self.nodes if k.startswith("target/")):
                target = key.split("/", 1)[1]
                self.link(key, self.add("goal", goal_of_target(self.catalog, target)), "goal")


def _whole_network(catalog: Catalog, kinds: tuple[str, ...]) -> tuple[dict[str, VizNode], list[VizEdge], int]:
    """Every node of the chosen kinds and every link between them (unlinked reference nodes out)."""
    whole = _WholeNetwork(catalog, kinds)
    whole.practices()
    whole.transfers()
    whole.needs()
    whole.organizations_and_networks()
    whole.events()
    whole.hierarchies()
    # A node that was looked at but belongs to a kind left out was never added; links to it are gone.
    edges = [e for e in whole.edges if e.source in whole.nodes and e.target in whole.nodes]
    nodes, _ = drop_unlinked(whole.nodes, edges)
    dropped = sum(1 for kind in REFERENCE_KINDS & whole.wanted for id_ in whole.tables[kind]
                  if f"{kind}/{id_}" not in nodes)
    return nodes, edges, dropped


def network_view(catalog: Catalog, *, kinds: Iterable[str] | None = None, goal: str | None = None,
                 region: str | None = None, theme: str | None = None) -> VizGraph:
    """The whole network (or the chosen ``kinds``), optionally filtered.

    Parameters
    ----------
    catalog : the graph's read model.
    kinds : node kinds to show (default :data:`DEFAULT_KINDS`); without ``target``, practices and
        needs link to the goals of their targets.
    goal, region, theme : keep what matches (see the module's filter rule).
    """
    chosen = check_kinds(kinds)
    nodes, edges, dropped = _whole_network(catalog, chosen)
    notes = []
    if dropped:
        notes.append(f"{dropped} reference node(s) (countries, SDGs, factors, themes) that nothing here "
                     "links to are left out.")
    graph = VizGraph("network", "psikg network",
                     f"{len(catalog.practices)} practices, {len(catalog.transfers)} transfers, "
                     f"{len(catalog.needs)} needs", tuple(sized_by_degree(nodes, edges).values()),
                     tuple(edges), tuple(notes))
    return apply_filters(catalog, graph, goal=goal, region=region, theme=theme)


def transfer_view(catalog: Catalog, *, goal: str | None = None, region: str | None = None,
                  theme: str | None = None) -> VizGraph:
    """The country-level transfer map: one directed link per exporter, importer and status.

    A link's width grows with its transfers; its tooltip lists them. Countries are coloured by M49
    region and sized by their transfers. Domestic transfers (exporter = importer) are counted in a
    note, not drawn.
    """
    grouped, domestic = transfers_by_pair_and_status(catalog)
    nodes = transfer_parties(catalog, grouped)
    keys = {party: key for key in nodes for party in [key.split("/", 1)[1]]}
    edges = []
    pair_count: Counter = Counter()
    for (exporter, importer, status), transfers in sorted(
            grouped.items(), key=lambda item: (item[0][0], item[0][1], STATUS_ORDER.index(item[0][2])
                                               if item[0][2] in STATUS_ORDER else 99)):
        rank = pair_count[(exporter, importer)]
        pair_count[(exporter, importer)] += 1
        edges.append(_transfer_link(catalog, keys, exporter, importer, status, transfers, rank))
    notes = ["Countries are coloured by M49 region and sized by their transfers; a link joins an exporter "
             "to an importer for each status, wider with more transfers."]
    if domestic:
        notes.append(f"{domestic} domestic transfer(s) (exporter = importer) are not drawn.")
    n_transfers = sum(len(v) for v in grouped.values())
    graph = VizGraph("transfers", "psikg transfer map",
                     f"{n_transfers} transfers between {len(nodes)} countries and organizations",
                     grouped_by_region(nodes), tuple(edges), tuple(notes), colour_by="region",
                     positions="seed")
    return apply_filters(catalog, graph, goal=goal, region=region, theme=theme)


def transfers_by_pair_and_status(catalog: Catalog) -> tuple[dict[tuple[str, str, str], list], int]:
    """Transfers grouped by (exporter, importer, status), and how many were domestic (left out)."""
    grouped: dict[tuple[str, str, str], list] = defaultdict(list)
    domestic = 0
    for transfer in sorted(catalog.transfers.values(), key=lambda t: t.id):
        if not transfer.exporter or not transfer.importer:
            continue
        if transfer.exporter == transfer.importer:
            domestic += 1
            continue
        grouped[(transfer.exporter, transfer.importer, transfer.status)].append(transfer)
    return grouped, domestic


def transfer_parties(catalog: Catalog, grouped: dict) -> dict[str, VizNode]:
    """The exporters and importers: countries coloured by region, organizations sized by transfers."""
    make = NodeMaker(catalog)
    nodes: dict[str, VizNode] = {}
    for exporter, importer, _ in grouped:
        for party in (exporter, importer):
            kind = "country" if party in catalog.countries else "organization"
            key = f"{kind}/{party}"
            if key not in nodes:
                node = make.of(kind, party)
                if kind == "country":
                    c = catalog.countries[party]
                    node = replace(node, colour=REGION_COLOURS.get(c.region or "", REGION_COLOURS[""]))
                else:
                    node = replace(node, value=1.0 + make.transfers_out.get(party, 0),
                                   measure=f"{make.transfers_out.get(party, 0)} transfers")
                nodes[key] = node
    return nodes


def _transfer_link(catalog: Catalog, keys: dict[str, str], exporter: str, importer: str, status: str,
                   transfers: list, rank: int) -> VizEdge:
    """One link of the map: its tooltip lists the transfers; it carries their practices' goals and themes."""
    lines = []
    goals: set[str] = set()
    themes: set[str] = set()
    for t in transfers:
        practice = catalog.practices.get(t.practice)
        year = f", {t.start_year}" if t.start_year else ""
        outcome = f", outcome {t.outcome}" if t.outcome not in (None, "unknown") else ""
        lines.append(f"\u2022 {practice.title if practice else t.practice}{year}{outcome}")
        if practice:
            goals.update(goal_of_target(catalog, target) for target in practice.targets)
            themes.update(theme_closure(catalog, practice.themes))
    name = {p: (catalog.countries[p].name if p in catalog.countries else
                catalog.organizations[p].name if p in catalog.organizations else p)
            for p in (exporter, importer)}
    title = (f"{name[exporter]} \u2192 {name[importer]}: {len(transfers)} {status} "
             f"transfer{'s' * (len(transfers) != 1)}\n" + "\n".join(lines))
    return VizEdge(keys[exporter], keys[importer], "transfer", title, status=status,
                   width=1.0 + 1.5 * math.log2(len(transfers)) if len(transfers) > 1 else 1.5,
                   goals=tuple(sorted(goals, key=sdg_key)), themes=tuple(sorted(themes)),
                   roundness=0.15 * rank)


_RESOLUTION_ORDER = ("country", "practice", "need", "factor", "theme", "organization", "network", "event",
                     "goal", "target")


def _resolve(catalog: Catalog, text: str) -> tuple[str, str]:
    """``kind/id`` exactly, else the first kind that has the id (any case)."""
    tables = {"country": catalog.countries, "practice": catalog.practices, "need": catalog.needs,
              "factor": catalog.factors, "theme": catalog.themes, "organization": catalog.organizations,
              "network": catalog.networks, "event": catalog.events, "goal": catalog.goals,
              "target": catalog.targets}
    text = text.strip()
    if "/" in text and text.split("/", 1)[0] in tables:
        kind, id_ = text.split("/", 1)
        for candidate in (id_, id_.upper(), id_.lower()):
            if candidate in tables[kind]:
                return kind, candidate
        raise UnknownIdError(kind, id_, nearest(id_, tables[kind]))
    for kind in _RESOLUTION_ORDER:
        for candidate in (text, text.upper(), text.lower()):
            if candidate in tables[kind]:
                return kind, candidate
    if text in catalog.transfers:
        transfer = catalog.transfers[text]
        raise PsikgError(f"{text} is a transfer, drawn as a link: focus on its practice "
                         f"({transfer.practice}) or a country ({transfer.exporter}, {transfer.importer})")
    known = [i for kind in _RESOLUTION_ORDER for i in tables[kind]]
    raise UnknownIdError("node", text, nearest(text, known))


def focus_view(catalog: Catalog, node: str, *, depth: int = 1, kinds: Iterable[str] | None = None,
               goal: str | None = None, region: str | None = None, theme: str | None = None) -> VizGraph:
    """The ego network of ``node`` (an id, or ``kind/id``): every node within ``depth`` links of it
    in the network view, links in either direction. The focus node is kept by every filter."""
    if depth < 0:
        raise ValueError(f"depth must be at least 0, not {depth}")
    kind, id_ = _resolve(catalog, node)
    chosen = check_kinds(kinds)
    if kind not in chosen:
        chosen = chosen + (kind,)
    nodes, edges, _ = _whole_network(catalog, chosen)
    focus = f"{kind}/{id_}"
    if focus not in nodes:
        nodes[focus] = NodeMaker(catalog).of(kind, id_)
    adjacent: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        adjacent[edge.source].add(edge.target)
        adjacent[edge.target].add(edge.source)
    distance = {focus: 0}
    queue = deque([focus])
    while queue:
        current = queue.popleft()
        if distance[current] >= depth:
            continue
        for other in sorted(adjacent[current]):
            if other not in distance:
                distance[other] = distance[current] + 1
                queue.append(other)
    kept = {k: nodes[k] for k in sorted(distance, key=lambda k: (distance[k], k))}
    kept_edges = [e for e in edges if e.source in kept and e.target in kept]
    kept = sized_by_degree(kept, kept_edges)
    # The focus node is drawn as large as the largest node of the view, with a thick border.
    kept[focus] = replace(kept[focus], focus=True, value=max(n.value for n in kept.values()))
    centre = kept[focus]
    graph = VizGraph("focus", f"psikg: around {centre.title}",
                     f"{KIND_STYLES[kind][3]} {id_} and everything within {depth} link{'s' * (depth != 1)}",
                     tuple(kept.values()), tuple(kept_edges),
                     (f"The focus node {focus} has a thick border.",))
    return apply_filters(catalog, graph, goal=goal, region=region, theme=theme, keep=(focus,))
