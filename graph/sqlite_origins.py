"""The embedded store's record of which input source contributed what, and its removals.

One table, ``psikg_origins (origin, source, rel, target)``: a row per node (``rel`` and
``target`` empty) or link a source contributed, so ``sqlite3`` answers "which file gave this?"
(``SELECT origin FROM psikg_origins WHERE source = 'practice/x-portal'``). The table is created on
the first write that records origins, so stores written by an older psikg read as having none.
What to remove is decided in :mod:`psikg.loaders.origins`; here it is carried out, inside the
write transaction of :meth:`~psikg.graph.embedded.EmbeddedStore.apply`.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from .records import GraphBatch, Origin, split_key
from .sqlite_schema import KIND_TABLES, LINK_TABLES

__all__ = ["ORIGINS", "read_origins", "apply_origins"]

ORIGINS = "psikg_origins"
_DDL = (f"CREATE TABLE IF NOT EXISTS {ORIGINS} (origin TEXT NOT NULL, source TEXT NOT NULL, rel TEXT NOT NULL, "
        f"target TEXT NOT NULL, PRIMARY KEY (origin, source, rel, target)) WITHOUT ROWID")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _has_table(connection: sqlite3.Connection) -> bool:
    return connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (ORIGINS,)).fetchone() is not None


def read_origins(connection: sqlite3.Connection) -> dict[str, Origin]:
    """Every recorded origin with the node and link keys it contributed."""
    found: dict[str, Origin] = {}
    if not _has_table(connection):
        return found
    for origin, source, rel, target in connection.execute(f"SELECT origin, source, rel, target FROM {ORIGINS}"):
        contributed = found.get(origin)
        if contributed is None:
            contributed = found[origin] = Origin()
        if rel:
            contributed.links.add((source, rel, target))
        else:
            contributed.nodes.add(source)
    return found


def apply_origins(connection: sqlite3.Connection, batch: GraphBatch, replace: bool) -> None:
    """Delete the batch's removals, then replace the stored origins of the sources it read (all
    of them when ``replace``)."""
    _delete_links(connection, batch.removals.links)
    _delete_nodes(connection, batch.removals.nodes)
    if not (batch.origins or replace):
        return
    connection.execute(_DDL)
    if replace:
        connection.execute(f"DELETE FROM {ORIGINS}")
    for origin, contributed in sorted(batch.origins.items()):
        if not replace:
            connection.execute(f"DELETE FROM {ORIGINS} WHERE origin = ?", (origin,))
        rows = [(origin, key, "", "") for key in contributed.nodes]
        rows += [(origin, *key) for key in contributed.links]
        rows.sort()
        connection.executemany(f"INSERT INTO {ORIGINS} VALUES (?, ?, ?, ?)", rows)


def _delete_links(connection: sqlite3.Connection, links) -> None:
    by_table: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for source, rel, target in links:
        kind, source_id = split_key(source)
        by_table[(kind, rel)].append((source_id, *split_key(target)))
    for key, rows in by_table.items():
        table = LINK_TABLES.get(key)
        if table is not None:
            connection.executemany(f"DELETE FROM {_q(table.table)} WHERE source = ? AND target_kind = ? "
                                   f"AND target = ?", rows)


def _delete_nodes(connection: sqlite3.Connection, nodes) -> None:
    """Delete nodes with every link from or to them."""
    by_kind: dict[str, list[tuple[str]]] = defaultdict(list)
    for key in nodes:
        kind, id_ = split_key(key)
        by_kind[kind].append((id_,))
    for kind, ids in by_kind.items():
        table = KIND_TABLES.get(kind)
        if table is None:
            continue
        connection.executemany(f"DELETE FROM {_q(table.table)} WHERE id = ?", ids)
        for link_table in LINK_TABLES.values():
            if link_table.kind == kind:
                connection.executemany(f"DELETE FROM {_q(link_table.table)} WHERE source = ?", ids)
            if kind in link_table.targets:
                connection.executemany(f"DELETE FROM {_q(link_table.table)} WHERE target = ? AND target_kind = ?",
                                       [(id_, kind) for (id_,) in ids])
