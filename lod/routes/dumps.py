"""The dumps: ``dump/psikg.{ttl,nt,jsonld,rdf,nq}``, each written on first request, and the same
files under their dated IRIs, ``dump/{date}/psikg.{…}`` (the date is the dataset's
``dcat:version``; only the current version is kept). Both carry validators (304 on a match)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..http import versioned_resource
from ..rdf import FORMATS
from ..web import cached_file, not_found, state

__all__ = ["ROUTES", "dump", "dated_dump"]

_BY_NAME = {f"psikg.{suffix}": fmt for fmt, (_, _, suffix) in FORMATS.items()}


def _serve(request: Request, name: str) -> Response:
    fmt = _BY_NAME[name]
    return cached_file(request, state(request).dump_path(fmt), FORMATS[fmt][1], name)


def dump(request: Request) -> Response:
    """A dump of the whole graph, written on first request and then served from the work folder."""
    name = request.path_params["name"]
    if name not in _BY_NAME:
        return not_found()
    return _serve(request, name)


def dated_dump(request: Request) -> Response:
    """A dump under its dated IRI (``dcat:downloadURL`` of the distributions)."""
    server = state(request)
    date, name = request.path_params["date"], request.path_params["name"]
    if versioned_resource(f"dump/{date}/{name}", ontology_version="", dump_version=server.dump_version,
                          dump_names=_BY_NAME) is None:
        return not_found(f"no dump {name} of version {date} is kept here; the current version is "
                         f"{server.dump_version}")
    return _serve(request, name)


ROUTES = [Route("/dump/{name}", dump), Route("/dump/{date}/{name}", dated_dump)]
