"""The embedded default store: the graph in process, persisted to one file atomically.

Nodes and links live in plain dictionaries; networkx views are built from them on demand for the
graph algorithms. The file holds three pickled sections: a header (format and counts), the
:class:`Catalog` that queries read, and the nodes and links. Reopening for a query reads the first
two only; the raw graph is read when something asks for it.

A write builds the new version in memory, writes it to a temporary file beside the store, flushes
it to disk and renames it over the old file. A load that fails or is killed before the rename
leaves the previous version intact; a lock file serialises writers.
"""

from __future__ import annotations

import fcntl
import gc
import logging
import os
import pickle
import sys
import tempfile
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ..errors import StoreError
from ..ontology.model import KINDS
from .records import ApplyResult, GraphBatch, node_key, split_key

__all__ = ["EmbeddedStore"]

log = logging.getLogger(__name__)

FORMAT = "psikg-embedded/2"
_NO_PROPS: dict[str, Any] = {}  # shared by every link without properties (never modified)
PG_TYPE = {(k.name, r.name): r.pg_type for k in KINDS.values() for r in k.relations}


class _Graph:
    """Nodes by key and links by (source key, relation) -> {target key: properties}."""

    def __init__(self, nodes=None, links=None):
        self.nodes: dict[str, tuple[str, dict[str, Any]]] = nodes if nodes is not None else {}
        self.links: dict[tuple[str, str], dict[str, dict[str, Any]]] = links if links is not None else {}

    def edge_count(self) -> int:
        return sum(len(targets) for targets in self.links.values())


class EmbeddedStore:
    """A psikg graph kept in process and persisted to one file."""

    capabilities = frozenset({"persistent", "atomic", "networkx", "grouped_links"})

    def __init__(self, path: Path):
        self.path = Path(path)
        self._data: _Graph | None = None
        self._catalog = None
        self._header: dict | None = None
        self._derived: dict[str, Any] = {}

    def exists(self) -> bool:
        return self.path.exists()

    def describe(self) -> str:
        return str(self.path)

    # Reading the file -----------------------------------------------------------------------

    def _read(self, sections: int) -> tuple:
        """The first ``sections`` pickled sections of the store file."""
        try:
            with open(self.path, "rb") as handle:
                header = pickle.load(handle)
                if not isinstance(header, dict) or header.get("format") != FORMAT:
                    raise StoreError(f"{self.path} is not a psikg store (format {FORMAT}); "
                                     "load the data again with `psikg load --replace`")
                return (header,) + tuple(pickle.load(handle) for _ in range(sections - 1))
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as error:
            raise StoreError(f"cannot read the store {self.path}: {error}") from error

    @property
    def data(self) -> _Graph:
        if self._data is None:
            if not self.path.exists():
                self._data = _Graph()
            else:
                header, _catalog, raw = self._read(3)
                self._header = header
                self._data = _Graph(*raw)
        return self._data

    def catalog(self):
        if self._catalog is None:
            if self._data is None and self.path.exists():
                self._header, self._catalog = self._read(2)
                # The catalog is millions of long-lived objects: keep them out of the cyclic
                # garbage collector's scans, which otherwise pause queries for tens of ms.
                gc.freeze()
            else:
                from .catalog import catalog_from_store

                self._catalog = catalog_from_store(self)
        return self._catalog

    # The Store protocol --------------------------------------------------------------------

    def nodes(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        by_kind = self._derive("by_kind", self._nodes_by_kind)
        return iter(by_kind.get(kind, ()))

    def links(self, kind: str, rel: str) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        for source_id, targets in self.grouped_links(kind, rel).items():
            for target_kind, target_id, props in targets:
                yield source_id, target_kind, target_id, props

    def grouped_links(self, kind: str, rel: str) -> dict[str, list[tuple[str, str, dict[str, Any]]]]:
        """The ``rel`` links of ``kind`` by source id, each list sorted by (target kind, target id):
        the shape the catalog reads, served without regrouping (see graph.catalog)."""
        return self._derive("grouped_links", self._group_links).get((kind, rel), {})

    def node(self, kind: str, id_: str) -> dict[str, Any] | None:
        found = self.data.nodes.get(node_key(kind, id_))
        return None if found is None else found[1]

    def ids(self, kind: str) -> set[str]:
        return {id_ for id_, _ in self.nodes(kind)}

    def neighbours(self, kind: str, id_: str) -> list[tuple[str, str, str, str, dict[str, Any]]]:
        key = node_key(kind, id_)
        data = self.data
        if key not in data.nodes:
            return []
        found = []
        for (source, rel), targets in data.links.items():
            if source == key:
                found.extend(("out", rel, *split_key(t), props) for t, props in targets.items())
        for source, rel, props in self._derive("incoming", self._incoming).get(key, ()):
            found.append(("in", rel, *split_key(source), props))
        return sorted(found, key=lambda f: (f[0], f[1], f[2], f[3]))

    def counts(self) -> dict[str, Any]:
        data = self.data
        by_kind = Counter(kind for kind, _ in data.nodes.values())
        by_type: Counter = Counter()
        for (source, rel), targets in data.links.items():
            by_type[PG_TYPE.get((data.nodes[source][0], rel), rel)] += len(targets)
        return {"nodes_by_kind": dict(sorted(by_kind.items())), "links_by_type": dict(sorted(by_type.items())),
                "nodes": len(data.nodes), "edges": data.edge_count()}

    @property
    def graph(self):
        """The graph as a networkx ``MultiDiGraph`` (node keys ``kind/id``, edge keys = relation
        names), built on first use; read it, never write to it."""
        return self._derive("networkx", self._networkx)

    def close(self) -> None:
        self._data = self._catalog = self._header = None
        self._derived = {}

    # Derived indexes, rebuilt after each write -----------------------------------------------

    def _derive(self, name: str, build):
        if name not in self._derived:
            self._derived[name] = build()
        return self._derived[name]

    def _nodes_by_kind(self) -> dict[str, list[tuple[str, dict]]]:
        by_kind: dict[str, list] = defaultdict(list)
        for key, (kind, props) in self.data.nodes.items():
            by_kind[kind].append((split_key(key)[1], props))
        return dict(by_kind)

    def _group_links(self) -> dict[tuple[str, str], dict[str, list]]:
        nodes = self.data.nodes
        split: dict[str, tuple[str, str]] = {}  # target key -> (kind, interned id); targets repeat a lot
        index: dict[tuple[str, str], dict[str, list]] = defaultdict(dict)
        for (source, rel), targets in self.data.links.items():
            grouped = []
            for target, props in targets.items():
                parts = split.get(target)
                if parts is None:
                    kind, _, id_ = target.partition("/")
                    parts = split[target] = (kind, sys.intern(id_))
                grouped.append((*parts, props))
            grouped.sort()  # (kind, id) is unique per source, so the props are never compared
            index[(nodes[source][0], rel)][source.partition("/")[2]] = grouped
        return dict(index)

    def _incoming(self) -> dict[str, list[tuple[str, str, dict]]]:
        incoming: dict[str, list] = defaultdict(list)
        for (source, rel), targets in self.data.links.items():
            for target, props in targets.items():
                incoming[target].append((source, rel, props))
        return dict(incoming)

    def _networkx(self):
        import networkx as nx

        graph = nx.MultiDiGraph()
        graph.add_nodes_from((key, {"kind": kind, "props": props}) for key, (kind, props) in self.data.nodes.items())
        graph.add_edges_from((source, target, rel, {"props": props})
                             for (source, rel), targets in self.data.links.items()
                             for target, props in targets.items())
        return graph

    # Writing -------------------------------------------------------------------------------

    def apply(self, batch: GraphBatch, *, replace: bool = False) -> ApplyResult:
        with self._lock():
            self._data = None  # another process may have written since we read
            data = _Graph() if replace or not self.path.exists() else self.data
            before = (len(data.nodes), data.edge_count())
            try:
                _merge(data, batch)
            except BaseException:
                self._data = None  # the file still holds the last good version
                raise
            self._data, self._derived, self._catalog = data, {}, None
            from .catalog import catalog_from_store

            catalog = catalog_from_store(self)
            self._derived = {}  # the indexes the catalog was read through are not needed any more
            self._write(data, catalog)
            self._catalog = catalog
        return ApplyResult(nodes_before=before[0], edges_before=before[1], nodes=len(data.nodes),
                           edges=data.edge_count())

    @contextmanager
    def _lock(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write(self, data: _Graph, catalog) -> None:
        header = {"format": FORMAT, "nodes": len(data.nodes), "edges": data.edge_count()}
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                for section in (header, catalog, (data.nodes, data.links)):
                    pickle.dump(section, handle, protocol=pickle.HIGHEST_PROTOCOL)
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
        self._header = header
        log.info("wrote %s (%d nodes, %d links)", self.path, header["nodes"], header["edges"])


def _merge(data: _Graph, batch: GraphBatch) -> None:
    """Merge a batch: node properties updated (None removes one), owned relations replaced."""
    nodes, links = data.nodes, data.links
    intern = sys.intern
    for key, node in batch.nodes.items():
        found = nodes.get(key)
        props = dict(found[1]) if found else {}
        for name, value in node.props.items():
            if value is None or value == [] or value == ():
                props.pop(name, None)
            else:
                props[intern(name)] = value
        nodes[intern(key)] = (intern(node.kind), props)
    for owned in batch.owned:
        links.pop(owned, None)
    for link in batch.links.values():
        for end in (link.source, link.target):
            if end not in nodes:
                raise StoreError(f"link {link.source} -{link.rel}-> {link.target}: {end} is not in the graph")
        props = link.prop_dict() if link.props else _NO_PROPS
        links.setdefault((link.source, intern(link.rel)), {})[intern(link.target)] = props
