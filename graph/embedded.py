"""The embedded default store: a networkx graph in process, persisted to one file atomically.

A write builds the new graph in memory, writes it to a temporary file beside the store, flushes it
to disk and renames it over the old file. A load that fails or is killed before the rename leaves
the previous version intact; a lock file serialises writers.
"""

from __future__ import annotations

import fcntl
import logging
import os
import pickle
import tempfile
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import networkx as nx

from ..errors import StoreError
from ..ontology.model import KINDS
from .records import GraphBatch, node_key, split_key
from .store import ApplyResult

__all__ = ["EmbeddedStore"]

log = logging.getLogger(__name__)

FORMAT = "psikg-embedded/1"


class EmbeddedStore:
    """A psikg graph kept in a networkx ``MultiDiGraph``; edge keys are relation names."""

    capabilities = frozenset({"persistent", "atomic", "networkx"})

    def __init__(self, path: Path):
        self.path = Path(path)
        self._graph: nx.MultiDiGraph | None = None
        self._catalog = None
        self._index = None
        self._by_kind = None

    # Reading -------------------------------------------------------------------------------

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The networkx graph (read it, do not modify it: write through :meth:`apply`)."""
        if self._graph is None:
            self._graph = self._read()
        return self._graph

    def exists(self) -> bool:
        return self.path.exists()

    def _read(self) -> nx.MultiDiGraph:
        graph = nx.MultiDiGraph()
        if not self.path.exists():
            return graph
        try:
            with open(self.path, "rb") as handle:
                data = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError) as error:
            raise StoreError(f"cannot read the store {self.path}: {error}") from error
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise StoreError(f"{self.path} is not a psikg store (format {FORMAT})")
        graph.add_nodes_from((key, {"kind": kind, "props": props}) for key, kind, props in data["nodes"])
        graph.add_edges_from((s, t, rel, {"props": props}) for s, rel, t, props in data["links"])
        return graph

    def nodes(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if self._by_kind is None:
            by_kind: dict[str, list] = defaultdict(list)
            for key, data in self.graph.nodes(data=True):
                by_kind[data["kind"]].append((split_key(key)[1], data["props"]))
            self._by_kind = dict(by_kind)
        return iter(self._by_kind.get(kind, ()))

    def links(self, kind: str, rel: str) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        return iter(self._links_index().get((kind, rel), ()))

    def _links_index(self) -> dict[tuple[str, str], list[tuple[str, str, str, dict[str, Any]]]]:
        """Every link grouped by (source kind, relation), built in one pass and kept until a write."""
        if self._index is None:
            graph = self.graph
            index: dict[tuple[str, str], list] = defaultdict(list)
            kinds = dict(graph.nodes(data="kind"))
            for source, target, rel, data in graph.edges(keys=True, data=True):
                target_kind, target_id = split_key(target)
                index[(kinds[source], rel)].append((split_key(source)[1], target_kind, target_id, data["props"]))
            self._index = dict(index)
        return self._index

    def node(self, kind: str, id_: str) -> dict[str, Any] | None:
        data = self.graph.nodes.get(node_key(kind, id_))
        return None if data is None else data["props"]

    def ids(self, kind: str) -> set[str]:
        return {id_ for id_, _ in self.nodes(kind)}

    def neighbours(self, kind: str, id_: str) -> list[tuple[str, str, str, str, dict[str, Any]]]:
        key = node_key(kind, id_)
        graph = self.graph
        if key not in graph:
            return []
        found = []
        for _, target, rel, edge in graph.out_edges(key, keys=True, data=True):
            found.append(("out", rel, *split_key(target), edge["props"]))
        for source, _, rel, edge in graph.in_edges(key, keys=True, data=True):
            found.append(("in", rel, *split_key(source), edge["props"]))
        return sorted(found, key=lambda f: (f[0], f[1], f[2], f[3]))

    def counts(self) -> dict[str, Any]:
        graph = self.graph
        by_kind = Counter(data["kind"] for _, data in graph.nodes(data=True))
        pg_type = {(k.name, r.name): r.pg_type for k in KINDS.values() for r in k.relations}
        by_type: Counter = Counter()
        for source, _, rel in graph.edges(keys=True):
            by_type[pg_type.get((graph.nodes[source]["kind"], rel), rel)] += 1
        return {"nodes_by_kind": dict(sorted(by_kind.items())), "links_by_type": dict(sorted(by_type.items())),
                "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges()}

    def catalog(self):
        if self._catalog is None:
            from .domain import catalog_from_store

            self._catalog = catalog_from_store(self)
        return self._catalog

    # Writing -------------------------------------------------------------------------------

    def apply(self, batch: GraphBatch, *, replace: bool = False) -> ApplyResult:
        with self._lock():
            graph = nx.MultiDiGraph() if replace else self._read()
            before = (graph.number_of_nodes(), graph.number_of_edges())
            _merge(graph, batch)
            self._write(graph)
            self._graph, self._catalog, self._index, self._by_kind = graph, None, None, None
        after = (graph.number_of_nodes(), graph.number_of_edges())
        return ApplyResult(nodes_before=before[0], edges_before=before[1], nodes=after[0], edges=after[1])

    @contextmanager
    def _lock(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write(self, graph: nx.MultiDiGraph) -> None:
        data = {
            "format": FORMAT,
            "nodes": [(key, d["kind"], d["props"]) for key, d in graph.nodes(data=True)],
            "links": [(s, rel, t, d["props"]) for s, t, rel, d in graph.edges(keys=True, data=True)],
        }
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        log.info("wrote %s (%d nodes, %d links)", self.path, len(data["nodes"]), len(data["links"]))

    def close(self) -> None:
        self._graph = self._catalog = self._index = self._by_kind = None


def _merge(graph: nx.MultiDiGraph, batch: GraphBatch) -> None:
    """Merge a batch into a graph: node properties updated, owned relations replaced."""
    for key, node in batch.nodes.items():
        if key in graph:
            props = dict(graph.nodes[key]["props"])
        else:
            props = {}
            graph.add_node(key, kind=node.kind)
        for name, value in node.props.items():
            if value is None or value == [] or value == ():
                props.pop(name, None)
            else:
                props[name] = value
        graph.nodes[key]["props"] = props
    owned_by_source: dict[str, set[str]] = defaultdict(set)
    for source, rel in batch.owned:
        owned_by_source[source].add(rel)
    for source, rels in owned_by_source.items():
        if source in graph:
            stale = [(source, t, rel) for _, t, rel in graph.out_edges(source, keys=True) if rel in rels]
            graph.remove_edges_from(stale)
    for link in batch.links.values():
        for end in (link.source, link.target):
            if end not in graph:
                raise StoreError(f"link {link.source} -{link.rel}-> {link.target}: {end} is not in the graph")
        graph.add_edge(link.source, link.target, key=link.rel, props=link.prop_dict())
