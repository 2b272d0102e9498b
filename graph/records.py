"""Backend-neutral graph records: what loaders produce and stores apply.

A :class:`GraphBatch` is a set of nodes and links keyed by stable ids. Applying a batch to a store
*merges* it: a node's given properties replace the stored ones (``None`` removes a property), and
for every ``(source node, relation)`` pair the batch *owns*, the stored links are replaced by the
batch's links. Applying the same batch twice therefore changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["node_key", "split_key", "Node", "Link", "GraphBatch", "ApplyResult"]


def node_key(kind: str, id_: str) -> str:
    """The key of a node in every store: ``kind/id`` (also the tail of its IRI)."""
    return f"{kind}/{id_}"


def split_key(key: str) -> tuple[str, str]:
    kind, _, id_ = key.partition("/")
    return kind, id_


@dataclass
class Node:
    kind: str
    id: str
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return node_key(self.kind, self.id)


@dataclass(frozen=True)
class Link:
    """A link ``source -[rel]-> target``; ``rel`` is the relation name in the source kind."""

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
class GraphBatch:
    nodes: dict[str, Node] = field(default_factory=dict)
    links: dict[tuple[str, str, str], Link] = field(default_factory=dict)
    owned: set[tuple[str, str]] = field(default_factory=set)

    def add_node(self, kind: str, id_: str, props: dict[str, Any]) -> Node:
        """Add or merge a node (later properties win, as in a store)."""
        key = node_key(kind, id_)
        node = self.nodes.get(key)
        if node is None:
            node = self.nodes[key] = Node(kind, id_, {})
        node.props.update(props)
        return node

    def own(self, source: str, rel: str) -> None:
        """Declare that this batch holds every ``rel`` link of ``source``."""
        self.owned.add((source, rel))

    def add_link(self, source: str, rel: str, target: str, props: dict[str, Any] | None = None) -> None:
        self.owned.add((source, rel))
        self.links[(source, rel, target)] = Link(source, rel, target, tuple(sorted(props.items())) if props else ())

    def update(self, other: "GraphBatch") -> None:
        for node in other.nodes.values():
            self.add_node(node.kind, node.id, node.props)
        self.links.update(other.links)
        self.owned |= other.owned

    def ids(self, kind: str) -> set[str]:
        return {n.id for n in self.nodes.values() if n.kind == kind}

    def __len__(self) -> int:
        return len(self.nodes) + len(self.links)


class ApplyResult(dict):
    """What a write changed: counts of nodes and links before and after."""
