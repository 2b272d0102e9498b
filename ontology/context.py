"""The JSON-LD ``@context`` of psikg's linked data, generated from the model.

Every predicate gets one term, its local name (``originatingCountry``, ``title``, ``prefLabel``);
when two vocabularies share a local name the term is ``prefix_local``. Links are coerced to IRIs;
literal values with one datatype get it. Classes get their local names too (``Practice``). The
shipped copy is ``ontology/context.jsonld`` (for the default base), kept equal by a test.
"""

from __future__ import annotations

import json

from rdflib.namespace import XSD

from .model import KINDS
from .owl import datatypes, namespaces, qualified_terms

__all__ = ["jsonld_context", "context_text"]


def _term_uses(base: str | None) -> dict[str, dict]:
    """predicate CURIE -> {"object": bool, "datatypes": set}."""
    uses: dict[str, dict] = {}

    def use(curie, is_object, types=()):
        entry = uses.setdefault(curie, {"object": is_object, "datatypes": set()})
        entry["object"] = entry["object"] or is_object
        entry["datatypes"].update(types)

    for kind in KINDS.values():
        for prop in kind.properties:
            use(prop.predicate, False, datatypes(prop) or ("@iri",))
        for rel in kind.relations:
            use(rel.predicate, True)
            q = qualified_terms(rel)
            if q is not None:
                use("psikg:" + q.link, True)
                use("psikg:" + q.target, True)
                for prop in rel.properties:
                    use(prop.predicate, False, datatypes(prop) or ("@iri",))
    use("skos:exactMatch", True)
    return uses


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
        elif len(use["datatypes"]) == 1 and next(iter(use["datatypes"])) != XSD.string:
            dt = next(iter(use["datatypes"]))
            context[term] = {"@id": curie, "@type": "xsd:" + str(dt)[len(str(XSD)):]}
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
