"""The dumps: ``dump/psikg.{ttl,nt,jsonld,rdf,nq}``, each written on first request."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from ..rdf import FORMATS
from ..web import not_found, state

__all__ = ["ROUTES", "dump"]

_BY_NAME = {f"psikg.{suffix}": fmt for fmt, (_, _, suffix) in FORMATS.items()}


def dump(request: Request) -> Response:
    """A dump of the whole graph, written on first request and then served from the work folder."""
    name = request.path_params["name"]
    if name not in _BY_NAME:
        return not_found()
    fmt = _BY_NAME[name]
    return FileResponse(state(request).dump_path(fmt), media_type=FORMATS[fmt][1], filename=name)


ROUTES = [Route("/dump/{name}", dump)]
