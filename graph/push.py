"""Copy a whole psikg graph into a graph database (``psikg push``).

The push makes the database hold exactly the source's graph: ids made unique first (constraints on
Neo4j, indexes on FalkorDB), then every node (``MERGE`` on id, properties overwritten) and every
link (``MERGE``, properties overwritten) in batches of ``UNWIND $rows``, one transaction per batch.
When the database already held psikg data, nodes and links that the source does not have are
deleted at the end. Pushing twice changes nothing; a push interrupted half-way and run again ends
complete and correct, because every batch is idempotent and the final pruning removes what is stale.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from ..ontology.model import KINDS, RELATIONS
from .cypher_store import DEFAULT_BATCH_SIZE, CypherStore, chunks

__all__ = ["PushReport", "push"]

log = logging.getLogger(__name__)

#: ``progress(what, advance, total)``: called after each batch with the number of nodes or
#: relationships it wrote, and once at the start with ``advance=0``.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PushReport:
    """What a push wrote and what the database holds afterwards."""

    target: str
    nodes_written: int
    relationships_written: int
    batches: int
    nodes_deleted: int = 0
    relationships_deleted: int = 0
    counts: dict[str, Any] = field(default_factory=dict)
    complete: bool = False  # the database's counts equal the source's


def push(source, target: CypherStore, *, wipe: bool = False, batch_size: int = DEFAULT_BATCH_SIZE,
         progress: Progress | None = None) -> PushReport:
    """Copy every node and link of ``source`` (any store) into ``target`` (a database store).

    Parameters
    ----------
    source : the store to copy, read through its bulk ``nodes``/``links`` reads.
    target : a :class:`CypherStore` (Neo4j or FalkorDB).
    wipe : delete psikg's nodes and links in the database first.
    batch_size : nodes or relationships per ``UNWIND`` batch (and per transaction).
    progress : called after each batch, see :data:`Progress`.
    """
    report = progress or (lambda what, advance, total: None)
    wanted = source.counts()
    total = wanted["nodes"] + wanted["edges"]
    if wipe:
        target.wipe()
    prune = target.counts()["nodes"] > 0
    target.ensure_schema()
    report("starting", 0, total)

    nodes_written = links_written = batches = 0
    source_ids: dict[str, set[str]] = {}
    for kind in sorted(KINDS):
        rows = sorted(source.nodes(kind))
        source_ids[kind] = {id_ for id_, _ in rows}
        for part in chunks(rows, batch_size):
            nodes_written += target.write_nodes(kind, part)
            batches += 1
            report(f"nodes: {kind}", len(part), total)

    source_links: dict[tuple[str, str], set[tuple[str, str, str]]] = {}
    for name in sorted(RELATIONS):
        kind, rel = name.split(".", 1)
        rows = sorted(source.links(kind, rel), key=lambda row: row[:3])
        source_links[(kind, rel)] = {row[:3] for row in rows}
        for part in chunks(rows, batch_size):
            links_written += target.write_links(kind, rel, part)
            batches += 1
            report(f"relationships: {KINDS[kind].relation(rel).pg_type}", len(part), total)

    nodes_deleted = links_deleted = 0
    if prune:
        for (kind, rel), wanted_links in sorted(source_links.items()):
            stale = sorted({row[:3] for row in target.links(kind, rel)} - wanted_links)
            if stale:
                target.delete_links(kind, rel, stale)
                links_deleted += len(stale)
        for kind, ids in sorted(source_ids.items()):
            stale_ids = sorted(target.ids(kind) - ids)
            if stale_ids:
                target.delete_nodes(kind, stale_ids)
                nodes_deleted += len(stale_ids)
        if nodes_deleted or links_deleted:
            log.info("pruned %d nodes and %d relationships the source does not have", nodes_deleted, links_deleted)

    after = target.counts()
    return PushReport(target.describe(), nodes_written, links_written, batches, nodes_deleted, links_deleted,
                      after, after == wanted)
