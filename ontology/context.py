"""The JSON-LD ``@context`` of psikg's linked data, generated from the model.

Every predicate gets one term, its local name (``originatingCountry``, ``title``, ``prefLabel``);
when two vocabularies share a local name the term is ``prefix_local``. Links are coerced to IRIs;
literal values with one datatype get it. Classes get their local names too (``Practice``). The
shipped copy is ``ontology/context.jsonld`` (for the default base), kept equal by a test.
"""

from __future__ import annotations

import json

from rdflib.namespace import RDF, XSD

from .model import KINDS
from .owl import datatypes, namespaces, qualified_terms

__all__ = ["jsonld_context", "context_text", "context_iri", "inline_context", "read_jsonld"]


def _term_uses(base: str | None) -> dict[str, dict]:
    """predicate CURIE -> {"object": bool, "datatypes": set}."""
    uses: dict[str, dict] = {}

    def use(curie, is_object, types=()):
        entry = uses.setdefault(curie, {"object": is_object, "datatypes": set()})
        entry["object"] = entry["object"] or is_object
        entry["datatypes"].update(types)

    for kind in KINDS.values():
        for prop in kind.properties:
            use(prop.predicate, False, datatypes(prop, kind.name) or ("@iri",))
        for rel in kind.relations:
            use(rel.predicate, True)
            q = qualified_terms(rel)
            if q is not None:
                use("psikg:" + q.link, True)
                use("psikg:" + q.target, True)
                for prop in rel.properties:
                    use(prop.predicate, False, datatypes(prop) or ("@iri",))
    use("skos:exactMatch", True)
    use("prov:wasDerivedFrom", True)  # every source IRI of a record, stated for PROV-O too
    return uses


def _compact(iri: str, ns: dict[str, str]) -> str:
    """``xsd:integer`` for an XSD datatype, ``sdgo:SDGCodeCompact`` for one of the KOS."""
    for prefix, namespace in (("xsd", str(XSD)), *ns.items()):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def jsonld_context(base: str | None = None) -> dict:
    """The ``@context`` object (a dict) for ``base``."""
    ns = namespaces(base)
    context: dict = {"@version": 1.1, **ns, "xsd": str(XSD)}
    uses = _term_uses(base)
    locals_ = {}
    for curie in uses:
        locals_.setdefault(curie.split(":")[1], []).append(curie)
    for curie, use in uses.items():
        prefix, local = curie.split(":")
        term = local if len(locals_[local]) == 1 else f"{prefix}_{local}"
        if use["object"] and use["datatypes"] - {"@iri"}:
            context[term] = {"@id": curie}
        elif use["object"] or use["datatypes"] == {"@iri"}:
            context[term] = {"@id": curie, "@type": "@id"}
        elif len(use["datatypes"]) == 1 and next(iter(use["datatypes"])) not in (XSD.string, RDF.langString):
            context[term] = {"@id": curie, "@type": _compact(str(next(iter(use["datatypes"]))), ns)}
        else:
            context[term] = {"@id": curie}
    for kind in KINDS.values():
        for cls in (kind.rdf_class, *kind.extra_classes):
            curie = cls if ":" in cls else "psikg:" + cls
            context.setdefault(curie.split(":")[1], curie)
        for rel in kind.relations:
            q = qualified_terms(rel)
            if q is not None:
                context.setdefault(q.cls, "psikg:" + q.cls)
    return {"@context": context}


def context_text(base: str | None = None) -> str:
    """The shipped file's text."""
    return json.dumps(jsonld_context(base), indent=2, ensure_ascii=False) + "\n"


def context_iri(base: str | None = None) -> str:
    """Where the context is published: ``{base}ontology/context.jsonld``."""
    ns = namespaces(base)["psikg"]
    return ns[: -len("ontology#")] + "ontology/context.jsonld"


def inline_context(document, base: str | None = None):
    """``document`` (parsed JSON-LD) with every reference to psikg's context IRI replaced by the
    context itself, so that a document that names the context by IRI is read offline (no parser
    fetches it). Other remote contexts are left as they are."""
    iri = context_iri(base)
    bundled = jsonld_context(base)["@context"]

    def resolve(context):
        if isinstance(context, str):
            return bundled if context == iri else context
        if isinstance(context, list):
            return [resolve(item) for item in context]
        return context

    def walk(node):
        if isinstance(node, dict):
            return {key: resolve(value) if key == "@context" else walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    return walk(document)


def read_jsonld(path, base: str | None = None, data: bytes | None = None) -> bytes:
    """A JSON-LD file's bytes (``data`` when already read), with psikg's context inlined
    (:func:`inline_context`) when the file names it by IRI; other files are returned unchanged.
    Invalid JSON is returned as is, for the RDF parser to report."""
    from pathlib import Path

    data = Path(path).read_bytes() if data is None else data
    if context_iri(base).encode() not in data:
        return data
    try:
        document = json.loads(data)
    except ValueError:
        return data
    return json.dumps(inline_context(document, base), ensure_ascii=False).encode()
