"""RDF to graph: data in the ontology read back into a :class:`~psikg.graph.records.GraphBatch`
(``psikg.loaders.rdf_input`` adds SHACL validation)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable

import pyoxigraph as ox

from ..ontology.model import KINDS, SDG_NS, Kind, Property, Relation
from ..ontology.owl import ENGLISH_TEXT, expand, kind_classes, qualified_terms
from .rdf_terms import (_COUNTRY_SOURCES, _SDG_KIND_NAMES, DCTERMS_SOURCE, PROV_DERIVED_FROM, RDF_TYPE,
                        SKOS_EXACT_MATCH, _base, _python, parse_node_iri)

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
    reader = _Reader(_base(base), known or {})
    reader.collect(triples)
    for subject, (kind_name, id_) in sorted(reader.ids.items(), key=lambda item: item[1]):
        reader.read_thing(subject, kind_name, id_)
    for qnode, (kind, rel) in reader.qual_nodes.items():
        reader.read_qualified(qnode, kind, rel)
    reader.check_untyped()
    return reader.batch, reader.issues


class _Reader:
    """The state of one :func:`batch_from_rdf`: the triples by subject, the things and qualified
    nodes found in them, the batch being built and the issues."""

    def __init__(self, base: str, known: dict[str, set[str]]):
        from ..graph.records import GraphBatch

        self.base, self.known = base, known
        self.by_kind, self.class_kind, self.qualified_classes = _lookup(base)
        self.by_subject: dict[Any, list] = defaultdict(list)
        self.issues: list[RdfMappingIssue] = []
        self.batch = GraphBatch()
        self.kinds_of: dict[Any, str] = {}
        self.qual_nodes: dict[Any, tuple[Kind, Relation]] = {}
        self.ids: dict[Any, tuple[str, str]] = {}
        self.present: set[tuple[str, str]] = set()

    def collect(self, triples: Iterable) -> None:
        """Group the triples by subject, then find each subject's kind (or qualified class) and id."""
        types: dict[Any, set[str]] = defaultdict(set)
        for triple in triples:
            if triple.predicate == RDF_TYPE:
                types[triple.subject].add(triple.object.value)
            self.by_subject[triple.subject].append(triple)
        all_classes = {name: {str(c) for c in kind_classes(name, self.base)} for name in KINDS}
        for subject, found in types.items():
            # the most specific kind: a network is also an org:Organization
            candidates = [self.class_kind[cls] for cls in found if cls in self.class_kind]
            if candidates:
                self.kinds_of[subject] = max(candidates, key=lambda k: (all_classes[k] <= found, len(all_classes[k]), k))
                continue
            for cls in sorted(found):
                if cls in self.qualified_classes:
                    self.qual_nodes[subject] = self.qualified_classes[cls]
                    break
        for subject, kind_name in self.kinds_of.items():
            parsed = parse_node_iri(subject.value, self.base) if isinstance(subject, ox.NamedNode) else None
            if parsed is None or parsed[0] != kind_name:
                pattern = (SDG_NS + "{code}" if kind_name in ("goal", "target", "indicator")
                           else f"{self.base}id/{kind_name}/{{id}}")
                self.issues.append(RdfMappingIssue(_text(subject), None, None, f"a {kind_name} IRI {pattern}"))
                continue
            self.ids[subject] = parsed
        self.present = set(self.ids.values())

    def target_of(self, term, rel: Relation, subject) -> tuple[str, str] | None:
        """The (kind, id) a link points to, or None with an issue when it is not a known thing."""
        parsed = parse_node_iri(term.value, self.base) if isinstance(term, ox.NamedNode) else None
        if parsed is None or parsed[0] not in rel.targets:
            self.issues.append(RdfMappingIssue(_text(subject), rel.predicate, _text(term),
                                               f"the IRI of a {' or '.join(rel.targets)}"))
            return None
        if parsed not in self.present and parsed[1] not in self.known.get(parsed[0], ()):
            self.issues.append(RdfMappingIssue(_text(subject), rel.predicate, _text(term),
                                               f"a {parsed[0]} described in the input or already in the graph"))
            return None
        return parsed

    def read_thing(self, subject, kind_name: str, id_: str) -> None:
        """A thing's properties and direct links (qualified links are read from their own nodes)."""
        from ..graph.records import node_key

        table = self.by_kind[kind_name]
        props: dict[str, Any] = {}
        key = node_key(kind_name, id_)
        for triple in self.by_subject[subject]:
            if _derived(kind_name, triple):
                continue
            entry = table.get(triple.predicate.value)
            if entry is None:
                self.issues.append(RdfMappingIssue(_text(subject), triple.predicate.value, _text(triple.object),
                                                   f"a property of {KINDS[kind_name].label} (statement ignored)",
                                                   "warning"))
                continue
            what, item = entry
            if what == "prop":
                _add_value(props, kind_name, item, triple.object)
            elif what == "rel":
                target = self.target_of(triple.object, item, subject)
                if target is not None and (key, item.name, node_key(*target)) not in self.batch.links:
                    self.batch.add_link(key, item.name, node_key(*target), {})
        if props.get("labels") and props.get("title") and kind_name in _SDG_KIND_NAMES:
            props["labels"].append(f"{props['title']}@en")  # as the KOS import states them
        for name, value in props.items():
            if isinstance(value, list):
                props[name] = sorted(set(value), key=str) if name == "labels" else sorted(value, key=str)
        self.batch.add_node(kind_name, id_, props)

    def read_qualified(self, qnode, kind: Kind, rel: Relation) -> None:
        """A qualified link (a practice's success factor): its owner, target and properties."""
        from ..graph.records import node_key

        q = qualified_terms(rel)
        link_iri = str(expand("psikg:" + q.link, self.base))
        owners = [t.subject for ts in self.by_subject.values() for t in ts
                  if t.object == qnode and t.predicate.value == link_iri]
        if not owners or owners[0] not in self.ids:
            self.issues.append(RdfMappingIssue(_text(qnode), None, None,
                                               f"a {q.cls} reached from a {kind.label} by psikg:{q.link}"))
            return
        target = None
        link_props: dict[str, Any] = {}
        prop_by_iri = {str(expand(p.predicate, self.base)): p for p in rel.properties}
        target_iri = str(expand("psikg:" + q.target, self.base))
        for triple in self.by_subject[qnode]:
            predicate = triple.predicate.value
            if triple.predicate == RDF_TYPE:
                continue
            if predicate == target_iri:
                target = self.target_of(triple.object, rel, qnode)
            elif predicate in prop_by_iri:
                prop = prop_by_iri[predicate]
                _put(link_props, prop, _python(prop, triple.object))
            else:
                self.issues.append(RdfMappingIssue(_text(qnode), predicate, _text(triple.object),
                                                   f"a property of {q.cls} (statement ignored)", "warning"))
        if target is None:
            return
        for name, value in link_props.items():
            if isinstance(value, list):
                link_props[name] = sorted(value, key=str)
        self.batch.add_link(node_key(*self.ids[owners[0]]), rel.name, node_key(*target), link_props)

    def check_untyped(self) -> None:
        """Statements about an IRI under the base that no rdf:type of the ontology names are errors."""
        for subject, triples in self.by_subject.items():
            if subject in self.kinds_of or subject in self.qual_nodes:
                continue
            iri = subject.value if isinstance(subject, ox.NamedNode) else ""
            if iri.startswith(self.base + "id/") and any(t.predicate != RDF_TYPE for t in triples):
                self.issues.append(RdfMappingIssue(iri, None, None, "an rdf:type of the psikg ontology"))


def _derived(kind_name: str, triple) -> bool:
    """Statements the export derives, skipped on reading: the type, PROV-O sources, the EU
    authority link and the countries' sources."""
    if triple.predicate in (RDF_TYPE, PROV_DERIVED_FROM):
        return True
    return kind_name == "country" and (triple.predicate == SKOS_EXACT_MATCH or (
        triple.predicate == DCTERMS_SOURCE and triple.object in _COUNTRY_SOURCES))


def _put(values: dict, prop: Property, value) -> None:
    if prop.many:
        values.setdefault(prop.name, []).append(value)
    else:
        values[prop.name] = value


def _add_value(props: dict, kind_name: str, prop: Property, term) -> None:
    """A property's value; a KOS title in another language is one of the concept's labels."""
    if (kind_name, prop.name) in ENGLISH_TEXT and prop.name == "title" and isinstance(term, ox.Literal) \
            and term.language not in (None, "en"):
        props.setdefault("labels", []).append(f"{term.value}@{term.language}")
    else:
        _put(props, prop, _python(prop, term))
