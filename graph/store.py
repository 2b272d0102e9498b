"""The one seam between psikg and where its graph lives.

A store holds nodes (``kind``, ``id``, properties) and typed links. Queries never talk to a
backend directly: they read a :class:`~psikg.ontology.domain.Catalog`, which every store builds from
the same bulk reads (``nodes`` and ``links``). What a store can do beyond the protocol it declares
in ``capabilities`` (see :data:`CAPABILITIES`); callers test a flag, never probe for a method.
:func:`open_store` opens every kind of location; a backend module is imported only when first
asked for, and no backend imports this module back.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Protocol, runtime_checkable

from ..errors import StoreError

if TYPE_CHECKING:  # the records of a write: a store that is only read never imports them
    from .records import ApplyResult, GraphBatch, Origin

__all__ = ["Store", "CAPABILITIES", "open_store", "open_database", "DATABASE_SCHEMES"]

#: Every capability flag a store may declare, and what it promises.
CAPABILITIES = {
    "persistent": "the graph outlives the process",
    "atomic": "apply() writes all or nothing, even when the process dies mid-write",
    "transactions": "the database runs each apply() in one transaction",
    "cypher": "cypher() runs a read-only Cypher query",
    "grouped_links": "grouped_links() serves the links grouped by source, as the catalog reads them",
    "networkx": "graph is the whole graph as a networkx MultiDiGraph",
    "neo4j": "the store is a Neo4j database",
    "falkordb": "the store is a FalkorDB database",
    "match_reads": "match_catalog(practice) reads only the subgraph a match needs and related_catalog(practice, "
                   "countries) the related practices of the countries shown, each in one round trip",
}

NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
FALKORDB_SCHEMES = ("falkor", "falkordb", "redis")
DATABASE_SCHEMES = NEO4J_SCHEMES + FALKORDB_SCHEMES


@runtime_checkable
class Store(Protocol):
    #: What the store can do beyond the protocol: a subset of :data:`CAPABILITIES`.
    capabilities: frozenset[str]
    #: The file the store lives in, or None for a database.
    path: Path | None

    def apply(self, batch: GraphBatch, *, replace: bool = False) -> ApplyResult:
        """Merge ``batch`` (or replace everything with it) in one all-or-nothing write."""

    def exists(self) -> bool:
        """True when the store holds a graph (a file that exists, a database with psikg nodes)."""

    def describe(self) -> str:
        """Where the store is, for messages (never a password)."""

    def nodes(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every node of a kind as ``(id, properties)``."""

    def ids(self, kind: str) -> set[str]:
        """The ids of every node of a kind."""

    def links(self, kind: str, rel: str) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """Every ``rel`` link from nodes of ``kind`` as ``(source id, target kind, target id, props)``."""

    def node(self, kind: str, id_: str) -> dict[str, Any] | None:
        """One node's properties, or None."""

    def neighbours(self, kind: str, id_: str) -> list[tuple[str, str, str, str, dict[str, Any]]]:
        """Links of one node as ``(direction "out"|"in", relation, other kind, other id, props)``."""

    def counts(self) -> dict[str, Any]:
        """Nodes per kind, links per relationship type, and totals."""

    def catalog(self):
        """The :class:`~psikg.ontology.domain.Catalog` of the current graph."""

    def origins(self) -> dict[str, Origin]:
        """What each input source contributed, as the loads recorded it (graph/records.py); a
        reload removes what its source no longer gives (loaders/origins.py)."""

    def close(self) -> None: ...


def open_store(location: str | Path | None = None, *, user: str | None = None, password: str | None = None,
               database: str | None = None, tracer=None) -> Store:
    """Open the store at ``location``: a file path for the embedded store (the default,
    :func:`~psikg.config.default_store_path`), or a graph database URI (:func:`open_database`)."""
    from ..config import default_store_path

    text = str(location) if location is not None else str(default_store_path())
    if _scheme(text) in DATABASE_SCHEMES:
        return open_database(text, user=user, password=password, database=database, tracer=tracer)
    from .embedded import EmbeddedStore

    return EmbeddedStore(Path(text))


def open_database(uri: str, *, user: str | None = None, password: str | None = None,
                  database: str | None = None, tracer=None) -> Store:
    """Connect to the graph database at ``uri`` (``bolt://``, ``neo4j://``, ``neo4j+s://``,
    ``falkor://host:port/graph`` or ``redis://host:port/graph``)."""
    scheme = _scheme(uri)
    if scheme in NEO4J_SCHEMES:
        from .neo4j_store import Neo4jStore

        return Neo4jStore.connect(uri, user=user, password=password, database=database, tracer=tracer)
    if scheme in FALKORDB_SCHEMES:
        from .falkordb_store import FalkorDBStore

        return FalkorDBStore.connect(uri, user=user, password=password, graph=database, tracer=tracer)
    raise StoreError(f"{uri!r} is not a graph database URI; expected bolt://, neo4j://, neo4j+s://, "
                     "falkor://host:port/graph or redis://host:port/graph")


def _scheme(text: str) -> str:
    return text.split("://", 1)[0] if "://" in text else ""
