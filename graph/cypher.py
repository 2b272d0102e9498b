"""Every Cypher statement psikg sends to a graph database, in one place.

All statements are parameterized and write in batches (``UNWIND $rows AS row``). Labels,
relationship types and property names that appear in the query text come from the model's
allow-list (:func:`psikg.ontology.model.pg_labels`, :func:`~psikg.ontology.model.pg_relationship_types`
and the kinds' property names), never from input: the helpers below raise ``ValueError`` for
anything else.

The mapping: a node of kind ``k`` has the single label ``KINDS[k].label`` and the property ``id``
(the psikg id) plus its properties (strings, numbers, booleans and lists of strings); a link is a
relationship of type ``Relation.pg_type`` carrying the link's properties as plain properties (the
``role``, ``note`` and ``sources`` of HAS_FACTOR). A relationship type is unique among the
relations of one kind, so ``(source label, type)`` gives the relation name back.

The Cypher here is the subset Neo4j 5 and FalkorDB share. The few differences live in
:class:`Dialect` (schema creation and how a read-only query is sent), and in
:data:`WRITE_CLAUSES` / :func:`check_read_only`, which guard ``psikg cypher``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import PsikgError
from ..ontology.model import KINDS, pg_labels, pg_relationship_types

__all__ = [
    "LABELS", "KIND_OF_LABEL", "RELATION_OF", "label", "rel_type", "property_name",
    "Dialect", "NEO4J", "FALKORDB",
    "merge_nodes", "replace_nodes", "remove_property", "delete_nodes", "delete_links",
    "delete_link_pairs", "merge_links", "merge_link_single", "wipe_label", "read_nodes",
    "read_ids", "read_existing_ids", "link_shape", "read_links", "read_node", "read_neighbours",
    "count_nodes", "count_links", "ReadOnlyError", "check_read_only", "mapping_markdown",
    "ORIGIN_LABEL", "delete_origins", "create_origin_parts", "read_origins", "wipe_origins",
]

# The allow-list, generated from the model ------------------------------------------------------

LABELS: dict[str, str] = {k.name: k.label for k in KINDS.values()}
KIND_OF_LABEL: dict[str, str] = {k.label: k.name for k in KINDS.values()}
_REL_TYPES: dict[tuple[str, str], str] = {(k.name, r.name): r.pg_type for k in KINDS.values() for r in k.relations}
#: ``(source label, relationship type) -> relation name``.
RELATION_OF: dict[tuple[str, str], str] = {(KINDS[k].label, t): r for (k, r), t in _REL_TYPES.items()}
_PROPERTIES: dict[str, frozenset[str]] = {
    k.name: frozenset(p.name for p in k.properties) for k in KINDS.values()}

assert len(RELATION_OF) == len(_REL_TYPES), "a relationship type repeats within one kind"
assert set(LABELS.values()) == pg_labels() and set(_REL_TYPES.values()) == pg_relationship_types()


def label(kind: str) -> str:
    """The label of a kind; ``ValueError`` for anything not in the model."""
    try:
        found = LABELS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; known: {', '.join(LABELS)}") from None
    assert found in pg_labels()
    return found


def rel_type(kind: str, rel: str) -> str:
    """The relationship type of relation ``rel`` of ``kind``."""
    try:
        return _REL_TYPES[(kind, rel)]
    except KeyError:
        raise ValueError(f"unknown relation {kind}.{rel}") from None


def property_name(kind: str, name: str) -> str:
    """A node property name that may appear in query text (only ``REMOVE`` needs one)."""
    if name not in _PROPERTIES.get(kind, ()):
        raise ValueError(f"{kind} has no property {name!r} in the model")
    return name


# Dialects ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dialect:
    """What differs between the databases psikg writes to.

    ``schema`` makes ids unique (Neo4j 5: a uniqueness constraint per label, which also indexes
    ``id``) or indexed (FalkorDB: ``CREATE INDEX FOR (n:L) ON (n.id)``, which fails with "already
    indexed" when run twice, so ``schema_exists_error`` names the message to ignore; FalkorDB's
    unique constraint is not Cypher but a Redis command, sent by the FalkorDB store).
    Read-only queries go through a read transaction on Neo4j and ``GRAPH.RO_QUERY`` on FalkorDB.
    """

    name: str
    schema_template: str
    schema_exists_error: str | None

    def schema(self) -> list[str]:
        return [self.schema_template.format(label=label(k), name=k) for k in sorted(LABELS)]


NEO4J = Dialect(
    "neo4j",
    "CREATE CONSTRAINT psikg_{name}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE",
    None,
)
FALKORDB = Dialect("falkordb", "CREATE INDEX FOR (n:{label}) ON (n.id)", "already indexed")


# Writes --------------------------------------------------------------------------------------------


def merge_nodes(kind: str) -> str:
    """Create or update nodes: ``$rows`` = ``[{id, props}]``; given properties replace stored ones.

    Properties to delete are not sent as null: FalkorDB (4.16) removes the wrong properties when
    one clause deletes several (``SET n += {a: null, b: null}``, ``REMOVE n.a, n.b`` alike). See
    :func:`remove_property`: one property per statement.
    """
    return f"UNWIND $rows AS row MERGE (n:{label(kind)} {{id: row.id}}) SET n += row.props"


def replace_nodes(kind: str) -> str:
    """Create or overwrite nodes (the push): ``$rows`` = ``[{id, props}]``, ``props`` holds ``id``."""
    return f"UNWIND $rows AS row MERGE (n:{label(kind)} {{id: row.id}}) SET n = row.props"


def remove_property(kind: str, name: str) -> str:
    """Remove the property ``name`` from the nodes ``$ids`` (one property per statement: see
    :func:`merge_nodes`)."""
    return f"UNWIND $ids AS id MATCH (n:{label(kind)} {{id: id}}) REMOVE n.`{property_name(kind, name)}`"


def delete_nodes(kind: str) -> str:
    return f"UNWIND $ids AS id MATCH (n:{label(kind)} {{id: id}}) DETACH DELETE n"


def delete_links(kind: str, rel: str) -> str:
    """Delete every ``rel`` link of the source nodes ``$ids`` (an owned relation is replaced)."""
    return f"UNWIND $ids AS id MATCH (s:{label(kind)} {{id: id}})-[r:{rel_type(kind, rel)}]->() DELETE r"


def delete_link_pairs(kind: str, rel: str, target_kind: str) -> str:
    """Delete the links ``$rows`` = ``[{source, target}]``."""
    return (f"UNWIND $rows AS row MATCH (s:{label(kind)} {{id: row.source}})"
            f"-[r:{rel_type(kind, rel)}]->(t:{label(target_kind)} {{id: row.target}}) DELETE r")


def merge_links(kind: str, rel: str, target_kind: str) -> str:
    """Create links ``$rows`` = ``[{source, target, props}]``; their properties are replaced."""
    return (f"UNWIND $rows AS row MATCH (s:{label(kind)} {{id: row.source}}) "
            f"MATCH (t:{label(target_kind)} {{id: row.target}}) "
            f"MERGE (s)-[r:{rel_type(kind, rel)}]->(t) SET r = row.props")


def merge_link_single(kind: str, rel: str, target_kind: str) -> str:
    """One link per query (``$source``, ``$target``, ``$props``): the row-by-row baseline of the
    push benchmark, never used by psikg itself."""
    return (f"MATCH (s:{label(kind)} {{id: $source}}) MATCH (t:{label(target_kind)} {{id: $target}}) "
            f"MERGE (s)-[r:{rel_type(kind, rel)}]->(t) SET r = $props")


def wipe_label(kind: str) -> str:
    """Delete up to ``$limit`` nodes of a kind with their links; run until it returns 0."""
    return f"MATCH (n:{label(kind)}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"


# Origins: what each input source contributed (loaders/origins.py) ----------------------------------

#: The label of the nodes that record origins, outside the model's labels: queries, counts and
#: catalogs never read them. One origin is one or more parts (``name``, ``part``, ``nodes``: node
#: keys, ``links``: link keys as ``source<TAB>rel<TAB>target``), so no property grows without bound.
ORIGIN_LABEL = "PsikgOrigin"
assert ORIGIN_LABEL not in LABELS.values()


def delete_origins() -> str:
    """Forget the origins ``$names`` (before their new parts are written)."""
    return f"UNWIND $names AS name MATCH (o:{ORIGIN_LABEL} {{name: name}}) DELETE o"


def create_origin_parts() -> str:
    """Record origin parts ``$rows`` = ``[{name, part, nodes, links}]``."""
    return (f"UNWIND $rows AS row CREATE (o:{ORIGIN_LABEL} {{name: row.name, part: row.part, nodes: row.nodes, "
            f"links: row.links}})")


def read_origins() -> str:
    return f"MATCH (o:{ORIGIN_LABEL}) RETURN o.name AS name, o.nodes AS nodes, o.links AS links"


def wipe_origins() -> str:
    return f"MATCH (o:{ORIGIN_LABEL}) DELETE o"


# Reads ---------------------------------------------------------------------------------------------


def read_nodes(kind: str) -> str:
    return f"MATCH (n:{label(kind)}) RETURN n.id AS id, properties(n) AS props"


def read_ids(kind: str) -> str:
    return f"MATCH (n:{label(kind)}) RETURN n.id AS id"


def read_existing_ids(kind: str) -> str:
    """Which of ``$ids`` exist as nodes of ``kind``."""
    return f"UNWIND $ids AS id MATCH (n:{label(kind)} {{id: id}}) RETURN n.id AS id"


def link_shape(kind: str, rel: str) -> tuple[str | None, bool]:
    """What :func:`read_links` returns for a relation: the target kind when there is only one
    (else each row carries the target's labels), and whether rows carry the link's properties
    (only relations with properties in the model do; fewer columns, much faster reads)."""
    relation = KINDS[kind].relation(rel)
    return (relation.targets[0] if len(relation.targets) == 1 else None), bool(relation.properties)


def read_links(kind: str, rel: str) -> str:
    """Every ``rel`` link: ``source, [labels,] target[, props]`` as :func:`link_shape` says."""
    target_kind, with_props = link_shape(kind, rel)
    target = f"(t:{label(target_kind)})" if target_kind else "(t)"
    columns = ["s.id AS source"] + ([] if target_kind else ["labels(t) AS labels"]) + ["t.id AS target"]
    columns += ["properties(r) AS props"] if with_props else []
    return f"MATCH (s:{label(kind)})-[r:{rel_type(kind, rel)}]->{target} RETURN {', '.join(columns)}"


def read_node(kind: str) -> str:
    return f"MATCH (n:{label(kind)} {{id: $id}}) RETURN properties(n) AS props"


def read_neighbours(kind: str) -> str:
    """Links of the node ``$id`` in both directions, with the other end's labels."""
    node = f"(n:{label(kind)} {{id: $id}})"
    columns = "type(r) AS type, labels(m) AS labels, m.id AS id, properties(r) AS props"
    return (f"MATCH {node}-[r]->(m) RETURN 'out' AS direction, {columns} "
            f"UNION ALL MATCH {node}<-[r]-(m) RETURN 'in' AS direction, {columns}")


def count_nodes() -> str:
    return "MATCH (n) RETURN labels(n) AS labels, count(*) AS count"


def count_links() -> str:
    return "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS count"


# Ad-hoc queries (psikg cypher) ---------------------------------------------------------------------


class ReadOnlyError(PsikgError):
    """A query given to ``psikg cypher`` would write."""

    exit_code = 2


#: Clauses that write. ``CALL`` is checked separately: only the procedures in
#: :data:`READ_PROCEDURES` are allowed.
WRITE_CLAUSES = ("CREATE", "MERGE", "SET", "DELETE", "DETACH", "REMOVE", "DROP", "LOAD", "FOREACH",
                 "ALTER", "RENAME", "GRANT", "DENY", "REVOKE", "START", "STOP", "TERMINATE")
#: Procedures ``psikg cypher`` may call (prefixes): schema listings and read-only algorithms.
READ_PROCEDURES = ("db.labels", "db.relationshiptypes", "db.propertykeys", "db.indexes", "db.constraints",
                   "db.schema.", "db.idx.fulltext.query", "db.idx.vector.query", "db.index.fulltext.query",
                   "db.index.vector.query", "dbms.components", "dbms.procedures", "dbms.functions", "algo.")

_STRIP = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`|//[^\n]*|/\*.*?\*/""", re.S)
_CLAUSE = re.compile(r"(?<![\w.$])(" + "|".join(WRITE_CLAUSES) + r")(?![\w$])", re.I)
_NAME_PART = r"(?:`[^`]*`|\w+)"
_CALL = re.compile(r"(?<![\w.$])CALL\s*(\{|" + _NAME_PART + r"(?:\s*\.\s*" + _NAME_PART + r")*)", re.I)
_IN_TRANSACTIONS = re.compile(r"(?<![\w.$])IN\s+TRANSACTIONS(?![\w$])", re.I)


def check_read_only(query: str) -> None:
    """Refuse a query that writes (a :class:`ReadOnlyError` naming the clause).

    String literals, quoted names and comments are ignored, so ``WHERE n.title CONTAINS 'set'``
    passes; a procedure name is read without its backticks (``CALL `db`.`createLabel``` is
    ``db.createLabel``). This is the first guard; the stores also run the query read-only (Neo4j
    read transaction, FalkorDB ``GRAPH.RO_QUERY``).
    """
    names_kept = _STRIP.sub(lambda m: m.group(0) if m.group(0).startswith("`") else " ", query)
    text = _STRIP.sub(" ", query)
    found = _CLAUSE.search(text)
    if found:
        raise ReadOnlyError(f"psikg cypher runs read-only queries; {found.group(1).upper()} writes. "
                            "Write through psikg load or psikg push.")
    if _IN_TRANSACTIONS.search(text):
        raise ReadOnlyError("psikg cypher runs read-only queries; CALL { } IN TRANSACTIONS is for writes.")
    for call in _CALL.finditer(names_kept):  # CALL `db`.`createLabel` is db.createLabel
        target = re.sub(r"[`\s]", "", call.group(1))
        if target != "{" and not target.lower().startswith(READ_PROCEDURES):
            raise ReadOnlyError(f"psikg cypher runs read-only queries; the procedure {target} is not on "
                                f"its list of read-only procedures ({', '.join(READ_PROCEDURES)}).")


# The mapping, for docs/graph-databases.md ------------------------------------------------------------


def mapping_markdown() -> str:
    """The property-graph mapping as Markdown tables, generated from the model (the section
    between the ``mapping`` markers of docs/graph-databases.md; a test keeps them equal)."""
    lines = ["| kind | label | properties (besides `id`) |", "|---|---|---|"]
    for kind in KINDS.values():
        props = ", ".join(f"`{p.name}`" + (" (list)" if p.many else "") for p in kind.properties)
        lines.append(f"| {kind.name} | `{kind.label}` | {props or '—'} |")
    lines += ["", "| relationship type | from | to | relation | properties |", "|---|---|---|---|---|"]
    for kind in KINDS.values():
        for rel in kind.relations:
            targets = ", ".join(f"`{LABELS[t]}`" for t in rel.targets)
            props = ", ".join(f"`{p.name}`" + (" (list)" if p.many else "") for p in rel.properties)
            lines.append(f"| `{rel.pg_type}` | `{kind.label}` | {targets} | `{kind.name}.{rel.name}`"
                         f"{'' if rel.many else ' (one)'} | {props or '—'} |")
    return "\n".join(lines)
