"""Content negotiation: which format an ``Accept`` header asks for, and the media types served."""

from __future__ import annotations

from .http import _accept_ranges, _quality

__all__ = ["RDF_MEDIA", "ACCEPT_DOC", "ACCEPT_RESULTS", "ACCEPT_GRAPH", "accept_choice", "offered"]

#: document suffix -> media type of an RDF document
RDF_MEDIA = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
#: media type -> document suffix, for the documents describing things
ACCEPT_DOC = {
    "text/html": "html", "application/xhtml+xml": "html",
    "text/turtle": "ttl", "application/x-turtle": "ttl", "text/n3": "ttl",
    "application/n-triples": "nt", "text/plain": "nt",
    "application/ld+json": "jsonld", "application/json": "jsonld",
    "application/rdf+xml": "rdf", "application/xml": "rdf", "text/xml": "rdf",
}
#: media type -> format of SPARQL SELECT and ASK results
ACCEPT_RESULTS = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv", "text/html": "html",
}
#: media type -> format of SPARQL CONSTRUCT and DESCRIBE results
ACCEPT_GRAPH = {
    "text/turtle": "ttl", "application/x-turtle": "ttl", "application/n-triples": "nt", "text/plain": "nt",
    "application/ld+json": "jsonld", "application/json": "jsonld", "application/rdf+xml": "xml",
    "application/xml": "xml", "text/html": "ttl",
}
HTML = {"text/html": "html", "application/xhtml+xml": "html"}


def accept_choice(header: str | None, table: dict[str, str], default: str) -> str:
    """The format an ``Accept`` header asks for among ``table``'s media types (RFC 9110 12.5.1, as
    :func:`psikg.lod.http.negotiate`): q-values honoured and ``q=0`` refuses. A format's first
    media type is its name; the others (``application/x-turtle``…) count only when named, so
    ``text/turtle;q=0, */*;q=0.1`` refuses Turtle. A wildcard prefers ``default``. ``""`` when
    nothing offered is acceptable (answer 406); ``default`` when there is no header."""
    if not header or not header.strip():
        return default
    ranges = _accept_ranges(header)
    named = {(main, sub): q for main, sub, q in ranges}
    formats = list(dict.fromkeys([default, *table.values()]))
    best, best_q = "", 0.0
    for fmt in formats:
        medias = [media for media, f in table.items() if f == fmt]
        if not medias:
            continue
        explicit = [named[tuple(m.split("/", 1))] for m in medias if tuple(m.split("/", 1)) in named]
        q = max(explicit) if explicit else _quality(medias[0], ranges)
        if q > best_q:
            best, best_q = fmt, q
    return best


def offered(table: dict[str, str]) -> list[str]:
    """The media types of ``table``, for a 406 answer."""
    return list(table)
