"""The Store protocol over an openCypher graph database (Neo4j 5, FalkorDB).

:class:`CypherStore` holds everything the two databases share: how a :class:`GraphBatch` becomes
batched statements with the embedded store's merge semantics, and how the bulk reads come back as
the same plain values. A backend subclass only runs statements (``_read``, ``_write``,
``_read_only``) and knows its :class:`~psikg.graph.cypher.Dialect`. The statements themselves are in
:mod:`psikg.graph.cypher`.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from typing import Any, Iterable, Iterator

from ..errors import StoreError
from ..ontology.model import KINDS, RELATIONS
from . import cypher
from .records import ApplyResult, GraphBatch, Origin, split_key

__all__ = ["CypherStore", "Step", "chunks", "node_row", "link_props"]

log = logging.getLogger(__name__)

#: A statement and its parameters.
Step = tuple[str, dict[str, Any]]

DEFAULT_BATCH_SIZE = 1000
#: Keys per recorded origin part, and parts per statement (see cypher.ORIGIN_LABEL).
ORIGIN_PART_SIZE = 5000
ORIGIN_PARTS_PER_STATEMENT = 4
#: How long an ad-hoc query (``psikg cypher``) may run, in seconds, before the database stops it.
CYPHER_TIMEOUT = 60.0


def chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), max(1, size)):
        yield items[start:start + size]


def _value(value):
    return list(value) if isinstance(value, tuple) else value


def _is_removal(value) -> bool:
    return value is None or value == [] or value == ()


def node_row(id_: str, props: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A node as a ``{id, props}`` row (no nulls, tuples as lists) and the names to remove."""
    kept = {name: _value(value) for name, value in props.items() if not _is_removal(value)}
    removed = [name for name, value in props.items() if _is_removal(value)]
    return {"id": id_, "props": kept}, removed


def link_props(props: dict[str, Any]) -> dict[str, Any]:
    """Link properties as a database stores them: no nulls, tuples as lists."""
    return {name: _value(value) for name, value in props.items() if value is not None}


def _plain_props(props, drop_id: bool = True) -> dict[str, Any]:
    found = dict(props or {})
    if drop_id:
        found.pop("id", None)
    return found


class CypherStore:
    """Shared implementation of the Store protocol for Cypher databases."""

    capabilities = frozenset({"persistent", "cypher"})
    path = None  # a database, not a file
    dialect: cypher.Dialect = cypher.FALKORDB

    def __init__(self, *, tracer=None, batch_size: int = DEFAULT_BATCH_SIZE):
        self.tracer = tracer
        self.batch_size = batch_size
        self._catalog = None
        self._schema_ready = False

    # What a backend provides -----------------------------------------------------------------

    def _read(self, query: str, params: dict[str, Any] | None = None) -> list[list[Any]]:
        """Run a read statement; the rows as lists in column order."""
        raise NotImplementedError

    def _write(self, steps: list[Step]) -> None:
        """Run write statements, in one transaction where the database has them."""
        raise NotImplementedError

    def _read_only(self, query: str, params: dict[str, Any] | None,
                   timeout: float) -> tuple[list[str], list[list[Any]]]:
        """Run an ad-hoc query so that the database refuses writes and stops it after ``timeout``
        seconds (a server-side limit); columns and plain rows."""
        raise NotImplementedError

    def _trace(self, query: str, params: dict[str, Any] | None) -> None:
        if self.tracer is not None:
            self.tracer(query, params or {})

    def close(self) -> None:
        self._catalog = None

    def describe(self) -> str:
        """Where the store is, for messages (no password)."""
        return self.dialect.name

    # Schema and housekeeping -----------------------------------------------------------------

    def ensure_schema(self) -> None:
        """Uniqueness constraints (Neo4j) or indexes (FalkorDB) on ``id`` for every label."""
        for statement in self.dialect.schema():
            try:
                self._write([(statement, {})])
            except Exception as error:  # noqa: BLE001 - the dialect names the one error to ignore
                if self.dialect.schema_exists_error and self.dialect.schema_exists_error in str(error):
                    continue
                raise StoreError(f"cannot create the schema on {self.describe()}: {error}") from error
        self._schema_ready = True

    def wipe(self) -> int:
        """Delete every psikg node and link, and the recorded origins (nodes of other labels are
        left alone)."""
        self._write([(cypher.wipe_origins(), {})])
        deleted = 0
        for kind in KINDS:
            while True:
                rows = self._write_returning(cypher.wipe_label(kind), {"limit": 10_000})
                count = rows[0][0] if rows else 0
                deleted += count
                if not count:
                    break
        self._catalog = None
        return deleted

    def _wiped(self) -> None:
        self._catalog = None
        self._schema_ready = False

    def _write_returning(self, query: str, params: dict[str, Any]) -> list[list[Any]]:
        """A write statement whose rows are needed (the wipe's count)."""
        raise NotImplementedError

    # Reading ---------------------------------------------------------------------------------

    def nodes(self, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for id_, props in self._read(cypher.read_nodes(kind)):
            yield id_, _plain_props(props)

    def ids(self, kind: str) -> set[str]:
        return {row[0] for row in self._read(cypher.read_ids(kind))}

    def links(self, kind: str, rel: str) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        """Every ``rel`` link of ``kind``; the link's properties only for relations that have
        properties in the model (others read back as ``{}``)."""
        single_kind, with_props = cypher.link_shape(kind, rel)
        for row in self._read(cypher.read_links(kind, rel)):
            source = row[0]
            target_kind = single_kind or self._kind_of(row[1])
            target = row[1] if single_kind else row[2]
            props = _plain_props(row[-1], drop_id=False) if with_props else {}
            if target_kind is not None:
                yield source, target_kind, target, props

    def node(self, kind: str, id_: str) -> dict[str, Any] | None:
        rows = self._read(cypher.read_node(kind), {"id": id_})
        return _plain_props(rows[0][0]) if rows else None

    def neighbours(self, kind: str, id_: str) -> list[tuple[str, str, str, str, dict[str, Any]]]:
        found = []
        own_label = cypher.label(kind)
        for direction, type_, labels, other_id, props in self._read(cypher.read_neighbours(kind), {"id": id_}):
            other_kind = self._kind_of(labels)
            if other_kind is None:
                continue
            source_label = own_label if direction == "out" else cypher.label(other_kind)
            rel = cypher.RELATION_OF.get((source_label, type_))
            if rel is not None:
                found.append((direction, rel, other_kind, other_id, _plain_props(props, drop_id=False)))
        return sorted(found, key=lambda f: (f[0], f[1], f[2], f[3]))

    def counts(self) -> dict[str, Any]:
        by_kind: Counter = Counter()
        for labels, count in self._read(cypher.count_nodes()):
            kind = self._kind_of(labels)
            if kind is not None:
                by_kind[kind] += count
        allowed = {type_ for _, type_ in cypher.RELATION_OF}
        by_type = Counter({type_: count for type_, count in self._read(cypher.count_links())
                           if type_ in allowed and count})
        return {"nodes_by_kind": dict(sorted(by_kind.items())), "links_by_type": dict(sorted(by_type.items())),
                "nodes": sum(by_kind.values()), "edges": sum(by_type.values())}

    def catalog(self):
        if self._catalog is None:
            from .catalog import catalog_from_store

            self._catalog = catalog_from_store(self)
        return self._catalog

    def read_many(self, reads: list[Step]) -> list[list[list[Any]]]:
        """Run read statements together (a backend may send them in one round trip or one read
        transaction); the rows of each, in order."""
        return [self._read(query, params) for query, params in reads]

    def sent_text(self, query: str) -> str:
        """The text :meth:`read_many` sends for ``query`` (a backend may reshape its answer)."""
        return query

    def match_catalog(self, practice_id: str):
        """The catalog of the subgraph a match of ``practice_id`` needs but the related practices,
        read in one round trip (:mod:`psikg.graph.match_reads`); None when there is no such
        practice."""
        if self._catalog is not None:  # the whole catalog, already read, answers as well
            return self._catalog if practice_id in self._catalog.practices or \
                practice_id.strip().lower() in self._catalog.practices else None
        from .match_reads import match_catalog

        return match_catalog(self, practice_id)

    def related_catalog(self, practice_id: str, countries: list[str]):
        """A catalog of the related practices of ``countries`` (the candidates a match shows) to
        the practice, read in one round trip (:func:`psikg.graph.match_reads.related_catalog`)."""
        if self._catalog is not None:
            return self._catalog
        from .match_reads import related_catalog

        return related_catalog(self, practice_id, countries)

    def exists(self) -> bool:
        """True when the database holds psikg nodes: one node looked up per label until one is
        found (counting every node and relationship takes seconds on a large graph)."""
        return any(self._read(cypher.read_any_id(kind)) for kind in ("country", *sorted(cypher.LABELS)))

    @staticmethod
    def _kind_of(labels) -> str | None:
        for found in labels or ():
            kind = cypher.KIND_OF_LABEL.get(found)
            if kind is not None:
                return kind
        return None

    # Ad-hoc queries --------------------------------------------------------------------------

    def cypher(self, query: str, params: dict[str, Any] | None = None, *,
               timeout: float = CYPHER_TIMEOUT) -> tuple[list[str], list[list[Any]]]:
        """Run a read-only Cypher query; its columns and rows as plain values (nodes and
        relationships become dicts). Writes are refused (:class:`~psikg.graph.cypher.ReadOnlyError`);
        the database stops a query that runs longer than ``timeout`` seconds (a :class:`StoreError`)."""
        cypher.check_read_only(query)
        return self._read_only(query, params, timeout)

    # Writing ---------------------------------------------------------------------------------

    def apply(self, batch: GraphBatch, *, replace: bool = False) -> ApplyResult:
        """Merge a batch with the embedded store's semantics (see :mod:`psikg.graph.records`)."""
        before = self.counts()
        steps = self.plan(batch, check_ends=not replace)
        if replace:
            self.wipe()
        if not self._schema_ready:
            self.ensure_schema()
        self._write(steps)
        self._catalog = None
        after = self.counts()
        return ApplyResult(nodes_before=before["nodes"], edges_before=before["edges"],
                           nodes=after["nodes"], edges=after["edges"])

    def plan(self, batch: GraphBatch, *, check_ends: bool = True) -> list[Step]:
        """The statements that merge ``batch``: nodes, removed properties, owned relations
        cleared, links; each batched by ``batch_size`` rows."""
        self._validate(batch, check_ends=check_ends)
        steps: list[Step] = []
        rows_by_kind: dict[str, list[dict]] = defaultdict(list)
        removals: dict[tuple[str, str], list[str]] = defaultdict(list)
        for node in batch.nodes.values():
            row, removed = node_row(node.id, node.props)
            rows_by_kind[node.kind].append(row)
            for name in removed:
                removals[(node.kind, name)].append(node.id)
        for kind in sorted(rows_by_kind):
            for rows in chunks(rows_by_kind[kind], self.batch_size):
                steps.append((cypher.merge_nodes(kind), {"rows": rows}))
        for (kind, name), ids in sorted(removals.items()):
            for part in chunks(ids, self.batch_size):
                steps.append((cypher.remove_property(kind, name), {"ids": part}))
        owned: dict[tuple[str, str], list[str]] = defaultdict(list)
        for source, rel in sorted(batch.owned):
            kind, id_ = split_key(source)
            owned[(kind, rel)].append(id_)
        for (kind, rel), ids in sorted(owned.items()):
            for part in chunks(ids, self.batch_size):
                steps.append((cypher.delete_links(kind, rel), {"ids": part}))
        links: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
        for link in batch.links.values():
            kind, source = split_key(link.source)
            target_kind, target = split_key(link.target)
            links[(kind, link.rel, target_kind)].append(
                {"source": source, "target": target, "props": link_props(link.prop_dict())})
        for (kind, rel, target_kind), rows in sorted(links.items()):
            for part in chunks(rows, self.batch_size):
                steps.append((cypher.merge_links(kind, rel, target_kind), {"rows": part}))
        return steps + self._removal_steps(batch) + self._origin_steps(batch)

    def _removal_steps(self, batch: GraphBatch) -> list[Step]:
        """Delete what a reload drops (loaders/origins.py): links, then nodes with their links."""
        steps: list[Step] = []
        pairs: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
        for source, rel, target in sorted(batch.removals.links):
            kind, source_id = split_key(source)
            target_kind, target_id = split_key(target)
            pairs[(kind, rel, target_kind)].append({"source": source_id, "target": target_id})
        for (kind, rel, target_kind), rows in sorted(pairs.items()):
            for part in chunks(rows, self.batch_size):
                steps.append((cypher.delete_link_pairs(kind, rel, target_kind), {"rows": part}))
        ids: dict[str, list[str]] = defaultdict(list)
        for key in sorted(batch.removals.nodes):
            kind, id_ = split_key(key)
            ids[kind].append(id_)
        for kind, found in sorted(ids.items()):
            for part in chunks(found, self.batch_size):
                steps.append((cypher.delete_nodes(kind), {"ids": part}))
        return steps

    def _origin_steps(self, batch: GraphBatch) -> list[Step]:
        """Replace the recorded origins of the sources the batch read, in parts of bounded size."""
        if not batch.origins:
            return []
        steps: list[Step] = [(cypher.delete_origins(), {"names": sorted(batch.origins)})]
        rows = []
        for name, contributed in sorted(batch.origins.items()):
            nodes = sorted(contributed.nodes)
            links = sorted("\t".join(key) for key in contributed.links)
            size = ORIGIN_PART_SIZE
            for part in range(max(1, -(-max(len(nodes), len(links)) // size))):
                rows.append({"name": name, "part": part, "nodes": nodes[part * size:(part + 1) * size],
                             "links": links[part * size:(part + 1) * size]})
        steps += [(cypher.create_origin_parts(), {"rows": part}) for part in chunks(rows, ORIGIN_PARTS_PER_STATEMENT)]
        return steps

    def origins(self) -> dict[str, Origin]:
        """What each input source contributed, as the loads recorded it (see :mod:`psikg.graph.cypher`)."""
        found: dict[str, Origin] = {}
        for name, nodes, links in self._read(cypher.read_origins()):
            contributed = found.setdefault(name, Origin())
            contributed.nodes.update(nodes or ())
            contributed.links.update(tuple(key.split("\t")) for key in links or ())
        return found

    def _validate(self, batch: GraphBatch, *, check_ends: bool) -> None:
        """Refuse what the database would silently drop: unknown kinds or relations, and links
        whose ends are neither in the batch nor in the database (the embedded store's rule)."""
        for node in batch.nodes.values():
            if node.kind not in KINDS:
                raise StoreError(f"node {node.key}: unknown kind {node.kind!r}")
            for name, value in node.props.items():
                if name == "id":
                    raise StoreError(f"node {node.key}: 'id' is reserved for the psikg id")
                if _is_removal(value):
                    try:
                        cypher.property_name(node.kind, name)
                    except ValueError as error:
                        raise StoreError(f"node {node.key}: cannot remove {name!r}: {error}") from error
        for source, rel in batch.owned:
            kind = split_key(source)[0]
            if f"{kind}.{rel}" not in RELATIONS:
                raise StoreError(f"{source}: unknown relation {kind}.{rel}")
        missing: dict[str, set[str]] = defaultdict(set)
        for link in batch.links.values():
            for end in (link.source, link.target):
                if split_key(end)[0] not in KINDS:
                    raise StoreError(f"link {link.source} -{link.rel}-> {link.target}: unknown kind in {end}")
                if end not in batch.nodes:
                    missing[split_key(end)[0]].add(split_key(end)[1])
        for kind, ids in sorted(missing.items()):
            found = set()
            if check_ends:
                for part in chunks(sorted(ids), self.batch_size):
                    found.update(row[0] for row in self._read(cypher.read_existing_ids(kind), {"ids": part}))
            absent = sorted(ids - found)
            if absent:
                raise StoreError(f"links point to {kind}/{absent[0]}, which is not in the graph"
                                 + (f" (and {len(absent) - 1} more)" if len(absent) > 1 else ""))

    # The push's writes (each call is one transaction) --------------------------------------------

    def write_nodes(self, kind: str, rows: list[tuple[str, dict[str, Any]]]) -> int:
        """Create or overwrite nodes so that each holds exactly the given properties."""
        payload = []
        for id_, props in rows:
            row, _ = node_row(id_, props)
            row["props"]["id"] = id_
            payload.append(row)
        self._write([(cypher.replace_nodes(kind), {"rows": payload})])
        self._catalog = None
        return len(payload)

    def write_links(self, kind: str, rel: str, rows: Iterable[tuple[str, str, str, dict[str, Any]]]) -> int:
        """Create or update links ``(source id, target kind, target id, props)``."""
        grouped: dict[str, list[dict]] = defaultdict(list)
        for source, target_kind, target, props in rows:
            grouped[target_kind].append({"source": source, "target": target, "props": link_props(props)})
        self._write([(cypher.merge_links(kind, rel, target_kind), {"rows": part})
                     for target_kind, part in sorted(grouped.items())])
        self._catalog = None
        return sum(len(part) for part in grouped.values())

    def delete_nodes(self, kind: str, ids: list[str]) -> None:
        self._write([(cypher.delete_nodes(kind), {"ids": part}) for part in chunks(ids, self.batch_size)])
        self._catalog = None

    def delete_links(self, kind: str, rel: str, pairs: list[tuple[str, str, str]]) -> None:
        """Delete links given as ``(source id, target kind, target id)``."""
        grouped: dict[str, list[dict]] = defaultdict(list)
        for source, target_kind, target in pairs:
            grouped[target_kind].append({"source": source, "target": target})
        self._write([(cypher.delete_link_pairs(kind, rel, target_kind), {"rows": part})
                     for target_kind, rows in sorted(grouped.items()) for part in chunks(rows, self.batch_size)])
        self._catalog = None
