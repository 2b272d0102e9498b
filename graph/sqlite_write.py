"""Writing a batch into the tables of the embedded store (graph/embedded.py runs these inside
its transaction): nodes merged by id, and the links of every (source, relation) the batch owns
replaced. Into empty tables (a whole load) nothing is read back or deleted, rows go in in
primary-key order, and the target indexes are built once after the rows."""

from __future__ import annotations

import sqlite3
from collections import defaultdict

from ..errors import StoreError
from .records import GraphBatch, split_key
from .sqlite_schema import KIND_TABLES, LINK_TABLES
from .sqlite_schema import _quote as _q

__all__ = ["merge_nodes", "merge_links"]


def merge_nodes(connection: sqlite3.Connection, batch: GraphBatch, whole: bool) -> int:
    """Merge the batch's nodes: given properties replace stored ones, None (or []) removes one.
    ``whole``: the tables are empty, so nothing is read back. Returns the number of nodes written."""
    by_kind: dict[str, list] = defaultdict(list)
    for node in batch.nodes.values():
        by_kind[node.kind].append(node)
    for kind, nodes in by_kind.items():
        table = KIND_TABLES.get(kind)
        if table is None:
            raise StoreError(f"node {nodes[0].key}: the model has no kind {kind!r}")
        stored: dict[str, dict] = {}
        if not whole:
            query = f"SELECT * FROM {_q(table.table)} WHERE id = ?"
            for node in nodes:
                row = connection.execute(query, (node.id,)).fetchone()
                if row is not None:
                    stored[node.id] = table.decode(row[1:])
        encode, rows = table.encode, []
        for node in nodes:
            props = node.props
            if node.id in stored:  # the given properties replace the stored ones; None removes one
                props = {**stored[node.id], **props}
            rows.append((node.id, *encode(props)))
        rows.sort(key=_first)  # in primary-key order: each insert appends to the table's B-tree
        marks = ", ".join("?" * (len(table.names) + 2))
        verb = "INSERT" if whole else "INSERT OR REPLACE"
        connection.executemany(f"{verb} INTO {_q(table.table)} VALUES ({marks})", rows)
    return len(batch.nodes)


def merge_links(connection: sqlite3.Connection, batch: GraphBatch, replace: bool = False) -> dict:
    """Replace the links of every (source, relation) the batch owns by the batch's links, after
    checking that both ends of each link are in the graph. ``replace``: the tables are empty (a
    whole load), so nothing is deleted and the target indexes are built once, after the rows.
    Returns the rows written by (kind, relation), in primary-key order."""
    if not replace:  # into empty tables there is nothing to delete
        for source, rel in sorted(batch.owned):
            kind, id_ = split_key(source)
            table = LINK_TABLES.get((kind, rel))
            if table is None:
                raise StoreError(f"{source}: the model has no relation {rel!r} from {kind!r}")
            connection.execute(f"DELETE FROM {_q(table.table)} WHERE source = ?", (id_,))
    else:
        for source, rel in batch.owned:
            if (source.partition("/")[0], rel) not in LINK_TABLES:
                raise StoreError(f"{source}: the model has no relation {rel!r} from {split_key(source)[0]!r}")
    by_table = _link_rows(connection, batch)
    for key, rows in by_table.items():
        table = LINK_TABLES[key]
        marks = ", ".join("?" * (len(table.names) + 4))
        rows.sort(key=_row_key)  # in primary-key order: each insert appends to the table's B-tree
        if replace:  # an index is built faster in one go, after the rows are in
            connection.execute(f"DROP INDEX IF EXISTS {_q(table.table + '_by_target')}")
        verb = "INSERT" if replace else "INSERT OR REPLACE"  # into empty tables nothing conflicts
        connection.executemany(f"{verb} INTO {_q(table.table)} VALUES ({marks})", rows)
        if replace:
            connection.execute(table.ddl()[1])
    return by_table


def _link_rows(connection: sqlite3.Connection, batch: GraphBatch) -> dict[tuple[str, str], list[tuple]]:
    """The batch's links as table rows by (kind, relation), after checking that both ends of
    each link are in the batch or in the graph."""
    known: dict[str, bool] = {}

    def in_graph(key: str) -> bool:
        if key in batch.nodes:
            return True
        if key not in known:
            end_kind, end_id = split_key(key)
            table = KIND_TABLES.get(end_kind)
            known[key] = table is not None and connection.execute(
                f"SELECT 1 FROM {_q(table.table)} WHERE id = ?", (end_id,)).fetchone() is not None
        return known[key]

    by_table: dict[tuple[str, str], list] = {key: [] for key in LINK_TABLES}
    no_props = {key: (None,) * (len(table.names) + 1) for key, table in LINK_TABLES.items()}
    encoders = {key: table.encode for key, table in LINK_TABLES.items()}
    # Most links of a relation carry one of a few property sets (a role and a kind): each set is
    # encoded once. A set holding a list (sources) is not hashable and is encoded every time.
    encoded: dict[tuple, list] = {}
    nodes = batch.nodes
    for (source, rel, target), link in batch.links.items():
        if not (source in nodes or in_graph(source)) or not (target in nodes or in_graph(target)):
            end = target if in_graph(source) else source
            raise StoreError(f"link {source} -{rel}-> {target}: {end} is not in the graph")
        kind, _, source_id = source.partition("/")
        target_kind, _, target_id = target.partition("/")
        key = (kind, rel)
        if key not in no_props:
            raise StoreError(f"link {source} -{rel}-> {target}: the model has no such relation")
        if not link.props:
            tail = no_props[key]
        else:
            props_key = (key, link.props)
            try:
                tail = encoded.get(props_key)
                if tail is None:
                    tail = encoded[props_key] = encoders[key](dict(link.props))
            except TypeError:
                tail = encoders[key](dict(link.props))
        by_table[key].append((source_id, target_kind, target_id, *tail))
    return {key: rows for key, rows in by_table.items() if rows}


def _first(row: tuple):
    return row[0]


def _row_key(row: tuple) -> tuple:
    return row[:3]
