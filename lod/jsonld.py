"""A small streaming JSON-LD writer using the context shipped in ``ontology/context.jsonld``: the
dumps of a million-edge graph are written without an in-memory RDF graph."""

from __future__ import annotations

import json
from typing import IO, Iterable

import pyoxigraph as ox

from .rdf_terms import RDF_TYPE, XSD

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
