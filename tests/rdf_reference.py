"""The term-by-term RDF mapping psikg used before its N-Triples line writer (lod/rdf.py as of
commit 23b081c): each triple built from pyoxigraph terms. Kept here, and only here, as the oracle
that the line writer (psikg.lod.ntriples) must match triple for triple and count for count
(tests/test_export_equality.py). A deliberate change of the mapping changes both."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import quote

import pyoxigraph as ox

from psikg.ontology.model import EU_COUNTRY_NS, KINDS, SDG_NS, Kind, Property
from psikg.ontology.owl import ENGLISH_TEXT, KOS_DATATYPES, KOS_MULTILINGUAL, expand, kind_classes, qualified_terms
from psikg.lod.rdf_terms import (_CACHED_TYPES, _COUNTRY_SOURCES, _SDG_KIND_NAMES, DCTERMS_SOURCE,
                                 EU_COUNTRY_DATASET, PROV_DERIVED_FROM, RDF_TYPE, SDG_KOS_DATASET, SKOS_EXACT_MATCH,
                                 SKOS_PREF_LABEL, ExportStats, _base, _literal, node_iri)


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
