"""The secretariat's read-only web app: a practice's match (tiers, explanations), the worksheet,
an event's matchmaking and report, the partnerships and a country's profile. Each page is also
JSON and CSV (:mod:`psikg.lod.routes.app_common`); each is a thin shell over a query, so the page
says what ``psikg match``, ``worksheet``, ``matchmake``, ``partnerships`` and ``report`` say."""

from __future__ import annotations

from dataclasses import asdict

from starlette.requests import Request
from starlette.routing import Route

from .app_common import AppPage, answer, error_page, guarded, split_suffix
from ..web import state

__all__ = ["ROUTES", "match_page", "worksheet_page", "event_page", "event_report_page", "partnerships_page",
           "country_page"]

_TIERS = ("ready", "unassessed", "blocked")


def _catalog(request: Request):
    return state(request).store.catalog()


def _top(request: Request, default: int = 10) -> int:
    text = request.query_params.get("top", str(default))
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"top must be a whole number from 1, not {text!r}")
    return int(text)


@guarded
async def match_page(request: Request):
    """Candidate importers for a practice in their tiers, each explained (``?top=`` per tier)."""
    from ...queries.match import match

    practice, suffix = split_suffix(request.path_params["practice"])
    catalog = _catalog(request)
    result = match(catalog, practice, top_per_tier=_top(request))
    found = catalog.practices[result.practice]
    tiers = [(tier, result.tier_counts.get(tier, 0), [c for c in result.candidates if c.tier == tier])
             for tier in _TIERS]
    rows = [{"rank": rank, **c.row()} for rank, c in enumerate(result.candidates, 1)]
    page = AppPage(f"Match: {found.title}", result.as_dict(), rows, "app_match.html",
                   {"result": result, "practice": found, "tiers": tiers,
                    "exporter": _name(catalog, result.exporter)})
    return answer(request, page, suffix)


@guarded
async def worksheet_page(request: Request):
    """The reverse-engineering worksheet for a practice and an importer."""
    from ...queries.worksheet import worksheet
    from ...views.worksheet_render import to_html

    country, suffix = split_suffix(request.path_params["country"])
    sheet = worksheet(_catalog(request), request.path_params["practice"], country)
    rows = [{"factor": r.factor, "label": r.label, "role": r.role, "exporter": r.exporter_status,
             "importer": r.importer_status} for r in sheet.factors]
    page = AppPage(f"Worksheet: {sheet.title} to {sheet.importer_name}", asdict(sheet), rows,
                   html=to_html(sheet))
    return answer(request, page, suffix)


@guarded
async def event_page(request: Request):
    """An event's matchmaking: every opportunity among its participants, best first."""
    from ...queries.matchmake import matchmake

    event, suffix = split_suffix(request.path_params["event"])
    catalog = _catalog(request)
    result = matchmake(catalog, event)
    found = catalog.events[result.event]
    page = AppPage(f"Matchmaking: {found.name}", result.as_dict(), [o.row() for o in result.opportunities],
                   "app_event.html", {"result": result, "event": found,
                                      "names": {c: _name(catalog, c) for c in result.participants}})
    return answer(request, page, suffix)


@guarded
async def event_report_page(request: Request):
    """What an event produced and what became of it (the report ``psikg report --event`` writes)."""
    from ...queries.followup import event_report
    from ...views.report_render import report_html

    event = request.path_params["event"]
    name, suffix = split_suffix(request.path_params["report"])
    if name != "report":
        return error_page(request, 404, f"no page {request.url.path}; an event has its matchmaking and its report")
    node = state(request).store.node("event", event) or {}
    sources = node.get("sources") or ()
    report = event_report(_catalog(request), event, sources=(sources,) if isinstance(sources, str) else tuple(sources))
    data = report.as_dict()
    return answer(request, AppPage(f"Report: {event}", data, [t.as_dict() for t in report.transfers],
                                   html=report_html(report)), suffix)


@guarded
async def partnerships_page(request: Request):
    """The partnerships with their status and time in it, and the stale ones to chase
    (``?event=``, ``?country=``, ``?status=``)."""
    from ...queries.followup import DEFAULT_STALE_DAYS, partnerships

    _, suffix = split_suffix(request.url.path)
    params = request.query_params
    result = partnerships(_catalog(request), event=params.get("event") or None,
                          country=params.get("country") or None, status=params.get("status") or None,
                          stale_days=DEFAULT_STALE_DAYS)
    page = AppPage("Partnerships", result.as_dict(), [p.row() for p in result.partnerships], "app_partnerships.html",
                   {"result": result, "stale": {p.transfer for p in result.stale}})
    return answer(request, page, suffix)


@guarded
async def country_page(request: Request):
    """A country's profile: what it has, lacks and needs, what it exported and imported."""
    from ...views.pages.profile import country_profile

    country, suffix = split_suffix(request.path_params["country"])
    profile = country_profile(_catalog(request), country)
    page = AppPage(f"Country: {profile.name}", profile.as_dict(), profile.rows(), "app_country.html",
                   {"profile": profile})
    return answer(request, page, suffix)


@guarded
async def present_page(request: Request):
    """Presentation mode: the network in a few slides, and a practice's match (``?practice=``)."""
    from starlette.responses import HTMLResponse

    from ...views.present import render_presentation, slides

    deck = slides(_catalog(request), request.query_params.get("practice") or None)
    return HTMLResponse(render_presentation(deck))


async def favicon(request: Request):
    """No icon, said plainly (204), so browsers log no error for the icon they ask for."""
    from starlette.responses import Response

    return Response(status_code=204, headers={"Cache-Control": "max-age=86400"})


def _name(catalog, id_: str | None) -> str:
    found = catalog.countries.get(id_ or "") or catalog.organizations.get(id_ or "")
    return getattr(found, "name", None) or (id_ or "unknown")


ROUTES = [
    Route("/match/{practice}", match_page),
    Route("/worksheet/{practice}/{country}", worksheet_page),
    Route("/event/{event}/{report}", event_report_page),
    Route("/event/{event}", event_page),
    Route("/partnerships", partnerships_page),
    Route("/partnerships.json", partnerships_page),
    Route("/partnerships.csv", partnerships_page),
    Route("/country/{country}", country_page),
    Route("/present", present_page),
    Route("/favicon.ico", favicon),
]
