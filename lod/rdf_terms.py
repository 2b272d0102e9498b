"""The terms of the RDF mapping every part shares: the export formats, the IRIs of things, and how
a property's value becomes an RDF term and back; and :class:`ExportStats`, what an export counted."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

import pyoxigraph as ox

from ..config import iri_base
from ..ontology.model import EU_COUNTRY_NS, KINDS, SDG_NS, Property, Relation
from ..ontology.owl import qualified_terms


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



MAX_ROOTS = 10  # networks named as the dataset's entry points (void:rootResource)


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
    roots: list[str] = field(default_factory=list)  # the first MAX_ROOTS networks: entry points of the data
    description_triples: int = 0
    ontology_triples: int = 0
    generation: int | None = field(default=None, compare=False)  # the embedded store's write counter read

    def add(self, later: "ExportStats") -> None:
        """Count in the data of a part of the same export that comes after this one's."""
        self.triples += later.triples
        self.entities += later.entities
        for mine, theirs in ((self.by_class, later.by_class), (self.by_property, later.by_property),
                             (self.links, later.links)):
            for key, n in theirs.items():
                mine[key] += n
        self.roots = (self.roots + later.roots)[:MAX_ROOTS]

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
