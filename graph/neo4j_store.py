"""Neo4j 5 as a psikg store, through the official ``neo4j`` driver (Bolt).

``bolt://host:7687``, ``neo4j://host:7687`` or ``neo4j+s://xxxx.databases.neo4j.io`` (Aura). The
user and password come from the arguments or ``NEO4J_USER`` / ``NEO4J_PASSWORD`` (user default
``neo4j``); the database from the argument or ``NEO4J_DATABASE`` (default: the server's default
database). The driver is an optional extra (``pip install psikg[neo4j]``), imported here only.

Every write (one :meth:`apply`, one batch of a push) runs in one explicit transaction; reads run
in read transactions, and ``psikg cypher`` queries in a read-access session as well.
"""

from __future__ import annotations

import datetime as _dt
import logging
import os
from typing import Any

from ..errors import StoreError
from . import cypher
from .cypher_store import DEFAULT_BATCH_SIZE, CypherStore, Step

__all__ = ["Neo4jStore"]

log = logging.getLogger(__name__)


def _import_driver():
    try:
        import neo4j
    except ImportError as error:
        raise StoreError("the Neo4j store needs the neo4j driver: pip install 'psikg[neo4j]'") from error
    return neo4j


class Neo4jStore(CypherStore):
    """A psikg graph in a Neo4j 5 database (nodes carry psikg's labels; others are left alone)."""

    capabilities = frozenset({"persistent", "cypher", "transactions", "neo4j", "match_reads"})
    dialect = cypher.NEO4J

    def __init__(self, driver, *, database: str | None = None, location: str = "", tracer=None,
                 batch_size: int = DEFAULT_BATCH_SIZE):
        super().__init__(tracer=tracer, batch_size=batch_size)
        self._driver = driver
        self.database = database
        self.location = location

    @classmethod
    def connect(cls, uri: str, *, user: str | None = None, password: str | None = None,
                database: str | None = None, tracer=None, batch_size: int = DEFAULT_BATCH_SIZE) -> "Neo4jStore":
        """Connect to a Neo4j server and check that it answers."""
        neo4j = _import_driver()
        user = user or os.environ.get("NEO4J_USER") or os.environ.get("NEO4J_USERNAME") or "neo4j"
        password = password if password is not None else os.environ.get("NEO4J_PASSWORD")
        database = database or os.environ.get("NEO4J_DATABASE") or None
        driver = None
        try:
            # No notifications: psikg's reads name every label and type of the model, and Neo4j would
            # warn on stderr about each one the graph does not hold yet (needs Neo4j 5.7+).
            driver = neo4j.GraphDatabase.driver(uri, auth=(user, password) if password is not None else None,
                                                notifications_min_severity="OFF")
            driver.verify_connectivity()
        except Exception as error:  # noqa: BLE001 - ServiceUnavailable, AuthError, ConfigurationError...
            if driver is not None:
                driver.close()
            raise StoreError(_connect_message(neo4j, error, uri, user, password)) from error
        return cls(driver, database=database, location=uri + (f" (database {database})" if database else ""),
                   tracer=tracer, batch_size=batch_size)

    def describe(self) -> str:
        return self.location or "Neo4j"

    # Running statements -----------------------------------------------------------------------

    def _session(self, read: bool):
        neo4j = _import_driver()
        mode = neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS
        return self._driver.session(database=self.database, default_access_mode=mode)

    def _run(self, tx, query: str, params: dict[str, Any] | None) -> list[list[Any]]:
        self._trace(query, params)
        return [list(record.values()) for record in tx.run(query, params or {})]

    def _read(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        try:
            with self._session(read=True) as session:
                return session.execute_read(self._run, query, params)
        except Exception as error:  # noqa: BLE001
            raise StoreError(f"Neo4j ({self.describe()}): {error}") from error

    def read_many(self, reads: list[Step]) -> list[list[list[Any]]]:
        """Read statements in one read transaction: one consistent view, one session. Each
        statement's rows come as one row (:func:`~psikg.graph.cypher.as_one_row`): a match at L
        read 2,200 rows, and the driver's cost per row was most of the match's client time."""
        def work(tx):
            return [self._run(tx, self.sent_text(query), params)[0][0] for query, params in reads]

        try:
            with self._session(read=True) as session:
                return session.execute_read(work)
        except Exception as error:  # noqa: BLE001
            raise StoreError(f"Neo4j ({self.describe()}): {error}") from error

    def sent_text(self, query: str) -> str:
        return cypher.as_one_row(query)

    def _write(self, steps: list[Step]) -> None:
        if not steps:
            return
        try:
            with self._session(read=False) as session:
                with session.begin_transaction() as tx:
                    for query, params in steps:
                        self._trace(query, params)
                        tx.run(query, params or {}).consume()
                    tx.commit()
        except Exception as error:  # noqa: BLE001
            raise StoreError(f"Neo4j ({self.describe()}): {error}") from error

    def _write_returning(self, query: str, params: dict[str, Any]) -> list[list[Any]]:
        try:
            with self._session(read=False) as session:
                return session.execute_write(self._run, query, params)
        except Exception as error:  # noqa: BLE001
            raise StoreError(f"Neo4j ({self.describe()}): {error}") from error

    def _read_only(self, query: str, params: dict[str, Any] | None,
                   timeout: float) -> tuple[list[str], list[list[Any]]]:
        neo4j = _import_driver()

        @neo4j.unit_of_work(timeout=timeout)  # the server terminates the transaction
        def work(tx):
            self._trace(query, params)
            result = tx.run(query, params or {})
            rows = [[_plain(value) for value in record.values()] for record in result]
            return list(result.keys()), rows

        try:
            with self._session(read=True) as session:
                return session.execute_read(work)
        except Exception as error:  # noqa: BLE001
            if "TransactionTimedOut" in getattr(error, "code", "") or "timed out" in str(error).lower():
                raise StoreError(f"Neo4j ({self.describe()}) stopped the query after its time limit of "
                                 f"{timeout:g} s: narrow it (LIMIT, a label, an id)") from error
            raise StoreError(f"Neo4j ({self.describe()}): {error}") from error

    def wipe(self) -> int:
        deleted = super().wipe()
        self._wiped()
        return deleted

    def close(self) -> None:
        super().close()
        self._driver.close()


def _connect_message(neo4j, error: Exception, uri: str, user: str, password: str | None) -> str:
    """One line that says what went wrong when connecting, and what to do (no password shown)."""
    reason = " ".join(str(error).split())
    if isinstance(error, neo4j.exceptions.AuthError):
        given = "no password" if password is None else "the password given"
        return (f"cannot reach Neo4j at {uri} as {user}: the server refused the user or password ({given}; "
                f"set NEO4J_USER/NEO4J_PASSWORD or --user/--password). {reason}")
    if isinstance(error, neo4j.exceptions.ServiceUnavailable):
        return (f"cannot reach Neo4j at {uri} as {user}: no Neo4j server answers there (is it running, "
                f"and is the host and port right?). {reason}")
    return f"cannot reach Neo4j at {uri} as {user}: {reason}"


def _plain(value):
    """Neo4j values as plain data: nodes, relationships and paths become dicts and lists."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {"labels": sorted(value.labels), "properties": {k: _plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"type": value.type, "properties": {k: _plain(v) for k, v in value.items()}}
    if isinstance(value, Path):
        return {"nodes": [_plain(n) for n in value.nodes],
                "relationships": [_plain(r) for r in value.relationships]}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    return value
