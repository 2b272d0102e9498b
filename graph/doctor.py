"""``psikg doctor``: check an embedded store file without trusting it.

Checks, in order: that the file is a SQLite database and not truncated, that it is a psikg store
of a schema version this psikg reads, SQLite's ``PRAGMA integrity_check``, that no link has a
missing end (orphans), that every table still has the triggers that make an edit with another tool
mark the catalog cache stale, and whether the catalog cache matches the tables. Nothing is written.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import StoreError
from .embedded import check_file_header
from .sqlite_schema import (CACHE, KIND_TABLES, LINK_TABLES, META, SCHEMA_VERSION, cache_checksum,
                            generation_trigger_names)

__all__ = ["StoreCheck", "check_store"]

_MAX_LISTED = 20


@dataclass
class StoreCheck:
    """What :func:`check_store` found: ``problems`` make the store unfit; ``notes`` are facts."""

    path: str
    schema_version: int | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_store(path: str | Path) -> StoreCheck:
    """Check the store file at ``path`` (integrity, schema version, orphans, cache)."""
    path = Path(path)
    report = StoreCheck(str(path))
    if not path.exists():
        report.problems.append(f"{path} does not exist")
        return report
    try:
        check_file_header(path)
    except StoreError as error:
        report.problems.append(str(error))
        return report
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as error:
        report.problems.append(f"SQLite cannot open it: {error}")
        return report
    try:
        _check_contents(connection, report)
    except (sqlite3.Error, ValueError) as error:  # ValueError: text that is not UTF-8
        report.problems.append(f"SQLite cannot read it: {error}")
    finally:
        connection.close()
    return report


def _check_contents(connection: sqlite3.Connection, report: StoreCheck) -> None:
    try:
        meta = dict(connection.execute(f"SELECT key, value FROM {META}").fetchall())
    except sqlite3.DatabaseError as error:
        report.problems.append(f"not a psikg store: {error}")
        return
    report.schema_version = meta.get("schema_version")
    if report.schema_version != SCHEMA_VERSION:
        report.problems.append(f"schema version {report.schema_version!r}; this psikg reads {SCHEMA_VERSION}")
        return
    integrity = [row[0] for row in connection.execute("PRAGMA integrity_check(20)")]
    if integrity != ["ok"]:
        report.problems.append("SQLite integrity check: " + "; ".join(integrity))
        return
    report.notes.append("SQLite integrity check: ok")
    for message in _orphans(connection):
        report.problems.append(message)
    report.problems.extend(_missing_triggers(connection))
    cached = connection.execute(f"SELECT * FROM {CACHE}").fetchone()  # generation, checksum, data
    if cached is None or cached[0] != meta.get("generation"):
        report.notes.append("the catalog cache is stale; it is rebuilt from the tables on the next open")
    elif not str(cached[1]).startswith("crc32:"):
        report.notes.append("the catalog cache was written by an older psikg (its checksum is a SHA-256); it is "
                            "rebuilt from the tables on the next open")
    elif cache_checksum(cached[2]) != cached[1]:
        report.problems.append("the catalog cache does not match its checksum (damaged); it is rebuilt from the "
                               "tables on the next open")
    else:
        report.notes.append("the catalog cache matches the tables")
    nodes = sum(connection.execute(f'SELECT count(*) FROM "{t.table}"').fetchone()[0] for t in KIND_TABLES.values())
    links = sum(connection.execute(f'SELECT count(*) FROM "{t.table}"').fetchone()[0] for t in LINK_TABLES.values())
    report.notes.append(f"{nodes:,} nodes, {links:,} links")


def _missing_triggers(connection: sqlite3.Connection) -> list[str]:
    """One message per missing generation trigger: without it, a change of its table made with
    another tool leaves the cached catalog in use, so psikg answers from the data as it was."""
    present = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return [f"the trigger {name} is missing: {event} statements on {table} made with another tool would not mark the "
            "catalog cache stale; `psikg load --replace` with the store's sources writes a store with every trigger"
            for name, (table, event) in generation_trigger_names().items() if name not in present]


def _orphans(connection: sqlite3.Connection) -> list[str]:
    """One message per link whose source or target node is missing (at most a few listed)."""
    found: list[str] = []
    for table in LINK_TABLES.values():
        name = f'"{table.table}"'
        missing = connection.execute(
            f'SELECT source, target_kind, target FROM {name} WHERE source NOT IN (SELECT id FROM "{table.kind}")'
            f" LIMIT {_MAX_LISTED}").fetchall()
        found += [f"orphan link in {table.table}: {table.kind}/{s} -> {k}/{t} (its source is missing)"
                  for s, k, t in missing]
        targets = " OR ".join(f'(target_kind = \'{k}\' AND target IN (SELECT id FROM "{k}"))' for k in table.targets)
        missing = connection.execute(
            f"SELECT source, target_kind, target FROM {name} WHERE NOT ({targets}) LIMIT {_MAX_LISTED}").fetchall()
        found += [f"orphan link in {table.table}: {table.kind}/{s} -> {k}/{t} (its target is missing)"
                  for s, k, t in missing]
    return found[:_MAX_LISTED] + (["... and more orphan links"] if len(found) > _MAX_LISTED else [])
