"""Which input source contributed what, and what a reload of a source removes.

Every source of a load (the reference data, each bundled folder, each path given to ``psikg load``)
is an *origin* with a stable name (:func:`origin_name`). A store remembers, per origin, the keys
of the nodes and links its rows gave (graph/records.py :class:`~psikg.graph.records.Origin`).
When a load reads an origin again, what that origin contributed before and no longer does is
removed, unless another origin still contributes it:

- a node no origin contributes any more is deleted with all its links, and a transfer's status
  steps go with the transfer;
- a link no origin contributes any more is deleted;
- a removal that would leave something dangling is refused (an :class:`InputIssue`): a node that
  stays, or a row of this load, still links to the node removed.

This module is the one place these rules live; every store carries out the same
:class:`~psikg.graph.records.Removals` in the same write as the rest of the batch. What the store
held before origins were recorded (a store written by an older psikg) is not known to come from any
file, so the first reload keeps it.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputIssue
from ..graph.records import GraphBatch, LinkKey, Origin, node_key, split_key

__all__ = ["REFERENCE", "origin_name", "name_origins", "claim_whole_batch", "plan_removals"]

#: The origin of the reference data (countries, SDG framework, factor scheme, themes).
REFERENCE = "psikg:reference"
#: Links whose targets belong to their source and go with it: a transfer's status steps.
CHILD_RELATIONS = frozenset({("transfer", "steps")})


def origin_name(path: Path, bundled_dir: Path) -> str:
    """The stable name of a source: ``psikg:bundled/<folder>`` for the bundled data (the same in
    every installation), else the source's absolute path as the curator gave it (resolved)."""
    resolved = Path(path).resolve()
    try:
        return "psikg:bundled/" + resolved.relative_to(bundled_dir.resolve()).as_posix()
    except ValueError:
        return str(resolved)


def name_origins(batch: GraphBatch, origin_of_label: dict[str, str]) -> None:
    """Regroup what the converter recorded by row label (a file, a sheet) under origin names. A
    node made by rows without an id of its own (a context) is contributed by every label that
    states something about it: the converter records that as it reads each statement
    (:meth:`~psikg.graph.records.GraphBatch.contribute`), so that reloading one of two files
    about a context keeps the context."""
    named: dict[str, Origin] = {}
    for label, contributed in batch.origins.items():
        name = origin_of_label.get(label, label)
        if name in named:
            named[name].update(contributed)
        else:
            named[name] = contributed
    batch.origins = named


def claim_whole_batch(batch: GraphBatch, name: str) -> None:
    """Record every node and link of ``batch`` as contributed by the origin ``name`` (reference
    data, RDF input and official files become batches without rows)."""
    batch.origins = {name: Origin(set(batch.nodes), set(batch.links))}


def plan_removals(batch: GraphBatch, store) -> list[InputIssue]:
    """Fill ``batch.removals`` with what reloading its origins drops from ``store``; the issues
    are the removals refused because something that stays still links to the node removed."""
    stored = store.origins() if store is not None else {}
    reloaded = sorted(name for name in batch.origins if name in stored)
    if not reloaded:
        return []
    others = [contributed for name, contributed in stored.items() if name not in batch.origins]
    others += batch.origins.values()
    dropped_by: dict[str, str] = {}
    for name in reloaded:
        for key in stored[name].nodes:
            if not any(key in other.nodes for other in others):
                dropped_by.setdefault(key, name)
        batch.removals.links |= {key for key in stored[name].links if not any(key in other.links for other in others)}
    nodes = {key for key in dropped_by if store.node(*split_key(key)) is not None}
    nodes |= _children(store, nodes)
    if not nodes:
        return []
    dropped_links = set(batch.removals.links)
    issues: list[InputIssue] = []
    for key in sorted(nodes):
        kind, id_ = split_key(key)
        for direction, rel, other_kind, other_id, _ in store.neighbours(kind, id_):
            other = node_key(other_kind, other_id)
            link = (key, rel, other) if direction == "out" else (other, rel, key)
            batch.removals.links.add(link)
            if direction == "in" and link not in batch.links and not _goes_too(link, nodes, dropped_links, batch):
                issues.append(_still_linked(dropped_by.get(key, "this load"), key, link))
    for link in batch.links:  # a row of this load that points at a node being removed
        for end in (link[0], link[2]):
            if end in nodes:
                issues.append(_still_linked(dropped_by.get(end, "this load"), end, link, in_this_load=True))
    batch.removals.nodes |= nodes
    return issues


def _children(store, nodes: set[str]) -> set[str]:
    """The nodes that belong to removed nodes (a transfer's status steps)."""
    found = set()
    for key in nodes:
        kind, id_ = split_key(key)
        for direction, rel, other_kind, other_id, _ in store.neighbours(kind, id_):
            if direction == "out" and (kind, rel) in CHILD_RELATIONS:
                found.add(node_key(other_kind, other_id))
    return found


def _goes_too(link: LinkKey, nodes: set[str], dropped_links: set[LinkKey], batch: GraphBatch) -> bool:
    """Whether a link into a removed node is removed anyway: its source goes as well, it is
    dropped itself, or this load replaces the source's links of that relation."""
    source, rel, _ = link
    return source in nodes or link in dropped_links or ((source, rel) in batch.owned and link not in batch.links)


def _still_linked(origin: str, key: str, link: LinkKey, *, in_this_load: bool = False) -> InputIssue:
    source, rel, target = link
    where = "a row of this load" if in_this_load else "kept in the store"
    return InputIssue(
        origin, None, None, key,
        f"no link left to a row removed from this source, but {source} -{rel}-> {target} ({where}) still "
        f"links to it; remove that link in the same load too, or keep the row")
