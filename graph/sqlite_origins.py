"""The embedded store's record of which input source contributed what, and its removals.

One table, ``psikg_origins (origin, nodes, links, keys)``: a row per source, with the number of
nodes and links it gave (``sqlite3`` answers "what did each file give?") and their keys, one a
line (a node ``kind/id``, a link ``source<TAB>rel<TAB>target``), zlib-compressed: at scale L the
keys of a million links take 4 MB and a fraction of a second instead of a 170 MB table. The table
is created on the first write that records origins, so stores written by an older psikg read as
having none. What to remove is decided in :mod:`psikg.loaders.origins`; here it is carried out,
inside the write transaction of :meth:`~psikg.graph.embedded.EmbeddedStore.apply`.
"""

from __future__ import annotations

import sqlite3
import sys
import zlib
from collections import defaultdict
from typing import Any, Iterable

from .records import GraphBatch, LinkKey, Origin, split_key
from .sqlite_schema import KIND_TABLES, LINK_TABLES

__all__ = ["ORIGINS", "read_origins", "apply_origins"]

ORIGINS = "psikg_origins"
_DDL = (f"CREATE TABLE IF NOT EXISTS {ORIGINS} (origin TEXT PRIMARY KEY NOT NULL, nodes INTEGER NOT NULL, "
        f"links INTEGER NOT NULL, keys BLOB NOT NULL) WITHOUT ROWID")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _has_table(connection: sqlite3.Connection) -> bool:
    return connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (ORIGINS,)).fetchone() is not None


def encode_keys(contributed: Origin, read: dict[LinkKey, Any] | None = None) -> bytes:
    """The node and link keys of an origin as compressed lines. The links go in the order they
    were read when ``read`` (the batch's links, in that order) holds them and the origin gave
    most of it: a million keys are walked faster in the order they were made than in a set's,
    and the text compresses better (at L: 1.0 -> 0.7 s, 9 -> 6 MB)."""
    links: Iterable[LinkKey] = contributed.links
    if read is not None and 2 * len(contributed.links) > len(read):
        in_order = [key for key in read if key in contributed.links]
        if len(in_order) == len(contributed.links):
            links = in_order
    lines = list(contributed.nodes)
    lines += map("\t".join, links)
    return zlib.compress("\n".join(lines).encode("utf-8"), 1)


def decode_keys(data: bytes) -> Origin:
    """The keys of :func:`encode_keys`; each id is interned (a factor's key, in thousands of
    links, is kept once), which keeps a million links in about 100 MB."""
    found = Origin()
    text = zlib.decompress(data).decode("utf-8")
    intern = sys.intern
    for line in text.split("\n") if text else ():
        if "\t" in line:
            found.links.add(tuple(map(intern, line.split("\t"))))
        else:
            found.nodes.add(intern(line))
    return found


def read_origins(connection: sqlite3.Connection) -> dict[str, Origin]:
    """Every recorded origin with the node and link keys it contributed."""
    if not _has_table(connection):
        return {}
    return {origin: decode_keys(keys) for origin, keys in connection.execute(f"SELECT origin, keys FROM {ORIGINS}")}


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
    connection.executemany(f"INSERT OR REPLACE INTO {ORIGINS} VALUES (?, ?, ?, ?)",
                           [(origin, len(contributed.nodes), len(contributed.links), encode_keys(contributed, batch.links))
                            for origin, contributed in sorted(batch.origins.items())])


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
