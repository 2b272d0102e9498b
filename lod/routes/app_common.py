"""What the app pages share: a page as data (:class:`AppPage`) answered as HTML, JSON or CSV (by a
``.json`` or ``.csv`` suffix or by ``Accept``, as datasette does), CSV cells that never become
formulas, and error pages that name the nearest ids."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from ...errors import PsikgError, UnknownIdError
from ..negotiation import accept_choice
from ...views.csv_safety import defuse_formula
from ..web import render_page, state

__all__ = ["AppPage", "split_suffix", "answer", "error_page", "guarded", "EXCEPTION_HANDLERS"]

_FORMATS = {"application/json": "json", "text/csv": "csv", "text/html": "html"}
_SUFFIXES = (".json", ".csv")


@dataclass
class AppPage:
    """One page as data: its HTML (a template and its context, or a finished page), its JSON and
    its CSV rows."""

    title: str
    data: dict
    rows: list[dict]
    template: str | None = None
    context: dict = field(default_factory=dict)
    html: str | None = None


def split_suffix(text: str) -> tuple[str, str | None]:
    """``bgd-sdg-tracker.json`` -> (``bgd-sdg-tracker``, ``json``)."""
    for suffix in _SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)], suffix[1:]
    return text, None


def _format(request: Request, suffix: str | None) -> str:
    return suffix or accept_choice(request.headers.get("accept"), _FORMATS, "html")


def _csv_cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: lists joined with ``;``, formulas defused."""
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(v) for v in value)
    return "" if value is None else defuse_formula(str(value))


def _csv(rows: list[dict]) -> str:
    columns = list(dict.fromkeys(c for row in rows for c in row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_cell(row.get(c)) for c in columns])
    return out.getvalue()


def answer(request: Request, page: AppPage, suffix: str | None) -> Response:
    """The page in the format asked for (``Vary: Accept`` when the suffix did not say)."""
    fmt = _format(request, suffix)
    headers = {} if suffix else {"Vary": "Accept"}
    if fmt == "json":
        body = json.dumps(page.data, ensure_ascii=False, indent=1, default=str)
        return Response(body, media_type="application/json", headers=headers)
    if fmt == "csv":
        return Response(_csv(page.rows), media_type="text/csv; charset=utf-8", headers=headers)
    if page.html is not None:
        return HTMLResponse(page.html, headers=headers)
    server = state(request)
    path = request.url.path
    alternates = [("application/json", f"{path}.json"), ("text/csv", f"{path}.csv")]
    return HTMLResponse(render_page(server, page.template, page.title, alternates=alternates,
                                    json_href=alternates[0][1], csv_href=alternates[1][1], **page.context),
                        headers=headers)


def error_page(request: Request, status: int, message: str, suggestions=()) -> Response:
    """An error as a page people can act on (the message, the nearest ids as (id, link) pairs, a
    search box), or as JSON or text for scripts."""
    fmt = accept_choice(request.headers.get("accept"), _FORMATS, "html")
    if fmt == "json":
        return JSONResponse({"error": message, "status": status,
                             "suggestions": [{"id": id_, "href": href} for id_, href in suggestions]},
                            status_code=status)
    if fmt != "html":
        return Response(message + "\n", status_code=status, media_type="text/plain")
    page = render_page(state(request), "app_error.html", f"{status}: {message}", status=status, message=message,
                       suggestions=list(suggestions))
    return HTMLResponse(page, status_code=status)


def guarded(handler):
    """Domain errors as error pages: an unknown id is 404 with the nearest ids, others 400."""

    async def route(request: Request) -> Response:
        try:
            return await handler(request)
        except UnknownIdError as error:
            return error_page(request, 404, str(error), _suggested(request, error))
        except (PsikgError, ValueError) as error:
            return error_page(request, 400, str(error))

    route.__name__ = handler.__name__
    route.__doc__ = handler.__doc__
    return route


def _suggested(request: Request, error: UnknownIdError) -> list[tuple[str, str]]:
    """(id, link) of the ids an unknown one resembles, on the page of the same kind."""
    mount = state(request).config.mount
    prefix = {"practice": "match/", "country": "country/", "event": "event/"}.get(error.kind)
    return [(s, f"{mount}{prefix}{s}" if prefix else f"{mount}?q={s}") for s in error.suggestions]


async def _not_found(request: Request, exc) -> Response:
    return error_page(request, getattr(exc, "status_code", 404), getattr(exc, "detail", None) or "not found")


async def _server_error(request: Request, exc) -> Response:
    return error_page(request, 500, "the server failed on this request; the log says why")


#: for the application: HTML error pages for unknown paths, wrong methods and failures
EXCEPTION_HANDLERS = {404: _not_found, 405: _not_found, 500: _server_error}
