"""Things and the documents that describe them, by content negotiation.

``id/{kind}/{id}`` answers 303 to ``doc/{kind}/{id}.{ext}``; ``doc/{kind}/{id}`` without a suffix
negotiates directly; ``resource?iri=…`` describes an IRI outside the base (the SDG KOS concepts).
The dataset description, the ontology, its JSON-LD context and the SHACL shapes are documents too.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ...ontology.owl import VERSION
from ..http import versioned_resource
from ..negotiation import ACCEPT_DOC, RDF_MEDIA, accept_choice, offered
from ..rdf import dataset_iri, parse_node_iri
from ..sparql import dataset_description
from ..web import Term, cached, not_acceptable, not_found, render_page, short_name, state, term

__all__ = ["ROUTES", "document"]

_SUFFIXES = ("html", "ttl", "nt", "jsonld", "rdf")
_FORMAT_NAMES = (("ttl", "Turtle"), ("nt", "N-Triples"), ("jsonld", "JSON-LD"), ("rdf", "RDF/XML"))


def _negotiated(request: Request) -> str:
    """The document format the ``Accept`` header asks for (Turtle for ``*/*``); "" for 406."""
    return accept_choice(request.headers.get("accept"), ACCEPT_DOC, "ttl")


def _suffixed(doc_base: str) -> Callable[[str], str]:
    return lambda ext: f"{doc_base}.{ext}"


def document(server, iri: str, fmt: str, link: Callable[[str], str], request: Request | None = None,
             statements: tuple[list, list] | None = None) -> Response:
    """The document describing ``iri`` in ``fmt`` (406 for ``""``); ``link(ext)`` is where the same
    document lives in another format. With the ``request``, it carries its validators and answers
    304 when the client has it already. ``statements``: (about it, pointing to it) when they are
    not the graph's description of ``iri``."""
    if not fmt:
        return not_acceptable(offered(ACCEPT_DOC))
    triples, incoming = statements or server.description(iri)
    if not triples:
        return not_found(f"nothing is known about {iri}")
    headers = {"Vary": "Accept", "Link": f'<{iri}>; rel="describes"'}
    if fmt == "html":
        body, media = _html_document(server, iri, triples, incoming, link).encode(), "text/html; charset=utf-8"
    else:
        body, media = server.rdf_document(triples + incoming, fmt), RDF_MEDIA[fmt]
    if request is None:
        return Response(body, media_type=media, headers=headers)
    return cached(request, body, media, headers, last_modified=server.last_modified)


def _html_document(server, iri: str, triples: list, incoming: list, link: Callable[[str], str]) -> str:
    """The statements grouped by subject (the thing first, then its ``#…`` nodes), then what links to it."""
    by_subject: dict[str, list] = {}
    for triple in triples:
        by_subject.setdefault(triple.subject.value, []).append(triple)
    groups = []
    for subject in sorted(by_subject, key=lambda s: (s != iri, s)):
        rows = [(Term(short_name(server.base, t.predicate.value), server.href(t.predicate.value)),
                 term(server, t.object))
                for t in sorted(by_subject[subject], key=lambda t: (t.predicate.value, str(t.object)))]
        groups.append((subject.split("#", 1)[-1] if subject != iri else None, rows))
    linked_from = [(term(server, t.subject), short_name(server.base, t.predicate.value))
                   for t in sorted(incoming, key=lambda t: (t.predicate.value, t.subject.value))]
    title = server.label(iri) or iri
    return render_page(server, "document.html", title, [(RDF_MEDIA[e], link(e)) for e in RDF_MEDIA],
                       iri=iri, formats=[(link(ext), name) for ext, name in _FORMAT_NAMES],
                       groups=groups, linked_from=linked_from)


async def thing(request: Request) -> Response:
    """A thing's IRI: 303 See Other to the document in the negotiated format (406 when none fits)."""
    server = state(request)
    kind, id_ = request.path_params["kind"], request.path_params["id"]
    iri = f"{server.base}id/{kind}/{quote(id_, safe='-._~')}"
    if parse_node_iri(iri, server.base) is None or not server.describes(iri):
        return not_found()
    fmt = _negotiated(request)
    if not fmt:
        return not_acceptable(offered(ACCEPT_DOC))
    mount = server.config.mount
    tail = request.url.path[len(mount):].split("/", 1)[1]
    return RedirectResponse(f"{mount}doc/{tail}.{fmt}", status_code=303, headers={"Vary": "Accept"})


async def doc(request: Request) -> Response:
    """A thing's document, in the format its suffix names or the ``Accept`` header asks for."""
    server = state(request)
    kind, id_ = request.path_params["kind"], request.path_params["id"]
    fmt = None
    for ext in _SUFFIXES:
        if id_.endswith("." + ext):
            id_, fmt = id_[: -len(ext) - 1], ext
            break
    iri = f"{server.base}id/{kind}/{quote(id_, safe='-._~')}"
    if parse_node_iri(iri, server.base) is None:
        return not_found()
    doc_base = f"{server.config.mount}doc/{kind}/{quote(id_, safe='-._~')}"
    return document(server, iri, fmt or _negotiated(request), _suffixed(doc_base), request)


async def resource(request: Request) -> Response:
    """The document of an IRI outside the base that the graph describes (the SDG KOS concepts)."""
    server = state(request)
    iri = request.query_params.get("iri", "")
    if not iri or not server.describes(iri):
        return not_found()
    fmt = request.query_params.get("format") or _negotiated(request)
    if fmt and fmt not in ("html", *RDF_MEDIA):
        fmt = "ttl"
    mount = server.config.mount
    return document(server, iri, fmt, lambda ext: f"{mount}resource?{urlencode({'iri': iri, 'format': ext})}",
                    request)


def _dataset_document(request: Request, fmt: str) -> Response:
    """The dataset description exactly as the dumps state it (its publisher, catalogue,
    distributions and partitions are ``#`` fragments of it, so they resolve here too)."""
    server = state(request)
    if "dataset" not in server.rendered:
        server.rendered["dataset"] = dataset_description(server.rdf, server.base)
    return document(server, dataset_iri(server.base), fmt, _suffixed(f"{server.config.mount}dataset"), request,
                    statements=(server.rendered["dataset"], []))


async def dataset(request: Request) -> Response:
    """The DCAT/VoID dataset description, negotiated."""
    return _dataset_document(request, _negotiated(request))


async def dataset_suffix(request: Request) -> Response:
    """The dataset description in the format its suffix names."""
    fmt = request.path_params["ext"]
    if fmt not in ("html", *RDF_MEDIA):
        return not_found()
    return _dataset_document(request, fmt)


async def well_known_void(request: Request) -> Response:
    """The VoID well-known location: 303 to the dataset description."""
    return RedirectResponse(f"{state(request).config.mount}dataset", status_code=303)


# The model: ontology, JSON-LD context, SHACL shapes (rendered once per server) --------------------


async def ontology(request: Request) -> Response:
    """The ontology (OWL), negotiated: HTML lists its classes and properties. Its version IRI,
    ``ontology/{version}``, is the same document (only the current version is kept)."""
    server = state(request)
    version = request.path_params.get("version")
    if version is not None and versioned_resource(f"ontology/{version}", ontology_version=VERSION,
                                                  dump_version=None, dump_names=()) is None:
        return not_found(f"ontology version {version} is not kept here; the current one is {VERSION}")
    fmt = _negotiated(request)
    if not fmt:
        return not_acceptable(offered(ACCEPT_DOC))
    key = f"ontology.{fmt}"
    if key not in server.rendered:
        server.rendered[key] = _render_ontology(server, fmt)
    body, media = server.rendered[key]
    return cached(request, body, media, {"Vary": "Accept"}, last_modified=server.last_modified)


def _render_ontology(server, fmt: str) -> tuple[bytes, str]:
    from ...ontology.owl import ontology_graph

    graph = ontology_graph(server.base)
    if fmt == "html":
        page = render_page(server, "ontology.html", "psikg ontology", sections=_ontology_sections(graph, server.base))
        return page.encode(), "text/html; charset=utf-8"
    rdflib_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[fmt]
    return graph.serialize(format=rdflib_format, encoding="utf-8"), RDF_MEDIA[fmt]


def _ontology_sections(graph, base: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(heading, [(anchor, label, definition)]) for the classes and properties of the ontology."""
    from rdflib.namespace import OWL, RDF, RDFS, SKOS

    sections = []
    for kind_of, heading in ((OWL.Class, "Classes"), (OWL.ObjectProperty, "Object properties"),
                             (OWL.DatatypeProperty, "Datatype properties")):
        terms = []
        for iri in sorted(str(s) for s in graph.subjects(RDF.type, kind_of) if str(s).startswith(base)):
            anchor = iri.rsplit("#", 1)[-1]
            node = graph.resource(iri).identifier
            definition = graph.value(node, SKOS.definition) or ""
            label = graph.value(node, RDFS.label) or anchor
            terms.append((anchor, str(label), str(definition)))
        sections.append((heading, terms))
    return sections


async def context(request: Request) -> Response:
    """The JSON-LD context of the dumps and documents."""
    from ...ontology.context import context_text

    server = state(request)
    if "context" not in server.rendered:
        server.rendered["context"] = context_text(server.base).encode()
    return cached(request, server.rendered["context"], "application/ld+json", last_modified=server.last_modified)


async def shapes(request: Request) -> Response:
    """The SHACL shapes the data is validated with, as Turtle."""
    from ...ontology.owl import shapes_graph

    server = state(request)
    if "shapes" not in server.rendered:
        server.rendered["shapes"] = shapes_graph(server.base).serialize(format="turtle", encoding="utf-8")
    return cached(request, server.rendered["shapes"], "text/turtle", last_modified=server.last_modified)


ROUTES = [
    Route("/id/{kind}/{id}", thing),
    Route("/doc/{kind}/{id}", doc),
    Route("/resource", resource),
    Route("/dataset", dataset),
    Route("/dataset.{ext}", dataset_suffix),
    Route("/.well-known/void", well_known_void),
    Route("/ontology", ontology),
    Route("/ontology/context.jsonld", context),
    Route("/ontology/{version}", ontology),
    Route("/shapes", shapes),
]
