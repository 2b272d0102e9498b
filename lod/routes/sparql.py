"""The SPARQL 1.1 Protocol endpoint: GET, POST form or POST ``application/sparql-query``.

Read-only (updates get 400), bounded (the query pool's time limit answers 503, at most
``max_results`` results with ``X-Psikg-Truncated`` when more existed), and with an HTML form and
result table for people."""

from __future__ import annotations

import json
from typing import NamedTuple
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..negotiation import ACCEPT_GRAPH, ACCEPT_RESULTS, HTML, accept_choice
from ..sparql import RDF_RESULT_FORMATS, RESULT_FORMATS
from ..web import plain, render_page, state

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
    """What a request asks: the query, its parameters and the graphs named in it."""

    query: str | None
    params: dict
    default_graph: list
    named_graphs: list


async def sparql(request: Request) -> Response:
    """Answer a SPARQL query (see the module documentation)."""
    asked = await _read_request(request)
    if isinstance(asked, Response):
        return asked
    server = state(request)
    accept = request.headers.get("accept")
    wants_html = accept_choice(accept, HTML, "") == "html"
    if not asked.query:
        if wants_html or request.method == "GET":
            return HTMLResponse(_page(server, ""), status_code=200 if wants_html else 400)
        return plain("missing query", 400)
    if len(asked.query.encode()) > MAX_QUERY_BYTES:
        return plain("query too long", 413)
    select_fmt, graph_fmt = _formats(asked.params.get("format", ""), accept)
    html_view = select_fmt == "html"
    reply = await server.pool.run(asked.query, "json" if html_view else select_fmt, graph_fmt,
                                  asked.default_graph or None, asked.named_graphs or None)
    return _answer(server, asked.query, reply, html_view)


async def _read_request(request: Request) -> _Asked | Response:
    """The query and its parameters from the URL and, for a POST, the body (an error answer when
    the request cannot be a read-only query)."""
    params = dict(request.query_params)
    asked = _Asked(params.get("query"), params, request.query_params.getlist("default-graph-uri"),
                   request.query_params.getlist("named-graph-uri"))
    if request.method == "POST":
        asked = await _read_post(request, asked)
        if isinstance(asked, Response):
            return asked
    if "update" in asked.params:
        return plain(_READ_ONLY, 400)
    return asked


async def _read_post(request: Request, asked: _Asked) -> _Asked | Response:
    """The query of a POST: from a form or the body itself; updates and other bodies refused."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if len(body) > MAX_QUERY_BYTES:
        return plain("query too long", 413)
    if ctype == "application/sparql-query":
        return asked._replace(query=body.decode("utf-8", errors="replace"))
    if ctype == "application/sparql-update":
        return plain(_READ_ONLY, 400)
    if ctype != "application/x-www-form-urlencoded":
        return plain(_UNSUPPORTED, 415)
    form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
    if "update" in form:
        return plain(_READ_ONLY, 400)
    params = dict(asked.params)
    if "format" in form:
        params["format"] = form["format"][0]
    return _Asked((form.get("query") or [None])[0], params,
                  asked.default_graph + form.get("default-graph-uri", []),
                  asked.named_graphs + form.get("named-graph-uri", []))


def _formats(fmt: str, accept: str | None) -> tuple[str, str]:
    """(format of SELECT/ASK results, format of CONSTRUCT/DESCRIBE results): ``format=`` first,
    else the ``Accept`` header."""
    select_fmt = fmt if fmt in RESULT_FORMATS or fmt == "html" else (
        accept_choice(accept, ACCEPT_RESULTS, "json") or "json")
    graph_fmt = fmt if fmt in RDF_RESULT_FORMATS else (accept_choice(accept, ACCEPT_GRAPH, "ttl") or "ttl")
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
