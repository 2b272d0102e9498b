"""The SPARQL 1.1 Protocol endpoint: GET, POST form or POST ``application/sparql-query``.

Read-only (updates get 400), bounded (the query pool's time limit answers 503, at most
``max_results`` results with ``X-Psikg-Truncated`` when more existed), and with an HTML form and
result table for people. One query per request (two are 400, SPARQL 1.1 Protocol 2.1.4); a POST
body is read with a limit as it streams (413 past it). Without a query, ``GET sparql`` serves the
SPARQL 1.1 Service Description (Turtle for ``*/*``, the query form for browsers)."""

from __future__ import annotations

import json
from typing import NamedTuple
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..http import RequestError, service_description, sparql_query_parameter
from ..limits import read_body
from ..negotiation import ACCEPT_DOC, ACCEPT_GRAPH, ACCEPT_RESULTS, RDF_MEDIA, accept_choice, offered
from ..sparql import RDF_RESULT_FORMATS, RESULT_FORMATS
from ..web import cached, not_acceptable, plain, render_page, state

__all__ = ["ROUTES", "sparql", "MAX_QUERY_BYTES"]

#: the longest query accepted, in bytes
MAX_QUERY_BYTES = 100_000
_READ_ONLY = "updates are not allowed: the SPARQL endpoint is read-only"
_UNSUPPORTED = "POST a query as application/x-www-form-urlencoded (query=...) or application/sparql-query"
_DEFAULT_QUERY = "SELECT ?practice ?title WHERE {\n  ?practice a psikg:Practice ; dcterms:title ?title .\n} LIMIT 20"


class Cell(NamedTuple):
    """One cell of the HTML result table: the value and, for an IRI, where it links."""

    text: str
    href: str | None = None


class _Asked(NamedTuple):
    """What a request asks: the query, its ``format`` parameter and the graphs named in it."""

    query: str | None
    params: dict
    default_graph: list
    named_graphs: list


async def sparql(request: Request) -> Response:
    """Answer a SPARQL query; without one, the service description (see the module documentation)."""
    server = state(request)
    try:
        asked = await _read_request(request)
    except RequestError as error:
        return plain(str(error), error.status)
    accept = request.headers.get("accept")
    if not asked.query:
        if request.method == "POST":
            return plain("missing query: send query=... (SPARQL 1.1 Protocol, section 2.1)", 400)
        return _service_description(request, server)
    if len(asked.query.encode()) > MAX_QUERY_BYTES:
        return plain(f"query too long: at most {MAX_QUERY_BYTES} bytes", 413)
    select_fmt, graph_fmt = _formats(asked.params.get("format", ""), accept)
    if not select_fmt and not graph_fmt:
        return not_acceptable(offered(ACCEPT_RESULTS) + [m for m in offered(ACCEPT_GRAPH) if m not in ACCEPT_RESULTS])
    select_fmt, graph_fmt = select_fmt or "json", graph_fmt or "ttl"
    html_view = select_fmt == "html"
    reply = await server.pool.run(asked.query, "json" if html_view else select_fmt, graph_fmt,
                                  asked.default_graph or None, asked.named_graphs or None)
    return _answer(server, asked.query, reply, html_view)


def _service_description(request: Request, server) -> Response:
    """``sparql`` without a query: the SPARQL 1.1 Service Description, negotiated (the query form
    for browsers)."""
    fmt = accept_choice(request.headers.get("accept"), ACCEPT_DOC, "ttl")
    if not fmt:
        return not_acceptable(offered(ACCEPT_DOC))
    if fmt == "html":
        return HTMLResponse(_page(server, ""), headers={"Vary": "Accept"})
    triples = service_description(server.base)
    return cached(request, server.rdf_document(triples, fmt), RDF_MEDIA[fmt], {"Vary": "Accept"},
                  last_modified=server.last_modified)


async def _read_request(request: Request) -> _Asked:
    """The query and its parameters from the URL and, for a POST, the body; a malformed or
    writing request raises :class:`RequestError`."""
    url_pairs = request.query_params.multi_items()
    form_pairs: list[tuple[str, str]] = []
    body_query = None
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update":
            raise RequestError(_READ_ONLY)
        if ctype not in ("application/sparql-query", "application/x-www-form-urlencoded"):
            raise RequestError(_UNSUPPORTED, 415)
        text = (await read_body(request, MAX_QUERY_BYTES)).decode("utf-8", errors="replace")
        if ctype == "application/sparql-query":
            body_query = text
        else:
            form_pairs = parse_qsl(text, keep_blank_values=True)
    query = sparql_query_parameter(url_pairs, form_pairs, body_query)
    pairs = url_pairs + form_pairs
    params = {name: value for name, value in pairs if name == "format"}
    return _Asked(query, params, [v for n, v in pairs if n == "default-graph-uri"],
                  [v for n, v in pairs if n == "named-graph-uri"])


def _formats(fmt: str, accept: str | None) -> tuple[str, str]:
    """(format of SELECT/ASK results, format of CONSTRUCT/DESCRIBE results): ``format=`` first,
    else the ``Accept`` header ("" where nothing acceptable is offered)."""
    select_fmt = fmt if fmt in RESULT_FORMATS or fmt == "html" else accept_choice(accept, ACCEPT_RESULTS, "json")
    graph_fmt = fmt if fmt in RDF_RESULT_FORMATS else accept_choice(accept, ACCEPT_GRAPH, "ttl")
    if fmt in ("ttl", "nt", "jsonld") and select_fmt not in RESULT_FORMATS:
        select_fmt = "json"
    return select_fmt, graph_fmt


def _answer(server, query: str, reply: tuple, html_view: bool) -> Response:
    """The HTTP answer for the query pool's reply."""
    status = reply[0]
    if status in ("refused", "error"):
        return plain(reply[1], 400)
    if status in ("timeout", "busy"):
        return plain(reply[1], 503, headers={"Retry-After": "5"})
    _, body, media, _rows, truncated = reply
    headers = {"X-Psikg-Result-Limit": str(server.config.max_results), "Vary": "Accept"}
    if truncated:
        headers["X-Psikg-Truncated"] = "true"
    if html_view and media == RESULT_FORMATS["json"]:
        return HTMLResponse(_page(server, query, _results(server, body, truncated)), headers=headers)
    return Response(body, media_type=media, headers=headers)


def _page(server, query: str, results: dict | None = None) -> str:
    return render_page(server, "sparql.html", "SPARQL", query=query or _DEFAULT_QUERY, results=results)


def _results(server, body: bytes, truncated: bool) -> dict:
    """SPARQL JSON results as the page's table (IRIs link to their pages)."""
    data = json.loads(body)
    if "boolean" in data:
        return {"boolean": data["boolean"]}
    variables = data["head"]["vars"]
    rows = []
    for binding in data["results"]["bindings"]:
        row = []
        for name in variables:
            value = binding.get(name)
            if value is None:
                row.append(None)
            elif value["type"] == "uri":
                row.append(Cell(value["value"], server.href(value["value"])))
            else:
                row.append(Cell(value["value"]))
        rows.append(row)
    return {"boolean": None, "variables": variables, "rows": rows, "truncated": truncated}


ROUTES = [Route("/sparql", sparql, methods=["GET", "POST"])]
