"""A store's nodes and links in the shape the RDF mapping reads, from one consistent snapshot.

The mapping (:mod:`.ntriples`) reads each kind's nodes as ``(id, properties)`` and each relation's
links grouped by source, sorted by target, with the link's declared property values as a tuple in
the model's order. Any store gives these through the Store protocol (:class:`_ProtocolRows`). The
embedded store's SQLite tables already hold links in that order with those columns
(:mod:`psikg.graph.sqlite_schema`), so :class:`_SqliteRows` reads them directly in one read
transaction, without building a dictionary per link (at a million links that was half of an
export's time). A :class:`Part` of the export's order narrows those reads to a range of nodes, so
that several processes can each write a part (:mod:`.export_parts`).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from contextlib import contextmanager
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterator, NamedTuple

from ..errors import StoreError
from ..graph.sqlite_schema import KIND_TABLES, LINK_TABLES, META
from ..ontology.model import KINDS, Relation

__all__ = ["KIND_ORDER", "Part", "Position", "is_embedded", "store_rows", "sqlite_rows"]

KIND_ORDER = {name: index for index, name in enumerate(KINDS)}  # the export's order: kinds as the model lists them


class Position(NamedTuple):
    """A place in the export's order: before the node ``id`` of the kind at ``kind`` in the model."""

    kind: int
    id: str


class Part(NamedTuple):
    """The nodes from ``start`` (included) to ``stop`` (excluded); None: from the first, to the last."""

    start: Position | None = None
    stop: Position | None = None


def is_embedded(store) -> bool:
    """Whether ``store`` is an embedded store whose file exists (read straight from its tables)."""
    from ..graph.embedded import EmbeddedStore

    path = getattr(store, "path", None)
    return isinstance(store, EmbeddedStore) and path is not None and Path(path).is_file()


@contextmanager
def store_rows(store, part: Part | None = None):
    """The rows of ``store`` for the mapping: straight from the tables of an embedded store's
    file (one snapshot, narrowed to ``part``), else through the Store protocol (all of them)."""
    if is_embedded(store):
        with sqlite_rows(store.path, part) as rows:
            yield rows
    elif part is not None and part != Part():
        raise ValueError("only an embedded store is read in parts")
    else:
        yield _ProtocolRows(store)


@contextmanager
def sqlite_rows(path: Path | str, part: Part | None = None):
    """The rows of the embedded store at ``path``, in one read snapshot."""
    try:
        connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    except sqlite3.Error as error:
        raise StoreError(f"cannot read the store {path}: {error}; run `psikg doctor` to check it") from error
    try:
        connection.execute("BEGIN")  # one snapshot for every table, whatever a writer does meanwhile
        yield _SqliteRows(connection, part or Part())
    except sqlite3.Error as error:
        raise StoreError(f"cannot read the store {path}: {error}; run `psikg doctor` to check it") from error
    finally:
        connection.close()


class _ProtocolRows:
    """Rows of any store, through ``nodes`` and ``links`` of the Store protocol."""

    generation = None  # a database has no generation counter of psikg's

    def __init__(self, store):
        self.store = store

    def nodes(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        return self.store.nodes(kind)

    def grouped(self, kind: str, rel: Relation) -> dict[str, list[tuple]]:
        """Links by source: rows ``(source, target kind, target, *property values)`` by target."""
        grouped: dict[str, list] = defaultdict(list)
        names = [p.name for p in rel.properties]
        for source, target_kind, target, props in self.store.links(kind, rel.name):
            grouped[source].append((source, target_kind, target, *(props.get(n) for n in names)))
        for targets in grouped.values():
            if len(targets) > 1:
                targets.sort(key=lambda t: (t[1], t[2]))
        return grouped


class _SqliteRows:
    """Rows of the embedded store's tables, nodes in id order and links in (source, target) order,
    so that a node's links are read beside it (:class:`_LinksBySource`) instead of grouped first.
    ``generation`` is the store's write counter in this snapshot: two readers that saw the same
    one read the same data."""

    def __init__(self, connection: sqlite3.Connection, part: Part):
        self.connection = connection
        self.part = part
        self.generation = connection.execute(f"SELECT value FROM {META} WHERE key = 'generation'").fetchone()[0]

    def _within(self, kind: str, column: str) -> tuple[str, tuple] | None:
        """The SQL condition on ``column`` (a node id) that keeps ``kind``'s rows inside the part,
        with its parameters; None when no row of the kind is inside it."""
        index = KIND_ORDER.get(kind, -1)
        start, stop = self.part
        conditions, params = ["1"], []
        if start is not None:
            if index < start.kind:
                return None
            if index == start.kind:
                conditions.append(f"{column} >= ?")
                params.append(start.id)
        if stop is not None:
            if index > stop.kind:
                return None
            if index == stop.kind:
                conditions.append(f"{column} < ?")
                params.append(stop.id)
        return " AND ".join(conditions), tuple(params)

    def nodes(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        table, within = KIND_TABLES.get(kind), self._within(kind, "id")
        if table is None or within is None:
            return iter(())
        decode = table.decode
        rows = self.connection.execute(f'SELECT * FROM "{table.table}" WHERE {within[0]} ORDER BY id', within[1])
        return ((row[0], decode(row[1:])) for row in rows)

    def grouped(self, kind: str, rel: Relation) -> "_LinksBySource | dict":
        table, within = LINK_TABLES.get((kind, rel.name)), self._within(kind, "source")
        if table is None or within is None:
            return {}
        # Lists are JSON and flags integers in their columns, and a value of another shape than
        # declared sits in _extra: rows with any of these are decoded as the store decodes them.
        # Most tables have none, and then no row is looked at twice.
        special = [p.name for p in table.properties if p.many or p.type == "bool"] + ["_extra"]
        decoded = bool(table.properties) and self.connection.execute(
            f'SELECT EXISTS (SELECT 1 FROM "{table.table}" WHERE '
            + " OR ".join(f'"{name}" IS NOT NULL' for name in special) + ")").fetchone()[0]
        rows = self.connection.execute(f'SELECT * FROM "{table.table}" WHERE {within[0]} '
                                       'ORDER BY source, target_kind, target', within[1])
        return _LinksBySource(rows, table if decoded else None)


class _LinksBySource:
    """One relation's links, read alongside the nodes: ``get(id)`` for ids in ascending order
    gives each node's rows ``(source, target kind, target, *property values, ...)``; ``table``,
    when given, decodes rows whose values are not plain columns."""

    def __init__(self, rows, table=None):
        self._groups = groupby(rows, key=itemgetter(0))
        self._head = next(self._groups, None)
        self._table = table
        self._special = [] if table is None else \
            [3 + i for i, p in enumerate(table.properties) if p.many or p.type == "bool"]

    def get(self, source: str) -> list[tuple] | None:
        head = self._head
        while head is not None and head[0] < source:  # links of a node that does not exist: not written
            head = next(self._groups, None)
        if head is None or head[0] != source:
            self._head = head
            return None
        rows = list(head[1])
        self._head = next(self._groups, None)
        if self._table is not None:
            rows = [row if row[-1] is None and all(row[i] is None for i in self._special) else self._decoded(row)
                    for row in rows]
        return rows

    def _decoded(self, row: tuple) -> tuple:
        props = self._table.decode(row[3:])
        return (*row[:3], *(props.get(n) for n in self._table.names))
