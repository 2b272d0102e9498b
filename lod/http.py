"""HTTP rules of the linked-data server, as plain functions the routes call.

* :func:`negotiate`: the media type to answer with, by the ``Accept`` header with its q-values
  (RFC 9110, section 12.5.1): each offer takes the q of the most specific range that matches it,
  so ``text/turtle;q=0, */*;q=0.1`` refuses Turtle; None means 406 Not Acceptable.
* :func:`sparql_query_parameter`: the one query of a SPARQL 1.1 Protocol request; two ``query``
  parameters, or a query and an update, are a malformed request (400).
* :func:`entity_tag`, :func:`validators`, :func:`not_modified`, :func:`caching_headers`: HTTP
  caching (RFC 9110 section 13, RFC 9111): a strong ETag and ``Last-Modified`` on documents and
  dumps, ``304 Not Modified`` for a matching ``If-None-Match`` (or, without it, for an
  ``If-Modified-Since`` not older than the document).
* :func:`service_description`: the SPARQL 1.1 Service Description of the endpoint, what
  ``{base}sparql`` serves to a request without a query.
* :func:`sitemap`, :func:`document_urls`: the sitemaps.org XML listing of the documents.
* :func:`versioned_resource`: which document a versioned IRI names (``ontology/0.1.0``,
  ``dump/2026-01-01/psikg.nt``).

Nothing here imports the web framework: every function takes and returns plain values.
"""

from __future__ import annotations

import email.utils
import hashlib
import os
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence
from xml.sax.saxutils import escape

import pyoxigraph as ox

__all__ = [
    "negotiate",
    "RequestError",
    "sparql_query_parameter",
    "entity_tag",
    "Validators",
    "validators",
    "not_modified",
    "caching_headers",
    "service_description",
    "SITEMAP_LIMIT",
    "sitemap",
    "document_urls",
    "versioned_resource",
]


# Content negotiation -----------------------------------------------------------------------------


def _accept_ranges(header: str) -> list[tuple[str, str, float]]:
    """``(type, subtype, q)`` of every media range of an Accept header (bad q-values count as 0)."""
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if "/" not in media:
            continue
        main, _, sub = media.partition("/")
        q = 1.0
        for param in pieces[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append((main, sub, q))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, str, float]]) -> float:
    """The q of ``offer``: that of the most specific range matching it (0 when none does)."""
    main, _, sub = offer.lower().partition("/")
    best, specificity = 0.0, -1
    for r_main, r_sub, q in ranges:
        if (r_main, r_sub) == (main, sub):
            level = 2
        elif r_main == main and r_sub == "*":
            level = 1
        elif (r_main, r_sub) == ("*", "*"):
            level = 0
        else:
            continue
        if level > specificity:
            best, specificity = q, level
    return best


def negotiate(header: str | None, offers: Sequence[str]) -> str | None:
    """The offered media type the client prefers; ``offers`` in the server's order of preference
    (the first wins ties, and is the answer when there is no Accept header). None: nothing
    offered is acceptable (answer 406)."""
    if not offers:
        return None
    if header is None or not header.strip():
        return offers[0]
    ranges = _accept_ranges(header)
    best, best_q = None, 0.0
    for offer in offers:
        q = _quality(offer, ranges)
        if q > best_q:
            best, best_q = offer, q
    return best


# SPARQL protocol parameters ----------------------------------------------------------------------


class RequestError(ValueError):
    """A malformed request: answer ``status`` with the message."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def sparql_query_parameter(url_params: Iterable[tuple[str, str]], form_params: Iterable[tuple[str, str]] = (),
                           body_query: str | None = None) -> str | None:
    """The query of a SPARQL 1.1 Protocol request (section 2.1), or None when there is none (the
    endpoint then serves its service description). ``url_params`` and ``form_params`` are the
    (name, value) pairs of the URL and of a form body; ``body_query`` the body of a POST with
    ``application/sparql-query``. More than one query, or an ``update``, raises
    :class:`RequestError` (400)."""
    pairs = list(url_params) + list(form_params)
    queries = [value for name, value in pairs if name == "query"]
    if body_query is not None:
        queries.append(body_query)
    if any(name == "update" for name, _ in pairs):
        raise RequestError("this endpoint is read-only: the update parameter is not accepted "
                           "(SPARQL 1.1 Protocol, section 2.2)")
    if len(queries) > 1:
        raise RequestError(f"{len(queries)} queries in one request: send exactly one query "
                           "(SPARQL 1.1 Protocol, section 2.1.4)")
    return queries[0] if queries else None


# Caching ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Validators:
    """What a client may revalidate a response with."""

    etag: str  # a strong entity tag, quoted: "…"
    last_modified: float | None = None  # POSIX time


def entity_tag(*parts: bytes | str) -> str:
    """A strong entity tag derived from the representation (its bytes, or what identifies them)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return f'"{digest.hexdigest()[:32]}"'


def validators(path: str | os.PathLike | None = None, *, body: bytes | None = None,
               last_modified: float | None = None) -> Validators:
    """Validators of a file (from its size, modification time and name: a rewritten dump gets a
    new tag without being read) or of a body in memory."""
    if path is not None:
        stat = os.stat(path)
        return Validators(entity_tag(os.fspath(path), str(stat.st_size), str(stat.st_mtime_ns)),
                          last_modified if last_modified is not None else stat.st_mtime)
    return Validators(entity_tag(body or b""), last_modified)


def _tags(header: str) -> list[str]:
    """The entity tags of an If-None-Match header, weak marks dropped (weak comparison)."""
    tags = []
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag:
            tags.append(tag)
    return tags


def not_modified(request_headers: Mapping[str, str], current: Validators) -> bool:
    """True when a GET or HEAD should be answered ``304 Not Modified`` (RFC 9110, 13.1.2 and
    13.1.3): If-None-Match decides when present; otherwise If-Modified-Since."""
    headers = {k.lower(): v for k, v in request_headers.items()}
    if "if-none-match" in headers:
        tags = _tags(headers["if-none-match"])
        return "*" in tags or current.etag in tags
    since = headers.get("if-modified-since")
    if since and current.last_modified is not None:
        try:
            when = email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError):
            return False  # an invalid date is ignored (RFC 9110, 13.1.3)
        return int(current.last_modified) <= when
    return False


def caching_headers(current: Validators, max_age: int = 3600) -> dict[str, str]:
    """ETag, Last-Modified and Cache-Control for a response (and for its 304)."""
    headers = {"ETag": current.etag, "Cache-Control": f"public, max-age={max_age}"}
    if current.last_modified is not None:
        headers["Last-Modified"] = email.utils.formatdate(current.last_modified, usegmt=True)
    return headers


# SPARQL 1.1 Service Description -------------------------------------------------------------------

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
_RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                   "Turtle", "N-Triples", "JSON-LD", "RDF_XML")


def service_description(base: str, *, triples: int | None = None) -> list:
    """The SPARQL 1.1 Service Description of ``{base}sparql`` (section 3): the endpoint, SPARQL
    1.1 Query only, the result formats, and the dataset (the data and dataset description in the
    default graph, the ontology and the description alone in named graphs)."""
    base = base if base.endswith(("/", "#")) else base + "/"
    N, RDF_TYPE = ox.NamedNode, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    service = N(base + "sparql#service")
    # no sd:feature sd:BasicFederatedQuery: SERVICE is refused
    out = [ox.Triple(service, RDF_TYPE, N(SD + "Service")),
           ox.Triple(service, N(SD + "endpoint"), N(base + "sparql")),
           ox.Triple(service, N(SD + "supportedLanguage"), N(SD + "SPARQL11Query")),
           ox.Triple(service, N("http://purl.org/dc/terms/title"), ox.Literal("psikg SPARQL 1.1 endpoint",
                                                                              language="en"))]
    out += [ox.Triple(service, N(SD + "resultFormat"), N(FORMATS_NS + name)) for name in _RESULT_FORMATS]
    dataset = N(base + "sparql#dataset")
    default = N(base + "sparql#default-graph")
    out += [ox.Triple(service, N(SD + "defaultDataset"), dataset),
            ox.Triple(dataset, RDF_TYPE, N(SD + "Dataset")),
            ox.Triple(dataset, N(SD + "defaultGraph"), default),
            ox.Triple(default, RDF_TYPE, N(SD + "Graph")),
            ox.Triple(default, N("http://www.w3.org/2000/01/rdf-schema#seeAlso"), N(base + "dataset"))]
    if triples is not None:
        out.append(ox.Triple(default, N("http://rdfs.org/ns/void#triples"),
                             ox.Literal(str(triples), datatype=N("http://www.w3.org/2001/XMLSchema#integer"))))
    for name in ("ontology", "dataset"):
        named = N(f"{base}sparql#graph-{name}")
        out += [ox.Triple(dataset, N(SD + "namedGraph"), named),
                ox.Triple(named, RDF_TYPE, N(SD + "NamedGraph")),
                ox.Triple(named, N(SD + "name"), N(f"{base}graph/{name}"))]
    return out


# Sitemap ------------------------------------------------------------------------------------------

#: Most URLs one sitemap may list (sitemaps.org protocol).
SITEMAP_LIMIT = 50_000


def sitemap(urls: Iterable[str], lastmod: str | None = None) -> bytes:
    """A sitemaps.org ``urlset`` of ``urls`` (each an absolute URL), with ``lastmod`` (W3C date)
    on each. More than :data:`SITEMAP_LIMIT` URLs raise ValueError: split them."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for count, url in enumerate(urls, 1):
        if count > SITEMAP_LIMIT:
            raise ValueError(f"a sitemap lists at most {SITEMAP_LIMIT} URLs")
        modified = f"<lastmod>{escape(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(url)}</loc>{modified}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def document_urls(store, base: str) -> list[str]:
    """The URLs a sitemap of the server lists: the landing page, the dataset description, the
    ontology, and the document of every thing under the base (SDG concepts are the KOS's)."""
    from urllib.parse import quote

    from ..ontology.model import KINDS

    base = base if base.endswith(("/", "#")) else base + "/"
    urls = [base, base + "dataset", base + "ontology"]
    for kind in KINDS:
        if kind in ("goal", "target", "indicator"):
            continue
        urls += [f"{base}doc/{kind}/{quote(str(id_), safe='-._~')}" for id_, _ in store.nodes(kind)]
    return urls


# Versioned IRIs -----------------------------------------------------------------------------------


def versioned_resource(path: str, *, ontology_version: str, dump_version: str | None,
                       dump_names: Iterable[str]) -> tuple[str, str | None] | None:
    """What a versioned path (relative to the mount) names: ``("ontology", None)`` for
    ``ontology/{version}``, ``("dump", name)`` for ``dump/{date}/{name}`` of the current dumps'
    date; None for anything else (an older version is not kept: 404)."""
    parts = path.strip("/").split("/")
    if parts == ["ontology", ontology_version]:
        return "ontology", None
    if len(parts) == 3 and parts[0] == "dump" and dump_version and parts[1] == dump_version \
            and parts[2] in set(dump_names):
        return "dump", parts[2]
    return None
