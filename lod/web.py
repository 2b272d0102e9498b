"""What every route of the server shares: the server state of a request, plain-text answers, and
the HTML pages, rendered from the Jinja templates in ``lod/templates`` (autoescaped)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from .http import caching_headers, not_modified, validators
from .sparql import query_prefixes

__all__ = ["Term", "state", "plain", "not_found", "not_acceptable", "cached", "cached_file", "render_page", "term",
           "short_name"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class Term(NamedTuple):
    """An RDF term as a page shows it: a link (``href``; ``code`` when it has no label) or a
    literal (``suffix``: its language tag or datatype)."""

    text: str
    href: str | None = None
    code: bool = False
    suffix: str | None = None


def state(request):
    """The :class:`~psikg.lod.site.LodServer` behind the app serving ``request``."""
    return request.app.state.lod


def plain(message: str, status: int, headers: dict | None = None):
    """A one-line plain-text answer."""
    from starlette.responses import PlainTextResponse

    return PlainTextResponse(message + "\n", status_code=status, headers=headers)


def not_found(message: str = "not found"):
    """404, with a reason."""
    return plain(message, 404)


def not_acceptable(offers):
    """406 Not Acceptable, listing what the resource is offered as."""
    return plain("406 not acceptable: this resource is offered as " + ", ".join(offers), 406,
                 headers={"Vary": "Accept"})


def cached(request, body: bytes, media_type: str, headers: dict | None = None, *,
           last_modified: float | None = None):
    """A document with its validators (ETag, Last-Modified, Cache-Control); 304 Not Modified when
    the request's ``If-None-Match`` or ``If-Modified-Since`` says the client has it already."""
    from starlette.responses import Response

    current = validators(body=body, last_modified=last_modified)
    headers = {**(headers or {}), **caching_headers(current)}
    if request.method in ("GET", "HEAD") and not_modified(request.headers, current):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def cached_file(request, path, media_type: str, filename: str):
    """A file (a dump) with its validators, or 304 Not Modified as :func:`cached`."""
    from starlette.responses import FileResponse, Response

    current = validators(path)
    headers = caching_headers(current)
    if request.method in ("GET", "HEAD") and not_modified(request.headers, current):
        return Response(status_code=304, headers=headers)
    response = FileResponse(path, media_type=media_type, filename=filename)
    response.headers.update(headers)
    return response


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


def render_page(server, template: str, title: str, alternates=(), **context) -> str:
    """A page of the server: ``template`` inside the common frame (navigation, search box).

    ``alternates`` are (media type, href) pairs of the same content in other formats."""
    return _environment().get_template(template).render(
        title=title, alternates=alternates, mount=server.config.mount, base=server.base,
        network=server.config.network_view is not None, **context)


def term(server, node) -> Term:
    """How a page shows an RDF term: a named node links to its page, labelled when it has a label."""
    if isinstance(node, ox.NamedNode):
        label = server.label(node.value)
        return Term(label or node.value, server.href(node.value), code=not label)
    if isinstance(node, ox.Literal):
        suffix = None
        if node.language:
            suffix = f"@{node.language}"
        elif node.datatype and node.datatype.value != _XSD_STRING:
            suffix = node.datatype.value.rsplit("#", 1)[-1]
        return Term(node.value, suffix=suffix)
    return Term(str(node))


def short_name(base: str, iri: str) -> str:
    """``prefix:local`` for an IRI under a predeclared prefix, else the IRI."""
    for prefix, ns in query_prefixes(base).items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri
