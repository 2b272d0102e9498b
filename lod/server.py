"""``psikg serve``: the knowledge graph as linked data over HTTP (Starlette + uvicorn).

Paths are relative to the *mount* (``/`` by default), which stands for the IRI base: the thing
``{base}id/country/BGD`` is served at ``{mount}id/country/BGD``. Every other path is 404.

* ``id/{kind}/{id}``: a thing. It answers **303 See Other** to the document describing it,
  ``doc/{kind}/{id}.{html|ttl|nt|jsonld|rdf}``, chosen by the ``Accept`` header (Turtle for
  ``*/*``). ``doc/{kind}/{id}`` without a suffix negotiates directly (``Vary: Accept``). A
  document holds the thing's statements, its qualified links (``#factor-…``) and the statements
  that point to it. An unknown thing is 404.
* ``resource?iri=…``: the same document for any IRI in the graph that is not under the base (the
  SDG KOS goals, targets and indicators).
* ``sparql``: a SPARQL 1.1 Protocol endpoint (GET, POST form, POST ``application/sparql-query``).
  Results as SPARQL JSON, XML, CSV or TSV (graphs as Turtle, N-Triples, JSON-LD or RDF/XML), by
  ``Accept`` or ``format=``. It is read-only (updates get 400), never calls other endpoints
  (``SERVICE`` gets 400), and bounded: each query runs in a worker process that is killed after
  the time limit (503), and at most ``max_results`` results are returned (the header
  ``X-Psikg-Truncated: true`` says when more existed). CORS is open to every origin.
* ``dataset`` (also ``.well-known/void``): the DCAT/VoID description; ``dump/psikg.{ttl,nt,jsonld,rdf,nq}``:
  the dumps; ``ontology``, ``ontology/context.jsonld``, ``shapes``: the model.
* ``/``: the landing page, with search over practices, countries and success factors, and a link
  slot for the network view (``ServerConfig.network_view``).

The SPARQL store (an on-disk pyoxigraph copy of the export) and the dumps live in a work folder:
``{store file}.lod/{key}`` beside an embedded store (one key per base and dataset description),
reused by the next start while the store file, the base, the dataset description and the model are
unchanged (``stamp.json`` says what it was built from); a temporary folder for other stores. A
running server serves the graph as it was at start.

It binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, quote, urlencode

import pyoxigraph as ox

from .sparql import RDF_RESULT_FORMATS, RESULT_FORMATS, QueryRefused, format_results, query_prefixes, run_query

__all__ = ["ServerConfig", "LodServer", "create_app", "run"]

log = logging.getLogger(__name__)

RDF_MEDIA = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
_OX = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML}
_ACCEPT_DOC = {
    "text/html": "html", "application/xhtml+xml": "html",
    "text/turtle": "ttl", "application/x-turtle": "ttl", "text/n3": "ttl",
    "application/n-triples": "nt", "text/plain": "nt",
    "application/ld+json": "jsonld", "application/json": "jsonld",
    "application/rdf+xml": "rdf", "application/xml": "rdf", "text/xml": "rdf",
}
_ACCEPT_RESULTS = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv", "text/html": "html",
}
_ACCEPT_GRAPH = {
    "text/turtle": "ttl", "application/x-turtle": "ttl", "application/n-triples": "nt", "text/plain": "nt",
    "application/ld+json": "jsonld", "application/json": "jsonld", "application/rdf+xml": "xml",
    "application/xml": "xml", "text/html": "ttl",
}
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "https://schema.org/name",
          "http://purl.org/dc/terms/title", "http://www.w3.org/2000/01/rdf-schema#label",
          "http://xmlns.com/foaf/0.1/name")
MAX_QUERY_BYTES = 100_000
MAX_INCOMING = 500


@dataclass
class ServerConfig:
    """What ``psikg serve`` is told."""

    base: str = "https://w3id.org/psikg/"
    mount: str = "/"
    timeout: float = 10.0
    max_results: int = 10_000
    workers: int | None = None
    license: str | None = None
    publisher: str | None = None
    network_view: Callable[[Any], str] | None = None  # the network view page, from another module
    workdir: str | None = None  # where the on-disk SPARQL store and dumps go (default: a temp dir)

    def __post_init__(self):
        if not self.base.endswith(("/", "#")):
            self.base += "/"
        self.mount = "/" + self.mount.strip("/") + "/" if self.mount.strip("/") else "/"


def accept_choice(header: str | None, table: dict[str, str], default: str) -> str:
    """The best format for an ``Accept`` header (q-values honoured; ``*/*`` gives ``default``)."""
    if not header:
        return default
    best, best_q, best_pos = None, -1.0, 0
    for position, part in enumerate(header.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        q = 1.0
        for param in pieces[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
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


# SPARQL workers -----------------------------------------------------------------------------------


def _worker_main(conn, db_path: str, base: str, max_results: int) -> None:  # pragma: no cover - child
    store = ox.Store.read_only(db_path)
    while True:
        try:
            message = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        query, select_fmt, graph_fmt, default_graph, named_graphs = message
        try:
            results = run_query(store, query, base, allow_service=False, default_graph=default_graph,
                                named_graphs=named_graphs)
            fmt = graph_fmt if isinstance(results, ox.QueryTriples) else select_fmt
            answer = format_results(results, fmt, max_results)
            conn.send(("ok", answer.body, answer.media_type, answer.rows, answer.truncated))
        except QueryRefused as error:
            conn.send(("refused", str(error)))
        except Exception as error:  # evaluation errors surface while iterating
            conn.send(("error", f"{type(error).__name__}: {error}"))


class _Worker:
    def __init__(self, context, db_path: str, base: str, max_results: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, db_path, base, max_results), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


async def _readable(conn, timeout: float) -> bool:
    """Wait, without a thread, until a worker's answer can be read (False after ``timeout``)."""
    if conn.poll():
        return True
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    fd = conn.fileno()
    loop.add_reader(fd, lambda: ready.done() or ready.set_result(True))
    try:
        await asyncio.wait_for(ready, timeout)
        return True
    except asyncio.TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)


class QueryPool:
    """SPARQL queries run in worker processes; one that runs past the time limit is killed."""

    def __init__(self, db_path: str, base: str, size: int, timeout: float, max_results: int):
        self.db_path, self.base, self.size = db_path, base, max(1, size)
        self.timeout, self.max_results = timeout, max_results
        self._context = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue | None = None
        self._all: list[_Worker] = []

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self.db_path, self.base, self.max_results)
        self._all.append(worker)
        return worker

    async def start(self) -> None:
        self._idle = asyncio.Queue()
        for _ in range(self.size):
            self._idle.put_nowait(self._spawn())

    async def stop(self) -> None:
        for worker in self._all:
            await asyncio.to_thread(worker.kill)
        self._all.clear()

    async def run(self, query: str, select_fmt: str, graph_fmt: str, default_graph=None, named_graphs=None):
        """``("ok", body, media, rows, truncated)``, ``("refused", msg)``, ``("error", msg)``,
        ``("timeout", msg)`` or ``("busy", msg)``."""
        started = time.monotonic()
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except asyncio.TimeoutError:
            return ("busy", f"every query worker stayed busy for {self.timeout:g} s; try again later")
        remaining = max(0.05, self.timeout - (time.monotonic() - started))
        try:
            worker.conn.send((query, select_fmt, graph_fmt, default_graph, named_graphs))
            ready = await _readable(worker.conn, remaining)
            if ready:
                reply = worker.conn.recv()
                self._idle.put_nowait(worker)
                return reply
        except (EOFError, OSError, BrokenPipeError) as error:
            log.warning("query worker failed: %s", error)
            ready = False
        # Too slow (or dead): kill it and start another in its place.
        await asyncio.to_thread(worker.kill)
        if worker in self._all:
            self._all.remove(worker)
        self._idle.put_nowait(await asyncio.to_thread(self._spawn))
        return ("timeout", f"the query ran past the time limit of {self.timeout:g} s and was stopped")


# The application ----------------------------------------------------------------------------------


class LodServer:
    """The state behind the app: the graph, the on-disk SPARQL store, the dumps."""

    def __init__(self, store, config: ServerConfig):
        from .rdf import DatasetInfo, store_date

        self.store, self.config = store, config
        self.base = config.base
        from .sparql import default_workdir, prepare_sparql_store

        defaults = DatasetInfo()
        self.info = DatasetInfo(license=config.license or defaults.license,
                                publisher=config.publisher or defaults.publisher, modified=store_date(store))
        workdir = Path(config.workdir) if config.workdir else default_workdir(store)
        self._own_workdir = workdir is None
        self._root = workdir or Path(tempfile.mkdtemp(prefix="psikg-serve-"))
        self.db_path = prepare_sparql_store(store, self.base, self._root, self.info)
        self.workdir = Path(self.db_path).parent  # the dumps go beside the SPARQL store
        self.rdf = ox.Store.read_only(self.db_path)
        self.pool = QueryPool(self.db_path, self.base, config.workers or os.cpu_count() or 2, config.timeout,
                              config.max_results)
        self._dump_lock = threading.Lock()
        self.search_index = self._search_index()
        self.counts = store.counts()

    def close(self) -> None:
        self.rdf = None
        if self._own_workdir:
            shutil.rmtree(self._root, ignore_errors=True)

    # Search ----------------------------------------------------------------------------------

    def _search_index(self) -> list[tuple[str, str, str, str]]:
        """(kind, id, label, text to search) for practices, countries and success factors."""
        fields = {"practice": ("title", ("title", "description", "problem")),
                  "country": ("name", ("iso2", "name", "region", "subregion")),
                  "factor": ("label", ("label", "definition"))}
        rows = []
        for kind, (label_field, searched) in fields.items():
            for id_, props in self.store.nodes(kind):
                label = str(props.get(label_field) or id_)
                text = " ".join(str(props[f]) for f in searched if props.get(f))
                rows.append((kind, id_, label, f"{id_} {text}"))
        return sorted(rows, key=lambda r: (r[0], r[2].lower()))

    def search(self, text: str, limit: int = 50) -> list[dict]:
        words = [w for w in text.lower().split() if w]
        if not words:
            return []
        found = []
        for kind, id_, label, body in self.search_index:
            haystack = body.lower()
            if all(w in haystack for w in words):
                in_label = all(w in label.lower() or w == id_.lower() for w in words)
                found.append((0 if in_label else 1, kind, label.lower(), id_, label))
        found.sort()
        return [{"kind": k, "id": i, "label": lab, "iri": self.iri(k, i), "path": self.local_path(k, i)}
                for _, k, _, i, lab in found[:limit]]

    # IRIs ------------------------------------------------------------------------------------

    def iri(self, kind: str, id_: str) -> str:
        from .rdf import node_iri

        return node_iri(kind, id_, self.base)

    def local_path(self, kind: str, id_: str) -> str:
        return f"{self.config.mount}id/{kind}/{quote(id_, safe='-._~')}"

    def href(self, iri: str) -> str:
        """Where a page links for an IRI: a local path under the base, the resource view for
        another IRI the graph describes, else the IRI itself."""
        if iri.startswith(self.base):
            return self.config.mount + iri[len(self.base):]
        if self.describes(iri):
            return f"{self.config.mount}resource?{urlencode({'iri': iri})}"
        return iri

    def describes(self, iri: str) -> bool:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return False
        return next(iter(self.rdf.quads_for_pattern(node, None, None, ox.DefaultGraph())), None) is not None

    def label(self, iri: str) -> str | None:
        node = ox.NamedNode(iri)
        for predicate in LABELS:
            for quad in self.rdf.quads_for_pattern(node, ox.NamedNode(predicate), None, None):
                return quad.object.value
        return None

    # Descriptions ----------------------------------------------------------------------------

    def description(self, iri: str) -> tuple[list, list]:
        """(statements about the IRI and its hash-qualified nodes, statements pointing to it)."""
        node = ox.NamedNode(iri)
        default = ox.DefaultGraph()
        out = [q.triple for q in self.rdf.quads_for_pattern(node, None, None, default)]
        for triple in list(out):
            obj = triple.object
            if isinstance(obj, ox.NamedNode) and obj.value.startswith(iri + "#"):
                out += [q.triple for q in self.rdf.quads_for_pattern(obj, None, None, default)]
        incoming = []
        for quad in self.rdf.quads_for_pattern(None, None, node, default):
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(iri + "#"):
                continue
            incoming.append(quad.triple)
            if len(incoming) >= MAX_INCOMING:
                break
        return out, incoming

    def rdf_document(self, triples: list, fmt: str) -> bytes:
        from .rdf import write_jsonld
        from ..ontology.owl import namespaces

        if fmt == "jsonld":
            import io

            buffer = io.BytesIO()
            write_jsonld(sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))),
                         buffer, self.base)
            return buffer.getvalue()
        prefixes = {**namespaces(self.base), "xsd": "http://www.w3.org/2001/XMLSchema#",
                    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"} if fmt != "nt" else None
        return ox.serialize(triples, format=_OX[fmt], prefixes=prefixes)

    def dump_path(self, fmt: str) -> Path:
        """The dump in ``fmt`` (``ttl``, ``nt``, ``jsonld``, ``xml``, ``nq``), written on first use."""
        from .rdf import FORMATS, export

        path = self.workdir / f"psikg.{FORMATS[fmt][2]}"
        with self._dump_lock:
            if not path.exists():
                fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=self.workdir)
                os.close(fd)
                try:
                    export(self.store, tmp, fmt, self.base, info=self.info)
                    os.replace(tmp, path)
                finally:
                    if os.path.exists(tmp):
                        os.unlink(tmp)
        return path


def _page(title: str, body: str, server: LodServer, alternates: list[tuple[str, str]] = ()) -> str:
    mount = server.config.mount
    links = "".join(f'<link rel="alternate" type="{html.escape(t)}" href="{html.escape(h)}">' for t, h in alternates)
    network = (f'<a href="{mount}network">Network view</a>' if server.config.network_view
               else '<span class="muted" title="the network view is not installed">Network view</span>')
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} · psikg</title>{links}
<style>
body{{font-family:system-ui,sans-serif;max-width:72rem;margin:1rem auto;padding:0 1rem;color:#222}}
nav a,nav span{{margin-right:1rem}} .muted{{color:#888}} table{{border-collapse:collapse;width:100%}}
td,th{{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}}
th{{width:14rem;font-weight:600}} code{{font-size:.9em}} input[type=search]{{width:24rem;padding:.3rem}}
.kind{{color:#666;font-size:.85em}} textarea{{width:100%;font-family:monospace}}
</style></head><body>
<nav><a href="{mount}">psikg</a><a href="{mount}dataset">Dataset</a><a href="{mount}sparql">SPARQL</a>
<a href="{mount}ontology">Ontology</a>{network}</nav>
<form action="{mount}" method="get" role="search"><input type="search" name="q" placeholder="Search practices, countries, factors" aria-label="Search"> <button>Search</button></form>
{body}
</body></html>"""


def create_app(store, config: ServerConfig | None = None):
    """The Starlette application serving ``store`` (see the module documentation)."""
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.requests import Request
    from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
    from starlette.routing import Mount, Route

    from .rdf import FORMATS, dataset_iri, parse_node_iri

    config = config or ServerConfig()
    server = LodServer(store, config)
    mount = config.mount

    def not_found(message: str = "not found") -> Response:
        return PlainTextResponse(message + "\n", status_code=404)

    def render_term(term) -> str:
        if isinstance(term, ox.NamedNode):
            label = server.label(term.value)
            text = html.escape(label) if label else f"<code>{html.escape(term.value)}</code>"
            return f'<a href="{html.escape(server.href(term.value))}">{text}</a>'
        if isinstance(term, ox.Literal):
            suffix = ""
            if term.language:
                suffix = f' <span class="kind">@{html.escape(term.language)}</span>'
            elif term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                suffix = f' <span class="kind">{html.escape(term.datatype.value.rsplit("#", 1)[-1])}</span>'
            return html.escape(term.value) + suffix
        return html.escape(str(term))

    def short(iri: str) -> str:
        for prefix, ns in query_prefixes(server.base).items():
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def html_document(iri: str, triples: list, incoming: list, link: Callable[[str], str]) -> str:
        title = server.label(iri) or iri
        rows = []
        by_subject: dict[str, list] = {}
        for t in triples:
            by_subject.setdefault(t.subject.value, []).append(t)
        for subject in sorted(by_subject, key=lambda s: (s != iri, s)):
            if subject != iri:
                rows.append(f'<tr><th colspan="2" id="{html.escape(subject.split("#", 1)[-1])}">'
                            f"<code>#{html.escape(subject.split('#', 1)[-1])}</code></th></tr>")
            for t in sorted(by_subject[subject], key=lambda t: (t.predicate.value, str(t.object))):
                rows.append(f'<tr><th><a href="{html.escape(server.href(t.predicate.value))}">'
                            f"{html.escape(short(t.predicate.value))}</a></th><td>{render_term(t.object)}</td></tr>")
        back = [f"<tr><td>{render_term(t.subject)}</td><th>{html.escape(short(t.predicate.value))}</th></tr>"
                for t in sorted(incoming, key=lambda t: (t.predicate.value, t.subject.value))]
        formats = " · ".join(f'<a href="{html.escape(link(ext))}">{name}</a>' for ext, name in
                             (("ttl", "Turtle"), ("nt", "N-Triples"), ("jsonld", "JSON-LD"), ("rdf", "RDF/XML")))
        body = (f"<h1>{html.escape(title)}</h1><p><code>{html.escape(iri)}</code></p><p>{formats}</p>"
                f"<table>{''.join(rows)}</table>")
        if back:
            body += f"<h2>Linked from</h2><table>{''.join(back)}</table>"
        return _page(title, body, server, [(RDF_MEDIA[e], link(e)) for e in RDF_MEDIA])

    def suffixed(doc_base: str) -> Callable[[str], str]:
        return lambda ext: f"{doc_base}.{ext}"

    def document(iri: str, fmt: str, link: Callable[[str], str]) -> Response:
        triples, incoming = server.description(iri)
        if not triples:
            return not_found(f"nothing is known about {iri}")
        headers = {"Vary": "Accept", "Link": f'<{iri}>; rel="describes"'}
        if fmt == "html":
            return HTMLResponse(html_document(iri, triples, incoming, link), headers=headers)
        body = server.rdf_document(triples + incoming, fmt)
        return Response(body, media_type=RDF_MEDIA[fmt], headers=headers)

    def thing_iri(request: Request) -> str | None:
        kind, id_ = request.path_params["kind"], request.path_params["id"]
        iri = f"{server.base}id/{kind}/{quote(id_, safe='-._~')}"
        parsed = parse_node_iri(iri, server.base)
        return iri if parsed is not None and server.describes(iri) else None

    async def thing(request: Request) -> Response:
        iri = thing_iri(request)
        if iri is None:
            return not_found()
        fmt = accept_choice(request.headers.get("accept"), _ACCEPT_DOC, "ttl")
        if not fmt:
            return PlainTextResponse("406 not acceptable: ask for text/html, text/turtle, application/n-triples, "
                                     "application/ld+json or application/rdf+xml\n", status_code=406)
        tail = request.url.path[len(mount):].split("/", 1)[1]
        return RedirectResponse(f"{mount}doc/{tail}.{fmt}", status_code=303, headers={"Vary": "Accept"})

    async def doc(request: Request) -> Response:
        kind, id_ = request.path_params["kind"], request.path_params["id"]
        fmt = None
        for ext in ("html", "ttl", "nt", "jsonld", "rdf"):
            if id_.endswith("." + ext):
                id_, fmt = id_[: -len(ext) - 1], ext
                break
        iri = f"{server.base}id/{kind}/{quote(id_, safe='-._~')}"
        if parse_node_iri(iri, server.base) is None:
            return not_found()
        if fmt is None:
            fmt = accept_choice(request.headers.get("accept"), _ACCEPT_DOC, "ttl") or "ttl"
        return document(iri, fmt, suffixed(f"{mount}doc/{kind}/{quote(id_, safe='-._~')}"))

    async def resource(request: Request) -> Response:
        iri = request.query_params.get("iri", "")
        if not iri or not server.describes(iri):
            return not_found()
        fmt = request.query_params.get("format") or accept_choice(request.headers.get("accept"), _ACCEPT_DOC, "ttl")
        if fmt not in ("html", *RDF_MEDIA):
            fmt = "ttl"
        return document(iri, fmt, lambda ext: f"{mount}resource?{urlencode({'iri': iri, 'format': ext})}")

    async def landing(request: Request) -> Response:
        text = request.query_params.get("q", "").strip()
        if request.query_params.get("format") == "json" or (
                accept_choice(request.headers.get("accept"), {"application/json": "json", "text/html": "html"}, "html")
                == "json"):
            return JSONResponse({"query": text, "results": server.search(text)})
        counts = server.counts.get("nodes_by_kind", {})
        parts = []
        if text:
            found = server.search(text)
            items = "".join(f'<li><span class="kind">{r["kind"]}</span> <a href="{html.escape(r["path"])}">'
                            f'{html.escape(r["label"])}</a> <code class="muted">{html.escape(r["id"])}</code></li>'
                            for r in found)
            parts.append(f'<h2>Results for “{html.escape(text)}”</h2><ul id="results">{items}</ul>'
                         if found else f'<h2>Results for “{html.escape(text)}”</h2><p id="results">Nothing found.</p>')
        stats = "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in sorted(counts.items()))
        dumps = " · ".join(f'<a href="{mount}dump/psikg.{FORMATS[f][2]}">{f}</a>' for f in FORMATS)
        from ..cli_lod import SPARQL_DIR

        examples = "".join(
            f'<li><a href="{mount}sparql?{urlencode({"query": p.read_text(encoding="utf-8")})}">{html.escape(p.stem)}</a></li>'
            for p in sorted(SPARQL_DIR.glob("*.rq")))
        body = (f"<h1>psikg linked data</h1><p>A knowledge graph of public-service innovations and their transfer "
                f"between countries. Things are named <code>{html.escape(server.base)}id/{{kind}}/{{id}}</code>; "
                f"SDG goals, targets and indicators are the UN SDG KOS concepts.</p>{''.join(parts)}"
                f"<h2>Data</h2><p>Dumps: {dumps}. <a href=\"{mount}dataset\">Dataset description</a> (DCAT, VoID). "
                f"<a href=\"{mount}sparql\">SPARQL endpoint</a>. <a href=\"{mount}ontology\">Ontology</a> · "
                f"<a href=\"{mount}ontology/context.jsonld\">JSON-LD context</a> · <a href=\"{mount}shapes\">SHACL shapes</a>.</p>"
                f"<h2>Example queries</h2><ul>{examples}</ul><h2>Contents</h2><table>{stats}</table>")
        return HTMLResponse(_page("psikg linked data", body, server))

    async def dataset(request: Request) -> Response:
        fmt = accept_choice(request.headers.get("accept"), _ACCEPT_DOC, "ttl") or "ttl"
        return document(dataset_iri(server.base), fmt, suffixed(f"{mount}dataset"))

    async def dataset_suffix(request: Request) -> Response:
        fmt = request.path_params["ext"]
        if fmt not in ("html", *RDF_MEDIA):
            return not_found()
        return document(dataset_iri(server.base), fmt, suffixed(f"{mount}dataset"))

    def dump(request: Request) -> Response:
        name = request.path_params["name"]
        by_suffix = {f"psikg.{suffix}": fmt for fmt, (_, _, suffix) in FORMATS.items()}
        if name not in by_suffix:
            return not_found()
        fmt = by_suffix[name]
        return FileResponse(server.dump_path(fmt), media_type=FORMATS[fmt][1], filename=name)

    rendered: dict[str, Response] = {}  # the model's documents, rendered once

    async def ontology(request: Request) -> Response:
        fmt = accept_choice(request.headers.get("accept"), _ACCEPT_DOC, "ttl") or "ttl"
        if f"ontology.{fmt}" not in rendered:
            rendered[f"ontology.{fmt}"] = render_ontology(fmt)
        cached = rendered[f"ontology.{fmt}"]
        return Response(cached.body, status_code=cached.status_code, media_type=cached.media_type,
                        headers={"Vary": "Accept"})

    def render_ontology(fmt: str) -> Response:
        from ..ontology.owl import ontology_graph

        graph = ontology_graph(server.base)
        if fmt == "html":
            from rdflib.namespace import OWL, RDF, RDFS, SKOS

            rows = []
            for kind_of, name in ((OWL.Class, "Classes"), (OWL.ObjectProperty, "Object properties"),
                                  (OWL.DatatypeProperty, "Datatype properties")):
                terms = sorted(str(s) for s in graph.subjects(RDF.type, kind_of) if str(s).startswith(server.base))
                rows.append(f"<h2>{name}</h2><table>")
                for term in terms:
                    anchor = term.rsplit("#", 1)[-1]
                    definition = graph.value(graph.resource(term).identifier, SKOS.definition) or ""
                    label = graph.value(graph.resource(term).identifier, RDFS.label) or anchor
                    rows.append(f'<tr id="{html.escape(anchor)}"><th><code>psikg:{html.escape(anchor)}</code></th>'
                                f"<td>{html.escape(str(label))}: {html.escape(str(definition))}</td></tr>")
                rows.append("</table>")
            return HTMLResponse(_page("psikg ontology", "<h1>psikg ontology</h1>" + "".join(rows), server),
                                headers={"Vary": "Accept"})
        rdflib_format = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}[fmt]
        return Response(graph.serialize(format=rdflib_format, encoding="utf-8"), media_type=RDF_MEDIA[fmt],
                        headers={"Vary": "Accept"})

    async def context(request: Request) -> Response:
        from ..ontology.context import context_text

        if "context" not in rendered:
            rendered["context"] = Response(context_text(server.base), media_type="application/ld+json")
        return Response(rendered["context"].body, media_type="application/ld+json")

    async def shapes(request: Request) -> Response:
        from ..ontology.owl import shapes_graph

        if "shapes" not in rendered:
            rendered["shapes"] = Response(shapes_graph(server.base).serialize(format="turtle", encoding="utf-8"),
                                          media_type="text/turtle")
        return Response(rendered["shapes"].body, media_type="text/turtle")

    async def well_known_void(request: Request) -> Response:
        return RedirectResponse(f"{mount}dataset", status_code=303)

    def network(request: Request) -> Response:
        if config.network_view is None:
            return not_found("the network view is not available")
        return HTMLResponse(config.network_view(store))

    async def sparql(request: Request) -> Response:
        params = dict(request.query_params)
        default_graph = request.query_params.getlist("default-graph-uri")
        named_graphs = request.query_params.getlist("named-graph-uri")
        query = params.get("query")
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body = await request.body()
            if len(body) > MAX_QUERY_BYTES:
                return PlainTextResponse("query too long\n", status_code=413)
            if ctype == "application/x-www-form-urlencoded":
                form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
                if "update" in form:
                    return PlainTextResponse("updates are not allowed: the SPARQL endpoint is read-only\n",
                                             status_code=400)
                query = (form.get("query") or [None])[0]
                default_graph += form.get("default-graph-uri", [])
                named_graphs += form.get("named-graph-uri", [])
                if "format" in form:
                    params["format"] = form["format"][0]
            elif ctype == "application/sparql-query":
                query = body.decode("utf-8", errors="replace")
            elif ctype == "application/sparql-update":
                return PlainTextResponse("updates are not allowed: the SPARQL endpoint is read-only\n", status_code=400)
            else:
                return PlainTextResponse("POST a query as application/x-www-form-urlencoded (query=...) or "
                                         "application/sparql-query\n", status_code=415)
        if "update" in params:
            return PlainTextResponse("updates are not allowed: the SPARQL endpoint is read-only\n", status_code=400)
        accept = request.headers.get("accept")
        wants_html = accept_choice(accept, {"text/html": "html", "application/xhtml+xml": "html"}, "") == "html"
        if not query:
            if wants_html or request.method == "GET":
                return HTMLResponse(_page("SPARQL", _sparql_form("", mount), server),
                                    status_code=200 if wants_html else 400)
            return PlainTextResponse("missing query\n", status_code=400)
        if len(query.encode()) > MAX_QUERY_BYTES:
            return PlainTextResponse("query too long\n", status_code=413)
        fmt = params.get("format", "")
        select_fmt = fmt if fmt in RESULT_FORMATS or fmt == "html" else (
            accept_choice(accept, _ACCEPT_RESULTS, "json") or "json")
        graph_fmt = fmt if fmt in RDF_RESULT_FORMATS else (accept_choice(accept, _ACCEPT_GRAPH, "ttl") or "ttl")
        if fmt in ("ttl", "nt", "jsonld") and select_fmt not in RESULT_FORMATS:
            select_fmt = "json"
        html_view = select_fmt == "html"
        reply = await server.pool.run(query, "json" if html_view else select_fmt, graph_fmt, default_graph or None,
                                      named_graphs or None)
        status = reply[0]
        if status == "refused":
            return PlainTextResponse(reply[1] + "\n", status_code=400)
        if status == "error":
            return PlainTextResponse(reply[1] + "\n", status_code=400)
        if status in ("timeout", "busy"):
            return PlainTextResponse(reply[1] + "\n", status_code=503, headers={"Retry-After": "5"})
        _, body, media, rows, truncated = reply
        headers = {"X-Psikg-Result-Limit": str(config.max_results), "Vary": "Accept"}
        if truncated:
            headers["X-Psikg-Truncated"] = "true"
        if html_view and media == RESULT_FORMATS["json"]:
            return HTMLResponse(_page("SPARQL", _sparql_form(query, mount) + _results_html(body, truncated, server),
                                      server), headers=headers)
        return Response(body, media_type=media, headers=headers)

    routes = [
        Route("/", landing),
        Route("/id/{kind}/{id}", thing),
        Route("/doc/{kind}/{id}", doc),
        Route("/resource", resource),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/dataset", dataset),
        Route("/dataset.{ext}", dataset_suffix),
        Route("/.well-known/void", well_known_void),
        Route("/dump/{name}", dump),
        Route("/ontology", ontology),
        Route("/ontology/context.jsonld", context),
        Route("/shapes", shapes),
        Route("/network", network),
    ]
    if mount != "/":
        routes = [Mount(mount.rstrip("/"), routes=routes)]

    @asynccontextmanager
    async def lifespan(app):
        await server.pool.start()
        try:
            yield
        finally:
            await server.pool.stop()
            server.close()

    middleware = [Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "OPTIONS"],
                             allow_headers=["*"], expose_headers=["X-Psikg-Truncated", "X-Psikg-Result-Limit", "Link"])]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.lod = server
    return app


def _sparql_form(query: str, mount: str) -> str:
    default = query or "SELECT ?practice ?title WHERE {\n  ?practice a psikg:Practice ; dcterms:title ?title .\n} LIMIT 20"
    return (f'<h1>SPARQL</h1><form action="{mount}sparql" method="get"><textarea name="query" rows="10">'
            f'{html.escape(default)}</textarea><br><select name="format"><option value="html">HTML table</option>'
            '<option value="json">SPARQL JSON</option><option value="xml">SPARQL XML</option>'
            '<option value="csv">CSV</option><option value="tsv">TSV</option></select> <button>Run</button></form>'
            "<p>Read-only SPARQL 1.1; common prefixes (psikg:, dcterms:, skos:, schema:, org:, sdgo:, sdg:, id:) "
            "are predeclared.</p>")


def _results_html(body: bytes, truncated: bool, server: LodServer) -> str:
    data = json.loads(body)
    if "boolean" in data:
        return f"<p>{'yes' if data['boolean'] else 'no'}</p>"
    variables = data["head"]["vars"]
    rows = []
    for binding in data["results"]["bindings"]:
        cells = []
        for v in variables:
            term = binding.get(v)
            if term is None:
                cells.append("<td></td>")
            elif term["type"] == "uri":
                cells.append(f'<td><a href="{html.escape(server.href(term["value"]))}">{html.escape(term["value"])}</a></td>')
            else:
                cells.append(f"<td>{html.escape(term['value'])}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f"<th>{html.escape(v)}</th>" for v in variables)
    note = "<p>Only the first results are shown (the result limit).</p>" if truncated else ""
    return f"<table><tr>{head}</tr>{''.join(rows)}</table><p>{len(rows)} result(s)</p>{note}"


def run(store, config: ServerConfig, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted."""
    import uvicorn

    app = create_app(store, config)
    log.info("serving %s at http://%s:%d%s", config.base, host, port, config.mount)
    print(f"psikg: serving {config.base} at http://{host}:{port}{config.mount} (Ctrl-C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
