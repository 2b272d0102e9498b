"""Things and the documents that describe them, by content negotiation.

``id/{kind}/{id}`` answers 303 to ``doc/{kind}/{id}.{ext}``; ``doc/{kind}/{id}`` without a suffix
negotiates directly; ``resource?iri=…`` describes an IRI outside the base (the SDG KOS concepts).
The dataset description, the ontology, its JSON-LD context and the SHACL shapes are documents too.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..negotiation import ACCEPT_DOC, RDF_MEDIA, accept_choice
from ..rdf import dataset_iri, parse_node_iri
from ..web import Term, not_found, plain, render_page, short_name, state, term

__all__ = ["ROUTES", "document"]

_SUFFIXES = ("html", "ttl", "nt", "jsonld", "rdf")
_FORMAT_NAMES = (("ttl", "Turtle"), ("nt", "N-Triples"), ("jsonld", "JSON-LD"), ("rdf", "RDF/XML"))
_NOT_ACCEPTABLE = ("406 not acceptable: ask for text/html, text/turtle, application/n-triples, "
                   "application/ld+json or application/rdf+xml")


def _negotiated(request: Request) -> str:
    return accept_choice(request.headers.get("accept"), ACCEPT_DOC, "ttl") or "ttl"


def _suffixed(doc_base: str) -> Callable[[str], str]:
    return lambda ext: f"{doc_base}.{ext}"


def document(server, iri: str, fmt: str, link: Callable[[str], str]) -> Response:
    """The document describing ``iri`` in ``fmt``; ``link(ext)`` is where the same document lives
    in another format."""
    triples, incoming = server.description(iri)
    if not triples:
        return not_found(f"nothing is known about {iri}")
    headers = {"Vary": "Accept", "Link": f'<{iri}>; rel="describes"'}
    if fmt == "html":
        return HTMLResponse(_html_document(server, iri, triples, incoming, link), headers=headers)
    body = server.rdf_document(triples + incoming, fmt)
    return Response(body, media_type=RDF_MEDIA[fmt], headers=headers)


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
    fmt = accept_choice(request.headers.get("accept"), ACCEPT_DOC, "ttl")
    if not fmt:
        return plain(_NOT_ACCEPTABLE, 406)
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
    return document(server, iri, fmt or _negotiated(request), _suffixed(doc_base))


async def resource(request: Request) -> Response:
    """The document of an IRI outside the base that the graph describes (the SDG KOS concepts)."""
    server = state(request)
    iri = request.query_params.get("iri", "")
    if not iri or not server.describes(iri):
        return not_found()
    fmt = request.query_params.get("format") or accept_choice(request.headers.get("accept"), ACCEPT_DOC, "ttl")
    if fmt not in ("html", *RDF_MEDIA):
        fmt = "ttl"
    mount = server.config.mount
    return document(server, iri, fmt, lambda ext: f"{mount}resource?{urlencode({'iri': iri, 'format': ext})}")


async def dataset(request: Request) -> Response:
    """The DCAT/VoID dataset description, negotiated."""
    server = state(request)
    return document(server, dataset_iri(server.base), _negotiated(request),
                    _suffixed(f"{server.config.mount}dataset"))


async def dataset_suffix(request: Request) -> Response:
    """The dataset description in the format its suffix names."""
    server = state(request)
    fmt = request.path_params["ext"]
    if fmt not in ("html", *RDF_MEDIA):
        return not_found()
    return document(server, dataset_iri(server.base), fmt, _suffixed(f"{server.config.mount}dataset"))


async def well_known_void(request: Request) -> Response:
    """The VoID well-known location: 303 to the dataset description."""
    return RedirectResponse(f"{state(request).config.mount}dataset", status_code=303)


# The model: ontology, JSON-LD context, SHACL shapes (rendered once per server) --------------------


async def ontology(request: Request) -> Response:
    """The ontology (OWL), negotiated: HTML lists its classes and properties."""
    server = state(request)
    fmt = _negotiated(request)
    key = f"ontology.{fmt}"
    if key not in server.rendered:
        server.rendered[key] = _render_ontology(server, fmt)
    cached = server.rendered[key]
    return Response(cached.body, status_code=cached.status_code, media_type=cached.media_type,
                    headers={"Vary": "Accept"})


def _render_ontology(server, fmt: str) -> Response:
    from ...ontology.owl import ontology_graph

    graph = ontology_graph(server.base)
    if fmt == "html":
        page = render_page(server, "ontology.html", "psikg ontology", sections=_ontology_sections(graph, server.base))
        return HTMLResponse(page, headers={"Vary": "Accept"})
    rdflib_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[fmt]
    return Response(graph.serialize(format=rdflib_format, encoding="utf-8"), media_type=RDF_MEDIA[fmt],
                    headers={"Vary": "Accept"})


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
        server.rendered["context"] = Response(context_text(server.base), media_type="application/ld+json")
    return Response(server.rendered["context"].body, media_type="application/ld+json")


async def shapes(request: Request) -> Response:
    """The SHACL shapes the data is validated with, as Turtle."""
    from ...ontology.owl import shapes_graph

    server = state(request)
    if "shapes" not in server.rendered:
        server.rendered["shapes"] = Response(shapes_graph(server.base).serialize(format="turtle", encoding="utf-8"),
                                             media_type="text/turtle")
    return Response(server.rendered["shapes"].body, media_type="text/turtle")


ROUTES = [
    Route("/id/{kind}/{id}", thing),
    Route("/doc/{kind}/{id}", doc),
    Route("/resource", resource),
    Route("/dataset", dataset),
    Route("/dataset.{ext}", dataset_suffix),
    Route("/.well-known/void", well_known_void),
    Route("/ontology", ontology),
    Route("/ontology/context.jsonld", context),
    Route("/shapes", shapes),
]
