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
  ``X-Psikg-Truncated: true`` says when more existed). A query still running after
  ``light_time`` seconds is heavy; at most ``workers - 1`` may be heavy at once, so heavy queries
  never take every worker from light ones (:mod:`psikg.lod.query_pool`). A POST body is read with a
  limit as it streams (413 past 100 KB).
* ``dataset`` (also ``.well-known/void``): the DCAT/VoID description; ``dump/psikg.{ttl,nt,jsonld,rdf,nq}``:
  the dumps; ``ontology``, ``ontology/context.jsonld``, ``shapes``: the model.
* ``match/{practice}``, ``worksheet/{practice}/{country}``, ``event/{event}`` (and ``/report``),
  ``partnerships``, ``country/{country}``, ``present``: the secretariat's pages
  (:mod:`psikg.lod.routes.app`), each also as JSON and CSV; unknown paths get an HTML 404 page.
* ``workshop``: only with ``ServerConfig.workshop`` (``psikg serve --workshop EVENT``), the one
  place the server writes (:mod:`psikg.lod.workshop` says who may).
* ``/``: the landing page, with search over practices, countries and success factors, and a link
  slot for the network view (``ServerConfig.network_view``).
* ``network``: the network view, drawn before the server answers its first request: the
  transfer map, or its summary for a large network (the largest flows between countries;
  ``?view=``, ``?region=``, ``?goal=``, ``?theme=`` ask for another view or a filter).

The SPARQL store (an on-disk pyoxigraph copy of the export) and the dumps live in a work folder:
``{store file}.lod/{key}`` beside an embedded store (one key per base and dataset description),
reused by the next start while the store file, the base, the dataset description and the model are
unchanged (``stamp.json`` says what it was built from); a temporary folder for other stores. A
running server serves the graph as it was at start.

It binds to 127.0.0.1 unless told otherwise. The default policy is open and read-only: CORS allows
every origin (``cors_origins=("*",)``; GET, POST and OPTIONS, no credentials) and any ``Host`` is
answered (``allowed_hosts=("*",)``); both are configurable (``psikg serve --cors-origin``,
``--allowed-host``): an empty ``cors_origins`` sends no CORS headers, and a request whose ``Host``
is not allowed gets 400. The routes live in :mod:`psikg.lod.routes` (one module
per concern), the state they share in :mod:`psikg.lod.site`, the pages in ``lod/templates``.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Callable

from .site import LodServer

__all__ = ["ServerConfig", "LodServer", "create_app", "run"]

log = logging.getLogger(__name__)


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
    light_time: float = 0.5  # seconds after which a SPARQL query counts as heavy
    cors_origins: tuple[str, ...] = ("*",)  # origins allowed to read answers from scripts; () for none
    allowed_hosts: tuple[str, ...] = ("*",)  # Host headers answered (e.g. "kg.example.org"); others 400
    workshop: Any = None  # a psikg.lod.workshop.WorkshopConfig: the workshop pages, the only writers

    def __post_init__(self):
        if not self.base.endswith(("/", "#")):
            self.base += "/"
        self.mount = "/" + self.mount.strip("/") + "/" if self.mount.strip("/") else "/"


def create_app(store, config: ServerConfig | None = None):
    """The Starlette application serving ``store`` (see the module documentation)."""
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from .routes import ROUTES
    from .routes import app as app_pages
    from .routes.app_common import EXCEPTION_HANDLERS

    config = config or ServerConfig()
    _prepare_sparql_store_apart(store, config)
    server = LodServer(store, config)
    routes = [*app_pages.ROUTES, *ROUTES]
    if config.workshop is not None:
        from .routes import workshop

        routes = [*workshop.ROUTES, *routes]
    if config.mount != "/":
        routes = [Mount(config.mount.rstrip("/"), routes=routes)]
    app = Starlette(routes=routes, middleware=_middleware(config), lifespan=_lifespan(server),
                    exception_handlers=EXCEPTION_HANDLERS)
    app.state.lod = server
    return app


def _prepare_sparql_store_apart(store, config: ServerConfig) -> None:
    """Build the on-disk SPARQL store of an embedded store in a child process, which hands the
    memory of the export and the bulk load back when it ends: the server keeps only what it
    serves. The server then finds the store up to date (a failure here leaves it to the server)."""
    import multiprocessing

    from .sparql import default_workdir

    workdir = config.workdir or default_workdir(store)
    if workdir is None or getattr(store, "path", None) is None:
        return
    child = multiprocessing.get_context("spawn").Process(
        target=_prepare_sparql_store, args=(str(store.path), config.base, str(workdir), config.license,
                                            config.publisher), name="psikg-sparql-store")
    child.start()
    child.join()
    if child.exitcode != 0:
        log.warning("building the SPARQL store in a child process failed (exit code %s); building it here",
                    child.exitcode)


def _prepare_sparql_store(path: str, base: str, workdir: str, license: str | None, publisher: str | None) -> None:
    """In the child: the SPARQL store as :class:`LodServer` asks for it (same base and description)."""
    from ..graph.store import open_store
    from .site import served_info
    from .sparql import prepare_sparql_store

    store = open_store(path)
    prepare_sparql_store(store, base, workdir, served_info(store, license, publisher))
    store.close()


def _middleware(config: ServerConfig) -> list:
    """The Host check and the CORS policy the configuration asks for."""
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware

    middleware = []
    if tuple(config.allowed_hosts) != ("*",):
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts)))
    if config.cors_origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=list(config.cors_origins),
                                     allow_methods=["GET", "POST", "OPTIONS"], allow_headers=["*"],
                                     expose_headers=["X-Psikg-Truncated", "X-Psikg-Result-Limit", "Link", "ETag"]))
    return middleware


def _lifespan(server: LodServer):
    """The query workers start with the app and stop with it; the work folder goes with them."""

    @asynccontextmanager
    async def lifespan(app):
        await server.pool.start()
        if server.config.network_view is not None:  # before the first request: /network finds it drawn
            await asyncio.get_running_loop().run_in_executor(None, _draw_network_page, server)
        try:
            yield
        finally:
            await server.pool.stop()
            server.close()

    return lifespan


def _draw_network_page(server: LodServer) -> None:
    """Draw the default network page (and read the catalog it needs) while the server starts."""
    from .routes.pages import draw_network

    try:
        draw_network(server)
    except Exception:  # noqa: BLE001 - the request will say what failed; the server must start
        log.exception("drawing the network page at start failed")


def run(store, config: ServerConfig, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted."""
    import uvicorn

    app = create_app(store, config)
    log.info("serving %s at http://%s:%d%s", config.base, host, port, config.mount)
    print(f"psikg: serving {config.base} at http://{host}:{port}{config.mount} (Ctrl-C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
