"""Network views a secretariat can put on a screen: self-contained HTML pages built with pyvis.

Four views, each a pure function of a catalog returning a :class:`VizGraph` (plain data), and one
renderer, :func:`render`, that turns any of them into one HTML file:

``network``
    the whole knowledge graph: countries, practices, needs, success factors, themes, SDG goals (and
    targets on request), organizations, networks and events. A transfer is drawn as a directed
    link from the practice to its importer, coloured by status. Reference nodes (countries, goals,
    targets, factors, themes) that nothing in the view links to are left out.
``transfers``
    the country-level transfer map: countries (and exporting organizations) as nodes coloured by
    M49 region, one directed link per exporter, importer and status, as wide as its transfers.
``focus``
    the ego network of one node: every node within ``depth`` links of it in the network view.
``match``
    a match explained: the practice, its success factors (critical links thick), the top
    candidate countries of :func:`psikg.queries.match.match`; a candidate's link to a factor is
    solid when it has it, dashed when it lacks it (red when known absent). Countries already
    engaged hang from the practice by their transfer.

Filters (SDG goal, region, theme) follow one rule, here and in the page alike: a node that carries
the dimension (a practice's goals, a country's region and sub-region, a need's themes with their
broader themes) is kept when it matches; a node that does not carry it (a success factor for the
goal filter) is kept when a link or a neighbour matches. A link is kept when both ends are kept
and, if it carries the dimension itself (a transfer on the map), when it matches.

Above :data:`LAYOUT_THRESHOLD` nodes the layout is computed here, with a seeded force layout whose
repulsion is computed on a grid (:func:`fast_layout`), and the page runs with physics off; the page
says so. Below it the browser lays the graph out with vis-network's physics, then stops it. The
match view is laid out in columns; the transfer map starts grouped by region.

The HTML embeds vis-network's JavaScript and CSS from the files pyvis ships, so the page opens
with no network at all; filters, search and the details panel are plain JavaScript.
"""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence
from urllib.parse import quote

from ..errors import PsikgError, UnknownIdError
from ..ontology.domain import Catalog
from ..ontology.model import SDG_NS
from ..queries import rules
from ..queries.lookup import country_of, nearest, practice_of, sdg_key

__all__ = [
    "LAYOUT_THRESHOLD", "DEFAULT_KINDS", "ALL_KINDS", "VIEWS", "KIND_STYLES", "STATUS_STYLES",
    "REGION_COLOURS", "VizNode", "VizEdge", "VizGraph", "node_iri", "network_view", "transfer_view",
    "focus_view", "match_view", "apply_filters", "build_view", "render", "render_view", "write_view",
    "network_page",
    "fast_layout",
]

log = logging.getLogger(__name__)

#: Above this many nodes the layout is precomputed and the page runs with physics off.
LAYOUT_THRESHOLD = 1000
#: The views :func:`build_view` knows.
VIEWS = ("network", "transfers", "focus", "match")
#: Node kinds of the network view, in legend order.
ALL_KINDS = ("country", "practice", "need", "factor", "theme", "goal", "target", "organization",
             "network", "event")
#: Kinds shown by default: SDG targets are folded into their goals unless asked for.
DEFAULT_KINDS = tuple(k for k in ALL_KINDS if k != "target")
#: Kinds that are reference data: left out of a view when nothing in it links to them.
REFERENCE_KINDS = frozenset({"country", "goal", "target", "factor", "theme"})

#: kind -> (vis shape, colour, legend symbol, legend label)
KIND_STYLES: dict[str, tuple[str, str, str, str]] = {
    "country": ("dot", "#4e79a7", "\u25cf", "Country"),
    "practice": ("diamond", "#f28e2b", "\u25c6", "Practice"),
    "need": ("triangle", "#e15759", "\u25b2", "Need"),
    "factor": ("square", "#59a14f", "\u25a0", "Success factor"),
    "theme": ("triangleDown", "#b07aa1", "\u25bc", "Theme"),
    "goal": ("hexagon", "#d4a017", "\u2b22", "SDG goal"),
    "target": ("hexagon", "#9c755f", "\u2b22", "SDG target"),
    "organization": ("star", "#76b7b2", "\u2605", "Organization"),
    "network": ("square", "#ff9da7", "\u25a0", "Network"),
    "event": ("star", "#7f7f7f", "\u2605", "Event"),
}

#: transfer status -> (colour, dashed)
STATUS_STYLES: dict[str, tuple[str, bool]] = {
    "opportunity": ("#8da0b8", True),
    "agreed": ("#4e79a7", False),
    "implementing": ("#f28e2b", False),
    "adopted": ("#59a14f", False),
    "scaled": ("#1b7837", False),
    "stalled": ("#e15759", True),
    "abandoned": ("#555555", True),
}
_STATUS_ORDER = tuple(STATUS_STYLES)

#: M49 region -> colour of its countries on the transfer map.
REGION_COLOURS: dict[str, str] = {
    "Africa": "#d37295",
    "Americas": "#8f6cc2",
    "Asia": "#e3b505",
    "Europe": "#3fa7a0",
    "Oceania": "#9c755f",
    "": "#bab0ac",
}

#: relation -> (legend label, colour, dashed, width, directed)
RELATION_STYLES: dict[str, tuple[str, str, bool, float, bool]] = {
    "originates in": ("practice comes from", "#f28e2b", False, 2.0, True),
    "developed by": ("practice run by", "#76b7b2", False, 1.0, True),
    "critical factor": ("critical success factor", "#59a14f", False, 3.0, True),
    "supporting factor": ("supporting success factor", "#59a14f", False, 1.2, True),
    "theme": ("about theme", "#b07aa1", False, 1.0, True),
    "addresses": ("addresses SDG", "#d4a017", False, 1.0, True),
    "need of": ("need of country", "#e15759", False, 1.5, True),
    "expressed at": ("need expressed at", "#7f7f7f", True, 1.0, True),
    "based in": ("organization based in", "#76b7b2", True, 1.0, True),
    "member": ("network member", "#ff9da7", False, 1.0, True),
    "participant": ("took part in event", "#7f7f7f", False, 1.0, False),
    "held in": ("event held in", "#7f7f7f", True, 1.0, True),
    "organized by": ("event organized by", "#7f7f7f", True, 1.0, True),
    "broader": ("broader concept", "#aaaaaa", True, 1.0, True),
    "goal": ("target of goal", "#d4a017", True, 1.0, True),
    "has factor": ("candidate has the factor", "#2e7d32", False, 2.0, False),
    "lacks factor (absent)": ("candidate lacks it (known absent)", "#d62728", True, 1.5, False),
    "lacks factor (unknown)": ("candidate lacks it (not known)", "#9e9e9e", True, 1.2, False),
}

_LABEL_LIMIT = 28
_TEXT_LIMIT = 220
_TEMPLATES = "templates"
_TEMPLATE = "viz.html"
_VIS_DIR = "lib/vis-9.1.2"


# The data of a view ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VizNode:
    """One node of a view.

    ``key`` is ``kind/id``; ``lines`` are the essentials shown in its tooltip and details panel;
    ``value`` sizes it and ``measure`` says what that value counts. ``goals``, ``regions`` and
    ``themes`` are what the filters test (None: the node does not carry that dimension).
    """

    key: str
    kind: str
    id: str
    label: str
    title: str
    iri: str
    lines: tuple[str, ...] = ()
    value: float = 1.0
    measure: str = ""
    goals: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    themes: tuple[str, ...] | None = None
    colour: str | None = None
    shape: str | None = None
    focus: bool = False
    x: float | None = None
    y: float | None = None


@dataclass(frozen=True)
class VizEdge:
    """One link of a view, styled by its ``relation`` (and ``status`` for transfers)."""

    source: str
    target: str
    relation: str
    title: str = ""
    status: str | None = None
    width: float | None = None
    goals: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    themes: tuple[str, ...] | None = None
    roundness: float = 0.0


@dataclass(frozen=True)
class VizGraph:
    """A view ready to render: nodes, links, what it shows and notes for the reader."""

    view: str
    title: str
    subtitle: str
    nodes: tuple[VizNode, ...]
    edges: tuple[VizEdge, ...]
    notes: tuple[str, ...] = ()
    colour_by: str = "kind"  # or "region"
    #: What the nodes' x, y mean: "none" (unset), "fixed" (the view's own layout: physics off) or
    #: "seed" (where the browser's physics starts from).
    positions: str = "none"
    filters: dict = field(default_factory=dict)  # applied server-side, for the page to say so

    def counts(self) -> dict[str, int]:
        return {"nodes": len(self.nodes), "edges": len(self.edges)}


# Helpers -----------------------------------------------------------------------------------------


def node_iri(kind: str, id_: str) -> str:
    """The IRI of a node: SDG goals and targets use the UN SDG KOS, everything else psikg's own
    ``{base}id/{kind}/{id}``."""
    if kind in ("goal", "target"):
        return f"{SDG_NS}{id_}"
    from ..config import iri_base

    return f"{iri_base()}id/{kind}/{quote(str(id_), safe='-._~')}"


def _short(text: str | None, limit: int = _LABEL_LIMIT) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _goal_of_target(catalog: Catalog, target: str) -> str:
    found = catalog.targets.get(target)
    return found.goal if found and found.goal else str(target).split(".")[0]


def _theme_closure(catalog: Catalog, themes: Iterable[str]) -> tuple[str, ...]:
    """The themes and every broader theme of each (a broad theme filter finds narrower ones)."""
    seen: set[str] = set()
    for theme in themes:
        if theme:
            seen.update(rules.concept_ancestors(catalog.themes, theme))
    return tuple(sorted(seen))


def _regions(catalog: Catalog, country: str | None) -> tuple[str, ...]:
    found = catalog.countries.get(country) if country else None
    if found is None:
        return ()
    return tuple(r for r in (found.region, found.subregion) if r)


def _counts_text(counter: Counter) -> str:
    return ", ".join(f"{counter[s]} {s}" for s in _STATUS_ORDER if counter.get(s)) or "none"


def _drop_unlinked(nodes: dict[str, VizNode], edges: list[VizEdge],
                   kinds=REFERENCE_KINDS) -> tuple[dict[str, VizNode], int]:
    linked = {e.source for e in edges} | {e.target for e in edges}
    kept = {k: n for k, n in nodes.items() if n.kind not in kinds or k in linked}
    return kept, len(nodes) - len(kept)


def _sized_by_degree(nodes: dict[str, VizNode], edges: Sequence[VizEdge]) -> dict[str, VizNode]:
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


# Nodes of the catalog ----------------------------------------------------------------------------


class _Nodes:
    """Builds the node of any catalog item, with its essentials, once per view."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.transfers_out: Counter = Counter()
        self.transfers_in: Counter = Counter()
        self.by_practice: dict[str, Counter] = defaultdict(Counter)
        for transfer in catalog.transfers.values():
            if transfer.exporter:
                self.transfers_out[transfer.exporter] += 1
            if transfer.importer:
                self.transfers_in[transfer.importer] += 1
            self.by_practice[transfer.practice][transfer.status] += 1
        self.factor_uses: Counter = Counter()
        self.theme_uses: Counter = Counter()
        self.goal_uses: Counter = Counter()
        self.target_uses: Counter = Counter()
        for practice in catalog.practices.values():
            for factor in {pf.factor for pf in practice.factors}:
                self.factor_uses[factor] += 1
            for theme in set(practice.themes):
                self.theme_uses[theme] += 1
            for target in set(practice.targets):
                self.target_uses[target] += 1
            for goal in {_goal_of_target(catalog, t) for t in practice.targets}:
                self.goal_uses[goal] += 1

    def _node(self, kind, id_, label, title, lines, **kw) -> VizNode:
        iri = node_iri(kind, id_)
        return VizNode(f"{kind}/{id_}", kind, id_, label, title, iri,
                       tuple(line for line in lines if line), **kw)

    def country(self, iso3: str) -> VizNode:
        c = self.catalog.countries.get(iso3)
        name = c.name if c else iso3
        flags = [f for f, on in (("LDC", c and c.ldc), ("LLDC", c and c.lldc), ("SIDS", c and c.sids)) if on]
        out, in_ = self.transfers_out.get(iso3, 0), self.transfers_in.get(iso3, 0)
        practices = len(self.catalog.practices_by_country.get(iso3, ()))
        needs = len(self.catalog.needs_by_country.get(iso3, ()))
        lines = [
            f"Country {iso3}",
            " / ".join(r for r in (c.region, c.subregion) if r) if c else "",
            f"Income group: {c.income_group}" if c and c.income_group else "",
            ", ".join(flags),
            f"Practices: {practices}; needs: {needs}",
            f"Transfers out: {out}; in: {in_}",
        ]
        return self._node("country", iso3, _short(name), name, lines, value=1.0 + out + in_,
                          measure=f"{out + in_} transfer{'s' * (out + in_ != 1)}",
                          regions=_regions(self.catalog, iso3))

    def practice(self, practice_id: str) -> VizNode:
        p = self.catalog.practices[practice_id]
        country = self.catalog.countries.get(p.country) if p.country else None
        organization = self.catalog.organizations.get(p.organization) if p.organization else None
        critical = sum(1 for pf in p.factors if pf.role == "critical")
        statuses = self.by_practice.get(practice_id, Counter())
        total = sum(statuses.values())
        lines = [
            f"Practice from {country.name if country else p.country or '?'}"
            + (f", run by {organization.name}" if organization else ""),
            ", ".join(x for x in (str(p.year) if p.year else "", p.maturity or "") if x),
            "Themes: " + ", ".join(self._theme_label(t) for t in p.themes) if p.themes else "",
            "SDG targets: " + ", ".join(sorted(p.targets, key=sdg_key)) if p.targets else "",
            f"Success factors: {critical} critical, {len(p.factors) - critical} supporting" if p.factors else "",
            f"Transfers: {_counts_text(statuses)}" if total else "Transfers: none recorded",
        ]
        goals = tuple(sorted({_goal_of_target(self.catalog, t) for t in p.targets}, key=sdg_key))
        return self._node("practice", practice_id, _short(p.title), p.title, lines, value=1.0 + total,
                          measure=f"{total} transfer{'s' * (total != 1)}", goals=goals,
                          regions=_regions(self.catalog, p.country),
                          themes=_theme_closure(self.catalog, p.themes))

    def _theme_label(self, theme: str) -> str:
        found = self.catalog.themes.get(theme)
        return found.label if found else theme

    def need(self, need_id: str) -> VizNode:
        n = self.catalog.needs[need_id]
        country = self.catalog.countries.get(n.country)
        targets = sorted(n.targets, key=sdg_key)
        lines = [
            f"Need of {country.name if country else n.country}",
            f"Priority: {n.priority}" if n.priority else "",
            "SDG targets: " + ", ".join(targets) if targets else "",
            "SDG goals: " + ", ".join(sorted(n.goals, key=sdg_key)) if n.goals else "",
            "Themes: " + ", ".join(self._theme_label(t) for t in n.themes) if n.themes else "",
        ]
        goals = tuple(sorted(set(n.goals) | {_goal_of_target(self.catalog, t) for t in n.targets}, key=sdg_key))
        return self._node("need", need_id, _short(n.title), n.title, lines, goals=goals,
                          regions=_regions(self.catalog, n.country),
                          themes=_theme_closure(self.catalog, n.themes))

    def factor(self, factor_id: str) -> VizNode:
        f = self.catalog.factors.get(factor_id)
        label = f.label if f else factor_id
        broader = self.catalog.factors.get(f.broader) if f and f.broader else None
        lines = [
            "Success factor",
            f"Broader: {broader.label}" if broader else "",
            f"Practices that name it: {self.factor_uses.get(factor_id, 0)}",
            _short(f.definition, _TEXT_LIMIT) if f and f.definition else "",
        ]
        return self._node("factor", factor_id, _short(label), label, lines)

    def theme(self, theme_id: str) -> VizNode:
        t = self.catalog.themes.get(theme_id)
        label = t.label if t else theme_id
        lines = [
            "Theme",
            f"Broader: {self._theme_label(t.broader)}" if t and t.broader else "",
            f"Practices: {self.theme_uses.get(theme_id, 0)}",
            _short(t.definition, _TEXT_LIMIT) if t and t.definition else "",
        ]
        return self._node("theme", theme_id, _short(label), label, lines,
                          themes=_theme_closure(self.catalog, [theme_id]))

    def goal(self, goal_id: str) -> VizNode:
        g = self.catalog.goals.get(goal_id)
        title = g.title if g else ""
        lines = [f"SDG goal {goal_id}", _short(title, _TEXT_LIMIT),
                 f"Practices addressing it: {self.goal_uses.get(goal_id, 0)}"]
        return self._node("goal", goal_id, f"SDG {goal_id}", f"SDG {goal_id}: {title}".rstrip(": "), lines,
                          goals=(goal_id,))

    def target(self, target_id: str) -> VizNode:
        t = self.catalog.targets.get(target_id)
        lines = [f"SDG target {target_id}", _short(t.title if t else "", _TEXT_LIMIT),
                 f"Practices addressing it: {self.target_uses.get(target_id, 0)}"]
        return self._node("target", target_id, target_id, f"Target {target_id}", lines,
                          goals=(_goal_of_target(self.catalog, target_id),))

    def organization(self, org_id: str) -> VizNode:
        o = self.catalog.organizations.get(org_id)
        name = o.name if o else org_id
        country = self.catalog.countries.get(o.country) if o and o.country else None
        exported = self.transfers_out.get(org_id, 0)
        lines = ["Organization" + (f" ({o.kind})" if o and o.kind else ""),
                 f"Based in {country.name}" if country else "",
                 f"Transfers out: {exported}" if exported else ""]
        return self._node("organization", org_id, _short(name), name, lines,
                          regions=_regions(self.catalog, o.country if o else None))

    def network(self, network_id: str) -> VizNode:
        n = self.catalog.networks[network_id]
        lines = ["Network", f"Members: {len(n.members)}", f"Founded: {n.founded}" if n.founded else ""]
        return self._node("network", network_id, _short(n.name), n.name, lines)

    def event(self, event_id: str) -> VizNode:
        e = self.catalog.events[event_id]
        country = self.catalog.countries.get(e.country) if e.country else None
        where = ", ".join(x for x in (e.place, country.name if country else e.country) if x)
        dates = " to ".join(d for d in (e.start_date, e.end_date) if d)
        lines = ["Event", where, dates,
                 f"Participating countries: {e.participant_count or len(e.participants)}",
                 f"Partnership opportunities: {e.opportunities}" if e.opportunities is not None else ""]
        return self._node("event", event_id, _short(e.name), e.name, lines,
                          regions=_regions(self.catalog, e.country))

    def of(self, kind: str, id_: str) -> VizNode:
        return getattr(self, kind)(id_)


# The views ---------------------------------------------------------------------------------------


def _check_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    if kinds is None:
        return DEFAULT_KINDS
    chosen = tuple(dict.fromkeys(k.strip().lower() for k in kinds if k and k.strip()))
    for kind in chosen:
        if kind not in ALL_KINDS:
            raise UnknownIdError("kind", kind, nearest(kind, ALL_KINDS) or ALL_KINDS)
    return chosen


def _whole_network(catalog: Catalog, kinds: tuple[str, ...]) -> tuple[dict[str, VizNode], list[VizEdge], int]:
    """Every node of the chosen kinds and every link between them (unlinked reference nodes out)."""
    make = _Nodes(catalog)
    wanted = set(kinds)
    nodes: dict[str, VizNode] = {}

    def add(kind: str, id_: str | None) -> str | None:
        if not id_ or kind not in wanted:
            return None
        key = f"{kind}/{id_}"
        if key not in nodes:
            exists = {"country": catalog.countries, "factor": catalog.factors, "theme": catalog.themes,
                      "goal": catalog.goals, "target": catalog.targets, "practice": catalog.practices,
                      "need": catalog.needs, "organization": catalog.organizations,
                      "network": catalog.networks, "event": catalog.events}[kind]
            if id_ not in exists:  # a dangling reference draws nothing
                return None
            nodes[key] = make.of(kind, id_)
        return key

    edges: list[VizEdge] = []

    def link(source, target, relation, title="", **kw):
        if source and target and source != target:
            edges.append(VizEdge(source, target, relation, title, **kw))

    def sdg_links(source: str | None, targets: Iterable[str], goals: Iterable[str] = ()):
        """Links to targets, or to their goals when targets are not shown."""
        if source is None:
            return
        by_goal: dict[str, list[str]] = defaultdict(list)
        for target in sorted(set(targets), key=sdg_key):
            if "target" in wanted:
                link(source, add("target", target), "addresses", f"addresses target {target}")
            else:
                by_goal[_goal_of_target(catalog, target)].append(target)
        for goal in goals:
            by_goal.setdefault(goal, [])
        for goal, under in sorted(by_goal.items(), key=lambda item: sdg_key(item[0])):
            what = f"targets {', '.join(under)}" if under else f"goal {goal}"
            link(source, add("goal", goal), "addresses", f"addresses SDG {what}")

    for practice in sorted(catalog.practices.values(), key=lambda p: p.id):
        key = add("practice", practice.id)
        if key is None:
            continue
        link(key, add("country", practice.country), "originates in")
        link(key, add("organization", practice.organization), "developed by")
        roles: dict[str, str] = {}
        for pf in practice.factors:
            if roles.get(pf.factor) != "critical":
                roles[pf.factor] = pf.role
        for factor, role in sorted(roles.items()):
            link(key, add("factor", factor), f"{'critical' if role == 'critical' else 'supporting'} factor")
        for theme in sorted(set(practice.themes)):
            link(key, add("theme", theme), "theme")
        sdg_links(key, practice.targets)
    for transfer in sorted(catalog.transfers.values(), key=lambda t: t.id):
        # From the practice to the importer; without practices, from the exporter to the importer.
        if "practice" in wanted:
            source = f"practice/{transfer.practice}" if f"practice/{transfer.practice}" in nodes else None
        else:
            source = add("country" if transfer.exporter_kind == "country" else "organization", transfer.exporter)
        if source and transfer.importer:
            year = f", {transfer.start_year}" if transfer.start_year else ""
            outcome = f", outcome {transfer.outcome}" if transfer.outcome not in (None, "unknown") else ""
            link(source, add("country", transfer.importer), "transfer",
                 f"transfer {transfer.id}: {transfer.exporter} \u2192 {transfer.importer}, "
                 f"{transfer.status}{outcome}{year}", status=transfer.status)
    for need in sorted(catalog.needs.values(), key=lambda n: n.id):
        key = add("need", need.id)
        if key is None:
            continue
        link(key, add("country", need.country), "need of")
        for theme in sorted(set(need.themes)):
            link(key, add("theme", theme), "theme")
        sdg_links(key, need.targets, sorted(set(need.goals), key=sdg_key))
        link(key, add("event", need.event), "expressed at")
    if "organization" in wanted:
        for org in sorted(catalog.organizations.values(), key=lambda o: o.id):
            link(add("organization", org.id), add("country", org.country), "based in")
    for network in sorted(catalog.networks.values(), key=lambda n: n.id):
        key = add("network", network.id)
        if key is None:
            continue
        for member in sorted(set(network.members)):
            member_kind = "country" if member in catalog.countries else "organization"
            link(key, add(member_kind, member), "member")
    for event in sorted(catalog.events.values(), key=lambda e: e.id):
        key = add("event", event.id)
        if key is None:
            continue
        for country in sorted(set(event.participants)):
            link(key, add("country", country), "participant")
        if event.country and event.country not in event.participants:
            link(key, add("country", event.country), "held in")
        for organizer in sorted(set(event.organizers)):
            kind = "network" if organizer in catalog.networks else "organization"
            link(key, add(kind, organizer), "organized by")
    if "factor" in wanted:
        for factor in sorted(catalog.factors.values(), key=lambda f: f.id):
            if f"factor/{factor.id}" in nodes and factor.broader:
                link(f"factor/{factor.id}", add("factor", factor.broader), "broader")
    if "theme" in wanted:
        for theme in sorted(catalog.themes.values(), key=lambda t: t.id):
            if f"theme/{theme.id}" in nodes and theme.broader:
                link(f"theme/{theme.id}", add("theme", theme.broader), "broader")
    if "target" in wanted and "goal" in wanted:
        for key in sorted(k for k in nodes if k.startswith("target/")):
            target = key.split("/", 1)[1]
            link(key, add("goal", _goal_of_target(catalog, target)), "goal")
    # A node that was looked at but belongs to a kind left out was never added; links to it are gone.
    edges = [e for e in edges if e.source in nodes and e.target in nodes]
    nodes, _ = _drop_unlinked(nodes, edges)
    tables = {"country": catalog.countries, "goal": catalog.goals, "target": catalog.targets,
              "factor": catalog.factors, "theme": catalog.themes}
    dropped = sum(1 for kind in REFERENCE_KINDS & wanted for id_ in tables[kind] if f"{kind}/{id_}" not in nodes)
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
    chosen = _check_kinds(kinds)
    nodes, edges, dropped = _whole_network(catalog, chosen)
    notes = []
    if dropped:
        notes.append(f"{dropped} reference node(s) (countries, SDGs, factors, themes) that nothing here "
                     "links to are left out.")
    graph = VizGraph("network", "psikg network",
                     f"{len(catalog.practices)} practices, {len(catalog.transfers)} transfers, "
                     f"{len(catalog.needs)} needs", tuple(_sized_by_degree(nodes, edges).values()),
                     tuple(edges), tuple(notes))
    return apply_filters(catalog, graph, goal=goal, region=region, theme=theme)


def transfer_view(catalog: Catalog, *, goal: str | None = None, region: str | None = None,
                  theme: str | None = None) -> VizGraph:
    """The country-level transfer map: one directed link per exporter, importer and status.

    A link's width grows with its transfers; its tooltip lists them. Countries are coloured by M49
    region and sized by their transfers. Domestic transfers (exporter = importer) are counted in a
    note, not drawn.
    """
    make = _Nodes(catalog)
    grouped: dict[tuple[str, str, str], list] = defaultdict(list)
    domestic = 0
    for transfer in sorted(catalog.transfers.values(), key=lambda t: t.id):
        if not transfer.exporter or not transfer.importer:
            continue
        if transfer.exporter == transfer.importer:
            domestic += 1
            continue
        grouped[(transfer.exporter, transfer.importer, transfer.status)].append(transfer)
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
    keys = {party: key for key in nodes for party in [key.split("/", 1)[1]]}
    edges = []
    pair_count: Counter = Counter()
    for (exporter, importer, status), transfers in sorted(
            grouped.items(), key=lambda item: (item[0][0], item[0][1], _STATUS_ORDER.index(item[0][2])
                                               if item[0][2] in _STATUS_ORDER else 99)):
        lines = []
        goals: set[str] = set()
        themes: set[str] = set()
        for t in transfers:
            practice = catalog.practices.get(t.practice)
            year = f", {t.start_year}" if t.start_year else ""
            outcome = f", outcome {t.outcome}" if t.outcome not in (None, "unknown") else ""
            lines.append(f"\u2022 {practice.title if practice else t.practice}{year}{outcome}")
            if practice:
                goals.update(_goal_of_target(catalog, target) for target in practice.targets)
                themes.update(_theme_closure(catalog, practice.themes))
        name = {p: (catalog.countries[p].name if p in catalog.countries else
                    catalog.organizations[p].name if p in catalog.organizations else p)
                for p in (exporter, importer)}
        title = (f"{name[exporter]} \u2192 {name[importer]}: {len(transfers)} {status} "
                 f"transfer{'s' * (len(transfers) != 1)}\n" + "\n".join(lines))
        rank = pair_count[(exporter, importer)]
        pair_count[(exporter, importer)] += 1
        edges.append(VizEdge(keys[exporter], keys[importer], "transfer", title, status=status,
                             width=1.0 + 1.5 * math.log2(len(transfers)) if len(transfers) > 1 else 1.5,
                             goals=tuple(sorted(goals, key=sdg_key)), themes=tuple(sorted(themes)),
                             roundness=0.15 * rank))
    notes = ["Countries are coloured by M49 region and sized by their transfers; a link joins an exporter "
             "to an importer for each status, wider with more transfers."]
    if domestic:
        notes.append(f"{domestic} domestic transfer(s) (exporter = importer) are not drawn.")
    n_transfers = sum(len(v) for v in grouped.values())
    graph = VizGraph("transfers", "psikg transfer map",
                     f"{n_transfers} transfers between {len(nodes)} countries and organizations",
                     _grouped_by_region(nodes), tuple(edges), tuple(notes), colour_by="region",
                     positions="seed")
    return apply_filters(catalog, graph, goal=goal, region=region, theme=theme)


def _grouped_by_region(nodes: dict[str, VizNode]) -> tuple[VizNode, ...]:
    """Starting positions that group countries by M49 region: one disc per region (largest nodes
    at its centre) around a circle, for the browser's physics to refine."""
    order = [r for r in REGION_COLOURS if r] + [""]
    groups: dict[str, list[VizNode]] = defaultdict(list)
    for node in nodes.values():
        region = (node.regions or ("",))[0] if node.kind == "country" else ""
        groups[region if region in REGION_COLOURS else ""].append(node)
    present = [r for r in order if groups.get(r)]
    spacing = 38.0
    widest = max((spacing * math.sqrt(len(g)) for g in groups.values()), default=0.0)
    ring = (widest * 1.4 + 60.0) if len(present) > 1 else 0.0
    placed = []
    for index, region in enumerate(present):
        angle = 2 * math.pi * index / len(present) - math.pi / 2
        cx, cy = ring * math.cos(angle), ring * math.sin(angle)
        members = sorted(groups[region], key=lambda n: (-n.value, n.key))
        for j, node in enumerate(members):  # a sunflower: even spacing in a disc
            radius, theta = spacing * math.sqrt(j), j * 2.399963
            placed.append(replace(node, x=round(cx + radius * math.cos(theta), 1),
                                  y=round(cy + radius * math.sin(theta), 1)))
    return tuple(placed)


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
    chosen = _check_kinds(kinds)
    if kind not in chosen:
        chosen = chosen + (kind,)
    nodes, edges, _ = _whole_network(catalog, chosen)
    focus = f"{kind}/{id_}"
    if focus not in nodes:
        nodes[focus] = _Nodes(catalog).of(kind, id_)
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
    kept = _sized_by_degree(kept, kept_edges)
    # The focus node is drawn as large as the largest node of the view, with a thick border.
    kept[focus] = replace(kept[focus], focus=True, value=max(n.value for n in kept.values()))
    centre = kept[focus]
    graph = VizGraph("focus", f"psikg: around {centre.title}",
                     f"{KIND_STYLES[kind][3]} {id_} and everything within {depth} link{'s' * (depth != 1)}",
                     tuple(kept.values()), tuple(kept_edges),
                     (f"The focus node {focus} has a thick border.",))
    return apply_filters(catalog, graph, goal=goal, region=region, theme=theme, keep=(focus,))


def match_view(catalog: Catalog, practice_id: str, *, top: int | None = 10, country: str | None = None,
               weights=None) -> VizGraph:
    """A match explained: the practice, its success factors, its ``top`` candidate importers
    (or only ``country``) and, for each, which factors it has (solid) and lacks (dashed).

    Uses :func:`psikg.queries.match.match`, so ranks and scores are those of ``psikg match``.
    """
    from ..queries.match import DEFAULT_WEIGHTS, ROLE_WEIGHTS, match

    practice = practice_of(catalog, practice_id)
    only = None
    if country is not None:
        only = country_of(catalog, country).id
        top = None
    result = match(catalog, practice.id, top=top, weights=weights or DEFAULT_WEIGHTS,
                   countries=[only] if only else None)
    if only and not result.candidates:
        engaged = {e.country: e for e in result.engaged}
        if only == practice.country:
            raise PsikgError(f"{only} is the exporter of {practice.id}, not a candidate importer")
        if only in engaged:
            raise PsikgError(f"{only} is already engaged with {practice.id} "
                             f"({engaged[only].status}, transfer {engaged[only].transfer})")
        raise PsikgError(f"{only} is not a candidate importer of {practice.id}")
    make = _Nodes(catalog)
    nodes: dict[str, VizNode] = {}
    edges: list[VizEdge] = []
    centre = replace(make.practice(practice.id), focus=True)
    nodes[centre.key] = centre
    exporter = practice.country or practice.organization
    if exporter:
        kind = "country" if exporter in catalog.countries else "organization"
        if kind == "country" or exporter in catalog.organizations:
            nodes[f"{kind}/{exporter}"] = make.of(kind, exporter)
            edges.append(VizEdge(centre.key, f"{kind}/{exporter}", "originates in", "the exporter"))
    roles: dict[str, str] = {}
    for pf in practice.factors:
        if roles.get(pf.factor) != "critical":
            roles[pf.factor] = "critical" if pf.role == "critical" else "supporting"
    shared_count: Counter = Counter()
    for candidate in result.candidates:
        for check in candidate.shared_factors:
            shared_count[check.factor] += 1
    n = len(result.candidates)
    for factor, role in sorted(roles.items(), key=lambda item: (item[1] != "critical", item[0])):
        node = make.factor(factor)
        node = replace(node, lines=node.lines + (f"Role here: {role} (weight {ROLE_WEIGHTS[role]})",
                                                 f"Shared by {shared_count[factor]} of {n} candidates shown"),
                       value=1.0 + 10.0 * shared_count[factor] / max(n, 1),
                       measure=f"shared by {shared_count[factor]} of {n} candidates")
        nodes[node.key] = node
        edges.append(VizEdge(centre.key, node.key, f"{role} factor", f"{role} success factor"))
    for rank, candidate in enumerate(result.candidates, start=1):
        node = make.country(candidate.country)
        rank_text = f"#{rank} " if only is None else ""
        lines = (
            f"{rank_text}candidate importer: score {candidate.score:.3f}",
            f"factor fit {candidate.factor_fit:.3f}, SDG fit {candidate.sdg_fit:.3f}, "
            f"evidence {candidate.evidence:.2f}",
            "Has: " + ", ".join(c.label for c in candidate.shared_factors) if candidate.shared_factors else "Has: none",
            "Lacks: " + ", ".join(f"{c.label} ({c.role}, {c.status})" for c in candidate.missing_factors)
            if candidate.missing_factors else "Lacks: none",
            "Matching needs: " + "; ".join(m.title for m in candidate.matching_needs)
            if candidate.matching_needs else "",
            "Matching SDG targets: " + ", ".join(candidate.matching_targets) if candidate.matching_targets else "",
            "Evidence: " + ", ".join(f"{e.transfer} ({e.basis})" for e in candidate.evidence_transfers)
            if candidate.evidence_transfers else "",
            "Flags: " + ", ".join(candidate.flags) if candidate.flags else "",
        ) + node.lines
        name = catalog.countries[candidate.country].name
        nodes[node.key] = replace(node, label=f"{rank_text}{_short(name, 22)} {candidate.score:.2f}",
                                  lines=tuple(x for x in lines if x), value=1.0 + 10 * candidate.score,
                                  measure=f"score {candidate.score:.3f}")
        for check in candidate.shared_factors:
            via = f" (through {', '.join(check.via)})" if check.via and check.via != (check.factor,) else ""
            edges.append(VizEdge(node.key, f"factor/{check.factor}", "has factor",
                                 f"{name} has {check.label}{via}"))
        for check in candidate.missing_factors:
            relation = "lacks factor (absent)" if check.status == "absent" else "lacks factor (unknown)"
            what = "is known to lack" if check.status == "absent" else "has no known statement of"
            edges.append(VizEdge(node.key, f"factor/{check.factor}", relation,
                                 f"{name} {what} {check.label} ({check.role})"))
    if only is None:
        for engagement in result.engaged:
            key = f"country/{engagement.country}"
            if key not in nodes and engagement.country in catalog.countries:
                node = make.country(engagement.country)
                nodes[key] = replace(node, lines=(f"Already engaged: {engagement.status} "
                                                  f"(transfer {engagement.transfer})",) + node.lines)
            if key in nodes:
                edges.append(VizEdge(centre.key, key, "transfer",
                                     f"transfer {engagement.transfer}: {engagement.status}",
                                     status=engagement.status))
    edges = [e for e in edges if e.source in nodes and e.target in nodes]
    nodes = _match_columns(nodes, centre.key)
    total = len(catalog.countries) - (1 if practice.country in catalog.countries else 0) - len(result.engaged)
    if only:
        subtitle = f"{catalog.countries[only].name} as an importer of {practice.title}"
    else:
        subtitle = (f"Top {len(result.candidates)} candidate importers of {practice.title} "
                    f"(of {total} countries scored)")
    w = result.weights
    notes = [f"score = {w.factor}\u00b7factor fit + {w.sdg}\u00b7SDG fit + {w.evidence}\u00b7evidence; "
             "the same ranking as `psikg match`.",
             "A solid link: the candidate has the factor; dashed: it lacks it (red when known absent, "
             "grey when nothing is known). Critical factors hang from the practice by thick links."]
    notes.extend(result.warnings)
    return VizGraph("match", f"psikg match: {practice.title}", subtitle, tuple(nodes.values()), tuple(edges),
                    tuple(notes), positions="fixed")


def _match_columns(nodes: dict[str, VizNode], centre: str) -> dict[str, VizNode]:
    """Three columns read left to right: the practice (with its exporter above it and engaged
    countries below), its success factors (critical first), the candidates in rank order."""
    factors = [k for k in nodes if k.startswith("factor/")]
    candidates = [k for k, n in nodes.items() if n.measure.startswith("score ")]
    others = [k for k in nodes if k != centre and k not in factors and k not in candidates]

    def column(keys, x, gap):
        top = -gap * (len(keys) - 1) / 2
        return {k: (x, top + i * gap) for i, k in enumerate(keys)}

    placed = {centre: (-520.0, 0.0)}
    placed.update(column(factors, 0.0, 95.0))
    placed.update(column(candidates, 520.0, 80.0))
    for i, key in enumerate(others):  # the exporter first, then engaged countries
        placed[key] = (-520.0 - 140.0 * (i % 2), -170.0 if i == 0 else 120.0 + 70.0 * i)
    top_value = max((n.value for n in nodes.values()), default=1.0)
    laid = {k: replace(n, x=placed[k][0], y=placed[k][1]) for k, n in nodes.items()}
    laid[centre] = replace(laid[centre], value=top_value)
    return laid


# Filters -----------------------------------------------------------------------------------------


def _goal_value(catalog: Catalog, goal: str) -> str:
    text = str(goal).strip()
    for prefix in ("sdg", "goal"):
        if text.lower().startswith(prefix):
            text = text[len(prefix):].strip(" -_")
    if text not in catalog.goals:
        raise UnknownIdError("SDG goal", str(goal), nearest(text, catalog.goals))
    return text


def _region_value(catalog: Catalog, region: str) -> str:
    names = {r for c in catalog.countries.values() for r in (c.region, c.subregion) if r}
    folded = {n.casefold(): n for n in names}
    found = folded.get(region.strip().casefold())
    if found is None:
        raise UnknownIdError("region", region, nearest(region, sorted(names)))
    return found


def _theme_value(catalog: Catalog, theme: str) -> str:
    text = theme.strip()
    if text in catalog.themes:
        return text
    for t in catalog.themes.values():
        if text.casefold() in (t.id.casefold(), t.label.casefold()):
            return t.id
    raise UnknownIdError("theme", theme, nearest(text, catalog.themes))


def _visible(nodes: Sequence[VizNode], edges: Sequence[VizEdge], active: dict[str, str],
             keep: Iterable[str] = ()) -> tuple[set[str], list[VizEdge]]:
    """The filter rule of the module docstring (the page's JavaScript applies the same one)."""
    by_key = {n.key: n for n in nodes}
    incident: dict[str, list[VizEdge]] = defaultdict(list)
    for edge in edges:
        incident[edge.source].append(edge)
        incident[edge.target].append(edge)

    def node_passes(node: VizNode, dim: str, value: str) -> bool:
        values = getattr(node, dim)
        if values is not None:
            return value in values
        for edge in incident[node.key]:
            carried = getattr(edge, dim)
            if carried is not None:
                if value in carried:
                    return True
            else:
                other = by_key[edge.target if edge.source == node.key else edge.source]
                other_values = getattr(other, dim)
                if other_values is not None and value in other_values:
                    return True
        return False

    shown = {n.key for n in nodes if all(node_passes(n, d, v) for d, v in active.items())} | set(keep)
    kept_edges = [e for e in edges if e.source in shown and e.target in shown
                  and all(getattr(e, d) is None or v in getattr(e, d) for d, v in active.items())]
    return shown, kept_edges


def apply_filters(catalog: Catalog, graph: VizGraph, *, goal: str | None = None, region: str | None = None,
                  theme: str | None = None, keep: Iterable[str] = ()) -> VizGraph:
    """The graph restricted to what matches an SDG ``goal`` (``16``), a ``region`` or sub-region
    (M49 name, any case) and a ``theme`` (id or label); ``keep`` names nodes kept whatever."""
    active: dict[str, str] = {}
    said: dict[str, str] = {}
    if goal not in (None, ""):
        active["goals"] = said["goal"] = _goal_value(catalog, goal)
    if region not in (None, ""):
        active["regions"] = said["region"] = _region_value(catalog, region)
    if theme not in (None, ""):
        active["themes"] = said["theme"] = _theme_value(catalog, theme)
    if not active:
        return graph
    shown, edges = _visible(graph.nodes, graph.edges, active, keep)
    nodes = tuple(n for n in graph.nodes if n.key in shown)
    text = ", ".join(f"{k} {v}" for k, v in said.items())
    return replace(graph, nodes=nodes, edges=tuple(edges), filters=said,
                   subtitle=f"{graph.subtitle} \u2014 filtered: {text}")


# Layout ------------------------------------------------------------------------------------------


def fast_layout(n: int, edges: Sequence[tuple[int, int]], *, seed: int = 7, iterations: int = 100,
                grid: int = 128):
    """Positions (an n x 2 numpy array) for ``n`` nodes by a seeded Fruchterman-Reingold layout
    whose repulsion is computed on a grid (particle-mesh): node density is spread on a
    ``grid`` x ``grid`` mesh by cloud-in-cell weights, convolved with the k^2/d force kernel by FFT
    and read back at each node (its own contribution taken out). Each iteration costs
    O(n + edges + grid^2 log grid) whatever the clustering: about a second for 4,400 nodes and 39,000
    links, where networkx's spring_layout takes over a minute (``benchmarks/viz.py``). The same input and seed give the same layout.
    """
    import numpy as np

    if n <= 1:
        return np.zeros((n, 2))
    rng = np.random.default_rng(seed)
    k = 1.0
    side = math.sqrt(n) * k * 1.2
    pos = rng.uniform(-side / 2, side / 2, (n, 2))
    pairs = np.array(sorted({(min(a, b), max(a, b)) for a, b in edges if a != b}), dtype=np.int64).reshape(-1, 2)
    src, dst = pairs[:, 0], pairs[:, 1]

    # The kernel dx / r^2 (and dy / r^2) on every cell offset, wrapped for a linear FFT convolution.
    offsets = np.arange(2 * grid)
    offsets = np.where(offsets < grid, offsets, offsets - 2 * grid).astype(float)
    dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
    r2 = dx ** 2 + dy ** 2
    r2[0, 0] = 1.0
    kernel_x, kernel_y = dx / r2, dy / r2
    kernel_x[0, 0] = kernel_y[0, 0] = 0.0
    fft_x, fft_y = np.fft.rfft2(kernel_x), np.fft.rfft2(kernel_y)
    corners = ((0, 0), (1, 0), (0, 1), (1, 1))

    temperature = side / 6
    cooling = 0.02 ** (1 / iterations)
    for _ in range(iterations):
        low = pos.min(axis=0)
        cell = max(float((pos.max(axis=0) - low).max()), 1e-6) / (grid - 1)
        scaled = (pos - low) / cell
        base = np.minimum(np.floor(scaled).astype(np.int64), grid - 2)
        frac = scaled - base
        weights = [(1 - frac[:, 0]) * (1 - frac[:, 1]), frac[:, 0] * (1 - frac[:, 1]),
                   (1 - frac[:, 0]) * frac[:, 1], frac[:, 0] * frac[:, 1]]
        flat = [(base[:, 0] + cx) * (2 * grid) + (base[:, 1] + cy) for cx, cy in corners]
        density = np.zeros(4 * grid * grid)
        for index, weight in zip(flat, weights):
            density += np.bincount(index, weight, minlength=4 * grid * grid)
        spectrum = np.fft.rfft2(density.reshape(2 * grid, 2 * grid))
        field_x = np.fft.irfft2(spectrum * fft_x, s=(2 * grid, 2 * grid)).ravel()
        field_y = np.fft.irfft2(spectrum * fft_y, s=(2 * grid, 2 * grid)).ravel()
        disp = np.zeros((n, 2))
        for index, weight in zip(flat, weights):
            disp[:, 0] += weight * field_x[index]
            disp[:, 1] += weight * field_y[index]
        for (ax, ay), wa in zip(corners, weights):  # take out each node's push on itself
            for (bx, by), wb in zip(corners, weights):
                ox, oy = ax - bx, ay - by
                if ox or oy:
                    disp[:, 0] -= wa * wb * ox / (ox * ox + oy * oy)
                    disp[:, 1] -= wa * wb * oy / (ox * ox + oy * oy)
        disp *= k * k / cell
        if len(src):
            delta = pos[dst] - pos[src]
            dist = np.sqrt(np.einsum("ij,ij->i", delta, delta))
            force = delta * (dist / k)[:, None]
            for axis in (0, 1):
                disp[:, axis] += np.bincount(src, force[:, axis], minlength=n)
                disp[:, axis] -= np.bincount(dst, force[:, axis], minlength=n)
        disp -= pos * (2.0 / side)  # a weak pull to the centre keeps components together
        length = np.maximum(np.sqrt(np.einsum("ij,ij->i", disp, disp)), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature *= cooling
    return pos - pos.mean(axis=0)


def _positions(graph: VizGraph) -> dict[str, tuple[float, float]]:
    keys = [n.key for n in graph.nodes]
    index = {k: i for i, k in enumerate(keys)}
    pairs = [(index[e.source], index[e.target]) for e in graph.edges]
    pos = fast_layout(len(keys), pairs)
    scale = 60.0  # pixels per ideal edge length
    return {k: (round(float(pos[i, 0]) * scale, 1), round(float(pos[i, 1]) * scale, 1)) for k, i in index.items()}


# Rendering ---------------------------------------------------------------------------------------


def _vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS as pyvis ships them, safe to inline."""
    base = resources.files("pyvis").joinpath(_VIS_DIR)
    js = base.joinpath("vis-network.min.js").read_text(encoding="utf-8")
    css = base.joinpath("vis-network.css").read_text(encoding="utf-8")
    # Nothing may close the element it is inlined in.
    js = js.replace("</script", "<\\/script").replace("<!--", "<\\!--")
    css = css.replace("</style", "<\\/style")
    return js, css


class _IdList(list):
    """pyvis keeps node ids in a list and tests membership on every add: a set makes 5,000 nodes cheap."""

    def __init__(self):
        super().__init__()
        self._members: set = set()

    def append(self, item):
        self._members.add(item)
        super().append(item)

    def __contains__(self, item):
        return item in self._members


def _legend(graph: VizGraph) -> dict:
    kinds = []
    present = Counter(n.kind for n in graph.nodes)
    for kind in ALL_KINDS:
        if present.get(kind):
            shape, colour, symbol, label = KIND_STYLES[kind]
            kinds.append({"kind": kind, "label": label, "symbol": symbol, "colour": colour,
                          "count": present[kind]})
    statuses = Counter(e.status for e in graph.edges if e.status)
    relations = Counter(e.relation for e in graph.edges if e.relation != "transfer")
    regions = []
    if graph.colour_by == "region":
        counted = Counter()
        for n in graph.nodes:
            counted[(n.regions or ("",))[0] if n.kind == "country" else ""] += 1
        for region, colour in REGION_COLOURS.items():
            if counted.get(region):
                regions.append({"region": region or "other / organization", "value": region, "colour": colour,
                                "count": counted[region]})
    return {
        "kinds": kinds,
        "statuses": [{"status": s, "colour": STATUS_STYLES[s][0], "dashed": STATUS_STYLES[s][1],
                      "count": statuses[s]} for s in _STATUS_ORDER if statuses.get(s)],
        "relations": [{"relation": r, "label": RELATION_STYLES[r][0], "colour": RELATION_STYLES[r][1],
                       "dashed": RELATION_STYLES[r][2], "width": max(1, round(RELATION_STYLES[r][3] + 0.4)),
                       "count": relations[r]}
                      for r in RELATION_STYLES if relations.get(r)],
        "regions": regions,
    }


def _filter_choices(catalog: Catalog | None, graph: VizGraph) -> dict:
    goals, regions, themes = set(), set(), set()
    for item in list(graph.nodes) + list(graph.edges):
        goals.update(item.goals or ())
        regions.update(item.regions or ())
        themes.update(item.themes or ())
    top_regions = set()
    if catalog is not None:
        top_regions = {c.region for c in catalog.countries.values() if c.region}

    def goal_label(g):
        found = catalog.goals.get(g) if catalog else None
        return f"SDG {g}" + (f": {_short(found.title, 48)}" if found else "")

    def theme_label(t):
        found = catalog.themes.get(t) if catalog else None
        return found.label if found else t

    return {
        "goals": [[g, goal_label(g)] for g in sorted(goals, key=sdg_key)],
        "regions": [[r, r if r in top_regions else f"\u2003{r}"] for r in sorted(
            regions, key=lambda r: (r not in top_regions, r))],
        "themes": [[t, theme_label(t)] for t in sorted(themes, key=lambda t: theme_label(t).casefold())],
    }


def render(graph: VizGraph, *, layout: str = "auto", catalog: Catalog | None = None,
           height: str = "100%", base: str | None = None, mount: str | None = None) -> str:
    """The HTML page of a view: one self-contained file (vis-network inlined, no request leaves it).

    Parameters
    ----------
    graph : a view from :func:`network_view`, :func:`transfer_view`, :func:`focus_view` or
        :func:`match_view`.
    layout : ``auto`` (precomputed above :data:`LAYOUT_THRESHOLD` nodes, physics below),
        ``physics`` or ``fixed`` (always precomputed, physics off).
    catalog : used for the labels of the filter menus (goal titles, theme labels).
    base : the IRI base the page names things under (default: the configured one).
    mount : when a server serves the page, the path its base is served at: the details panel then
        links each node to the server's own document (``{mount}id/…``, ``{mount}resource?iri=…``).
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from pyvis.network import Network

    if layout not in ("auto", "physics", "fixed"):
        raise ValueError(f"layout must be auto, physics or fixed, not {layout!r}")
    placed = bool(graph.nodes) and all(n.x is not None and n.y is not None for n in graph.nodes)
    given = placed and graph.positions == "fixed"
    precomputed = given or layout == "fixed" or (layout == "auto" and len(graph.nodes) > LAYOUT_THRESHOLD)
    if given or (placed and not precomputed and graph.positions == "seed"):
        positions = {n.key: (n.x, n.y) for n in graph.nodes}
    else:
        positions = _positions(graph) if precomputed else {}

    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line", heading=graph.title)
    net.node_ids = _IdList()
    from ..config import iri_base

    own = iri_base()
    for node in graph.nodes:
        if base and base != own and node.iri.startswith(own):
            node = replace(node, iri=base + node.iri[len(own):])
        shape, _, _, _ = KIND_STYLES[node.kind]
        # Compact records: the page builds colours, borders and tooltips from the kind table.
        options = dict(value=round(node.value, 3), kind=node.kind, ident=node.id, iri=node.iri,
                       name=node.title, lines=list(node.lines), measure=node.measure)
        if mount is not None:
            prefix = base or own
            options["href"] = (mount + node.iri[len(prefix):] if node.iri.startswith(prefix)
                               else f"{mount}resource?iri={quote(node.iri, safe='')}")
        if node.colour:
            options["colour"] = node.colour
        if node.focus:
            options["focus"] = True
        for dim in ("goals", "regions", "themes"):
            if getattr(node, dim) is not None:
                options[dim] = list(getattr(node, dim))
        if node.key in positions:
            options["x"], options["y"] = positions[node.key]
        net.add_node(node.key, label=node.label, shape=node.shape or shape, color=None, **options)
        del net.nodes[-1]["color"]
    for number, edge in enumerate(graph.edges):
        options = dict(id=f"e{number}", relation=edge.relation)
        for name in ("title", "status", "width"):
            if getattr(edge, name):
                options[name] = getattr(edge, name)
        for dim in ("goals", "regions", "themes"):
            if getattr(edge, dim) is not None:
                options[dim] = list(getattr(edge, dim))
        if edge.roundness and not precomputed:
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": edge.roundness}
        net.add_edge(edge.source, edge.target, arrows=None, **options)
        del net.edges[-1]["arrows"]

    large = len(graph.nodes) > LAYOUT_THRESHOLD
    net.options = {
        "autoResize": True,
        "nodes": {
            "font": {"size": 14, "face": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
                     "strokeWidth": 4, "strokeColor": "#ffffff", "color": "#1d1d1d"},
            "scaling": {"min": 8, "max": 40,
                        # Labels grow with the node; at the overview only the larger ones are drawn.
                        "label": {"enabled": True, "min": 12, "max": 30 if large else (20 if len(graph.nodes) <= 40 else 40),
                                  "drawThreshold": 9 if large else 7,
                                  "maxVisible": 26}},
        },
        "edges": {
            "smooth": False if precomputed else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "selectionWidth": 2, "hoverWidth": 1, "arrowStrikethrough": False,
        },
        "interaction": {"hover": not large, "tooltipDelay": 120, "hideEdgesOnDrag": large,
                        "hideEdgesOnZoom": large, "multiselect": False, "navigationButtons": False},
        "layout": {"improvedLayout": not precomputed and len(graph.nodes) <= 150, "randomSeed": 7},
        "physics": {"enabled": False} if precomputed else {
            "enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -55, "centralGravity": 0.008, "springLength": 90,
                                 "springConstant": 0.06, "avoidOverlap": 0.2},
            "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 50, "fit": True},
        },
    }
    notes = list(graph.notes)
    if given:
        notes.insert(0, "Laid out in columns: the practice, its success factors, the candidates by rank.")
    elif precomputed:
        why = (f"{len(graph.nodes)} nodes, above {LAYOUT_THRESHOLD}" if len(graph.nodes) > LAYOUT_THRESHOLD
               else "as asked")
        notes.insert(0, f"Layout precomputed ({why}) with a seeded force layout; physics is off so the page "
                        "stays responsive. Links hide while you drag or zoom.")
    else:
        notes.insert(0, "Laid out by physics in the browser, which stops once the layout settles "
                        "(the Physics button restarts it).")
    js, css = _vis_assets()
    net.set_template_dir(str(resources.files("psikg.views").joinpath(_TEMPLATES)), _TEMPLATE)
    net.templateEnv = Environment(loader=FileSystemLoader(net.template_dir),
                                  autoescape=select_autoescape(["html"]))
    net.templateEnv.globals.update(
        vis_js=js, vis_css=css, title=graph.title, subtitle=graph.subtitle, view=graph.view,
        notes=notes, precomputed=precomputed, legend=_legend(graph), colour_by=graph.colour_by,
        styles={"kinds": {k: v[1] for k, v in KIND_STYLES.items()},
                "statuses": {k: {"colour": c, "dashed": d} for k, (c, d) in STATUS_STYLES.items()},
                "relations": {k: {"label": v[0], "colour": v[1], "dashed": v[2], "width": v[3], "directed": v[4]}
                              for k, v in RELATION_STYLES.items()}},
        choices=_filter_choices(catalog, graph), server_filters=graph.filters,
        counts=graph.counts(),
    )
    return net.generate_html()


def build_view(catalog: Catalog, view: str = "network", **options) -> VizGraph:
    """The :class:`VizGraph` of a view by name (``network``, ``transfers``, ``focus``, ``match``);
    ``options`` are those of the view's function (``focus`` takes ``node``, ``match`` takes
    ``practice``)."""
    if view == "network":
        return network_view(catalog, **options)
    if view == "transfers":
        return transfer_view(catalog, **options)
    if view == "focus":
        options = dict(options)
        return focus_view(catalog, options.pop("node"), **options)
    if view == "match":
        options = dict(options)
        return match_view(catalog, options.pop("practice"), **options)
    raise ValueError(f"unknown view {view!r}; known: {', '.join(VIEWS)}")


def render_view(catalog: Catalog, view: str = "network", *, layout: str = "auto", **options) -> str:
    """The HTML page of a view (what ``psikg viz`` writes and ``psikg serve`` serves).

    >>> from psikg.ontology.domain import Catalog
    >>> "psikgReady" in render_view(Catalog())
    True
    """
    return render(build_view(catalog, view, **options), layout=layout, catalog=catalog)


def network_page(store, *, base: str | None = None, mount: str | None = None) -> str:
    """The whole-network page of a store, for ``psikg serve`` (``ServerConfig.network_view``).

    Rendered once per catalog: a store builds a new catalog after each write, and the page with it.
    """
    catalog = store.catalog()
    key = ("_psikg_viz_network_page", base, mount)
    cache = catalog.__dict__.setdefault("_psikg_viz_pages", {})
    if key not in cache:
        cache[key] = render(network_view(catalog), catalog=catalog, base=base, mount=mount)
    return cache[key]


def write_view(path: str | Path, catalog: Catalog, view: str = "network", *, layout: str = "auto",
               **options) -> VizGraph:
    """Write the page of a view to ``path`` (folders created); returns the view drawn."""
    graph = build_view(catalog, view, **options)
    html = render(graph, layout=layout, catalog=catalog)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    log.info("wrote %s (%d nodes, %d links)", path, len(graph.nodes), len(graph.edges))
    return graph
