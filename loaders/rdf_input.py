"""RDF input: a Turtle, N-Triples, N-Quads, JSON-LD or RDF/XML file with data in the psikg ontology.

The file is parsed, checked against the SHACL shapes generated from the model (pyshacl) and read
into a :class:`~psikg.graph.records.GraphBatch` by :func:`psikg.lod.rdf.batch_from_rdf`. Every
shape violation and every statement that does not fit the model becomes an
:class:`~psikg.errors.InputIssue` naming the file, the thing, the predicate and what was expected,
so a bad file is refused whole with a readable report (exit 2, nothing written).

Things the file links to but does not describe (a country, an SDG target) must already be known
(reference data or the store): they are typed from the known ids for the SHACL check.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputIssue
from ..graph.records import GraphBatch, split_key
from ..ontology.model import KINDS
from .limits import read_input_bytes, xml_entity_problem
from .values import MAX_ID_LENGTH, BadValue, parse_slug

__all__ = ["RDF_SUFFIXES", "is_rdf_path", "is_psikg_rdf", "read_rdf"]

RDF_SUFFIXES = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json-ld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".trig": ox.RdfFormat.TRIG,
}

_RDFLIB = {ox.RdfFormat.TURTLE: "turtle", ox.RdfFormat.N_TRIPLES: "nt", ox.RdfFormat.N_QUADS: "nquads",
           ox.RdfFormat.JSON_LD: "json-ld", ox.RdfFormat.RDF_XML: "xml", ox.RdfFormat.TRIG: "trig"}


def is_rdf_path(path: Path) -> bool:
    """True for a file whose suffix names an RDF syntax (``.xml`` is not one: it is ambiguous)."""
    return Path(path).suffix.lower() in RDF_SUFFIXES


def is_psikg_rdf(path: Path, base: str | None = None) -> bool:
    """An RDF file that names the psikg ontology near its start: data in the ontology (told apart
    from official RDF files such as the UN SDG KOS dump, which psikg imports differently)."""
    from ..config import iri_base

    path = Path(path)
    if not (is_rdf_path(path) and path.is_file()):
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
    except OSError:
        return False
    return ((base or iri_base()) + "ontology#").encode() in head


def _short(iri: str, base: str) -> str:
    from ..ontology.owl import namespaces

    for prefix, ns in (("", base + "id/"), *namespaces(base).items()):
        if iri.startswith(ns):
            return (prefix + ":" if prefix else "") + iri[len(ns):]
    return iri


def _shacl_issues(path: Path, triples: list, base: str, known: dict[str, set[str]]) -> list[InputIssue]:
    """SHACL validation of the data (with known referenced things typed) as input issues."""
    import rdflib
    from pyshacl import validate
    from rdflib.namespace import RDF, SH

    from ..lod.rdf import parse_node_iri  # allowed upward: the RDF mapping is in lod/
    from ..ontology.owl import kind_classes, shapes_graph

    data = rdflib.Graph()
    data.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    typed = set(data.subjects(RDF.type, None))
    referenced = set()  # known things the file links to without describing them
    for obj in set(data.objects()):
        if isinstance(obj, rdflib.URIRef) and obj not in typed:
            parsed = parse_node_iri(str(obj), base)
            if parsed and parsed[1] in known.get(parsed[0], ()):
                referenced.add(obj)
                for cls in kind_classes(parsed[0], base):
                    data.add((obj, RDF.type, cls))  # typed for sh:class, not validated themselves
    conforms, report, _ = validate(data, shacl_graph=shapes_graph(base), inference="none",
                                   advanced=False, allow_warnings=True)
    issues: list[InputIssue] = []
    if conforms:
        return issues
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if focus in referenced:
            continue
        predicate = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        message = report.value(result, SH.resultMessage)
        severity = report.value(result, SH.resultSeverity)
        shape = report.value(result, SH.sourceShape)
        description = report.value(shape, SH.description) if shape is not None else None
        expected = str(message) if message is not None else "a value that fits the shape"
        if description is not None:
            expected += f" ({description})"
        issues.append(InputIssue(
            str(path), None, f"{_short(str(focus), base)} {_short(str(predicate), base) if predicate else ''}".strip(),
            None if value is None else str(value), expected,
            severity="warning" if severity in (SH.Warning, SH.Info) else "error"))
    return sorted(issues, key=lambda i: (i.field or "", i.value or "", i.expected))


def read_rdf(path: Path, issues: list[InputIssue], *, known: dict[str, set[str]] | None = None,
             base: str | None = None) -> GraphBatch:
    """Parse, validate and map one RDF file. Problems are appended to ``issues``; the batch holds
    what could be read (it is not applied when any issue is an error)."""
    from ..config import iri_base
    from ..lod.rdf import batch_from_rdf  # allowed upward: the RDF mapping is in lod/

    base = base or iri_base()
    path = Path(path)
    known = known or {}
    fmt = RDF_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        issues.append(InputIssue(str(path), None, None, path.suffix, "an RDF file (" + ", ".join(RDF_SUFFIXES) + ")"))
        return GraphBatch()
    data = read_input_bytes(path, issues)
    if data is None:
        return GraphBatch()
    if fmt == ox.RdfFormat.RDF_XML:
        problem = xml_entity_problem(data)
        if problem:
            issues.append(InputIssue(str(path), None, None, None, problem))
            return GraphBatch()
    try:
        if fmt == ox.RdfFormat.JSON_LD:  # a context named by psikg's IRI is read from the bundled copy
            from ..ontology.context import read_jsonld

            data = read_jsonld(path, base, data)
        quads = list(ox.parse(data, format=fmt, base_iri=base))
    except (SyntaxError, ValueError, OSError) as error:
        line = getattr(error, "lineno", None)
        issues.append(InputIssue(str(path), line, None, None, f"valid {_RDFLIB[fmt]} ({error})"))
        return GraphBatch()
    triples = [q.triple if isinstance(q, ox.Quad) else q for q in quads]
    batch, mapping = batch_from_rdf(triples, base, known=known)
    for issue in mapping:
        field = f"{_short(issue.subject, base)} {issue.predicate or ''}".strip()
        issues.append(InputIssue(str(path), None, field, issue.value, issue.expected, severity=issue.severity))
    rules = _id_and_relation_issues(path, batch, known)
    issues.extend(rules)
    if not any(i.severity == "error" for i in (*mapping, *rules)):
        issues.extend(_shacl_issues(path, triples, base, known))
    return batch


# Things the table converter names with slugs; the others (countries, SDG goals, targets and
# indicators) are reference data, known by their codes.
_SLUG_KINDS = {"practice", "need", "transfer", "factor", "theme", "organization", "network", "event", "context",
               "status_step"}
# Links a thing cannot be without, as the tables require them (transfers: practice, exporter,
# importer; needs and contexts: their country).
REQUIRED_RELATIONS = {"transfer": ("practice", "exporter", "importer"), "need": ("country",),
                      "context": ("country",)}
_UNSAFE_ID = re.compile(r"[\s/\\<>\"'`{}|^#?%&]|\.\.|[\x00-\x1f\x7f]")


def _id_and_relation_issues(path: Path, batch: GraphBatch, known: dict[str, set[str]]) -> list[InputIssue]:
    """The id rules and required relations of the tables, applied to RDF input: an RDF file
    may not bring in what a CSV file could not."""
    issues: list[InputIssue] = []
    keys = set(batch.nodes) | {end for link in batch.links for end in (link[0], link[2])}
    for key in sorted(keys):
        kind, id_ = split_key(key)
        problem = None
        if len(id_) > MAX_ID_LENGTH:
            problem = f"an id of at most {MAX_ID_LENGTH} characters (this one has {len(id_):,})"
        elif _UNSAFE_ID.search(id_):
            problem = "an id without spaces, '/', '..', '<', '>', quotes or control characters"
        elif kind in _SLUG_KINDS:
            try:
                parse_slug(id_)
            except BadValue as bad:
                problem = bad.expected
        if problem:
            issues.append(InputIssue(str(path), None, f"{kind} id", id_[:80] + ("..." if len(id_) > 80 else ""),
                                     problem))
    linked = {(source, rel) for source, rel, _ in batch.links}
    for key, node in sorted(batch.nodes.items()):
        for rel in REQUIRED_RELATIONS.get(node.kind, ()):
            if (key, rel) not in linked:
                predicate = KINDS[node.kind].relation(rel).predicate
                issues.append(InputIssue(str(path), None, f"{node.kind}/{node.id} {predicate}", None,
                                         f"a link to its {rel} (required for a {node.kind}, as in the tables)"))
    return issues
