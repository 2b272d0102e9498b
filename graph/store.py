"""The one seam between psikg and where its graph lives.

A store holds nodes (``kind``, ``id``, properties) and typed links. Queries never talk to a
backend directly: they read a :class:`~psikg.ontology.domain.Catalog`, which every store builds from
the same bulk reads (``nodes`` and ``links``). Backends are imported only when first asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Protocol, runtime_checkable

from .records import GraphBatch

__all__ = ["Store", "ApplyResult", "open_store"]


class ApplyResult(dict):
    """What a write changed: counts of nodes and links before and after."""


@runtime_checkable
class Store(Protocol):
    #: What the store can do beyond the protocol, e.g. {"persistent", "atomic", "cypher"}.
    capabilities: frozenset[str]

    def apply(self, batch: GraphBatch, *, replace: bool = False) -> ApplyResult:
        """Merge ``batch`` (or replace everything with it) in one all-or-nothing write."""

    def nodes(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every node of a kind as ``(id, properties)``."""

    def links(self, kind: str, rel: str) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """Every ``rel`` link from nodes of ``kind`` as ``(source id, target kind, target id, props)``."""

    def node(self, kind: str, id_: str) -> dict[str, Any] | None:
        """One node's properties, or None."""

    def neighbours(self, kind: str, id_: str) -> list[tuple[str, str, str, str, dict[str, Any]]]:
        """Links of one node as ``(direction "out"|"in", relation, other kind, other id, props)``."""

    def counts(self) -> dict[str, Any]:
        """Nodes per kind, links per relationship type, and totals."""

    def catalog(self):
        """The :class:`Catalog` of the current graph."""

    def close(self) -> None: ...


def open_store(location: str | Path | None = None, *, tracer=None) -> Store:
    """Open the store at ``location``: a file path for the embedded store (the default), or a
    ``bolt://``/``neo4j://``/``falkor://``/``redis://`` URI for a graph database."""
    from ..config import default_store_path

    text = str(location) if location is not None else str(default_store_path())
    scheme = text.split("://", 1)[0] if "://" in text else ""
    if scheme in ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"):
        from .neo4j_store import Neo4jStore

        return Neo4jStore.connect(text, tracer=tracer)
    if scheme in ("falkor", "falkordb", "redis"):
        from .falkordb_store import FalkorDBStore

        return FalkorDBStore.connect(text, tracer=tracer)
    from .embedded import EmbeddedStore

    return EmbeddedStore(Path(text))
