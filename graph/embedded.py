"""The embedded default store: the graph in one SQLite database file.

Each kind and each relation of the model is a table (see :mod:`psikg.graph.sqlite_schema`), so
``sqlite3``, sqlite-utils and datasette read the store as it is. Every write is one SQLite
transaction in WAL mode: a write that fails or is killed leaves the previous version intact,
readers go on reading while a writer writes, and SQLite's own locking (which works on every
platform) serialises writers. networkx views are built from the tables on demand.

Reopening for a query reads the catalog from a cache table (JSON, checked by a checksum and by the
generation of the tables it was built from) instead of rebuilding it; a stale or damaged cache is
rebuilt from the tables. Opening never runs code from the file: a store in the old pickle format is
refused, never unpickled, and damage is reported as one :class:`~psikg.errors.StoreError`.
"""

from __future__ import annotations

import gc
import logging
import sqlite3
import sys
import threading
import weakref
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from ..errors import StoreError
from ..ontology.model import KINDS
from .bulk import paused_gc
from .sqlite_schema import (CACHE, FORMAT, KIND_TABLES, LINK_TABLES, META, SCHEMA_VERSION, cache_checksum,
                            drop_generation_triggers, generation_triggers, rename_old_cache_column, schema_sql)

if TYPE_CHECKING:  # the write path's modules are imported where they are used: a query needs none
    from .records import ApplyResult, GraphBatch, Origin

__all__ = ["EmbeddedStore", "SQLITE_MAGIC", "check_file_header", "is_old_pickle_store"]

log = logging.getLogger(__name__)

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_TYPE = {(k.name, r.name): r.pg_type for k in KINDS.values() for r in k.relations}
_NO_PROPS: dict[str, Any] = {}  # shared by every link without properties (never modified)
_REBUILD = "rebuild it from your files with `psikg load --replace` (or remove it)"
_BUSY_TIMEOUT_MS = 60_000


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def is_old_pickle_store(header: bytes) -> bool:
    """Whether ``header`` (the first bytes of a file) is a psikg store of the pickle format, told
    by its bytes alone: a pickle (protocol 2 or later) whose first section names the format."""
    return header[:1] == b"\x80" and b"psikg-embedded/" in header[:100]


def check_file_header(path: Path) -> None:
    """Refuse, before SQLite sees it, a file that cannot be a store: not a regular file, the old
    pickle format, something else, or a database shorter than its header says (truncated)."""
    if not path.is_file():
        raise StoreError(f"the store {path} is not a regular file; give the path of a psikg store file")
    with open(path, "rb") as handle:
        header = handle.read(100)
    if header[:16] != SQLITE_MAGIC:
        if is_old_pickle_store(header):
            raise StoreError(f"the store {path} is in the old format of psikg (a pickle), which is no longer "
                             f"read because opening it could run code; {_REBUILD}")
        what = "an empty file" if not header else "not a SQLite database"
        raise StoreError(f"the store {path} is {what}, not a psikg store; {_REBUILD}")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    wal, journal = path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")
    # A killed bulk load leaves a hot rollback journal, which SQLite rolls back on opening.
    if pages and not wal.exists() and not journal.exists() and path.stat().st_size < pages * page_size:
        raise StoreError(f"the store {path} is truncated ({path.stat().st_size:,} bytes, its header says "
                         f"{pages * page_size:,}); {_REBUILD}")


class EmbeddedStore:
    """A psikg graph in one SQLite database file."""

    capabilities = frozenset({"persistent", "atomic", "networkx", "transactions", "grouped_links"})

    def __init__(self, path: Path, *, tracer=None):
        self.path = Path(path)
        self.tracer = tracer
        self._connection: sqlite3.Connection | None = None
        self._catalog = None
        self._catalog_generation: int | None = None
        self._derived: dict[str, Any] = {}
        self._transaction_depth = 0
        self._thread_lock = threading.RLock()

    def exists(self) -> bool:
        return self.path.exists()

    def describe(self) -> str:
        return str(self.path)

    # Opening -------------------------------------------------------------------------------

    @contextmanager
    def _guard(self, doing: str = "read"):
        """Turn SQLite's errors into one StoreError that names the store and what to do."""
        try:
            yield
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise StoreError(f"cannot {doing} the store {self.path}: another process is writing it and did "
                                 f"not finish within {_BUSY_TIMEOUT_MS // 1000} s ({error})") from error
            raise StoreError(f"cannot {doing} the store {self.path}: {error}; run `psikg doctor` to check it, "
                             f"or {_REBUILD}") from error
        except sqlite3.Error as error:
            raise StoreError(f"the store {self.path} is damaged ({error}); run `psikg doctor` to check it, "
                             f"and {_REBUILD}") from error
        except (ValueError, TypeError, KeyError, IndexError) as error:
            if doing == "write":
                raise
            raise StoreError(f"the store {self.path} holds values psikg cannot read ({error!r}); it is damaged "
                             f"or was edited by hand: run `psikg doctor` to check it, and {_REBUILD}") from error

    def _open(self, create: bool = False, replace_old: bool = False) -> sqlite3.Connection | None:
        """The connection to the store (None when reading a store that does not exist yet);
        ``replace_old`` removes a store of the old pickle format first (a write that replaces all).
        Threads that share the store open it one at a time, so they all get the one connection."""
        if self._connection is not None:
            return self._connection
        with self._thread_lock:
            return self._connect(create, replace_old)

    def _connect(self, create: bool, replace_old: bool) -> sqlite3.Connection | None:
        if self._connection is not None:  # another thread opened it while this one waited
            return self._connection
        if replace_old and self.path.is_file():
            with open(self.path, "rb") as handle:
                if is_old_pickle_store(handle.read(100)):
                    log.warning("replacing %s, a store in the old pickle format (never read)", self.path)
                    self.path.unlink()
        fresh = not self.path.exists() or (self.path.is_file() and self.path.stat().st_size == 0)
        if fresh and not create:
            if self.path.exists():
                raise StoreError(f"the store {self.path} is an empty file, not a psikg store; {_REBUILD}")
            return None
        if not fresh:
            check_file_header(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._guard("open"):
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                         timeout=_BUSY_TIMEOUT_MS / 1000)
            try:
                if self.tracer is not None:  # psikg's tracers take (query, parameters)
                    tracer = self.tracer
                    connection.set_trace_callback(lambda statement: tracer(statement, ()))
                if fresh:
                    _create_schema(connection)
                self._check_meta(connection)
                if not fresh and connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    _set_journal(connection, "wal")  # after a bulk load that was killed (see apply)
                connection.execute("PRAGMA synchronous = FULL")
                connection.execute("PRAGMA cache_size = -131072")  # 128 MB of pages: large writes stay fast
            except BaseException:
                connection.close()
                raise
        self._connection = connection
        # Closed when the store goes away or at exit at the latest, so that SQLite folds its
        # write-ahead log back into the file and removes the -wal and -shm files.
        self._finalizer = weakref.finalize(self, connection.close)
        return connection

    def _check_meta(self, connection: sqlite3.Connection) -> None:
        try:
            meta = dict(connection.execute(f"SELECT key, value FROM {META}").fetchall())
        except sqlite3.OperationalError as error:
            raise StoreError(f"the store {self.path} is a SQLite database but not a psikg store ({error}); "
                             f"{_REBUILD}") from error
        if meta.get("format") != FORMAT:
            raise StoreError(f"the store {self.path} is not a psikg store (format {meta.get('format')!r}, "
                             f"expected {FORMAT!r}); {_REBUILD}")
        version = meta.get("schema_version")
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise StoreError(f"the store {self.path} has schema version {version!r}, newer than this psikg reads "
                             f"({SCHEMA_VERSION}); upgrade psikg, or {_REBUILD}")
        if version < SCHEMA_VERSION:
            raise StoreError(f"the store {self.path} has the old schema version {version}; {_REBUILD}")

    def _generation(self, connection: sqlite3.Connection) -> int:
        return connection.execute(f"SELECT value FROM {META} WHERE key = 'generation'").fetchone()[0]

    @contextmanager
    def _reading(self):
        """One consistent snapshot for the reads inside (a read transaction, unless one is open).
        The store's one connection serves one thread at a time (a server's threads share it)."""
        connection = self._open()
        if connection is None:
            yield None
            return
        with self._thread_lock, self._guard():
            if connection.in_transaction:
                yield connection
                return
            connection.execute("BEGIN")
            try:
                yield connection
            finally:
                connection.execute("COMMIT")

    # The catalog ----------------------------------------------------------------------------

    def catalog(self):
        """The catalog of the graph: from the cache when it matches the tables, else rebuilt."""
        if self._catalog is not None:
            return self._catalog
        from .catalog_cache import CacheVersionError, decode_catalog

        with self._reading() as connection:
            if connection is None:
                from .catalog import catalog_from_store

                self._catalog = catalog_from_store(self)
                return self._catalog
            generation = self._generation(connection)
            cached = connection.execute(f"SELECT * FROM {CACHE}").fetchone()  # generation, checksum, data
            catalog = None
            if cached is not None and cached[0] == generation and cache_checksum(cached[2]) == cached[1]:
                try:
                    catalog = decode_catalog(cached[2])
                except CacheVersionError as error:
                    log.info("rebuilding the catalog cache of %s: %s", self.path, error)
                except (ValueError, TypeError, KeyError, IndexError) as error:
                    log.warning("the catalog cache of %s is damaged (%s); rebuilding it", self.path, error)
            rebuilt = catalog is None
            if rebuilt:
                from .catalog import catalog_from_store

                log.info("rebuilding the catalog of %s from its tables", self.path)
                catalog = catalog_from_store(self)
                self._derived = {}
        if rebuilt:
            self._save_cache(catalog, generation)
        self._catalog, self._catalog_generation = catalog, generation
        # The catalog is millions of long-lived objects: keep them out of the cyclic garbage
        # collector's scans, which otherwise pause queries for tens of ms.
        gc.freeze()
        return catalog

    def _save_cache(self, catalog, generation: int) -> None:
        """Keep a rebuilt catalog for the next reader, if the tables have not changed meanwhile and
        nobody is writing (a reader never waits for a writer for this)."""
        connection = self._connection
        if connection is None or not self._thread_lock.acquire(blocking=False):
            return
        try:
            if connection.in_transaction:
                return
            connection.execute("PRAGMA busy_timeout = 0")
            connection.execute("BEGIN IMMEDIATE")
            try:
                if self._generation(connection) == generation:
                    _write_cache(connection, catalog, generation)
                connection.execute("COMMIT")
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            log.info("the catalog cache of %s was not saved (%s)", self.path, error)
        finally:
            connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            self._thread_lock.release()

    # The Store protocol --------------------------------------------------------------------

    def nodes(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        table = KIND_TABLES.get(kind)
        if table is None:
            return iter(())
        with self._reading() as connection:
            if connection is None:
                return iter(())
            decode = table.decode
            return iter([(row[0], decode(row[1:])) for row in connection.execute(f"SELECT * FROM {_q(table.table)}")])

    def links(self, kind: str, rel: str) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        for source_id, targets in self.grouped_links(kind, rel).items():
            for target_kind, target_id, props in targets:
                yield source_id, target_kind, target_id, props

    def grouped_links(self, kind: str, rel: str) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
        """The ``rel`` links of ``kind`` by source id, each list sorted by (target kind, target id):
        the shape the catalog reads, served without regrouping (see graph.catalog)."""
        table = LINK_TABLES.get((kind, rel))
        if table is None:
            return {}
        with self._reading() as connection:
            if connection is None:
                return {}
            rows = connection.execute(f"SELECT * FROM {_q(table.table)} ORDER BY source, target_kind, target")
            grouped: dict[str, list] = defaultdict(list)
            decode, width, intern = table.decode, len(table.names) + 1, sys.intern
            for row in rows:
                props = row[3:]
                props = decode(props) if props.count(None) < width else _NO_PROPS
                grouped[row[0]].append((row[1], intern(row[2]), props))
        return dict(grouped)

    def node(self, kind: str, id_: str) -> dict[str, Any] | None:
        table = KIND_TABLES.get(kind)
        if table is None:
            return None
        with self._reading() as connection:
            if connection is None:
                return None
            row = connection.execute(f"SELECT * FROM {_q(table.table)} WHERE id = ?", (id_,)).fetchone()
            return None if row is None else table.decode(row[1:])

    def ids(self, kind: str) -> set[str]:
        table = KIND_TABLES.get(kind)
        with self._reading() as connection:
            if connection is None or table is None:
                return set()
            return {row[0] for row in connection.execute(f"SELECT id FROM {_q(table.table)}")}

    def neighbours(self, kind: str, id_: str) -> list[tuple[str, str, str, str, dict[str, Any]]]:
        if self.node(kind, id_) is None:
            return []
        found = []
        with self._reading() as connection:
            for table in LINK_TABLES.values():
                if table.kind == kind:
                    for row in connection.execute(f"SELECT * FROM {_q(table.table)} WHERE source = ?", (id_,)):
                        found.append(("out", table.rel, row[1], row[2], table.decode(row[3:])))
                if kind in table.targets:
                    query = f"SELECT * FROM {_q(table.table)} WHERE target = ? AND target_kind = ?"
                    for row in connection.execute(query, (id_, kind)):
                        found.append(("in", table.rel, table.kind, row[0], table.decode(row[3:])))
        return sorted(found, key=lambda f: (f[0], f[1], f[2], f[3]))

    def counts(self) -> dict[str, Any]:
        by_kind, by_type = self._counts()
        return {"nodes_by_kind": dict(sorted((k, n) for k, n in by_kind.items() if n)),
                "links_by_type": dict(sorted((k, n) for k, n in by_type.items() if n)),
                "nodes": sum(by_kind.values()), "edges": sum(by_type.values())}

    def has_nodes(self) -> bool:
        """Whether the store holds any node: one statement that stops at the first row found
        (every command asks it first; counting every table takes 43 statements)."""
        with self._reading() as connection:
            if connection is None:
                return False
            found = " OR ".join(f"EXISTS (SELECT 1 FROM {_q(table.table)})" for table in KIND_TABLES.values())
            return bool(connection.execute(f"SELECT {found}").fetchone()[0])

    def _counts(self) -> tuple[Counter, Counter]:
        by_kind: Counter = Counter()
        by_type: Counter = Counter()
        with self._reading() as connection:
            if connection is None:
                return by_kind, by_type
            for kind, table in KIND_TABLES.items():
                by_kind[kind] = connection.execute(f"SELECT count(*) FROM {_q(table.table)}").fetchone()[0]
            for key, table in LINK_TABLES.items():
                by_type[PG_TYPE[key]] += connection.execute(f"SELECT count(*) FROM {_q(table.table)}").fetchone()[0]
        return by_kind, by_type

    def origins(self) -> dict[str, Origin]:
        """What each input source contributed, as recorded by the loads (graph/sqlite_origins.py)."""
        from .sqlite_origins import read_origins

        with self._reading() as connection:
            return {} if connection is None else read_origins(connection)

    @property
    def graph(self):
        """The graph as a networkx ``MultiDiGraph`` (node keys ``kind/id``, edge keys = relation
        names), built on first use; read it, never write to it."""
        if "networkx" not in self._derived:
            self._derived["networkx"] = self._networkx()
        return self._derived["networkx"]

    def _networkx(self):
        import networkx as nx

        from .records import node_key

        graph = nx.MultiDiGraph()
        with self._reading():
            for kind in KIND_TABLES:
                graph.add_nodes_from((node_key(kind, id_), {"kind": kind, "props": props})
                                     for id_, props in self.nodes(kind))
            for kind, rel in LINK_TABLES:
                graph.add_edges_from((node_key(kind, source), node_key(target_kind, target), rel, {"props": props})
                                     for source, target_kind, target, props in self.links(kind, rel))
        return graph

    def close(self) -> None:
        if self._connection is not None:
            self._finalizer()
        self._connection = self._catalog = self._catalog_generation = None
        self._derived = {}

    # Writing -------------------------------------------------------------------------------

    @contextmanager
    def transaction(self):
        """Hold the store's write lock for the block: what is read inside is the latest committed
        graph, and every :meth:`apply` inside joins one transaction, committed at the end (or
        rolled back on an error). A check and the write it allows thus see the same graph."""
        with self._thread_lock:  # other threads of this process wait here; this one may nest
            if self._transaction_depth:
                self._transaction_depth += 1
                try:
                    yield self
                finally:
                    self._transaction_depth -= 1
                return
            connection = self._open(create=True)
            with self._guard("write"):
                connection.execute("BEGIN IMMEDIATE")
                self._transaction_depth = 1
                try:
                    if self._generation(connection) != self._catalog_generation:
                        self._catalog, self._derived = None, {}  # someone else wrote since we read
                    yield self
                except BaseException:
                    connection.execute("ROLLBACK")
                    self._catalog, self._catalog_generation, self._derived = None, None, {}
                    raise
                finally:
                    self._transaction_depth = 0
                connection.execute("COMMIT")
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def apply(self, batch: GraphBatch, *, replace: bool = False) -> ApplyResult:
        """Merge ``batch`` (or replace everything with it) in one SQLite transaction.

        Into an empty store (or with ``replace``) the batch is written as a bulk load: no merge
        reads, the target indexes built once after the rows, and on a new file a rollback journal
        instead of the write-ahead log while it runs (see :meth:`_bulk_journal`)."""
        if replace:
            self._open(create=True, replace_old=True)
        from . import sqlite_write  # by module: tests stop a load inside its functions
        from .catalog import catalog_from_store
        from .records import ApplyResult
        from .sqlite_origins import apply_origins

        with paused_gc(), self._bulk_journal(), self.transaction() as _, self._guard("write"):
            connection = self._connection
            before = self._counts()
            whole = replace or not (sum(before[0].values()) or sum(before[1].values()))
            connection.execute(f"DELETE FROM {CACHE}")  # stale from here on; the triggers stay quiet
            if replace:
                for table in (*KIND_TABLES.values(), *LINK_TABLES.values()):
                    connection.execute(f"DELETE FROM {_q(table.table)}")
            if whole:  # the generation is set below; back before the transaction ends
                _run_all(connection, drop_generation_triggers())
            node_rows = sqlite_write.merge_nodes(connection, batch, whole)
            link_rows = sqlite_write.merge_links(connection, batch, whole)
            apply_origins(connection, batch, replace)  # a reload's removals, and what each source gave
            if whole:
                _run_all(connection, generation_triggers())
            self._catalog, self._derived = None, {}
            # When the batch is the whole graph, its catalog is read from the batch itself (the
            # same reads, without reading back every row just written).
            catalog = catalog_from_store(_BatchView(batch, link_rows) if whole else self)
            self._derived = {}
            generation = self._generation(connection) + 1
            connection.execute(f"UPDATE {META} SET value = ? WHERE key = 'generation'", (generation,))
            _write_cache(connection, catalog, generation)
            if whole:  # what was just written, without counting every table again
                nodes_after, edges_after = node_rows, sum(len(rows) for rows in link_rows.values())
            else:
                nodes_by_kind, links_by_type = self._counts()
                nodes_after, edges_after = sum(nodes_by_kind.values()), sum(links_by_type.values())
            self._catalog, self._catalog_generation = catalog, generation
        log.info("wrote %s (%d nodes, %d links)", self.path, nodes_after, edges_after)
        return ApplyResult(nodes_before=sum(before[0].values()), edges_before=sum(before[1].values()),
                           nodes=nodes_after, edges=edges_after)

    @contextmanager
    def _bulk_journal(self):
        """A rollback journal instead of the write-ahead log while a bulk load fills an empty
        store that nobody else has open: the rows are then written once (into the file) rather
        than twice (into the log, then copied into the file), and a killed load still leaves the
        previous version (its hot journal is rolled back by the next opener, which also returns
        the store to WAL, see :meth:`_connect`). Anything else keeps WAL, so readers go on."""
        connection = self._open(create=True)
        bulk = (not self._transaction_depth and not connection.in_transaction and not _has_rows(connection)
                and _set_journal(connection, "delete"))
        try:
            yield
        finally:
            if bulk:
                _set_journal(connection, "wal", wait=True)

class _BatchView:
    """A batch read as a store holding only it: the reads ``catalog_from_store`` makes, served
    from the batch's nodes and the link rows just written (in primary-key order, so already
    grouped). The catalog reads a missing property, None and an empty list alike, so the batch's
    node properties serve as they are; tests check that this catalog equals the tables' one."""

    capabilities = frozenset({"grouped_links"})

    def __init__(self, batch: GraphBatch, link_rows: dict[tuple[str, str], list[tuple]]):
        self.by_kind: dict[str, list] = defaultdict(list)
        for node in batch.nodes.values():
            self.by_kind[node.kind].append((node.id, node.props))
        self.link_rows = link_rows

    def nodes(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        return iter(self.by_kind.get(kind, ()))

    def grouped_links(self, kind: str, rel: str) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
        table = LINK_TABLES.get((kind, rel))
        grouped: dict[str, list] = defaultdict(list)
        if table is None:
            return grouped
        decode, empty, intern = table.decode, (None,) * (len(table.names) + 1), sys.intern
        rows = self.link_rows.get((kind, rel), ())
        if not table.names:  # (source, target kind, target, extra): most relations
            for source, target_kind, target, extra in rows:
                grouped[source].append((target_kind, intern(target), _NO_PROPS if extra is None else decode((extra,))))
            return grouped
        decoded: dict[tuple, dict] = {}  # a few property sets serve most links: each decoded once, shared
        for row in rows:
            tail = row[3:]
            props = decoded.get(tail)
            if props is None:
                props = decoded[tail] = _NO_PROPS if tail == empty else decode(tail)
            grouped[row[0]].append((row[1], intern(row[2]), props))
        return grouped


def _create_schema(connection: sqlite3.Connection) -> None:
    """Create the tables of an empty store (once, even when two processes race to create it)."""
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("BEGIN IMMEDIATE")
    try:
        if connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
            _run_all(connection, schema_sql())
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _run_all(connection: sqlite3.Connection, statements: list[str]) -> None:
    for statement in statements:
        connection.execute(statement)


def _has_rows(connection: sqlite3.Connection) -> bool:
    return any(connection.execute(f"SELECT 1 FROM {_q(table.table)} LIMIT 1").fetchone()
               for table in (*KIND_TABLES.values(), *LINK_TABLES.values()))


def _set_journal(connection: sqlite3.Connection, mode: str, wait: bool = False) -> bool:
    """Switch the journal mode (it needs the file to itself); whether it switched. Unless
    ``wait``, give up at once when another connection has the file open."""
    if not wait:
        connection.execute("PRAGMA busy_timeout = 0")
    try:
        return connection.execute(f"PRAGMA journal_mode = {mode}").fetchone()[0] == mode
    except sqlite3.OperationalError as error:
        log.info("the store stays in its journal mode (%s)", error)
        return False
    finally:
        connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")


def _write_cache(connection: sqlite3.Connection, catalog, generation: int) -> None:
    from .catalog_cache import encode_catalog

    data = encode_catalog(catalog)
    rename_old_cache_column(connection)
    connection.execute(f"DELETE FROM {CACHE}")
    connection.execute(f"INSERT INTO {CACHE} VALUES (?, ?, ?)", (generation, cache_checksum(data), data))
