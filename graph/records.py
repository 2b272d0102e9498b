"""Backend-neutral graph records: what loaders produce and stores apply.

A :class:`GraphBatch` is a set of nodes and links keyed by stable ids. Applying a batch to a store
*merges* it: a node's given properties replace the stored ones (``None`` removes a property), and
for every ``(source node, relation)`` pair the batch *owns*, the stored links are replaced by the
batch's links. Applying the same batch twice therefore changes nothing.

A batch made from input files also says what each file *contributed* (its :class:`Origin`: the
keys of the nodes and links its rows gave), and what a reload of those files drops
(:class:`Removals`: the keys no file contributes any more). A store applies both in the same
all-or-nothing write: it deletes the removed links and nodes (with their links) and replaces the
stored origins of the files read. The rules that decide what is removed live in
:mod:`psikg.loaders.origins`; stores only carry them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = ["node_key", "split_key", "Node", "Link", "GraphBatch", "ApplyResult", "Origin", "Removals",
           "LinkKey"]

#: A link's key: ``(source node key, relation, target node key)``.
LinkKey = tuple[str, str, str]


def node_key(kind: str, id_: str) -> str:
    """The key of a node in every store: ``kind/id`` (also the tail of its IRI)."""
    return f"{kind}/{id_}"


def split_key(key: str) -> tuple[str, str]:
    kind, _, id_ = key.partition("/")
    return kind, id_


@dataclass
class Node:
    """A node of the graph as stores exchange it: its kind, id and properties."""

    kind: str
    id: str
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return node_key(self.kind, self.id)


class Link(NamedTuple):
    """A link ``source -[rel]-> target``; ``rel`` is the relation name in the source kind. A
    named tuple, not a frozen dataclass: a load makes a million, and it is made in half the time."""

    source: str
    rel: str
    target: str
    props: tuple[tuple[str, Any], ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.rel, self.target)

    def prop_dict(self) -> dict[str, Any]:
        return dict(self.props)


@dataclass
class Origin:
    """What one input source contributed to the graph: node keys and link keys."""

    nodes: set[str] = field(default_factory=set)
    links: set[LinkKey] = field(default_factory=set)

    def update(self, other: "Origin") -> None:
        self.nodes |= other.nodes
        self.links |= other.links


@dataclass
class Removals:
    """What a reload deletes: links, and nodes with every link they have."""

    nodes: set[str] = field(default_factory=set)
    links: set[LinkKey] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.nodes or self.links)


@dataclass
class GraphBatch:
    """What a load writes in one go: nodes and links by key, what each source contributed, and
    what applying it deletes."""

    nodes: dict[str, Node] = field(default_factory=dict)
    links: dict[tuple[str, str, str], Link] = field(default_factory=dict)
    owned: set[tuple[str, str]] = field(default_factory=set)
    #: While set, every node and link added is recorded as contributed by this label (a row's file).
    origin: str | None = None
    #: What each label (then, once named, each source) contributed; stores record these.
    origins: dict[str, Origin] = field(default_factory=dict)
    #: What applying the batch deletes (see :mod:`psikg.loaders.origins`).
    removals: Removals = field(default_factory=Removals)

    def add_node(self, kind: str, id_: str, props: dict[str, Any]) -> Node:
        """Add or merge a node (later properties win, as in a store)."""
        key = node_key(kind, id_)
        node = self.nodes.get(key)
        if node is None:
            node = self.nodes[key] = Node(kind, id_, {})
        node.props.update(props)
        self.contribute(key)
        return node

    def contribute(self, key: str) -> None:
        """Record the node ``key`` as contributed by the current origin (if one is set): each node
        added, and a node another row made that this one states something about (a context
        belongs to every source that states something about it)."""
        if self.origin is not None:
            self._contributed().nodes.add(key)

    def _contributed(self) -> Origin:
        found = self.origins.get(self.origin)
        if found is None:
            found = self.origins[self.origin] = Origin()
        return found

    def own(self, source: str, rel: str) -> None:
        """Declare that this batch holds every ``rel`` link of ``source``."""
        self.owned.add((source, rel))

    def add_link(self, source: str, rel: str, target: str, props: dict[str, Any] | None = None) -> None:
        self.owned.add((source, rel))
        key = (source, rel, target)
        self.links[key] = Link(source, rel, target, tuple(sorted(props.items())) if props else ())
        if self.origin is not None:
            self._contributed().links.add(key)

    def update(self, other: "GraphBatch") -> None:
        """Merge ``other`` in, as if its nodes and links were added after this batch's (later
        properties win). ``other`` is used up: what is new here is moved, not copied (a load
        merges a million links into the reference data this way)."""
        for key, node in other.nodes.items():
            mine = self.nodes.get(key)
            if mine is None:
                self.nodes[key] = node
            else:
                mine.props.update(node.props)
        if self.origin is not None:
            self._contributed().nodes.update(other.nodes)
        self.links.update(other.links)
        self.owned |= other.owned
        for name, contributed in other.origins.items():
            if name in self.origins:
                self.origins[name].update(contributed)
            else:
                self.origins[name] = contributed
        self.removals.nodes |= other.removals.nodes
        self.removals.links |= other.removals.links

    def ids(self, kind: str) -> set[str]:
        return {n.id for n in self.nodes.values() if n.kind == kind}

    def __len__(self) -> int:
        return len(self.nodes) + len(self.links)


class ApplyResult(dict):
    """What a write changed: counts of nodes and links before and after."""
