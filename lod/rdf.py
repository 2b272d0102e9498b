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

This module writes the graph as RDF and is the mapping's public face; its parts live beside it:
:mod:`.rdf_terms` (formats, IRIs, values), :mod:`.dataset_rdf` (the dataset description and the
ontology's triples), :mod:`.jsonld` (the JSON-LD writer) and :mod:`.rdf_reader` (RDF to a batch).
"""

from __future__ import annotations

import datetime as _dt
import gc
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator
from urllib.parse import quote

import pyoxigraph as ox

from ..ontology.model import EU_COUNTRY_NS, KINDS, SDG_NS, Kind, Property
from ..ontology.owl import (ENGLISH_TEXT, KOS_DATATYPES, KOS_MULTILINGUAL, expand, kind_classes, namespaces,
                            qualified_terms)
from .dataset_rdf import (DCAT, FOAF, VOID, DatasetInfo, dataset_iri, dataset_triples, dump_iri, ontology_triples,
                          ontology_version_iri)
from .rdf_terms import (_CACHED_TYPES, _COUNTRY_SOURCES, _SDG_KIND_NAMES, DCTERMS_SOURCE, EU_COUNTRY_DATASET,
                        FORMATS, PROV_DERIVED_FROM, RDF_TYPE, SDG_KOS_DATASET, SKOS_EXACT_MATCH, SKOS_PREF_LABEL,
                        XSD, ExportStats, _base, _literal, node_iri, parse_node_iri)
from .jsonld import write_jsonld
from .rdf_reader import RdfMappingIssue, batch_from_rdf


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
    "dataset_iri",
    "dump_iri",
    "ontology_version_iri",
    "ontology_triples",
    "store_date",
    "write_jsonld",
]

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


