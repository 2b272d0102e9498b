"""The workshop page (``psikg serve --workshop EVENT``): pick a practice and a participant, see the
match and the worksheet, record an opportunity or a follow-up step with one click. Registered only
in workshop mode; who may write is decided in :mod:`psikg.lod.workshop`."""

from __future__ import annotations

import dataclasses
import datetime
import hmac
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ...errors import PsikgError
from ..web import render_page, state
from ..workshop import COOKIE, csrf_ok, has_session, is_loopback
from .app_common import error_page

__all__ = ["ROUTES", "workshop_page", "record_opportunity", "record_step"]


def _config(request: Request):
    return state(request).config.workshop


def _refused(request: Request) -> Response | None:
    """403 unless the request is from this machine and holds the session."""
    if not is_loopback(request):
        return error_page(request, 403, "the workshop answers only on this machine (127.0.0.1)")
    if not has_session(request, _config(request)):
        return error_page(request, 403, "open the workshop with the link and token printed when the server started")
    return None


def _here(request: Request, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v})
    return f"{state(request).config.mount}workshop" + (f"?{query}" if query else "")


async def workshop_page(request: Request) -> Response:
    """The facilitator's page; ``?token=`` (once) opens the session and redirects to a clean URL."""
    config = _config(request)
    token = request.query_params.get("token")
    if token is not None and is_loopback(request) and hmac.compare_digest(token, config.token):
        response = RedirectResponse(_here(request), status_code=303)
        response.set_cookie(COOKIE, config.session, httponly=True, samesite="strict",
                            path=state(request).config.mount)
        return response
    refused = _refused(request)
    if refused is not None:
        return refused
    try:
        context = _context(request, config.event)
    except PsikgError as error:
        return error_page(request, 400, str(error))
    page = render_page(state(request), "workshop.html", f"Workshop: {context['event'].name}", csrf=config.csrf,
                       done=request.query_params.get("done", ""), **context)
    return HTMLResponse(page, headers={"Cache-Control": "no-store"})


def _context(request: Request, event_id: str) -> dict:
    """What the page shows: the event's matchmaking, and the chosen practice and participant."""
    from ...ontology.lifecycle import allowed_transitions
    from ...queries.matchmake import matchmake

    catalog = state(request).store.catalog()
    result = matchmake(catalog, event_id)
    practice = request.query_params.get("practice", "")
    country = request.query_params.get("country", "")
    practices = sorted({o.practice for o in result.opportunities} | _event_transfers(catalog, result, "practice"))
    chosen = next((o for o in result.opportunities if o.practice == practice and o.importer == country), None)
    recorded = next((t for t in catalog.transfers.values() if t.practice == practice and t.importer == country), None)
    return {"event": catalog.events[result.event], "result": result, "practice": practice, "country": country,
            "practices": [(p, catalog.practices[p].title) for p in practices if p in catalog.practices],
            "participants": [(c, catalog.countries[c].name if c in catalog.countries else c)
                             for c in result.participants],
            "chosen": chosen, "recorded": recorded,
            "next_statuses": allowed_transitions(recorded.status) if recorded else (),
            "pairs": [o for o in result.opportunities if not practice or o.practice == practice][:40]}


def _event_transfers(catalog, result, field: str) -> set:
    """The practices (or ids) of transfers between the event's participants or recorded at it."""
    members = set(result.participants)
    return {getattr(t, field) for t in catalog.transfers.values()
            if t.event == result.event or (t.exporter in members and t.importer in members)}


MAX_FORM_BYTES = 16_384


async def _form(request: Request) -> dict | None:
    """The urlencoded form of a write (the only kind the page sends), or None when it is not one."""
    from urllib.parse import parse_qsl

    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20))
    except (UnicodeDecodeError, ValueError):
        return None


async def _checked_form(request: Request):
    """The form of a write, or the refusal: loopback, session, CSRF value and origin."""
    refused = _refused(request)
    if refused is not None:
        return None, refused
    form = await _form(request)
    if form is None:
        return None, error_page(request, 400, f"a workshop form is urlencoded and under {MAX_FORM_BYTES} bytes")
    if not csrf_ok(request, _config(request), form):
        return None, error_page(request, 403, "the form's CSRF value or origin is wrong; reload the workshop page")
    return form, None


async def record_opportunity(request: Request) -> Response:
    """Save the chosen pair as an opportunity (status ``opportunity``, with its first history step)."""
    from ...queries.matchmake import matchmake, opportunities_batch

    form, refused = await _checked_form(request)
    if refused is not None:
        return refused
    practice, country = str(form.get("practice", "")), str(form.get("country", ""))
    store = state(request).store
    catalog = store.catalog()
    result = matchmake(catalog, _config(request).event)
    found = [o for o in result.opportunities if o.practice == practice and o.importer == country]
    if not found:
        return error_page(request, 400, f"no opportunity of {practice!r} for {country!r} among this event's matches")
    batch = opportunities_batch(catalog, dataclasses.replace(result, opportunities=tuple(found)))
    if batch.nodes:
        store.apply(batch)
    done = f"recorded opportunity {found[0].transfer}" if batch.nodes else f"{found[0].transfer} was already recorded"
    return RedirectResponse(_here(request, practice=practice, country=country, done=done), status_code=303)


async def record_step(request: Request) -> Response:
    """Record one follow-up step of a transfer of this event, dated today."""
    from ...loaders.history import follow_up_batch
    from ...queries.matchmake import matchmake

    form, refused = await _checked_form(request)
    if refused is not None:
        return refused
    transfer, status = str(form.get("transfer", "")), str(form.get("status", ""))
    note = str(form.get("note", "")).strip() or None
    store = state(request).store
    catalog = store.catalog()
    if transfer not in _event_transfers(catalog, matchmake(catalog, _config(request).event), "id"):
        return error_page(request, 400, f"transfer {transfer!r} is not one of this event's partnerships")
    try:
        batch, _ = follow_up_batch(catalog, transfer, status, date=datetime.date.today().isoformat(), note=note)
    except PsikgError as error:
        return error_page(request, 400, str(error))
    store.apply(batch)
    found = catalog.transfers[transfer]
    return RedirectResponse(_here(request, practice=found.practice, country=found.importer,
                                  done=f"{transfer}: {status}"), status_code=303)


ROUTES = [
    Route("/workshop", workshop_page),
    Route("/workshop/opportunity", record_opportunity, methods=["POST"]),
    Route("/workshop/step", record_step, methods=["POST"]),
]
