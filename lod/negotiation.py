"""Content negotiation: which format an ``Accept`` header asks for, and the media types served."""

from __future__ import annotations

__all__ = ["RDF_MEDIA", "ACCEPT_DOC", "ACCEPT_RESULTS", "ACCEPT_GRAPH", "accept_choice"]

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


def _weighted(header: str):
    """(position, media type, q) of each part of an ``Accept`` header; a bad q counts as 0."""
    for position, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in pieces[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        yield position, pieces[0].lower(), q


def accept_choice(header: str | None, table: dict[str, str], default: str) -> str:
    """The best format for an ``Accept`` header (q-values honoured; ``*/*`` gives ``default``)."""
    if not header:
        return default
    best, best_q, best_pos = None, -1.0, 0
    for position, media, q in _weighted(header):
        if q <= 0:
            continue
        if media in table:
            choice = table[media]
        elif media in ("*/*", "text/*", "application/*"):
            choice = default
        else:
            continue
        if q > best_q or (q == best_q and position < best_pos):
            best, best_q, best_pos = choice, q, position
    return best or ""
