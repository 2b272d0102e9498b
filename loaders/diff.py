"""What a checked load would change in a store, without writing: per kind the nodes added and
changed, per relation the links added and removed. ``psikg diff`` prints it, and ``psikg load``
states the same counts after writing, so a curator sees a renamed row as one added (and the old
one kept) rather than as "+0".

A batch *merges* into a store (graph/records.py): a given property replaces the stored one
(``None`` or an empty list removes it), a batch that holds a node's links of one relation
replaces them all, and what a reloaded source no longer gives is removed (the batch's
``removals``, planned in loaders/origins.py). The counts here follow exactly those rules.
"""

from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field

from ..graph.bulk import paused_gc
from ..graph.records import GraphBatch, node_key, split_key

__all__ = ["KindChanges", "LoadDiff", "diff_batch"]


@dataclass(frozen=True)
class KindChanges:
    """What a load changes in one kind of node (or one relation, for links)."""

    name: str
    added: int = 0
    changed: int = 0
    removed: int = 0
    #: Up to a few ids of each change, for people to check (``added``, ``changed``, ``removed``).
    examples: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class LoadDiff:
    """Nodes per kind and links per relation that a load would add, change or remove."""

    nodes: tuple[KindChanges, ...]
    links: tuple[KindChanges, ...]
    #: The load's warnings and notes, as validate gives them (the diff is of a checked load).
    warnings: tuple = ()
    notes: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        return not any(c.added or c.changed or c.removed for c in self.nodes + self.links)


EXAMPLES = 3


def _is_empty(value) -> bool:
    return value is None or value == [] or value == ()


def _node_change(stored: dict | None, given: dict) -> str | None:
    """``added``, ``changed`` or None for a node the batch gives."""
    if stored is None:
        return "added"
    for name, value in given.items():
        if _is_empty(value):
            if name in stored:
                return "changed"
        elif _plain(stored.get(name)) != _plain(value):
            return "changed"
    return None


def _plain(value):
    """Lists and tuples compare alike (a store may give back either)."""
    return list(value) if isinstance(value, (list, tuple)) else value


def _stored_node(store, kind: str, id_: str, cache: dict) -> dict | None:
    if store is None:
        return None
    if kind not in cache:
        cache[kind] = dict(store.nodes(kind))
    return cache[kind].get(id_)


def _node_changes(batch: GraphBatch, store) -> tuple[KindChanges, ...]:
    found: dict[str, dict[str, list[str]]] = {}
    cache: dict = {}
    for node in batch.nodes.values():
        change = _node_change(_stored_node(store, node.kind, node.id, cache), node.props)
        if change:
            found.setdefault(node.kind, {}).setdefault(change, []).append(node.id)
    for key in batch.removals.nodes:  # planned from the store: each one is there
        kind, id_ = split_key(key)
        found.setdefault(kind, {}).setdefault("removed", []).append(id_)
    return tuple(_changes(name, ids) for name, ids in sorted(found.items()))


def _stored_links(store, owned: set[tuple[str, str]]) -> set[tuple[str, str, str]]:
    """The stored links of every (source, relation) the batch holds."""
    pairs_by_kind: dict[tuple[str, str], set[str]] = {}
    for source, rel in owned:
        pairs_by_kind.setdefault((split_key(source)[0], rel), set()).add(source)
    links = set()
    for (kind, rel), sources in pairs_by_kind.items():
        for source_id, target_kind, target_id, _ in store.links(kind, rel):
            source = node_key(kind, source_id)
            if source in sources:
                links.add((source, rel, node_key(target_kind, target_id)))
    return links


def _link_changes(batch: GraphBatch, store) -> tuple[KindChanges, ...]:
    removed = batch.removals.links
    before: set[tuple[str, str, str]] = set()
    if store is not None:  # into a new store every link is added: no sets of a million keys to build
        pairs = batch.owned | {(source, rel) for source, rel, _ in removed}
        before = {key for key in _stored_links(store, pairs) if (key[0], key[1]) in batch.owned or key in removed}
    after = batch.links.keys()
    found: dict[str, dict[str, list[str]]] = {}
    for change, keys in (("added", after - before if before else after), ("removed", before - after)):
        by_label: dict[str, list[str]] = {}
        for source, rel, target in keys:  # a whole load adds a million: no sorting, one pass
            kind, _, source_id = source.partition("/")
            label = f"{kind}.{rel}"
            described = f"{source_id} -> {target.partition('/')[2]}"
            if label in by_label:
                by_label[label].append(described)
            else:
                by_label[label] = [described]
        for label, described in by_label.items():
            found.setdefault(label, {})[change] = described
    return tuple(_changes(name, ids) for name, ids in sorted(found.items()))


def _changes(name: str, ids: dict[str, list[str]]) -> KindChanges:
    counts = Counter({change: len(found) for change, found in ids.items()})
    return KindChanges(name, counts["added"], counts["changed"], counts["removed"],
                       {change: tuple(heapq.nsmallest(EXAMPLES, found)) for change, found in ids.items()})


def diff_batch(batch: GraphBatch, store) -> LoadDiff:
    """What applying ``batch`` to ``store`` (None: a new store) would change; the sets of a
    million link keys are built with the garbage collector paused (graph/bulk.py)."""
    with paused_gc():
        return LoadDiff(_node_changes(batch, store), _link_changes(batch, store))
