"""The data of a view: nodes, links and the graph a renderer draws (plain, frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from ...ontology.model import SDG_NS

__all__ = ["LAYOUT_THRESHOLD", "VIEWS", "ALL_KINDS", "DEFAULT_KINDS", "REFERENCE_KINDS", "VizNode", "VizEdge",
           "VizGraph", "node_iri"]

#: Above this many nodes the layout is precomputed and the page runs with physics off.
LAYOUT_THRESHOLD = 1000
#: The views :func:`build_view` knows.
VIEWS = ("network", "transfers", "focus", "match", "world", "summary")
#: Node kinds of the network view, in legend order.
ALL_KINDS = ("country", "practice", "need", "factor", "theme", "goal", "target", "organization",
             "network", "event")
#: Kinds shown by default: SDG targets are folded into their goals unless asked for.
DEFAULT_KINDS = tuple(k for k in ALL_KINDS if k != "target")
#: Kinds that are reference data: left out of a view when nothing in it links to them.
REFERENCE_KINDS = frozenset({"country", "goal", "target", "factor", "theme"})


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


def node_iri(kind: str, id_: str) -> str:
    """The IRI of a node: SDG goals and targets use the UN SDG KOS, everything else psikg's own
    ``{base}id/{kind}/{id}``."""
    if kind in ("goal", "target"):
        return f"{SDG_NS}{id_}"
    from ...config import iri_base

    return f"{iri_base()}id/{kind}/{quote(str(id_), safe='-._~')}"
