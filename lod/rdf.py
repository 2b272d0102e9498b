"""The knowledge graph as linked data: psikg's one mapping between a store and RDF.

Graph to RDF (:func:`graph_triples`, :func:`export`):

* A node is ``{base}id/{kind}/{id}``, typed with its kind's class (and extra classes). SDG goals,
  targets and indicators are the UN SDG KOS concepts themselves (``http://metadata.un.org/sdg/16``,
  ``.../16.6``, ``.../C200303``: an indicator's id is its KOS permanent code).
* Properties and relations use the predicates of :mod:`psikg.ontology.model`; a country also gets
  ``skos:exactMatch`` to the EU Publications Office country authority.
* Sources are ``dcterms:source`` IRIs (a source that is not an IRI, such as a bibliographic
  reference, stays a string).
* A relation with properties (a practice's success factors) is stated directly and in its
  qualified form: ``{practice IRI}#factor-{factor id}``, a ``psikg:FactorRole``.
* The dataset is described at ``{base}dataset`` with DCAT and VoID (:func:`dataset_triples`).

Triples are produced as pyoxigraph terms and streamed to pyoxigraph's serializers, so N-Triples of
a million-edge graph are written without building an in-memory RDF graph. JSON-LD is written by a
small streaming writer of our own that uses the context shipped in ``ontology/context.jsonld``.

RDF to graph (:func:`batch_from_rdf`) reads data in the ontology back into a
:class:`~psikg.graph.records.GraphBatch`; ``psikg.loaders.rdf_input`` adds SHACL validation.
"""

from __future__ import annotations

import datetime as _dt
import gc
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Iterator
from urllib.parse import quote, unquote

import pyoxigraph as ox

from ..config import iri_base
from ..ontology.model import EU_COUNTRY_NS, KINDS, SDG_NS, Kind, Property, Relation
from ..ontology.owl import LICENSE, PREFIXES, expand, kind_classes, namespaces, qualified_terms

__all__ = [
    "FORMATS",
    "DatasetInfo",
    "node_iri",
    "parse_node_iri",
    "graph_triples",
    "dataset_triples",
    "export",
    "batch_from_rdf",
    "RdfMappingIssue",
]

#: Export formats: name -> (pyoxigraph format or None for our JSON-LD writer, media type, file suffix)
FORMATS: dict[str, tuple[Any, str, str]] = {
    "ttl": (ox.RdfFormat.TURTLE, "text/turtle", "ttl"),
    "nt": (ox.RdfFormat.N_TRIPLES, "application/n-triples", "nt"),
    "nq": (ox.RdfFormat.N_QUADS, "application/n-quads", "nq"),
    "jsonld": (None, "application/ld+json", "jsonld"),
    "xml": (ox.RdfFormat.RDF_XML, "application/rdf+xml", "rdf"),
}

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SKOS_EXACT_MATCH = ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch")
_XSD_STRING = ox.NamedNode(XSD + "string")
_DT = {name: ox.NamedNode(XSD + name) for name in ("integer", "double", "boolean", "gYear", "date", "dateTime",
                                                   "nonNegativeInteger")}
_SDG_KINDS = (("goal", re.compile(r"^\d{1,2}$")), ("target", re.compile(r"^\d{1,2}\.[0-9a-z]{1,2}$")),
              ("indicator", re.compile(r"^C\w{6}$")))
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^-?\d{4}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
SDG_HTTPS = "https://metadata.un.org/sdg/"


def _base(base: str | None) -> str:
    base = base or iri_base()
    return base if base.endswith(("/", "#")) else base + "/"


# IRIs -----------------------------------------------------------------------------------------


def node_iri(kind: str, id_: str, base: str | None = None) -> str:
    """The IRI of a node: a KOS IRI for SDG concepts, ``{base}id/{kind}/{id}`` otherwise."""
    if kind in ("goal", "target", "indicator"):
        return SDG_NS + id_
    return f"{_base(base)}id/{kind}/{quote(str(id_), safe='-._~')}"


def parse_node_iri(iri: str, base: str | None = None) -> tuple[str, str] | None:
    """``(kind, id)`` of a node IRI under ``base`` or in the SDG KOS (http or https), else None."""
    for ns in (SDG_NS, SDG_HTTPS):
        if iri.startswith(ns):
            code = iri[len(ns):]
            for kind, pattern in _SDG_KINDS:
                if pattern.match(code):
                    return kind, code
            return None
    prefix = _base(base) + "id/"
    if not iri.startswith(prefix):
        return None
    kind, sep, id_ = iri[len(prefix):].partition("/")
    if not sep or kind not in KINDS or not id_ or "/" in id_ or "#" in id_:
        return None
    return kind, unquote(id_)


def qualified_iri(source_iri: str, relation: Relation, target_id: str) -> str:
    """The IRI of the qualified form of one link (``…/practice/p#factor-f``)."""
    q = qualified_terms(relation)
    return f"{source_iri}#{q.target}-{quote(str(target_id), safe='-._~')}"


# Values ---------------------------------------------------------------------------------------


def _literal(prop: Property, value) -> ox.Literal | ox.NamedNode | None:
    kind = prop.type
    if value is None:
        return None
    if kind in ("str", "text"):
        return ox.Literal(str(value))
    if kind == "int":
        return ox.Literal(str(int(value)), datatype=_DT["integer"])
    if kind == "float":
        return ox.Literal(repr(float(value)), datatype=_DT["double"])
    if kind == "bool":
        return ox.Literal("true" if value else "false", datatype=_DT["boolean"])
    if kind == "year":
        text = str(value).strip()
        return ox.Literal(f"{int(text):04d}", datatype=_DT["gYear"]) if text.lstrip("-").isdigit() \
            else ox.Literal(text)
    if kind == "date":
        text = str(value).strip()
        if _DATE.match(text):
            return ox.Literal(text, datatype=_DT["date"])
        if _YEAR.match(text):
            return ox.Literal(text, datatype=_DT["gYear"])
        return ox.Literal(text)
    if kind == "url":
        text = str(value).strip()
        if _IRI.match(text):
            try:
                return ox.NamedNode(text)
            except ValueError:
                pass
        return ox.Literal(text)
    raise ValueError(f"unknown property type {kind!r}")


def _python(prop: Property, term) -> Any:
    """The store value of an RDF term for a property (the inverse of :func:`_literal`)."""
    if isinstance(term, ox.NamedNode):
        return term.value
    text = term.value
    if prop.type == "int":
        return int(text)
    if prop.type == "float":
        return float(text)
    if prop.type == "bool":
        return text.strip() in ("true", "1")
    if prop.type == "year":
        return int(text) if text.lstrip("-").isdigit() else text
    return text


# Graph -> RDF ---------------------------------------------------------------------------------


class _Terms:
    """pyoxigraph terms of the model for one base, built once per export."""

    def __init__(self, base: str):
        self.base = base
        self.classes = {k.name: tuple(ox.NamedNode(str(c)) for c in kind_classes(k, base)) for k in KINDS.values()}
        self.predicates: dict[str, ox.NamedNode] = {}
        self._nodes: dict[tuple[str, str], ox.NamedNode] = {}

    def predicate(self, curie: str) -> ox.NamedNode:
        found = self.predicates.get(curie)
        if found is None:
            found = self.predicates[curie] = ox.NamedNode(str(expand(curie, self.base)))
        return found

    def node(self, kind: str, id_: str) -> ox.NamedNode:
        key = (kind, id_)
        found = self._nodes.get(key)
        if found is None:
            found = self._nodes[key] = ox.NamedNode(node_iri(kind, id_, self.base))
        return found


@dataclass
class ExportStats:
    """What an export wrote (filled while streaming)."""

    triples: int = 0
    entities: int = 0
    by_class: dict[str, int] = field(default_factory=lambda: defaultdict(int))


_CACHED_TYPES = frozenset({"int", "float", "bool", "year", "date", "url"})


def graph_triples(store, base: str | None = None, stats: ExportStats | None = None) -> Iterator[ox.Triple]:
    """Every triple of the graph in ``store``, node by node (a node's triples are consecutive).
    ``stats`` (when given) counts the triples and the things as they go by."""
    base = _base(base)
    terms = _Terms(base)
    stats = stats if stats is not None else ExportStats()
    Triple = ox.Triple
    literal_cache: dict[tuple[str, Any], Any] = {}  # repeated values (sources, years, flags) built once

    def term_of(prop: Property, value):
        if prop.type in _CACHED_TYPES or prop.enum:
            key = (prop.type, value)
            found = literal_cache.get(key)
            if found is None:
                found = literal_cache[key] = _literal(prop, value)
            return found
        return _literal(prop, value)

    def values(prop: Property, value) -> list:
        if isinstance(value, (list, tuple, set, frozenset)):
            items = value if prop.many else list(value)[:1]
            return [t for t in (term_of(prop, v) for v in items if v is not None) if t is not None]
        found = term_of(prop, value)
        return [] if found is None else [found]

    for kind in KINDS.values():
        classes = terms.classes[kind.name]
        props_by_name = [(p.name, p, terms.predicate(p.predicate)) for p in kind.properties]
        rels = []
        for rel in kind.relations:
            grouped: dict[str, list] = defaultdict(list)
            for source, target_kind, target, props in store.links(kind.name, rel.name):
                grouped[source].append((target_kind, target, props))
            q = qualified_terms(rel)
            qualified = None if q is None else (
                terms.predicate("psikg:" + q.link), terms.predicate("psikg:" + q.cls),
                terms.predicate("psikg:" + q.target), f"#{q.target}-",
                [(p.name, p, terms.predicate(p.predicate)) for p in rel.properties])
            rels.append((terms.predicate(rel.predicate), grouped, qualified))
        is_country = kind.name == "country"
        for id_, props in store.nodes(kind.name):
            subject = terms.node(kind.name, id_)
            out = [Triple(subject, RDF_TYPE, cls) for cls in classes]
            if is_country:
                out.append(Triple(subject, SKOS_EXACT_MATCH, ox.NamedNode(EU_COUNTRY_NS + quote(id_, safe=""))))
            for name, prop, predicate in props_by_name:
                value = props.get(name)
                if value is not None:
                    for term in values(prop, value):
                        out.append(Triple(subject, predicate, term))
            for predicate, grouped, qualified in rels:
                targets = grouped.get(id_)
                if not targets:
                    continue
                if len(targets) > 1:
                    targets = sorted(targets, key=lambda t: (t[0], t[1]))
                for target_kind, target, link_props in targets:
                    obj = terms.node(target_kind, target)
                    out.append(Triple(subject, predicate, obj))
                    if qualified is None:
                        continue
                    link_pred, cls, target_pred, fragment, qprops = qualified
                    qnode = ox.NamedNode(subject.value + fragment + quote(str(target), safe="-._~"))
                    out.append(Triple(subject, link_pred, qnode))
                    out.append(Triple(qnode, RDF_TYPE, cls))
                    out.append(Triple(qnode, target_pred, obj))
                    for name, prop, qpredicate in qprops:
                        value = link_props.get(name)
                        if value is not None:
                            for term in values(prop, value):
                                out.append(Triple(qnode, qpredicate, term))
            stats.entities += 1
            stats.by_class[kind.rdf_class] += 1
            stats.triples += len(out)
            yield from out


# Dataset description --------------------------------------------------------------------------

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"


@dataclass(frozen=True)
class DatasetInfo:
    """What the dataset description says besides the counts. Every field is configurable."""

    title: str = "psikg knowledge graph of public-service innovation transfer"
    description: str = ("Public-service innovations, the success factors that made them work, country "
                        "contexts and needs, and the partnerships that transferred them between countries "
                        "(South-South and triangular cooperation), linked to the UN SDG KOS and to the EU "
                        "country authority. Every fact carries its source.")
    license: str = LICENSE
    publisher: str = "psikg"
    publisher_iri: str | None = None
    modified: str | None = None  # ISO date or dateTime; default: today (UTC)


def dataset_iri(base: str | None = None) -> str:
    return _base(base) + "dataset"


def dump_iri(fmt: str, base: str | None = None) -> str:
    return f"{_base(base)}dump/psikg.{FORMATS[fmt][2]}"


def dataset_triples(stats: ExportStats, base: str | None = None, info: DatasetInfo | None = None) -> list:
    """The DCAT and VoID description of the dataset, with the counts of an export."""
    base = _base(base)
    info = info or DatasetInfo()
    N = ox.NamedNode
    dataset = N(dataset_iri(base))
    out = [ox.Triple(dataset, RDF_TYPE, N(VOID + "Dataset")), ox.Triple(dataset, RDF_TYPE, N(DCAT + "Dataset"))]

    def add(s, p, o):
        out.append(ox.Triple(s, N(p), o))

    add(dataset, DCTERMS + "title", ox.Literal(info.title, language="en"))
    add(dataset, DCTERMS + "description", ox.Literal(info.description, language="en"))
    add(dataset, DCTERMS + "license", N(info.license))
    publisher = N(info.publisher_iri) if info.publisher_iri else N(base + "publisher")
    add(dataset, DCTERMS + "publisher", publisher)
    add(publisher, str(RDF_TYPE.value), N(FOAF + "Agent"))
    add(publisher, FOAF + "name", ox.Literal(info.publisher))
    modified = info.modified or _dt.datetime.now(_dt.timezone.utc).date().isoformat()
    add(dataset, DCTERMS + "modified",
        ox.Literal(modified, datatype=_DT["date"] if len(modified) == 10 else _DT["dateTime"]))
    add(dataset, VOID + "triples", ox.Literal(str(stats.triples), datatype=_DT["integer"]))
    add(dataset, VOID + "entities", ox.Literal(str(stats.entities), datatype=_DT["integer"]))
    add(dataset, VOID + "classes", ox.Literal(str(len(stats.by_class)), datatype=_DT["integer"]))
    add(dataset, VOID + "uriSpace", ox.Literal(base + "id/"))
    add(dataset, VOID + "sparqlEndpoint", N(base + "sparql"))
    add(dataset, VOID + "rootResource", N(base + "id/"))
    add(dataset, VOID + "exampleResource", N(node_iri("country", "BGD", base)))
    add(dataset, DCTERMS + "conformsTo", N(base + "ontology"))
    for ns in (namespaces(base)["psikg"], PREFIXES["dcterms"], PREFIXES["skos"], PREFIXES["schema"],
               PREFIXES["org"], PREFIXES["sdgo"], VOID, DCAT):
        add(dataset, VOID + "vocabulary", N(ns))
    for name in sorted(stats.by_class):
        partition = N(f"{base}dataset#class-{name.replace(':', '-')}")
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", N(str(expand(name, base))))
        add(partition, VOID + "entities", ox.Literal(str(stats.by_class[name]), datatype=_DT["integer"]))
    for fmt, (_, media, _suffix) in FORMATS.items():
        url = N(dump_iri(fmt, base))
        add(dataset, VOID + "dataDump", url)
        distribution = N(f"{base}dataset#dump-{fmt}")
        add(dataset, DCAT + "distribution", distribution)
        add(distribution, str(RDF_TYPE.value), N(DCAT + "Distribution"))
        add(distribution, DCAT + "downloadURL", url)
        add(distribution, DCAT + "mediaType", N("https://www.iana.org/assignments/media-types/" + media))
        add(distribution, DCTERMS + "license", N(info.license))
    service = N(f"{base}dataset#sparql")
    add(dataset, DCAT + "distribution", N(f"{base}dataset#sparql-distribution"))
    add(N(f"{base}dataset#sparql-distribution"), str(RDF_TYPE.value), N(DCAT + "Distribution"))
    add(N(f"{base}dataset#sparql-distribution"), DCAT + "accessURL", N(base + "sparql"))
    add(N(f"{base}dataset#sparql-distribution"), DCAT + "accessService", service)
    add(service, str(RDF_TYPE.value), N(DCAT + "DataService"))
    add(service, DCAT + "endpointURL", N(base + "sparql"))
    add(service, DCTERMS + "conformsTo", N("https://www.w3.org/TR/sparql11-protocol/"))
    add(service, DCAT + "servesDataset", dataset)
    return out


def ontology_triples(base: str | None = None) -> list:
    """The OWL ontology as pyoxigraph triples (through N-Triples, blank nodes kept)."""
    from ..ontology.owl import ontology_graph

    data = ontology_graph(_base(base)).serialize(format="nt", encoding="utf-8")
    return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


# Export ---------------------------------------------------------------------------------------


def store_date(store) -> str | None:
    """The date (UTC) the store's file was last written, for ``dcterms:modified``; None when the
    store is not a file (a graph database)."""
    path = store.path  # None for a database (the Store protocol)
    if path is None or not Path(path).is_file():
        return None
    return _dt.datetime.fromtimestamp(Path(path).stat().st_mtime, _dt.timezone.utc).date().isoformat()



def export(store, output: IO[bytes] | str | Path, fmt: str = "nt", base: str | None = None, *,
           ontology: bool = False, dataset: bool = True, info: DatasetInfo | None = None) -> ExportStats:
    """Write the whole graph (and the dataset description, and the ontology when asked) to
    ``output`` in ``fmt`` (``ttl``, ``nt``, ``nq``, ``jsonld`` or ``xml``). In N-Quads the data,
    the description and the ontology are the named graphs ``{base}graph/data``,
    ``{base}graph/dataset`` and ``{base}graph/ontology``."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    base = _base(base)
    stats = ExportStats()
    if info is None:
        info = DatasetInfo(modified=store_date(store))

    def parts():
        yield "data", graph_triples(store, base, stats)
        if dataset:
            yield "dataset", iter(dataset_triples(stats, base, info))
        if ontology:
            yield "ontology", iter(ontology_triples(base))

    ox_format = FORMATS[fmt][0]
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived terms: the cyclic collector would only slow the stream
    close = None
    if isinstance(output, (str, Path)):
        output = close = open(output, "wb")
    try:
        if fmt == "jsonld":
            write_jsonld((t for _, ts in parts() for t in ts), output, base)
        elif fmt == "nq":
            def quads():
                for name, triples in parts():
                    graph = ox.NamedNode(f"{base}graph/{name}")
                    for t in triples:
                        yield ox.Quad(t.subject, t.predicate, t.object, graph)
            ox.serialize(quads(), output, ox_format)
        else:
            prefixes = {**namespaces(base), "xsd": XSD, "void": VOID, "dcat": DCAT, "foaf": FOAF,
                        "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"} if fmt in ("ttl", "xml") else None
            ox.serialize((t for _, ts in parts() for t in ts), output, ox_format, prefixes=prefixes)
    finally:
        if collecting:
            gc.enable()
        if close is not None:
            close.close()
    return stats


# JSON-LD --------------------------------------------------------------------------------------


def _context_terms(base: str) -> tuple[dict, dict]:
    """Our context, and predicate IRI -> (term, coercion) for compacting."""
    from ..ontology.context import jsonld_context

    context = jsonld_context(base)["@context"]
    ns = {k: v for k, v in context.items() if isinstance(v, str) and not k[0].isupper() and k != "@version"}

    def full(curie: str) -> str:
        prefix, _, local = curie.partition(":")
        return ns[prefix] + local if prefix in ns else curie

    by_iri = {}
    classes = {}
    for term, definition in context.items():
        if term.startswith("@") or term in ns:
            continue
        if isinstance(definition, str):
            classes[full(definition)] = term
            continue
        coerce = definition.get("@type")
        coerce = "@id" if coerce == "@id" else (full(coerce) if coerce else None)
        by_iri[full(definition["@id"])] = (term, coerce)
    return context, {"predicates": by_iri, "classes": classes}


def _jsonld_value(term, coerce):
    if isinstance(term, ox.NamedNode):
        return term.value if coerce == "@id" else {"@id": term.value}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    datatype = term.datatype.value if term.datatype else None
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if coerce and coerce != "@id" and datatype == coerce:
        return term.value
    if datatype in (None, XSD + "string"):
        return term.value if coerce is None else {"@value": term.value}
    return {"@value": term.value, "@type": datatype}


def write_jsonld(triples: Iterable, output: IO[bytes], base: str) -> None:
    """Stream triples as one JSON-LD document with psikg's context inline; consecutive triples
    of the same subject become one node object."""
    context, lookup = _context_terms(base)
    predicates, classes = lookup["predicates"], lookup["classes"]
    output.write(b'{\n"@context": ')
    output.write(json.dumps(context, ensure_ascii=False).encode())
    output.write(b',\n"@graph": [\n')
    first = True
    node: dict | None = None
    subject = None

    def flush():
        nonlocal first
        if node is None:
            return
        if not first:
            output.write(b",\n")
        first = False
        output.write(json.dumps(node, ensure_ascii=False).encode())

    for triple in triples:
        if triple.subject != subject:
            flush()
            subject = triple.subject
            node_id = subject.value if isinstance(subject, ox.NamedNode) else f"_:{subject.value}"
            node = {"@id": node_id}
        predicate = triple.predicate.value
        obj = triple.object
        if predicate == RDF_TYPE.value and isinstance(obj, ox.NamedNode):
            node.setdefault("@type", []).append(classes.get(obj.value, obj.value))
            continue
        term, coerce = predicates.get(predicate, (predicate, None))
        node.setdefault(term, []).append(_jsonld_value(obj, coerce))
    flush()
    output.write(b"\n]\n}\n")


# RDF -> graph ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RdfMappingIssue:
    """A statement that does not fit the model (an error) or that was ignored (a warning)."""

    subject: str
    predicate: str | None
    value: str | None
    expected: str
    severity: str = "error"


def _text(term) -> str:
    """An IRI or a literal's text as a person reads it (no angle brackets, no quotes)."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return getattr(term, "value", str(term))


def _lookup(base: str):
    """predicate IRI per kind -> ("prop", Property) or ("rel", Relation) or ("qual", Relation)."""
    by_kind: dict[str, dict[str, tuple[str, Any]]] = {}
    class_kind: dict[str, str] = {}
    qualified: dict[str, tuple[Kind, Relation]] = {}
    for kind in KINDS.values():
        table: dict[str, tuple[str, Any]] = {}
        for prop in kind.properties:
            table[str(expand(prop.predicate, base))] = ("prop", prop)
        for rel in kind.relations:
            table[str(expand(rel.predicate, base))] = ("rel", rel)
            q = qualified_terms(rel)
            if q is not None:
                table[str(expand("psikg:" + q.link, base))] = ("qual", rel)
                qualified[str(expand("psikg:" + q.cls, base))] = (kind, rel)
        by_kind[kind.name] = table
        class_kind[str(kind_classes(kind, base)[0])] = kind.name
    return by_kind, class_kind, qualified


def batch_from_rdf(triples: Iterable, base: str | None = None, *, known: dict[str, set[str]] | None = None):
    """Read triples (pyoxigraph terms) in the ontology into a GraphBatch.

    Returns ``(batch, issues)``. Things are recognised by their ``rdf:type``; their ids come from
    their IRIs. A link to a thing neither in the triples nor in ``known`` (ids by kind) is an error.
    Statements outside the model (the dataset description, the ontology, derived links such as
    ``skos:exactMatch`` to the EU authority) are skipped.
    """
    from ..graph.records import GraphBatch, node_key

    base = _base(base)
    by_kind, class_kind, qualified_classes = _lookup(base)
    known = known or {}
    by_subject: dict[Any, list] = defaultdict(list)
    types: dict[Any, set[str]] = defaultdict(set)
    for triple in triples:
        if triple.predicate == RDF_TYPE:
            types[triple.subject].add(triple.object.value)
        by_subject[triple.subject].append(triple)

    issues: list[RdfMappingIssue] = []
    batch = GraphBatch()
    kinds_of: dict[Any, str] = {}
    qual_nodes: dict[Any, tuple[Kind, Relation]] = {}
    all_classes = {name: {str(c) for c in kind_classes(name, base)} for name in KINDS}
    for subject, found in types.items():
        # the most specific kind: a network is also an org:Organization
        candidates = [class_kind[cls] for cls in found if cls in class_kind]
        if candidates:
            kinds_of[subject] = max(candidates, key=lambda k: (all_classes[k] <= found, len(all_classes[k]), k))
            continue
        for cls in sorted(found):
            if cls in qualified_classes:
                qual_nodes[subject] = qualified_classes[cls]
                break
    ids: dict[Any, tuple[str, str]] = {}
    for subject, kind_name in kinds_of.items():
        parsed = parse_node_iri(subject.value, base) if isinstance(subject, ox.NamedNode) else None
        if parsed is None or parsed[0] != kind_name:
            pattern = SDG_NS + "{code}" if kind_name in ("goal", "target", "indicator") else f"{base}id/{kind_name}/{{id}}"
            issues.append(RdfMappingIssue(_text(subject), None, None, f"a {kind_name} IRI {pattern}"))
            continue
        ids[subject] = parsed
    present = {(k, i) for k, i in ids.values()}

    def target_of(term, rel: Relation, subject) -> tuple[str, str] | None:
        parsed = parse_node_iri(term.value, base) if isinstance(term, ox.NamedNode) else None
        if parsed is None or parsed[0] not in rel.targets:
            issues.append(RdfMappingIssue(_text(subject), rel.predicate, _text(term),
                                          f"the IRI of a {' or '.join(rel.targets)}"))
            return None
        if parsed not in present and parsed[1] not in known.get(parsed[0], ()):
            issues.append(RdfMappingIssue(_text(subject), rel.predicate, _text(term),
                                          f"a {parsed[0]} described in the input or already in the graph"))
            return None
        return parsed

    for subject, (kind_name, id_) in sorted(ids.items(), key=lambda item: item[1]):
        table = by_kind[kind_name]
        props: dict[str, Any] = {}
        key = node_key(kind_name, id_)
        for triple in by_subject[subject]:
            predicate = triple.predicate.value
            if triple.predicate == RDF_TYPE or (predicate == SKOS_EXACT_MATCH.value and kind_name == "country"):
                continue
            entry = table.get(predicate)
            if entry is None:
                issues.append(RdfMappingIssue(_text(subject), predicate, _text(triple.object),
                                              f"a property of {KINDS[kind_name].label} (statement ignored)",
                                              "warning"))
                continue
            what, item = entry
            if what == "prop":
                value = _python(item, triple.object)
                if item.many:
                    props.setdefault(item.name, []).append(value)
                else:
                    props[item.name] = value
            elif what == "rel":
                target = target_of(triple.object, item, subject)
                if target is not None and (key, item.name, node_key(*target)) not in batch.links:
                    batch.add_link(key, item.name, node_key(*target), {})
            # qualified links are read from their own nodes below
        for name, value in props.items():
            if isinstance(value, list):
                props[name] = sorted(value, key=str)
        batch.add_node(kind_name, id_, props)

    for qnode, (kind, rel) in qual_nodes.items():
        q = qualified_terms(rel)
        owners = [t.subject for ts in by_subject.values() for t in ts
                  if t.object == qnode and t.predicate.value == str(expand("psikg:" + q.link, base))]
        if not owners or owners[0] not in ids:
            issues.append(RdfMappingIssue(_text(qnode), None, None,
                                          f"a {q.cls} reached from a {kind.label} by psikg:{q.link}"))
            continue
        source = node_key(*ids[owners[0]])
        target = None
        link_props: dict[str, Any] = {}
        prop_by_iri = {str(expand(p.predicate, base)): p for p in rel.properties}
        for triple in by_subject[qnode]:
            predicate = triple.predicate.value
            if triple.predicate == RDF_TYPE:
                continue
            if predicate == str(expand("psikg:" + q.target, base)):
                target = target_of(triple.object, rel, qnode)
            elif predicate in prop_by_iri:
                prop = prop_by_iri[predicate]
                value = _python(prop, triple.object)
                if prop.many:
                    link_props.setdefault(prop.name, []).append(value)
                else:
                    link_props[prop.name] = value
            else:
                issues.append(RdfMappingIssue(_text(qnode), predicate, _text(triple.object),
                                              f"a property of {q.cls} (statement ignored)", "warning"))
        if target is None:
            continue
        for name, value in link_props.items():
            if isinstance(value, list):
                link_props[name] = sorted(value, key=str)
        batch.add_link(source, rel.name, node_key(*target), link_props)

    for subject, triples_ in by_subject.items():
        if subject in kinds_of or subject in qual_nodes:
            continue
        iri = subject.value if isinstance(subject, ox.NamedNode) else ""
        if iri.startswith(base + "id/") and any(t.predicate != RDF_TYPE for t in triples_):
            issues.append(RdfMappingIssue(iri, None, None, "an rdf:type of the psikg ontology"))
    return batch, issues
