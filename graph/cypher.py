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
from functools import lru_cache

from ..errors import PsikgError
from ..ontology.model import KINDS, pg_labels, pg_relationship_types

__all__ = [
    "LABELS", "KIND_OF_LABEL", "RELATION_OF", "label", "rel_type", "property_name",
    "Dialect", "NEO4J", "FALKORDB",
    "read_any_id", "merge_nodes", "replace_nodes", "remove_property", "delete_nodes", "delete_links",
    "delete_link_pairs", "merge_links", "merge_link_single", "wipe_label", "read_nodes",
    "read_ids", "read_existing_ids", "link_shape", "read_links", "read_node", "read_neighbours",
    "count_nodes", "count_links", "ReadOnlyError", "check_read_only", "mapping_markdown",
    "ORIGIN_LABEL", "delete_origins", "create_origin_parts", "read_origins", "wipe_origins",
    "SELECTIONS", "read_subgraph", "read_practice_factors", "read_statements_about", "read_first_statements", "read_related_practices",
    "returned_names", "as_one_row",
    "match_in_one_query",
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
    """A node property name that may appear in query text (``REMOVE``, a map projection)."""
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
    #: A condition true when ``{node}`` has an outgoing link of a type among ``{piped}`` (``A|B``),
    #: or whose sum of ``{degrees}`` (one ``outdegree`` per type) is positive: FalkorDB answers that
    #: from the node's degrees, faster than a pattern or a degree over several types.
    has_links_template: str = "EXISTS {{ ({node})-[:{piped}]->() }}"
    #: Whether a kind read whole comes as one statement of its nodes with their links
    #: (:func:`read_subgraph`), not one for the nodes and one per relation (:func:`read_links`).
    #: Neo4j's Python driver pays for every statement and every row (about 2 ms and 30 µs at L),
    #: so fewer, wider rows are faster there; FalkorDB answers the separate reads, sent in one
    #: pipeline, several times faster than a link list per node.
    whole_kind_with_links: bool = False

    def has_links(self, node: str, types: tuple[str, ...]) -> str:
        return self.has_links_template.format(node=node, piped="|".join(types),
                                              degrees=" + ".join(f"outdegree({node}, '{t}')" for t in types))

    def schema(self) -> list[str]:
        return [self.schema_template.format(label=label(k), name=k) for k in sorted(LABELS)]


NEO4J = Dialect(
    "neo4j",
    "CREATE CONSTRAINT psikg_{name}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE",
    None,
    whole_kind_with_links=True,
)
FALKORDB = Dialect("falkordb", "CREATE INDEX FOR (n:{label}) ON (n.id)", "already indexed",
                   "{degrees} > 0")


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


def _node_props(kind: str, fields: tuple[str, ...] | None, node: str = "n") -> str:
    """The properties of ``node`` as a map: all of them, or only ``fields`` (a map projection; a
    field the node lacks comes back as null), or none (``fields`` empty: its id is enough)."""
    if fields is None:
        return f"properties({node})"
    if not fields:
        return "{}"
    return node + " {" + ", ".join(f".{property_name(kind, field)}" for field in fields) + "}"


def read_nodes(kind: str, fields: tuple[str, ...] | None = None) -> str:
    """Every node of a kind: ``id, props``, the props all of its properties or only ``fields``."""
    return f"MATCH (n:{label(kind)}) RETURN n.id AS id, {_node_props(kind, fields)} AS props"


def read_any_id(kind: str) -> str:
    """The id of one node of a kind, if there is any (whether a psikg graph is there, without counting)."""
    return f"MATCH (n:{label(kind)}) RETURN n.id AS id LIMIT 1"


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


def read_links(kind: str, rel: str, *, from_sources: bool = False) -> str:
    """Every ``rel`` link: ``source, [labels,] target[, props]`` as :func:`link_shape` says.
    ``from_sources`` walks from the source nodes (``WITH s``): much faster when the targets have
    many links of the same type from other kinds (a need's themes: practices link themes too)."""
    target_kind, with_props = link_shape(kind, rel)
    target = f"(t:{label(target_kind)})" if target_kind else "(t)"
    columns = ["s.id AS source"] + ([] if target_kind else ["labels(t) AS labels"]) + ["t.id AS target"]
    columns += ["properties(r) AS props"] if with_props else []
    start = f"MATCH (s:{label(kind)}) WITH s MATCH (s)" if from_sources else f"MATCH (s:{label(kind)})"
    return f"{start}-[r:{rel_type(kind, rel)}]->{target} RETURN {', '.join(columns)}"


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


# Partial reads (the match's subgraph: psikg.graph.match_reads) ----------------------------------------

#: How :func:`read_subgraph` picks its nodes ``n``: the nodes ``$ids``, or the transfers of the
#: practice ``$practice``, or the status steps of those transfers.
SELECTIONS = {
    "all": "MATCH (n:{label})",
    "ids": "MATCH (n:{label}) WHERE n.id IN $ids",
    "transfers_of_practice": "MATCH (:Practice {{id: $practice}})<-[:TRANSFERS]-(n:Transfer)",
    "steps_of_practice": "MATCH (:Practice {{id: $practice}})<-[:TRANSFERS]-(:Transfer)-[:HAS_STEP]->(n:StatusStep)",
}


def read_subgraph(kind: str, rels: tuple[str, ...], selection: str = "ids",
                  fields: tuple[str, ...] | None = None) -> str:
    """A few nodes of a kind (``SELECTIONS[selection]``) with their properties (or only
    ``fields``) and, per relation of ``rels``, their links as a list of ``[target id, link
    properties]`` (``[target labels, target id, link properties]`` for a relation with several
    target kinds): ``id, props, links_0, links_1, …``. The links are read per node: for a few
    nodes, or a small kind read whole where the dialect prefers it (:attr:`Dialect.whole_kind_with_links`)."""
    columns = ["n.id AS id", f"{_node_props(kind, fields)} AS props"]
    for index, rel in enumerate(rels):
        target_kind, with_props = link_shape(kind, rel)
        t, r = f"t{index}", f"r{index}"  # FalkorDB mixes up comprehensions that reuse a variable name
        target = f"({t}:{label(target_kind)})" if target_kind else f"({t})"
        item = ("" if target_kind else f"labels({t}), ") + f"{t}.id, " + (f"properties({r})" if with_props else "null")
        columns.append(f"[(n)-[{r}:{rel_type(kind, rel)}]->{target} | [{item}]] AS links_{index}")
    match = SELECTIONS[selection].format(label=label(kind))
    return f"{match} RETURN {', '.join(columns)}"


#: The practice ``$practice``'s factors and every factor narrower than them, transitively.
_PRACTICE_FACTORS = ("MATCH (:Practice {id: $practice})-[:HAS_FACTOR]->(:SuccessFactor)<-[:BROADER*0..]-"
                     "(f:SuccessFactor) WITH DISTINCT f ")


def read_practice_factors() -> str:
    """The factors a match of ``$practice`` needs: its factors, every factor narrower than them and
    every factor broader than those (a narrower factor present makes its broader ones present), as
    ``id, props, broader id``."""
    return (_PRACTICE_FACTORS + "MATCH (f)-[:BROADER*0..]->(n:SuccessFactor) WITH DISTINCT n "
            "OPTIONAL MATCH (n)-[:BROADER]->(b:SuccessFactor) RETURN n.id AS id, properties(n) AS props, b.id AS broader")


def read_statements_about(fields: tuple[str, ...] | None = None) -> str:
    """The context statements about the factors of ``$practice`` and every factor narrower than
    them: context id, its properties (or only ``fields``), its country, ``FACTOR_PRESENT`` or
    ``FACTOR_ABSENT``, the factor."""
    return (_PRACTICE_FACTORS + "MATCH (f)<-[r:FACTOR_PRESENT|FACTOR_ABSENT]-(c:Context) "
            "OPTIONAL MATCH (c)-[:OF_COUNTRY]->(k:Country) "
            f"RETURN c.id AS context, {_node_props('context', fields, 'c')} AS props, k.id AS country, "
            "type(r) AS type, f.id AS factor")


def read_first_statements(dialect: "Dialect", fields: tuple[str, ...] | None = None) -> str:
    """One statement per country from its earliest context with statements (undated first, then by
    ``as_of``, which ISO 8601 orders as text, then by id), with the columns of
    :func:`read_statements_about` (``fields`` as there): whether a country has any statement
    counted as of a year depends on that context alone. The walk starts from the countries: on
    FalkorDB at L, reaching each context's country from the contexts took 13.9 of the statement's
    22 ms, the other way 1.4. The statement is the least ``[type, factor]`` pair (the one the text
    ``TYPE factor`` would give), cheaper than building a text for every statement of the context."""
    said = dialect.has_links("c", (rel_type("context", "present"), rel_type("context", "absent")))
    return ("MATCH (k:Country) WITH k MATCH (k)<-[:OF_COUNTRY]-(c:Context) "
            f"WHERE {said} "
            "WITH k.id AS country, c ORDER BY country, coalesce(c.as_of, ''), c.id "
            "WITH country, collect(c.id)[0] AS first "
            "MATCH (c:Context {id: first})-[r:FACTOR_PRESENT|FACTOR_ABSENT]->(f:SuccessFactor) "
            "WITH country, c, min([type(r), f.id]) AS statement "
            f"RETURN c.id AS context, {_node_props('context', fields, 'c')} AS props, country, "
            "statement[0] AS type, statement[1] AS factor")


def read_related_practices() -> str:
    """Per country of the list ``$countries``, the ``$limit`` practices sharing the most themes
    with the practice ``$practice`` (then by id): country, practice id, title, the themes shared.
    The country end has no label (a practice originates only in a country): FalkorDB checks a
    label for every one of the ~11,000 practices sharing a theme at L."""
    return ("MATCH (:Practice {id: $practice})-[:HAS_THEME]->(t:Theme)<-[:HAS_THEME]-(o:Practice)"
            "-[:ORIGINATES_IN]->(c) WHERE c.id IN $countries "
            "WITH c.id AS country, o.id AS practice, o.title AS title, collect(t.id) AS shared "
            "ORDER BY country, size(shared) DESC, practice "
            "WITH country, collect([practice, title, shared])[0..$limit] AS best "
            "UNWIND best AS row RETURN country, row[0] AS practice, row[1] AS title, row[2] AS shared")


def returned_names(query: str) -> list[str]:
    """The column names of ``query``'s last ``RETURN``: each item's alias, or the item itself when
    it is a bare variable. ``ValueError`` for an item that is neither (an expression without
    ``AS``, a quoted alias): the caller cannot name its column."""
    top = _top_level(query)
    starts = [found.end() for found in re.finditer(r"\bRETURN\b", top, re.IGNORECASE)]
    if not starts:
        raise ValueError(f"no RETURN in {query!r}")
    start = starts[-1]
    end = re.compile(r"\s(?:ORDER\s+BY|SKIP|LIMIT)\b", re.IGNORECASE).search(top, start)
    end = end.start() if end else len(query)
    cuts = [start] + [at + 1 for at in range(start, end) if top[at] == ","] + [end + 1]
    names = []
    for begin, stop in zip(cuts, cuts[1:]):
        item = query[begin:stop - 1].strip()
        item = re.sub(r"(?i)^DISTINCT\s+", "", item) if begin == start else item
        named = re.fullmatch(r"(?is).*\sAS\s+(\w+)|(\w+)", item)
        if named is None:
            raise ValueError(f"the RETURN item {item!r} has no plain name (add AS name)")
        names.append(named.group(1) or named.group(2))
    return names


def _top_level(query: str) -> str:
    """``query`` with every character inside brackets, braces, parentheses or quotes replaced by a
    space, so that keywords and commas found in it are those of the statement itself. A quote
    escaped inside a string is not recognised: psikg's own statements have none."""
    kept, depth, quote = [], 0, None
    for char in query:
        if quote is not None:
            quote = None if char == quote else quote
            kept.append(" ")
        elif char in "'\"`":
            quote = char
            kept.append(" ")
        elif char in "([{":
            depth += 1
            kept.append(" ")
        elif char in ")]}":
            depth -= 1
            kept.append(" ")
        else:
            kept.append(char if depth == 0 else " ")
    return "".join(kept)


@lru_cache(maxsize=256)  # the same few texts on every match: parsed once (about 1 ms a match)
def as_one_row(query: str) -> str:
    """``query`` answering one row whose one column ``rows`` lists its rows (each a list of its
    columns, in order). Neo4j's Python driver pays for every row it receives (a Bolt message, two
    socket reads, a record): at L a match's 2,200 rows cost more client time than their values."""
    return f"CALL {{ {query} }} RETURN collect([{', '.join(returned_names(query))}]) AS rows"


def match_in_one_query() -> str:
    """The ranking of ``match`` (default options) as ONE Cypher query, the way a user would write it
    on the database: the baseline of ``benchmarks/backends.py``, never run by psikg itself (the one
    scoring rule is :mod:`psikg.queries.scoring`; a test checks this gives the same top 10).

    Parameters: ``$practice``, ``$year``, ``$factor``, ``$sdg``, ``$evidence`` (the weights),
    ``$min_coverage``, ``$limit``. Rows: country, tier, score, factor_fit, coverage, sdg_fit,
    evidence, in psikg's order. The latest statement decides (``as_of`` ordered as ISO text, then
    the later context, an absent statement after a present one of the same context); a factor is
    present when its latest statement, or that of a narrower factor, says present.
    """
    success = ("t.status <> 'opportunity' AND t.status <> 'abandoned' AND coalesce(t.outcome, 'unknown') <> 'failure' "
               "AND (t.outcome = 'success' OR (coalesce(t.outcome, 'unknown') = 'unknown' "
               "AND t.status IN ['adopted', 'scaled'])) AND (t.start_year IS NULL OR t.start_year <= $year)")
    return (
        "MATCH (p:Practice {id: $practice}) "
        "OPTIONAL MATCH (p)-[:ORIGINATES_IN]->(e:Country) "
        "OPTIONAL MATCH (p)<-[:TRANSFERS]-(t:Transfer)-[:IMPORTER]->(i:Country) "
        "WITH p, e.id AS exporter, "
        "collect(CASE WHEN t.status IN ['agreed', 'implementing', 'adopted', 'scaled'] THEN i.id END) AS engaged, "
        f"collect(CASE WHEN {success} THEN [i.subregion, i.income_group] END) AS successes "
        "OPTIONAL MATCH (p)-[pf:HAS_FACTOR]->(f:SuccessFactor) WHERE coalesce(pf.kind, 'precondition') = 'precondition' "
        "WITH p, exporter, engaged, successes, f.id AS factor, "
        "max(CASE WHEN pf.role = 'critical' THEN 1.0 ELSE 0.5 END) AS weight "
        "WITH p, exporter, engaged, successes, collect(CASE WHEN factor IS NOT NULL THEN [factor, weight] END) AS pres "
        "WITH p, exporter, engaged, successes, pres, reduce(w = 0.0, x IN pres | w + x[1]) AS total, "
        "[(p)-[:ADDRESSES]->(pt:SDGTarget) | pt.id] AS targets "
        "MATCH (c:Country) WHERE c.un_member = true AND NOT c.id IN engaged AND (exporter IS NULL OR c.id <> exporter) "
        "UNWIND (CASE WHEN size(pres) = 0 THEN [null] ELSE pres END) AS pre "
        "OPTIONAL MATCH (f:SuccessFactor {id: pre[0]})<-[:BROADER*0..]-(d:SuccessFactor)"
        "<-[r:FACTOR_PRESENT|FACTOR_ABSENT]-(x:Context)-[:OF_COUNTRY]->(c) "
        "WHERE x.as_of IS NULL OR toInteger(substring(x.as_of, 0, 4)) <= $year "
        "WITH c, targets, successes, total, pre, d, x, r "
        "ORDER BY coalesce(x.as_of, '') DESC, x.id DESC, CASE WHEN type(r) = 'FACTOR_ABSENT' THEN 1 ELSE 0 END DESC "
        "WITH c, targets, successes, total, pre, d, collect(type(r))[0] AS latest "
        "WITH c, targets, successes, total, pre, "
        "collect(CASE WHEN latest = 'FACTOR_PRESENT' THEN 1 END) AS present, "
        "collect(CASE WHEN d.id = pre[0] AND latest = 'FACTOR_ABSENT' THEN 1 END) AS absent "
        "WITH c, targets, successes, total, "
        "sum(CASE WHEN size(present) > 0 THEN pre[1] ELSE 0.0 END) AS present_weight, "
        "sum(CASE WHEN size(present) > 0 OR size(absent) > 0 THEN pre[1] ELSE 0.0 END) AS known_weight, "
        "max(CASE WHEN size(present) = 0 AND size(absent) > 0 AND pre[1] = 1.0 THEN 1 ELSE 0 END) AS blocked "
        "WITH c, targets, successes, blocked, "
        "CASE WHEN total > 0 THEN present_weight / total ELSE 0.0 END AS factor_fit, "
        "CASE WHEN total > 0 THEN known_weight / total ELSE 0.0 END AS coverage, "
        "[(c)<-[:NEED_OF]-(:Need)-[:ADDRESSES]->(nt:SDGTarget) | nt.id] + "
        "[(c)<-[:NEED_OF]-(:Need)-[:ADDRESSES_GOAL]->(:SDGGoal)<-[:TARGET_OF]-(gt:SDGTarget) | gt.id] AS wanted "
        "WITH c, blocked, factor_fit, coverage, "
        "CASE WHEN size(targets) = 0 THEN 0.0 "
        "ELSE toFloat(size([target IN targets WHERE target IN wanted])) / size(targets) END AS sdg_fit, "
        "CASE WHEN any(s IN successes WHERE s[0] = c.subregion OR s[1] = c.income_group) THEN 1.0 "
        "WHEN size(successes) > 0 THEN 0.5 ELSE 0.0 END AS evidence "
        "WITH c, factor_fit, coverage, sdg_fit, evidence, "
        "$factor * factor_fit + $sdg * sdg_fit + $evidence * evidence AS score, "
        "CASE WHEN blocked = 1 THEN 2 WHEN coverage >= $min_coverage - 1e-9 THEN 0 ELSE 1 END AS rank "
        "RETURN c.id AS country, ['ready', 'unassessed', 'blocked'][rank] AS tier, score, factor_fit, coverage, "
        "sdg_fit, evidence "
        "ORDER BY rank, round(score * 1e9) DESC, round(factor_fit * 1e9) DESC, country LIMIT $limit"
    )


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
