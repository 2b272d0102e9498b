"""``docs/model.md``, generated from :mod:`psikg.ontology.model`: the one table documenting the model.

``python -m psikg.ontology.generate`` writes the file; a test keeps it equal to :func:`model_markdown`.
"""

from __future__ import annotations

import inspect

from .model import ENUMS, KINDS, Kind, Property
from .owl import qualified_terms

__all__ = ["model_markdown"]

INTRO = """\
# The psikg model

psikg's domain model is defined once, in `ontology/model.py`; this page, the OWL ontology
(`ontology/psikg.ttl`), the SHACL shapes (`ontology/shapes.ttl`), the JSON-LD context
(`ontology/context.jsonld`) and the property-graph mapping used by Neo4j and FalkorDB are all generated
from it (`python -m psikg.ontology.generate`), so they cannot disagree. Each *kind* is a class of
node: its property-graph label, its OWL class, its *properties* (literal values, with their type and
RDF predicate) and its *relations* (typed links to other nodes, with the property-graph relationship
type and the RDF predicate). Things get IRIs `{base}id/{kind}/{id}` under the configurable base
(default `https://w3id.org/psikg/`); SDG goals, targets and indicators use the UN SDG KOS IRIs
(`http://metadata.un.org/sdg/16.6`); countries link with `skos:exactMatch` to the EU country
authority. Prefixes: `psikg:` = `{base}ontology#`, `dcterms:`, `skos:`, `schema:` (https://schema.org/),
`org:` (W3C Organization ontology), `sdgo:` (`http://metadata.un.org/sdg/ontology#`),
`prov:` (PROV-O, for the status history of transfers).

Marks: `*` required, `[]` several values, `1` at most one target.
"""

_TYPES = {"str": "string", "text": "text", "int": "integer", "float": "number", "bool": "boolean",
          "date": "date or year", "year": "year", "url": "IRI"}


def _property(prop: Property) -> str:
    marks = ("*" if prop.required else "") + ("[]" if prop.many else "")
    type_ = _TYPES[prop.type]
    if prop.enum:
        type_ += " (" + "\\|".join(ENUMS[prop.enum]) + ")"
    return f"`{prop.name}`{marks}: {type_} `{prop.predicate}`"


def _relations(kind: Kind) -> list[str]:
    lines = []
    for rel in kind.relations:
        mark = "" if rel.many else " 1"
        targets = "\\|".join(rel.targets)
        line = f"`{rel.name}` {rel.pg_type} → {targets}{mark} `{rel.predicate}`"
        q = qualified_terms(rel)
        if q is not None:
            props = ", ".join(_property(p) for p in rel.properties)
            line += f"; with {props}; qualified as `psikg:{q.link}` → `psikg:{q.cls}` (`psikg:{q.target}`)"
        lines.append(line)
    return lines


def _rules() -> str:
    """The rules every query shares, as ``queries/rules.py`` states them, and the transfer
    lifecycle as ``ontology/lifecycle.py`` states it."""
    from ..queries import rules  # allowed upward import: the page quotes the rules, written once there
    from . import lifecycle

    doc = inspect.cleandoc(rules.__doc__ or "")
    bullets: list[str] = []
    for line in doc.splitlines():
        if line.startswith(">>>") or (bullets and not line.strip()):
            break
        if line.startswith("* "):
            bullets.append(line[2:].strip())
        elif line.strip() and bullets:
            bullets[-1] += " " + line.strip()
    moves = inspect.cleandoc(lifecycle.__doc__ or "").split("\n\n")[1]
    bullets.append(" ".join(moves.split()))
    return "\n".join(f"- {b}" for b in bullets)


def model_markdown() -> str:
    """The whole text of ``docs/model.md``."""
    rows = ["| kind | property-graph label | OWL class | properties | relations |",
            "|---|---|---|---|---|"]
    for kind in KINDS.values():
        cls = f"`{kind.rdf_class if ':' in kind.rdf_class else 'psikg:' + kind.rdf_class}`"
        if kind.extra_classes:
            cls += " (also " + ", ".join(f"`{c}`" for c in kind.extra_classes) + ")"
        props = "<br>".join(_property(p) for p in kind.properties) or "–"
        rels = "<br>".join(_relations(kind)) or "–"
        rows.append(f"| `{kind.name}`: {kind.description} | {kind.label} | {cls} | {props} | {rels} |")
    enums = "\n".join(f"- `{name}`: {', '.join(values)}" for name, values in ENUMS.items())
    return (f"{INTRO}\n" + "\n".join(rows) + "\n\n## Enumerations\n\n" + enums
            + "\n\n## Rules every query shares\n\n(from `queries/rules.py`)\n\n" + _rules() + "\n")
