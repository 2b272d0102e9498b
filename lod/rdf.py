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
from ..ontology.owl import (ENGLISH_TEXT, KOS_DATATYPES, KOS_MULTILINGUAL, LICENSE, PREFIXES, VERSION, expand, kind_classes,
                            namespaces, qualified_terms)

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
SKOS_PREF_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
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


_KOS_INDICATOR = re.compile(r"^C\w{6}$")


def node_iri(kind: str, id_: str, base: str | None = None) -> str:
    """The IRI of a node: a KOS IRI for SDG concepts, ``{base}id/{kind}/{id}`` otherwise. An
    indicator the KOS has no concept for (added in 2020 or later) is identified by its code under
    the base (``{base}id/indicator/2.2.3``): a KOS IRI must never be made up."""
    if kind in ("goal", "target") or (kind == "indicator" and _KOS_INDICATOR.match(str(id_))):
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
        return ox.Literal(str(int(text)), datatype=_DT["integer"]) if text.lstrip("-").isdigit() \
            else ox.Literal(text)
    if kind == "date":
        text = str(value).strip()
        if _DATE.match(text):
            return ox.Literal(text, datatype=_DT["date"])
        if _YEAR.match(text):  # only the year is known: an xsd:integer (xsd:gYear is not OWL 2)
            return ox.Literal(str(int(text)), datatype=_DT["integer"])
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
    """What an export wrote (filled while streaming).

    ``triples``, ``entities``, ``by_class``, ``by_property`` and ``links`` count the data (what the
    VoID description states); ``description_triples`` and ``ontology_triples`` the other parts, so
    ``written`` is what the file holds."""

    triples: int = 0
    entities: int = 0
    by_class: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # class IRI -> things
    by_property: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # predicate IRI -> triples
    links: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))  # (target, predicate)
    roots: list[str] = field(default_factory=list)  # the networks: entry points of the data
    description_triples: int = 0
    ontology_triples: int = 0

    @property
    def written(self) -> int:
        """Every triple written: the data, the dataset description and the ontology."""
        return self.triples + self.description_triples + self.ontology_triples


_CACHED_TYPES = frozenset({"int", "float", "bool", "year", "date", "url"})
_SDG_KIND_NAMES = frozenset({"goal", "target", "indicator"})
DCTERMS_SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
PROV_DERIVED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
#: Where the bundled countries come from: ISO 3166-1 (codes and names, through pycountry) and the
#: UN M49 overview (regions and the LDC / LLDC / SIDS flags); see ontology/data/README.md.
_COUNTRY_SOURCES = (ox.NamedNode("https://www.iso.org/iso-3166-country-codes.html"),
                    ox.NamedNode("https://unstats.un.org/unsd/methodology/m49/overview/"))
#: The datasets psikg links into (VoID linksets): the UN SDG KOS (as its own VoID names it) and the
#: EU Publications Office country authority.
SDG_KOS_DATASET = "http://metadata.un.org/sdg/void.ttl#SDG"
EU_COUNTRY_DATASET = "http://publications.europa.eu/resource/dataset/country"
LINKED_DATASETS = {
    SDG_KOS_DATASET: ("UN SDG Knowledge Organization System (KOS)", SDG_NS, "sdg"),
    EU_COUNTRY_DATASET: ("EU Publications Office country authority table", EU_COUNTRY_NS, "eu-country"),
}


@dataclass(frozen=True)
class _KosTyped:
    """A property written as the UN SDG KOS writes it: English text with ``@en``, or a code typed
    with the KOS datatype (e.g. ``"1.1.1"^^sdgo:SDGCodeCompact``)."""

    prop: Property
    language: str | None = None
    datatype: ox.NamedNode | None = None
    multilingual: bool = False  # "text@lang" values, written as skos:prefLabel "text"@lang

    def __getattr__(self, name):
        return getattr(self.prop, name)


def _kos_typed(kind_name: str, prop: Property):
    if (kind_name, prop.name) in ENGLISH_TEXT:
        return _KosTyped(prop, language="en")
    if (kind_name, prop.name) in KOS_DATATYPES:
        return _KosTyped(prop, datatype=ox.NamedNode(KOS_DATATYPES[(kind_name, prop.name)]))
    if (kind_name, prop.name) in KOS_MULTILINGUAL:
        return _KosTyped(prop, multilingual=True)
    return prop


def _kos_labels(values) -> list[ox.Literal]:
    """The non-English labels of ``text@lang`` values (the English one is the title)."""
    out = []
    for value in values if isinstance(values, (list, tuple, set, frozenset)) else [values]:
        text, sep, lang = str(value).rpartition("@")
        if sep and text and lang not in ("en", "und") and re.fullmatch(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*", lang):
            out.append(ox.Literal(text, language=lang))
    return out


def graph_triples(store, base: str | None = None, stats: ExportStats | None = None) -> Iterator[ox.Triple]:
    """Every triple of the graph in ``store``, node by node (a node's triples are consecutive).
    ``stats`` (when given) counts the triples and the things as they go by."""
    base = _base(base)
    terms = _Terms(base)
    stats = stats if stats is not None else ExportStats()
    Triple = ox.Triple
    literal_cache: dict[tuple[str, Any], Any] = {}  # repeated values (sources, years, flags) built once

    def term_of(prop: Property, value):
        if isinstance(prop, _KosTyped):
            if prop.language:
                return ox.Literal(str(value), language=prop.language)
            return ox.Literal(str(value), datatype=prop.datatype)
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

    count = stats.by_property  # predicate IRI -> triples, counted as they are made (no pass over them)
    type_iri = RDF_TYPE.value
    for kind in KINDS.values():
        classes = terms.classes[kind.name]
        class_iris = [cls.value for cls in classes]
        props_by_name = [(p.name, _kos_typed(kind.name, p), terms.predicate(p.predicate),
                          terms.predicate(p.predicate).value) for p in kind.properties]
        rels = _kind_relations(store, kind, terms)
        is_country = kind.name == "country"
        for id_, props in store.nodes(kind.name):
            subject = terms.node(kind.name, id_)
            out = [Triple(subject, RDF_TYPE, cls) for cls in classes]
            count[type_iri] += len(classes)
            for cls in class_iris:
                stats.by_class[cls] += 1
            if is_country:
                out += _country_links(subject, id_, stats)
            elif kind.name == "network" and len(stats.roots) < 10:
                stats.roots.append(subject.value)
            out += _property_triples(subject, props, props_by_name, values, count)
            for predicate, grouped, qualified, to_kos in rels:
                targets = grouped.get(id_)
                if not targets:
                    continue
                if len(targets) > 1:
                    targets = sorted(targets, key=lambda t: (t[0], t[1]))
                count[predicate.value] += len(targets)
                if qualified is not None:  # each link also has its qualified node: typed, linked, pointing
                    for iri in (qualified[0].value, type_iri, qualified[2].value):
                        count[iri] += len(targets)
                    stats.by_class[qualified[1].value] += len(targets)
                for target_kind, target, link_props in targets:
                    obj = terms.node(target_kind, target)
                    out.append(Triple(subject, predicate, obj))
                    if to_kos and obj.value.startswith(SDG_NS):
                        stats.links[(SDG_KOS_DATASET, predicate.value)] += 1
                    if qualified is not None:
                        out += _qualified_triples(subject, obj, target, link_props, qualified, values, stats)
            stats.entities += 1
            stats.triples += len(out)
            yield from out


def _kind_relations(store, kind: Kind, terms) -> list[tuple]:
    """For each relation of ``kind``: its predicate, its links grouped by source, the terms of its
    qualified node (or None) and whether it points into the SDG KOS."""
    rels = []
    for rel in kind.relations:
        grouped: dict[str, list] = defaultdict(list)
        for source, target_kind, target, props in store.links(kind.name, rel.name):
            grouped[source].append((target_kind, target, props))
        q = qualified_terms(rel)
        qualified = None if q is None else (
            terms.predicate("psikg:" + q.link), terms.predicate("psikg:" + q.cls),
            terms.predicate("psikg:" + q.target), f"#{q.target}-",
            [(p.name, p, terms.predicate(p.predicate), terms.predicate(p.predicate).value)
             for p in rel.properties])
        to_kos = kind.name not in _SDG_KIND_NAMES and set(rel.targets) <= _SDG_KIND_NAMES
        rels.append((terms.predicate(rel.predicate), grouped, qualified, to_kos))
    return rels


def _property_triples(subject, props: dict, props_by_name: list, values, count) -> list:
    """A node's property triples (sources also as ``prov:wasDerivedFrom``), counted per predicate."""
    out = []
    for name, prop, predicate, predicate_iri in props_by_name:
        value = props.get(name)
        if value is None:
            continue
        if isinstance(prop, _KosTyped) and prop.multilingual:
            made = [ox.Triple(subject, SKOS_PREF_LABEL, label) for label in _kos_labels(value)]
            count[SKOS_PREF_LABEL.value] += len(made)
        else:
            made = [ox.Triple(subject, predicate, term) for term in values(prop, value)]
            count[predicate_iri] += len(made)
            if predicate_iri == DCTERMS_SOURCE.value:  # the same sources, for PROV-O
                derived = [ox.Triple(subject, PROV_DERIVED_FROM, t.object) for t in made
                           if isinstance(t.object, ox.NamedNode)]
                count[PROV_DERIVED_FROM.value] += len(derived)
                made += derived
        out += made
    return out


def _country_links(subject, id_: str, stats: ExportStats) -> list:
    """A country's link to the EU authority and the sources of the reference data."""
    out = [ox.Triple(subject, SKOS_EXACT_MATCH, ox.NamedNode(EU_COUNTRY_NS + quote(id_, safe="")))]
    out += [ox.Triple(subject, DCTERMS_SOURCE, source) for source in _COUNTRY_SOURCES]
    out += [ox.Triple(subject, PROV_DERIVED_FROM, source) for source in _COUNTRY_SOURCES]
    stats.links[(EU_COUNTRY_DATASET, SKOS_EXACT_MATCH.value)] += 1
    for triple in out:
        stats.by_property[triple.predicate.value] += 1
    return out


def _qualified_triples(subject, obj, target, link_props, qualified, values, stats: ExportStats) -> list:
    """The qualified form of one link (``…#factor-f``, a ``psikg:FactorRole``); its properties counted."""
    link_pred, cls, target_pred, fragment, qprops = qualified
    qnode = ox.NamedNode(subject.value + fragment + quote(str(target), safe="-._~"))
    out = [ox.Triple(subject, link_pred, qnode), ox.Triple(qnode, RDF_TYPE, cls), ox.Triple(qnode, target_pred, obj)]
    count = stats.by_property  # the three triples above are counted by the caller
    for name, prop, qpredicate, qpredicate_iri in qprops:
        value = link_props.get(name)
        if value is not None:
            made = [ox.Triple(qnode, qpredicate, term) for term in values(prop, value)]
            count[qpredicate_iri] += len(made)
            out += made
    return out


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


def dump_iri(fmt: str, base: str | None = None, version: str | None = None) -> str:
    """The IRI of a dump: ``{base}dump/psikg.nt``, or of one dated version of it
    (``{base}dump/2026-01-01/psikg.nt``)."""
    folder = f"dump/{version}/" if version else "dump/"
    return f"{_base(base)}{folder}psikg.{FORMATS[fmt][2]}"


def ontology_version_iri(base: str | None = None) -> str:
    """The IRI of this version of the ontology (``owl:versionIRI``): ``{base}ontology/{VERSION}``."""
    return f"{_base(base)}ontology/{VERSION}"


IANA_MEDIA = "http://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
DCAT_AP = "https://semiceu.github.io/DCAT-AP/releases/3.0.1"  # the application profile followed


def dataset_triples(stats: ExportStats, base: str | None = None, info: DatasetInfo | None = None) -> list:
    """The DCAT-AP 3 and VoID description of the dataset, with the counts of an export.

    Every node of the description is ``{base}dataset`` or one of its fragments (the catalogue, the
    publisher, the distributions, the SPARQL service, the partitions and linksets), so the
    description is one document."""
    base = _base(base)
    info = info or DatasetInfo()
    N = ox.NamedNode
    dataset = N(dataset_iri(base))
    out: list = []

    def add(s, p, o):
        out.append(ox.Triple(s, N(p), o))

    def typed(s, *classes):
        for cls in classes:
            out.append(ox.Triple(s, RDF_TYPE, N(cls)))

    def text(value: str):
        return ox.Literal(value, language="en")

    typed(dataset, VOID + "Dataset", DCAT + "Dataset")
    add(dataset, DCTERMS + "title", text(info.title))
    add(dataset, DCTERMS + "description", text(info.description))
    license_ = N(info.license)
    add(dataset, DCTERMS + "license", license_)
    typed(license_, DCTERMS + "LicenseDocument")
    publisher = N(info.publisher_iri) if info.publisher_iri else N(f"{base}dataset#publisher")
    add(dataset, DCTERMS + "publisher", publisher)
    typed(publisher, FOAF + "Agent")
    add(publisher, FOAF + "name", ox.Literal(info.publisher))
    modified = info.modified or _dt.datetime.now(_dt.timezone.utc).date().isoformat()
    add(dataset, DCTERMS + "modified",
        ox.Literal(modified, datatype=_DT["date"] if len(modified) == 10 else _DT["dateTime"]))
    version = modified[:10]
    add(dataset, DCAT + "version", ox.Literal(version))
    ontology = N(base + "ontology")
    for standard in (ontology, N(DCAT_AP)):
        add(dataset, DCTERMS + "conformsTo", standard)
        typed(standard, DCTERMS + "Standard")

    catalog = N(f"{base}dataset#catalog")
    typed(catalog, DCAT + "Catalog")
    add(catalog, DCTERMS + "title", text(info.title + " (catalogue)"))
    add(catalog, DCTERMS + "description", text("The catalogue of psikg's linked data: the knowledge graph "
                                                "and the SPARQL service that serves it."))
    add(catalog, DCTERMS + "publisher", publisher)
    add(catalog, DCTERMS + "modified", ox.Literal(modified, datatype=_DT["date"] if len(modified) == 10
                                                  else _DT["dateTime"]))
    add(catalog, DCAT + "dataset", dataset)
    add(catalog, FOAF + "homepage", N(base))
    typed(N(base), FOAF + "Document")

    out += _void_triples(stats, base, dataset)
    out += _distribution_triples(base, dataset, license_, version)
    service = N(f"{base}dataset#sparql")
    add(catalog, DCAT + "service", service)
    typed(service, DCAT + "DataService")
    add(service, DCTERMS + "title", text("psikg SPARQL 1.1 endpoint"))
    add(service, DCAT + "endpointURL", N(base + "sparql"))
    add(service, DCAT + "endpointDescription", N(base + "sparql"))
    add(service, DCTERMS + "conformsTo", N(SPARQL_PROTOCOL))
    typed(N(SPARQL_PROTOCOL), DCTERMS + "Standard")
    add(service, DCAT + "servesDataset", dataset)
    add(service, DCTERMS + "license", license_)
    return out


def _void_triples(stats: ExportStats, base: str, dataset) -> list:
    """VoID: counts, class and property partitions (counted from the data) and linksets."""
    N = ox.NamedNode
    out: list = []

    def add(s, p, o):
        out.append(ox.Triple(s, N(p), o))

    def integer(n: int):
        return ox.Literal(str(n), datatype=_DT["integer"])

    add(dataset, VOID + "triples", integer(stats.triples))
    add(dataset, VOID + "entities", integer(stats.entities))
    add(dataset, VOID + "classes", integer(len(stats.by_class)))
    add(dataset, VOID + "properties", integer(len(stats.by_property)))
    add(dataset, VOID + "uriSpace", ox.Literal(base + "id/"))
    add(dataset, VOID + "sparqlEndpoint", N(base + "sparql"))
    for root in stats.roots:
        add(dataset, VOID + "rootResource", N(root))
    add(dataset, VOID + "exampleResource", N(node_iri("country", "BGD", base)))
    for ns in (namespaces(base)["psikg"], PREFIXES["dcterms"], PREFIXES["skos"], PREFIXES["schema"],
               PREFIXES["org"], PREFIXES["sdgo"], PREFIXES["prov"], VOID, DCAT):
        add(dataset, VOID + "vocabulary", N(ns))
    for n, cls in enumerate(sorted(stats.by_class)):
        partition = N(f"{base}dataset#class-{n + 1}")
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", N(cls))
        add(partition, VOID + "entities", integer(stats.by_class[cls]))
    for n, predicate in enumerate(sorted(stats.by_property)):
        partition = N(f"{base}dataset#property-{n + 1}")
        add(dataset, VOID + "propertyPartition", partition)
        add(partition, VOID + "property", N(predicate))
        add(partition, VOID + "triples", integer(stats.by_property[predicate]))
    for (target, predicate), count in sorted(stats.links.items()):
        title, space, key = LINKED_DATASETS[target]
        linkset = N(f"{base}dataset#linkset-{key}-{predicate.rsplit('#', 1)[-1].rsplit('/', 1)[-1]}")
        add(dataset, VOID + "subset", linkset)
        out.append(ox.Triple(linkset, RDF_TYPE, N(VOID + "Linkset")))
        add(linkset, VOID + "subjectsTarget", dataset)
        add(linkset, VOID + "objectsTarget", N(target))
        add(linkset, VOID + "linkPredicate", N(predicate))
        add(linkset, VOID + "triples", integer(count))
        add(linkset, DCTERMS + "title", ox.Literal(f"Links to the {title} by <{predicate}>", language="en"))
    return out


def _distribution_triples(base: str, dataset, license_, version: str) -> list:
    """A distribution per dump syntax (the stable IRI to access it, the dated version to download)
    and one for the SPARQL endpoint."""
    N = ox.NamedNode
    out: list = []

    def add(s, p, o):
        out.append(ox.Triple(s, N(p), o))

    for fmt, (_, media, suffix) in FORMATS.items():
        url = N(dump_iri(fmt, base))
        add(dataset, VOID + "dataDump", url)
        distribution = N(f"{base}dataset#dump-{fmt}")
        add(dataset, DCAT + "distribution", distribution)
        out.append(ox.Triple(distribution, RDF_TYPE, N(DCAT + "Distribution")))
        add(distribution, DCTERMS + "title", ox.Literal(f"psikg dump ({suffix}), version {version}", language="en"))
        add(distribution, DCAT + "accessURL", url)
        add(distribution, DCAT + "downloadURL", N(dump_iri(fmt, base, version)))
        media_type = N(IANA_MEDIA + media)
        add(distribution, DCAT + "mediaType", media_type)
        out.append(ox.Triple(media_type, RDF_TYPE, N(DCTERMS + "MediaType")))
        add(distribution, DCTERMS + "license", license_)
    distribution = N(f"{base}dataset#sparql-distribution")
    add(dataset, DCAT + "distribution", distribution)
    out.append(ox.Triple(distribution, RDF_TYPE, N(DCAT + "Distribution")))
    add(distribution, DCTERMS + "title", ox.Literal("psikg SPARQL 1.1 endpoint", language="en"))
    add(distribution, DCAT + "accessURL", N(base + "sparql"))
    add(distribution, DCAT + "accessService", N(f"{base}dataset#sparql"))
    add(distribution, DCTERMS + "license", license_)
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
            description = dataset_triples(stats, base, info)
            stats.description_triples = len(description)
            yield "dataset", iter(description)
        if ontology:
            owl = ontology_triples(base)
            stats.ontology_triples = len(owl)
            yield "ontology", iter(owl)

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


def write_jsonld(triples: Iterable, output: IO[bytes], base: str, *, context_by_iri: bool = False) -> None:
    """Stream triples as one JSON-LD document with psikg's context inline (or, with
    ``context_by_iri``, named by its published IRI); consecutive triples of the same subject
    become one node object."""
    from ..ontology.context import context_iri

    context, lookup = _context_terms(base)
    predicates, classes = lookup["predicates"], lookup["classes"]
    output.write(b'{\n"@context": ')
    output.write(json.dumps(context_iri(base) if context_by_iri else context, ensure_ascii=False).encode())
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
            if triple.predicate in (RDF_TYPE, PROV_DERIVED_FROM) or (kind_name == "country" and (
                    predicate == SKOS_EXACT_MATCH.value or (triple.predicate == DCTERMS_SOURCE
                                                            and triple.object in _COUNTRY_SOURCES))):
                continue  # derived statements: PROV-O sources, the EU authority link, the countries' sources
            entry = table.get(predicate)
            if entry is None:
                issues.append(RdfMappingIssue(_text(subject), predicate, _text(triple.object),
                                              f"a property of {KINDS[kind_name].label} (statement ignored)",
                                              "warning"))
                continue
            what, item = entry
            if what == "prop" and (kind_name, item.name) in ENGLISH_TEXT and item.name == "title" \
                    and isinstance(triple.object, ox.Literal) and triple.object.language not in (None, "en"):
                props.setdefault("labels", []).append(f"{triple.object.value}@{triple.object.language}")
            elif what == "prop":
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
        if props.get("labels") and props.get("title") and kind_name in _SDG_KIND_NAMES:
            props["labels"].append(f"{props['title']}@en")  # as the KOS import states them
        for name, value in props.items():
            if isinstance(value, list):
                props[name] = sorted(set(value), key=str) if name == "labels" else sorted(value, key=str)
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
