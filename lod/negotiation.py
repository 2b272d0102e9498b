"""Content negotiation: which format an ``Accept`` header asks for, and the media types served."""

from __future__ import annotations

from .http import negotiate

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
    """The format an ``Accept`` header asks for among ``table``'s media types, by
    :func:`psikg.lod.http.negotiate` (q-values honoured, ``q=0`` refuses; a wildcard gives
    ``default``'s media types first). ``""`` when nothing offered is acceptable (answer 406);
    ``default`` when there is no header."""
    if not header or not header.strip():
        return default
    offers = [media for media, fmt in table.items() if fmt == default]
    offers += [media for media in table if media not in offers]
    chosen = negotiate(header, offers)
    return table[chosen] if chosen else ""


def offered(table: dict[str, str]) -> list[str]:
    """The media types of ``table``, for a 406 answer."""
    return list(table)
