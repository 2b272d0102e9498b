"""The OWL ontology and the SHACL shapes, generated from :mod:`psikg.ontology.model`.

Nothing here is written by hand: every class, property, domain, range and constraint comes from the
model's kinds, properties and relations. ``python -m psikg.ontology.generate`` writes the shipped
copies (``ontology/psikg.ttl``, ``ontology/shapes.ttl``); a test keeps them equal to this code.

Conventions:

* psikg's own terms live under ``{base}ontology#`` (prefix ``psikg:``); the ontology itself is
  ``{base}ontology``.
* Terms of standard vocabularies (``dcterms:``, ``skos:``, ``schema:``, ``org:``) and the UN SDG KOS
  classes (``sdgo:Goal``, ``sdgo:Target``, ``sdgo:Indicator``) are reused, never redeclared as psikg
  terms. Foreign classes are only declared as ``owl:Class`` with ``rdfs:isDefinedBy`` their own
  vocabulary, so that domains and ranges may name them.
* A property or relation whose predicate several kinds share gets the union of their classes as
  its domain (and of their target classes as its range).
* A relation with properties of its own (a practice's success factor with its ``role`` and
  ``note``) is stated twice: the direct link (``psikg:hasSuccessFactor``) and a *qualified* form, a
  node of class ``psikg:FactorRole`` reached by ``psikg:qualifiedFactor`` and carrying
  ``psikg:factor`` (the target), ``psikg:role``, ``psikg:note`` and ``dcterms:source``. The names
  are derived from the relation name (see :func:`qualified_terms`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD

from ..config import iri_base
from .model import ENUMS, KINDS, ONTOLOGY_NS, SDG_NS, Kind, Property, Relation

__all__ = [
    "PREFIXES",
    "VERSION",
    "LICENSE",
    "namespaces",
    "expand",
    "class_iri",
    "kind_classes",
    "Qualified",
    "qualified_terms",
    "datatypes",
    "owl_datatypes",
    "ENGLISH_TEXT",
    "KOS_DATATYPES",
    "KOS_MULTILINGUAL",
    "ontology_graph",
    "shapes_graph",
]

VERSION = "0.1.0"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
SDGO_NS = "http://metadata.un.org/sdg/ontology#"

#: Prefixes of the standard vocabularies the model reuses (``psikg:`` depends on the base).
PREFIXES: dict[str, str] = {
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "sdgo": SDGO_NS,
    "sdg": SDG_NS,
    "prov": "http://www.w3.org/ns/prov#",
}

#: Where each reused vocabulary is defined (for ``rdfs:isDefinedBy`` on foreign classes).
_DEFINED_BY = {
    "skos": "http://www.w3.org/2004/02/skos/core",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "sdgo": "http://metadata.un.org/sdg/ontology",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov-o#",
}

# A year is an xsd:integer: xsd:gYear (like xsd:date) is not in the OWL 2 datatype map, so an OWL 2
# reasoner would refuse the ontology (OWL 2 Structural Specification, section 4).
_XSD = {"str": XSD.string, "text": XSD.string, "int": XSD.integer, "float": XSD.double,
        "bool": XSD.boolean, "year": XSD.integer}

#: Properties of the UN SDG KOS concepts whose values are English text: written with ``@en`` like
#: the KOS's own labels, so that they merge with the KOS rather than contradict it.
ENGLISH_TEXT = frozenset({("goal", "title"), ("goal", "short_title"), ("target", "title"), ("indicator", "title")})
#: The labels of the SDG concepts in every language of the KOS (``text@lang`` in the store): written
#: as ``skos:prefLabel`` with their language tags, beside the English title.
KOS_MULTILINGUAL = frozenset({("goal", "labels"), ("target", "labels"), ("indicator", "labels")})
#: Properties typed with a datatype of the KOS ontology, as the KOS types them.
KOS_DATATYPES = {("indicator", "codes"): SDGO_NS + "SDGCodeCompact"}


def _base(base: str | None) -> str:
    base = base or iri_base()
    return base if base.endswith(("/", "#")) else base + "/"


def namespaces(base: str | None = None) -> dict[str, str]:
    """Every prefix used by psikg's RDF, ``psikg:`` included, for the given base."""
    return {"psikg": _base(base) + ONTOLOGY_NS, **PREFIXES}


def expand(curie: str, base: str | None = None) -> URIRef:
    """The IRI of a CURIE from the model (``psikg:role``, ``skos:broader``); a bare name is psikg's."""
    prefix, sep, local = curie.partition(":")
    if not sep:
        prefix, local = "psikg", curie
    return URIRef(namespaces(base)[prefix] + local)


def class_iri(kind: Kind | str, base: str | None = None) -> URIRef:
    """The OWL class of a kind (``Practice`` -> ``psikg:Practice``, ``sdgo:Goal`` as is)."""
    kind = KINDS[kind] if isinstance(kind, str) else kind
    return expand(kind.rdf_class, base)


def kind_classes(kind: Kind | str, base: str | None = None) -> tuple[URIRef, ...]:
    """Every class a node of this kind is typed with: its own class, then the extra classes."""
    kind = KINDS[kind] if isinstance(kind, str) else kind
    return (class_iri(kind, base), *(expand(c, base) for c in kind.extra_classes))


def datatypes(prop: Property, kind: str | None = None) -> tuple[URIRef, ...]:
    """The datatypes a property's values take: a ``date`` is an xsd:date, or an xsd:integer when
    only the year is known; a ``url`` is an IRI, so it has none; the English texts of the SDG
    concepts are ``rdf:langString`` and the indicator codes ``sdgo:SDGCodeCompact`` (``kind``
    names the kind the property belongs to)."""
    if (kind, prop.name) in ENGLISH_TEXT:
        return (RDF.langString,)
    if (kind, prop.name) in KOS_DATATYPES:
        return (URIRef(KOS_DATATYPES[(kind, prop.name)]),)
    if prop.type == "date":
        return (XSD.date, XSD.integer)
    if prop.type == "url":
        return ()
    return (_XSD[prop.type],)


def owl_datatypes(prop: Property, kind: str | None = None) -> tuple[URIRef, ...]:
    """The OWL 2 range of a property: as :func:`datatypes`, except a ``date``, whose xsd:date is
    not an OWL 2 datatype: its range is ``rdfs:Literal`` (the SHACL shapes check the datatypes)."""
    if prop.type == "date":
        return (RDFS.Literal,)
    return datatypes(prop, kind)


@dataclass(frozen=True)
class Qualified:
    """The qualified form of a relation with properties."""

    cls: str  # psikg class of the qualifying node, e.g. FactorRole
    link: str  # from the source node to the qualifying node, e.g. qualifiedFactor
    target: str  # from the qualifying node to the target node, e.g. factor


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


def qualified_terms(relation: Relation) -> Qualified | None:
    """Names of the qualified form of a relation (None when it has no properties):
    ``factors`` -> class ``FactorRole``, link ``qualifiedFactor``, target ``factor``."""
    if not relation.properties:
        return None
    single = _singular(relation.name)
    camel = "".join(part.capitalize() for part in single.split("_"))
    return Qualified(f"{camel}Role", f"qualified{camel}", single[0].lower() + camel[1:])


def _is_psikg(curie: str) -> bool:
    return curie.startswith("psikg:") or ":" not in curie


def _words(local: str) -> str:
    """``hasSuccessFactor`` -> ``has success factor``; ``SDGGoal`` -> ``SDG goal``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", local)
    words = [w if w.isupper() and len(w) > 1 else w.lower() for w in spaced.split()]
    return " ".join(words)


def _label(local: str) -> str:
    text = _words(local)
    return text[:1].upper() + text[1:]


@dataclass
class _Usage:
    """Every use of one predicate across the model."""

    curie: str
    is_object: bool
    domains: list  # class IRIs, in model order, no duplicates
    ranges: list  # class IRIs or datatypes
    descriptions: list  # (kind label, description)
    single: bool = True
    enum: str | None = None


def _usages(base: str) -> dict[str, _Usage]:
    """Predicates of psikg's own namespace with where they are used, in model order."""
    found: dict[str, _Usage] = {}

    def use(curie, is_object, domain, ranges, who, description, many, enum=None):
        if not _is_psikg(curie):
            return
        usage = found.setdefault(curie, _Usage(curie, is_object, [], [], []))
        if usage.is_object != is_object:
            raise ValueError(f"{curie} is used both as a datatype and as an object property")
        if domain not in usage.domains:
            usage.domains.append(domain)
        for r in ranges:
            if r not in usage.ranges:
                usage.ranges.append(r)
        if (who, description) not in usage.descriptions:
            usage.descriptions.append((who, description))
        usage.single = usage.single and not many
        usage.enum = usage.enum or enum

    for kind in KINDS.values():
        domain = class_iri(kind, base)
        for prop in kind.properties:
            use(prop.predicate, prop.type == "url", domain, owl_datatypes(prop, kind.name), kind.label,
                prop.description, prop.many, prop.enum)
        for rel in kind.relations:
            use(rel.predicate, True, domain, [class_iri(t, base) for t in rel.targets], kind.label,
                rel.description, rel.many)
            q = qualified_terms(rel)
            if q is None:
                continue
            q_class = expand(q.cls, base)
            use(q.link, True, domain, [q_class], kind.label,
                f"Qualified form of {rel.predicate}: a {q.cls} node carrying the link's properties.", True)
            use(q.target, True, q_class, [class_iri(t, base) for t in rel.targets], q.cls,
                f"The {_words(KINDS[rel.targets[0]].label)} the {q.cls} qualifies.", False)
            for prop in rel.properties:
                use(prop.predicate, prop.type == "url", q_class, owl_datatypes(prop), q.cls, prop.description,
                    prop.many, prop.enum)
    return found


def _union(graph: Graph, members: list, datatype: bool = False):
    """One member as is, several as an anonymous ``owl:unionOf`` class (or datatype)."""
    if len(members) == 1:
        return members[0]
    node = BNode()
    graph.add((node, RDF.type, RDFS.Datatype if datatype else OWL.Class))
    items = BNode()
    Collection(graph, items, list(members))
    graph.add((node, OWL.unionOf, items))
    return node


def _bind(graph: Graph, base: str) -> None:
    for prefix, ns in namespaces(base).items():
        graph.bind(prefix, Namespace(ns), override=True, replace=True)
    for prefix, ns in (("owl", OWL), ("rdfs", RDFS), ("xsd", XSD)):
        graph.bind(prefix, ns, override=True, replace=True)


def _declare_foreign(graph: Graph, iri: URIRef, base: str) -> None:
    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(ns) and prefix in _DEFINED_BY:
            graph.add((iri, RDF.type, OWL.Class))
            graph.add((iri, RDFS.isDefinedBy, URIRef(_DEFINED_BY[prefix])))
            graph.add((iri, RDFS.label, Literal(f"{prefix}:{str(iri)[len(ns):]}")))
            graph.add((iri, RDFS.comment, Literal(f"Reused from {_DEFINED_BY[prefix]}; not a psikg term.",
                                                  lang="en")))
            return


def ontology_graph(base: str | None = None) -> Graph:
    """The OWL ontology of psikg for ``base`` (default: :func:`psikg.config.iri_base`)."""
    base = _base(base)
    ns = namespaces(base)["psikg"]
    graph = Graph()
    _bind(graph, base)
    onto = _ontology_header(graph, base, ns)
    foreign: set[URIRef] = set()

    def note_foreign(iri):
        if not str(iri).startswith(ns) and not str(iri).startswith(str(XSD)):
            foreign.add(iri)

    _declare_classes(graph, base, onto, note_foreign)
    _declare_qualified_classes(graph, base, onto)
    _declare_properties(graph, base, onto, note_foreign)
    for iri in sorted(foreign):
        _declare_foreign(graph, iri, base)
    return graph


def _ontology_header(graph: Graph, base: str, ns: str) -> URIRef:
    """The ontology's own description: title, licence, version and preferred prefix."""
    onto = URIRef(base + "ontology")
    graph.add((onto, RDF.type, OWL.Ontology))
    graph.add((onto, DCTERMS.title, Literal("psikg ontology", lang="en")))
    graph.add((onto, DCTERMS.description, Literal(
        "Classes and properties of psikg, a knowledge graph of public-service innovations and their "
        "transfer between countries (South-South and triangular cooperation): practices, success "
        "factors, country contexts, needs, transfers, organizations, networks and events, linked to "
        "the UN SDG KOS and to the EU country authority. Generated from psikg's domain model. Reuses "
        "Dublin Core terms, SKOS, schema.org, the W3C Organization ontology and the UN SDG KOS "
        "ontology rather than redeclaring their terms.", lang="en")))
    graph.add((onto, DCTERMS.license, URIRef(LICENSE)))
    graph.add((onto, OWL.versionInfo, Literal(VERSION)))
    graph.add((onto, OWL.versionIRI, URIRef(f"{base}ontology/{VERSION}")))
    graph.add((onto, URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"), Literal("psikg")))
    graph.add((onto, URIRef("http://purl.org/vocab/vann/preferredNamespaceUri"), Literal(ns)))
    return onto


def _declare_classes(graph: Graph, base: str, onto: URIRef, note_foreign) -> None:
    """One OWL class per kind of the model (kinds mapped to a foreign class are only noted)."""
    for kind in KINDS.values():
        cls = class_iri(kind, base)
        if not _is_psikg(kind.rdf_class):
            note_foreign(cls)
            continue
        graph.add((cls, RDF.type, OWL.Class))
        graph.add((cls, RDFS.isDefinedBy, onto))
        graph.add((cls, RDFS.label, Literal(_label(kind.rdf_class.split(":")[-1]), lang="en")))
        graph.add((cls, SKOS.definition, Literal(kind.description, lang="en")))
        graph.add((cls, RDFS.comment, Literal(
            f"Nodes of kind '{kind.name}' (property-graph label {kind.label}); IRIs "
            f"{base}id/{kind.name}/{{id}}.", lang="en")))
        for extra in kind.extra_classes:
            graph.add((cls, RDFS.subClassOf, expand(extra, base)))
            note_foreign(expand(extra, base))


def _declare_qualified_classes(graph: Graph, base: str, onto: URIRef) -> None:
    """The class of each qualified link node (a link that carries properties of its own)."""
    for kind in KINDS.values():
        for rel in kind.relations:
            q = qualified_terms(rel)
            if q is None:
                continue
            cls = expand(q.cls, base)
            graph.add((cls, RDF.type, OWL.Class))
            graph.add((cls, RDFS.isDefinedBy, onto))
            graph.add((cls, RDFS.label, Literal(_label(q.cls), lang="en")))
            graph.add((cls, SKOS.definition, Literal(
                f"The qualified form of one {rel.predicate} link of a {kind.label}: the "
                f"{_words(KINDS[rel.targets[0]].label)} (psikg:{q.target}) with the link's own properties "
                f"({', '.join(p.predicate for p in rel.properties)}).", lang="en")))
            graph.add((cls, RDFS.comment, Literal(
                f"Reached from the {kind.label} by psikg:{q.link}. The direct link {rel.predicate} is "
                "always stated too, so simple queries need not go through this node.", lang="en")))


def _declare_properties(graph: Graph, base: str, onto: URIRef, note_foreign) -> None:
    """Every property the model uses, object or datatype, with its domains and ranges."""
    for curie, usage in _usages(base).items():
        prop = expand(curie, base)
        kind_of = OWL.ObjectProperty if usage.is_object else OWL.DatatypeProperty
        graph.add((prop, RDF.type, kind_of))
        if usage.single:
            graph.add((prop, RDF.type, OWL.FunctionalProperty))
        graph.add((prop, RDFS.isDefinedBy, onto))
        graph.add((prop, RDFS.label, Literal(_words(curie.split(":")[-1]), lang="en")))
        texts = {d for _, d in usage.descriptions}
        definition = (usage.descriptions[0][1] if len(texts) == 1
                      else " ".join(f"{who}: {d}" for who, d in usage.descriptions))
        graph.add((prop, SKOS.definition, Literal(definition, lang="en")))
        if usage.enum:
            graph.add((prop, RDFS.comment, Literal(
                "One of: " + ", ".join(ENUMS[usage.enum]) + ".", lang="en")))
        for d in usage.domains:
            note_foreign(d)
        graph.add((prop, RDFS.domain, _union(graph, usage.domains)))
        for r in usage.ranges:
            note_foreign(r)
        if usage.ranges:
            graph.add((prop, RDFS.range, _union(graph, usage.ranges, datatype=not usage.is_object)))


# SHACL ------------------------------------------------------------------------------------------


def _shape_iri(base: str, name: str) -> URIRef:
    return URIRef(f"{base}shapes#{name}")


def _value_constraints(graph: Graph, shape, datatypes_: tuple, classes: list, enum: str | None) -> None:
    if classes:
        graph.add((shape, SH.nodeKind, SH.IRI))
        if len(classes) == 1:
            graph.add((shape, SH["class"], classes[0]))
        else:
            alternatives = []
            for cls in classes:
                alt = BNode()
                graph.add((alt, SH["class"], cls))
                alternatives.append(alt)
            items = BNode()
            Collection(graph, items, alternatives)
            graph.add((shape, SH["or"], items))
        return
    if not datatypes_:  # a source: an IRI, or a bibliographic reference as a string
        graph.add((shape, SH.nodeKind, SH.IRIOrLiteral))
        return
    if len(datatypes_) == 1:
        graph.add((shape, SH.datatype, datatypes_[0]))
    else:
        alternatives = []
        for dt in datatypes_:
            alt = BNode()
            graph.add((alt, SH.datatype, dt))
            alternatives.append(alt)
        items = BNode()
        Collection(graph, items, alternatives)
        graph.add((shape, SH["or"], items))
    if enum:
        items = BNode()
        Collection(graph, items, [Literal(v) for v in ENUMS[enum]])
        graph.add((shape, SH["in"], items))


def _property_shape(graph: Graph, base: str, node_shape, shape_name: str, path, name: str, description: str, *,
                    required: bool, many: bool, datatypes_=(), classes=(), enum=None) -> None:
    shape = _shape_iri(base, shape_name)
    graph.add((node_shape, SH.property, shape))
    graph.add((shape, RDF.type, SH.PropertyShape))
    graph.add((shape, SH.path, path))
    graph.add((shape, SH.name, Literal(name)))
    graph.add((shape, SH.description, Literal(description, lang="en")))
    if required:
        graph.add((shape, SH.minCount, Literal(1)))
    if not many and tuple(datatypes_) == (RDF.langString,):
        _one_per_language(graph, base, node_shape, shape_name, path, name)
    elif not many:
        graph.add((shape, SH.maxCount, Literal(1)))
    _value_constraints(graph, shape, tuple(datatypes_), list(classes), enum)


def _one_per_language(graph: Graph, base: str, node_shape, shape_name: str, path, name: str) -> None:
    """One label per language (SKOS integrity condition S14), as a warning: the UN SDG KOS itself
    gives target 12.3 two French and two Spanish labels, and loading it must not fail."""
    shape = _shape_iri(base, shape_name + "-languages")
    graph.add((node_shape, SH.property, shape))
    graph.add((shape, RDF.type, SH.PropertyShape))
    graph.add((shape, SH.path, path))
    graph.add((shape, SH.name, Literal(name)))
    graph.add((shape, SH.description, Literal("At most one label per language (SKOS S14).", lang="en")))
    graph.add((shape, SH.uniqueLang, Literal(True)))
    graph.add((shape, SH.severity, SH.Warning))


def shapes_graph(base: str | None = None) -> Graph:
    """SHACL shapes for every kind (and every qualified relation node) for ``base``."""
    base = _base(base)
    graph = Graph()
    _bind(graph, base)
    graph.bind("sh", SH, override=True, replace=True)
    graph.bind("shape", Namespace(f"{base}shapes#"), override=True, replace=True)
    for kind in KINDS.values():
        node_shape = _shape_iri(base, kind.label)
        graph.add((node_shape, RDF.type, SH.NodeShape))
        graph.add((node_shape, SH.targetClass, class_iri(kind, base)))
        graph.add((node_shape, SH.name, Literal(kind.label)))
        graph.add((node_shape, SH.description, Literal(kind.description, lang="en")))
        for prop in kind.properties:
            _property_shape(graph, base, node_shape, f"{kind.label}-{prop.name}", expand(prop.predicate, base),
                            prop.name, prop.description, required=prop.required, many=prop.many,
                            datatypes_=datatypes(prop, kind.name), enum=prop.enum)
        for rel in kind.relations:
            targets = [class_iri(t, base) for t in rel.targets]
            _property_shape(graph, base, node_shape, f"{kind.label}-{rel.name}", expand(rel.predicate, base),
                            rel.name, rel.description, required=False, many=rel.many, classes=targets)
            q = qualified_terms(rel)
            if q is None:
                continue
            q_class = expand(q.cls, base)
            _property_shape(graph, base, node_shape, f"{kind.label}-{q.link}", expand(q.link, base), q.link,
                            f"Qualified form of {rel.name}.", required=False, many=True, classes=[q_class])
            q_shape = _shape_iri(base, q.cls)
            graph.add((q_shape, RDF.type, SH.NodeShape))
            graph.add((q_shape, SH.targetClass, q_class))
            graph.add((q_shape, SH.name, Literal(q.cls)))
            graph.add((q_shape, SH.description, Literal(f"A qualified {rel.name} link of a {kind.label}.",
                                                        lang="en")))
            _property_shape(graph, base, q_shape, f"{q.cls}-{q.target}", expand(q.target, base), q.target,
                            rel.description, required=True, many=False, classes=targets)
            for prop in rel.properties:
                _property_shape(graph, base, q_shape, f"{q.cls}-{prop.name}", expand(prop.predicate, base),
                                prop.name, prop.description, required=prop.required, many=prop.many,
                                datatypes_=datatypes(prop), enum=prop.enum)
    return graph
