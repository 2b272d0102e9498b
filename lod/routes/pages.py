"""The landing page (search over practices, countries and success factors; as JSON on request)
and the network view."""

from __future__ import annotations

import functools
import threading
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.routing import Route

from ..examples import example_queries
from ..http import SITEMAP_LIMIT, document_urls, sitemap
from ..negotiation import accept_choice, offered
from ..rdf import FORMATS
from ..web import cached, not_acceptable, not_found, render_page, state
from .app_common import guarded

__all__ = ["ROUTES", "landing", "network", "sitemap_xml", "NETWORK_OPTIONS"]

#: What ``/network`` takes from its query: the view (the summary, the full transfer map...) and filters.
NETWORK_OPTIONS = ("view", "goal", "region", "theme")
#: One network page is drawn at a time: a second request waits and then finds it drawn.
_DRAWING = threading.Lock()

_JSON_OR_HTML = {"application/json": "json", "text/html": "html"}


async def landing(request: Request) -> Response:
    """The landing page: search (``q``), the dumps, the endpoints, example queries and counts."""
    server = state(request)
    text = request.query_params.get("q", "").strip()
    fmt = request.query_params.get("format") or accept_choice(request.headers.get("accept"), _JSON_OR_HTML, "html")
    if not fmt:
        return not_acceptable(offered(_JSON_OR_HTML))
    if fmt == "json":
        return JSONResponse({"query": text, "results": server.search(text)}, headers={"Vary": "Accept"})
    mount = server.config.mount
    counts = server.counts.get("nodes_by_kind", {})
    page = render_page(
        server, "landing.html", "psikg linked data", query=text, results=server.search(text) if text else [],
        dumps=[(fmt, f"{mount}dump/psikg.{FORMATS[fmt][2]}") for fmt in FORMATS],
        examples=[(path.stem, f"{mount}sparql?{urlencode({'query': path.read_text(encoding='utf-8')})}")
                  for path in example_queries()],
        counts=sorted(counts.items()))
    return HTMLResponse(page, headers={"Vary": "Accept"})


def sitemap_xml(request: Request) -> Response:
    """The sitemaps.org listing of the landing page, the dataset, the ontology and every thing's
    document (at most the protocol's 50,000 URLs)."""
    server = state(request)
    if "sitemap" not in server.rendered:
        urls = document_urls(server.store, server.base)[:SITEMAP_LIMIT]
        server.rendered["sitemap"] = sitemap(urls, lastmod=server.dump_version)
    return cached(request, server.rendered["sitemap"], "application/xml", last_modified=server.last_modified)


@guarded
async def network(request: Request) -> Response:
    """The network view, drawn by the page function the server was configured with, with the
    view and filters the query asks for (``?view=transfers``, ``?region=Africa``); an unknown one
    is a 400 or 404 page. Drawn in a worker thread, one page at a time, so the server stays
    responsive while a large network is drawn."""
    server = state(request)
    if server.config.network_view is None:
        return not_found("the network view is not available")
    options = {name: value.strip() for name in NETWORK_OPTIONS
               if (value := request.query_params.get(name)) is not None and value.strip()}
    return HTMLResponse(await run_in_threadpool(draw_network, server, **options))


def draw_network(server, **options) -> str:
    """The network page (the configured function is called with the options only when there are any)."""
    with _DRAWING:
        return functools.partial(server.config.network_view, server.store, **options)()


ROUTES = [Route("/", landing), Route("/network", network), Route("/sitemap.xml", sitemap_xml)]
