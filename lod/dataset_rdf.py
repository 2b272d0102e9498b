"""The dataset description (DCAT-AP 3, VoID) at ``{base}dataset``, from the counts of an export, and
the ontology as triples."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import pyoxigraph as ox

from ..ontology.owl import LICENSE, PREFIXES, VERSION, namespaces
from .rdf_terms import _DT, FORMATS, LINKED_DATASETS, RDF_TYPE, ExportStats, _base, node_iri

# Dataset description --------------------------------------------------------------------------

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"


@dataclass(frozen=True)
class DatasetInfo:
    """What the dataset description says besides the counts. Every field is configurable."""

    title: str = "psikg knowledge graph of public-service innovation transfer"
    description: str = ("Public-service innovations, the success factors that made them work, country "
                        "contexts and needs, and the partnerships that transferred them between countries "
                        "(South-South and triangular cooperation), linked to the UN SDG KOS and to the EU "
                        "country authority. Every fact carries its source.")
    license: str = LICENSE
    publisher: str = "psikg"
    publisher_iri: str | None = None
    modified: str | None = None  # ISO date or dateTime; default: the store file's date, else today (UTC)


def dataset_iri(base: str | None = None) -> str:
    return _base(base) + "dataset"


def dump_iri(fmt: str, base: str | None = None, version: str | None = None) -> str:
    """The IRI of a dump: ``{base}dump/psikg.nt``, or of one dated version of it
    (``{base}dump/2026-01-01/psikg.nt``)."""
    folder = f"dump/{version}/" if version else "dump/"
    return f"{_base(base)}{folder}psikg.{FORMATS[fmt][2]}"


def ontology_version_iri(base: str | None = None) -> str:
    """The IRI of this version of the ontology (``owl:versionIRI``): ``{base}ontology/{VERSION}``."""
    return f"{_base(base)}ontology/{VERSION}"


IANA_MEDIA = "http://www.iana.org/assignments/media-types/"
SPARQL_PROTOCOL = "https://www.w3.org/TR/sparql11-protocol/"
DCAT_AP = "https://semiceu.github.io/DCAT-AP/releases/3.0.1"  # the application profile followed


def dataset_triples(stats: ExportStats, base: str | None = None, info: DatasetInfo | None = None) -> list:
    """The DCAT-AP 3 and VoID description of the dataset, with the counts of an export.

    Every node of the description is ``{base}dataset`` or one of its fragments (the catalogue, the
    publisher, the distributions, the SPARQL service, the partitions and linksets), so the
    description is one document."""
    base = _base(base)
    info = info or DatasetInfo()
    N = ox.NamedNode
    dataset = N(dataset_iri(base))
    out: list = []

    def add(s, p, o):
        out.append(ox.Triple(s, N(p), o))

    def typed(s, *classes):
        for cls in classes:
            out.append(ox.Triple(s, RDF_TYPE, N(cls)))

    def text(value: str):
        return ox.Literal(value, language="en")

    typed(dataset, VOID + "Dataset", DCAT + "Dataset")
    add(dataset, DCTERMS + "title", text(info.title))
    add(dataset, DCTERMS + "description", text(info.description))
    license_ = N(info.license)
    add(dataset, DCTERMS + "license", license_)
    typed(license_, DCTERMS + "LicenseDocument")
    publisher = N(info.publisher_iri) if info.publisher_iri else N(f"{base}dataset#publisher")
    add(dataset, DCTERMS + "publisher", publisher)
    typed(publisher, FOAF + "Agent")
    add(publisher, FOAF + "name", ox.Literal(info.publisher))
    modified = info.modified or _dt.datetime.now(_dt.timezone.utc).date().isoformat()
    add(dataset, DCTERMS + "modified",
        ox.Literal(modified, datatype=_DT["date"] if len(modified) == 10 else _DT["dateTime"]))
    version = modified[:10]
    add(dataset, DCAT + "version", ox.Literal(version))
    ontology = N(base + "ontology")
    for standard in (ontology, N(DCAT_AP)):
        add(dataset, DCTERMS + "conformsTo", standard)
        typed(standard, DCTERMS + "Standard")

    catalog = N(f"{base}dataset#catalog")
    typed(catalog, DCAT + "Catalog")
    add(catalog, DCTERMS + "title", text(info.title + " (catalogue)"))
    add(catalog, DCTERMS + "description", text("The catalogue of psikg's linked data: the knowledge graph "
                                                "and the SPARQL service that serves it."))
    add(catalog, DCTERMS + "publisher", publisher)
    add(catalog, DCTERMS + "modified", ox.Literal(modified, datatype=_DT["date"] if len(modified) == 10
                                                  else _DT["dateTime"]))
    add(catalog, DCAT + "dataset", dataset)
    add(catalog, FOAF + "homepage", N(base))
    typed(N(base), FOAF + "Document")

    out += _void_triples(stats, base, dataset)
    out += _distribution_triples(base, dataset, license_, version)
    service = N(f"{base}dataset#sparql")
    add(catalog, DCAT + "service", service)
    typed(service, DCAT + "DataService")
    add(service, DCTERMS + "title", text("psikg SPARQL 1.1 endpoint"))
    add(service, DCAT + "endpointURL", N(base + "sparql"))
    add(service, DCAT + "endpointDescription", N(base + "sparql"))
    add(service, DCTERMS + "conformsTo", N(SPARQL_PROTOCOL))
    typed(N(SPARQL_PROTOCOL), DCTERMS + "Standard")
    add(service, DCAT + "servesDataset", dataset)
    add(service, DCTERMS + "license", license_)
    return out


def _void_triples(stats: ExportStats, base: str, dataset) -> list:
    """VoID: counts, class and property partitions (counted from the data) and linksets."""
    N = ox.NamedNode
    out: list = []

    def add(s, p, o):
        out.append(ox.Triple(s, N(p), o))

    def integer(n: int):
        return ox.Literal(str(n), datatype=_DT["integer"])

    add(dataset, VOID + "triples", integer(stats.triples))
    add(dataset, VOID + "entities", integer(stats.entities))
    add(dataset, VOID + "classes", integer(len(stats.by_class)))
    add(dataset, VOID + "properties", integer(len(stats.by_property)))
    add(dataset, VOID + "uriSpace", ox.Literal(base + "id/"))
    add(dataset, VOID + "sparqlEndpoint", N(base + "sparql"))
    for root in stats.roots:
        add(dataset, VOID + "rootResource", N(root))
    add(dataset, VOID + "exampleResource", N(node_iri("country", "BGD", base)))
    for ns in (namespaces(base)["psikg"], PREFIXES["dcterms"], PREFIXES["skos"], PREFIXES["schema"],
               PREFIXES["org"], PREFIXES["sdgo"], PREFIXES["prov"], VOID, DCAT):
        add(dataset, VOID + "vocabulary", N(ns))
    for n, cls in enumerate(sorted(stats.by_class)):
        partition = N(f"{base}dataset#class-{n + 1}")
        add(dataset, VOID + "classPartition", partition)
        add(partition, VOID + "class", N(cls))
        add(partition, VOID + "entities", integer(stats.by_class[cls]))
    for n, predicate in enumerate(sorted(stats.by_property)):
        partition = N(f"{base}dataset#property-{n + 1}")
        add(dataset, VOID + "propertyPartition", partition)
        add(partition, VOID + "property", N(predicate))
        add(partition, VOID + "triples", integer(stats.by_property[predicate]))
    for (target, predicate), count in sorted(stats.links.items()):
        title, space, key = LINKED_DATASETS[target]
        linkset = N(f"{base}dataset#linkset-{key}-{predicate.rsplit('#', 1)[-1].rsplit('/', 1)[-1]}")
        add(dataset, VOID + "subset", linkset)
        out.append(ox.Triple(linkset, RDF_TYPE, N(VOID + "Linkset")))
        add(linkset, VOID + "subjectsTarget", dataset)
        add(linkset, VOID + "objectsTarget", N(target))
        add(linkset, VOID + "linkPredicate", N(predicate))
        add(linkset, VOID + "triples", integer(count))
        add(linkset, DCTERMS + "title", ox.Literal(f"Links to the {title} by <{predicate}>", language="en"))
    return out


def _distribution_triples(base: str, dataset, license_, version: str) -> list:
    """A distribution per dump syntax (the stable IRI to access it, the dated version to download)
    and one for the SPARQL endpoint."""
    N = ox.NamedNode
    out: list = []

    def add(s, p, o):
        out.append(ox.Triple(s, N(p), o))

    for fmt, (_, media, suffix) in FORMATS.items():
        url = N(dump_iri(fmt, base))
        add(dataset, VOID + "dataDump", url)
        distribution = N(f"{base}dataset#dump-{fmt}")
        add(dataset, DCAT + "distribution", distribution)
        out.append(ox.Triple(distribution, RDF_TYPE, N(DCAT + "Distribution")))
        add(distribution, DCTERMS + "title", ox.Literal(f"psikg dump ({suffix}), version {version}", language="en"))
        add(distribution, DCAT + "accessURL", url)
        add(distribution, DCAT + "downloadURL", N(dump_iri(fmt, base, version)))
        media_type = N(IANA_MEDIA + media)
        add(distribution, DCAT + "mediaType", media_type)
        out.append(ox.Triple(media_type, RDF_TYPE, N(DCTERMS + "MediaType")))
        add(distribution, DCTERMS + "license", license_)
    distribution = N(f"{base}dataset#sparql-distribution")
    add(dataset, DCAT + "distribution", distribution)
    out.append(ox.Triple(distribution, RDF_TYPE, N(DCAT + "Distribution")))
    add(distribution, DCTERMS + "title", ox.Literal("psikg SPARQL 1.1 endpoint", language="en"))
    add(distribution, DCAT + "accessURL", N(base + "sparql"))
    add(distribution, DCAT + "accessService", N(f"{base}dataset#sparql"))
    add(distribution, DCTERMS + "license", license_)
    return out


def ontology_triples(base: str | None = None) -> list:
    """The OWL ontology as pyoxigraph triples (through N-Triples, blank nodes kept)."""
    from ..ontology.owl import ontology_graph

    data = ontology_graph(_base(base)).serialize(format="nt", encoding="utf-8")
    return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
