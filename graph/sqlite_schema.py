"""The tables of the embedded store's SQLite file, generated from the model.

One table per kind (``practice``: ``id`` and one column per property the model declares) and one
per relation (``practice_factors``: ``source``, ``target_kind``, ``target`` and one column per link
property), so that ``sqlite3``, sqlite-utils and datasette read the graph as it is modelled.
Scalars are stored as they are, lists as JSON text; a property the model does not declare (or a
value of another shape than declared) goes to the ``_extra`` column as JSON, so that every value
reads back exactly as it was written.

``psikg_meta`` holds the format and schema version and a ``generation`` that every change of a
data table bumps (through triggers, so that edits made with other tools count too);
``psikg_cache`` holds the catalog in JSON (see :mod:`psikg.graph.catalog_cache`) with the
generation it was built from and its checksum (:func:`cache_checksum`).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..ontology.model import KINDS, Property

__all__ = ["FORMAT", "SCHEMA_VERSION", "cache_checksum", "rename_old_cache_column", "KindTable", "LinkTable",
           "KIND_TABLES", "LINK_TABLES", "schema_sql", "encode_props", "decode_props", "generation_triggers",
           "drop_generation_triggers", "generation_trigger_names"]

FORMAT = "psikg-sqlite"
SCHEMA_VERSION = 1
EXTRA = "_extra"
META, CACHE = "psikg_meta", "psikg_cache"


def cache_checksum(data: bytes) -> str:
    """The checksum kept with the cached catalog: its CRC-32, as gzip and PNG keep theirs.

    It tells damage (a changed byte, a cut blob) from a good cache. It is no seal: whoever can edit
    the file can write a matching checksum, whatever the function. Before, the store kept the
    SHA-256, which loaded OpenSSL into every command that reads a store (4% of the instructions of
    a match on the bundled data); a cache with a SHA-256 does not match and is rebuilt once."""
    return f"crc32:{zlib.crc32(data):08x}"


def rename_old_cache_column(connection) -> None:
    """Name the cache's checksum column ``checksum`` in a store whose cache table still names it
    ``sha256`` (stores written before :func:`cache_checksum`)."""
    columns = [row[1] for row in connection.execute(f"PRAGMA table_info({CACHE})")]
    if "sha256" in columns:
        connection.execute(f"ALTER TABLE {CACHE} RENAME COLUMN sha256 TO checksum")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class _Columns:
    """How the properties of a node or link map to columns: name -> (type, many)."""

    properties: tuple[Property, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.properties)

    @cached_property
    def encode(self):
        """``encode_props`` for these columns, planned once (a load encodes a million rows)."""
        return _encoder(self.properties)

    def decode(self, values) -> dict[str, Any]:
        return decode_props(self.properties, values)


@dataclass(frozen=True)
class KindTable(_Columns):
    """The table of one kind of node: its id and a column per property."""

    kind: str

    @property
    def table(self) -> str:
        return self.kind

    def ddl(self) -> str:
        columns = ", ".join(_quote(n) for n in (*self.names, EXTRA))
        return f"CREATE TABLE {_quote(self.table)} (id TEXT PRIMARY KEY NOT NULL, {columns}) WITHOUT ROWID"


@dataclass(frozen=True)
class LinkTable(_Columns):
    """The table of one relation of a kind: source and target ids and a column per link property."""

    kind: str
    rel: str
    targets: tuple[str, ...]

    @property
    def table(self) -> str:
        return f"{self.kind}_{self.rel}"

    def ddl(self) -> list[str]:
        columns = "".join(", " + _quote(n) for n in (*self.names, EXTRA))
        table = _quote(self.table)
        return [f"CREATE TABLE {table} (source TEXT NOT NULL, target_kind TEXT NOT NULL, target TEXT NOT NULL"
                f"{columns}, PRIMARY KEY (source, target_kind, target)) WITHOUT ROWID",
                f"CREATE INDEX {_quote(self.table + '_by_target')} ON {table} (target, target_kind)"]


KIND_TABLES: dict[str, KindTable] = {k.name: KindTable(k.properties, k.name) for k in KINDS.values()}
LINK_TABLES: dict[tuple[str, str], LinkTable] = {
    (k.name, r.name): LinkTable(r.properties, k.name, r.name, r.targets) for k in KINDS.values() for r in k.relations}
assert not {t.table for t in LINK_TABLES.values()} & (set(KIND_TABLES) | {META, CACHE}), "table names collide"


def _data_tables() -> list[str]:
    return [t.table for t in KIND_TABLES.values()] + [t.table for t in LINK_TABLES.values()]


def schema_sql() -> list[str]:
    """Every statement that creates an empty store of this schema version."""
    statements = [
        f"CREATE TABLE {META} (key TEXT PRIMARY KEY NOT NULL, value) WITHOUT ROWID",
        f"CREATE TABLE {CACHE} (generation INTEGER NOT NULL, checksum TEXT NOT NULL, data BLOB NOT NULL)",
        f"INSERT INTO {META} VALUES ('format', '{FORMAT}'), ('schema_version', {SCHEMA_VERSION}), ('generation', 0)",
    ]
    for table in KIND_TABLES.values():
        statements.append(table.ddl())
    for table in LINK_TABLES.values():
        statements.extend(table.ddl())
    return statements + generation_triggers()


def generation_trigger_names() -> dict[str, tuple[str, str]]:
    """The name of each generation trigger, with its table and event (``INSERT``, ``UPDATE``, ``DELETE``)."""
    return {f"{table}_{event.lower()}": (table, event) for table in _data_tables()
            for event in ("INSERT", "UPDATE", "DELETE")}


def generation_triggers() -> list[str]:
    """The triggers by which any change of a data table (by psikg or by another tool) makes the
    cached catalog stale. The guard keeps a bulk write at one update of the generation, not one
    per row."""
    bump = (f"UPDATE {META} SET value = value + 1 WHERE key = 'generation' AND value = "
            f"(SELECT generation FROM {CACHE})")
    return [f"CREATE TRIGGER {_quote(name)} AFTER {event} ON {_quote(table)} "
            f"WHEN EXISTS (SELECT 1 FROM {CACHE}) BEGIN {bump}; END"
            for name, (table, event) in generation_trigger_names().items()]


def drop_generation_triggers() -> list[str]:
    """Statements dropping :func:`generation_triggers`: a bulk load sets the generation itself,
    and a trigger costs every row written a call (about 1 µs a row: a 500,000-row insert took 2.5
    s without, 3.0 s with)."""
    return [f"DROP TRIGGER IF EXISTS {_quote(name)}" for name in generation_trigger_names()]


def encode_props(properties: tuple[Property, ...], props: dict[str, Any]) -> list[Any]:
    """The column values for ``props`` (in the order of ``properties``), then the ``_extra`` JSON.
    None and empty lists are not stored (a missing property)."""
    return _encoder(properties)(props)


_SCALAR, _MANY, _BOOL = 0, 1, 2


def _encoder(properties: tuple[Property, ...]):
    """A function encoding one property dict for ``properties``: each declared value that fits
    its column goes there, every other non-empty value to ``_extra``. A value fits when it reads
    back as it was written: a non-empty list or tuple (read back as a list) for a list, a bool for
    a bool, a str, int or float otherwise."""
    plan = tuple((p.name, _MANY if p.many else _BOOL if p.type == "bool" else _SCALAR) for p in properties)
    width = len(plan) + 1
    # One encoder each, made once: json.dumps with options makes a new encoder on every call.
    dumps, dumps_sorted = (json.JSONEncoder(ensure_ascii=False).encode,
                           json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode)
    position = {name: index for index, (name, _) in enumerate(plan)}

    def encode(props: dict[str, Any]) -> list[Any]:
        if not props:
            return [None] * width
        values: list[Any] = []
        placed = 0
        for name, shape in plan:
            value = props.get(name)
            if value is None:
                values.append(None)
                continue
            if shape == _MANY:
                fits = isinstance(value, (list, tuple)) and len(value) > 0
            elif shape == _BOOL:
                fits = isinstance(value, bool)
            else:
                fits = isinstance(value, (str, int, float)) and not isinstance(value, bool)
            if fits:
                placed += 1
                values.append(dumps(value) if shape == _MANY else value)
            else:
                values.append(None)
        extra = None
        if placed < len(props):  # some property is empty, undeclared or of another shape
            extra = {k: v for k, v in props.items() if not (v is None or v == [] or v == ())
                     and (values[position[k]] is None if k in position else True)}
        values.append(dumps_sorted(extra) if extra else None)
        return values

    return encode


def decode_props(properties: tuple[Property, ...], values) -> dict[str, Any]:
    """The properties stored in ``values`` (columns in the order of ``properties``, then ``_extra``)."""
    props: dict[str, Any] = {}
    for prop, value in zip(properties, values):
        if value is not None:
            if prop.many:
                value = json.loads(value)
            elif prop.type == "bool":
                value = bool(value)
            props[prop.name] = value
    extra = values[len(properties)]
    if extra is not None:
        props.update(json.loads(extra))
    return props
