"""Network views a secretariat can put on a screen: self-contained HTML pages built with pyvis.

Four views, each a pure function of a catalog returning a :class:`VizGraph` (plain data), and one
renderer, :func:`render`, that turns any of them into one HTML file:

``network``
    the whole knowledge graph: countries, practices, needs, success factors, themes, SDG goals (and
    targets on request), organizations, networks and events. A transfer is drawn as a directed
    link from the practice to its importer, coloured by status. Reference nodes (countries, goals,
    targets, factors, themes) that nothing in the view links to are left out.
``transfers``
    the country-level transfer map: countries (and exporting organizations) as nodes coloured by
    M49 region, one directed link per exporter, importer and status, as wide as its transfers.
``focus``
    the ego network of one node: every node within ``depth`` links of it in the network view.
``world``
    the transfer map placed on a schematic world map by M49 region (nothing loaded).
``summary``
    the transfer map at a glance for a large network: the countries and only the largest flows
    (one link per exporter and importer, every status together); what ``psikg serve`` shows at
    ``/network`` above :data:`SUMMARY_THRESHOLD` transfers.
``match``
    a match explained: the practice, its success factors (critical links thick), the top
    candidate countries of :func:`psikg.queries.match.match`; a candidate's link to a factor is
    solid when it has it, dashed when it lacks it (red when known absent). Countries already
    engaged hang from the practice by their transfer.

Filters (SDG goal, region, theme) follow one rule, here and in the page alike: a node that carries
the dimension (a practice's goals, a country's region and sub-region, a need's themes with their
broader themes) is kept when it matches; a node that does not carry it (a success factor for the
goal filter) is kept when a link or a neighbour matches. A link is kept when both ends are kept
and, if it carries the dimension itself (a transfer on the map), when it matches.

Above :data:`LAYOUT_THRESHOLD` nodes the layout is computed here, with a seeded force layout whose
repulsion is computed on a grid (:func:`fast_layout`), and the page runs with physics off; the page
says so. Below it the browser lays the graph out with vis-network's physics, then stops it. The
match view is laid out in columns; the transfer map starts grouped by region.

The HTML embeds vis-network's JavaScript and CSS from the files pyvis ships, so the page opens
with no network at all; filters, search and the details panel are plain JavaScript.

This module is the views' public face; their parts live in :mod:`psikg.views.network`, one job
each (the data of a view, what to draw, filters, styles, layout, rendering).
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..ontology.domain import Catalog
from .network.filters import apply_filters
from .network.layout import fast_layout
from .network.match import match_view
from .network.model import (ALL_KINDS, DEFAULT_KINDS, LAYOUT_THRESHOLD, REFERENCE_KINDS, VIEWS, VizEdge, VizGraph,
                            VizNode, node_iri)
from .network.render import render
from .network.select import focus_view, network_view, transfer_view
from .network.world import world_view
from .network.style import KIND_STYLES, REGION_COLOURS, RELATION_STYLES, STATUS_STYLES
from .network.summary import summary_view

__all__ = [
    "LAYOUT_THRESHOLD", "DEFAULT_KINDS", "ALL_KINDS", "VIEWS", "KIND_STYLES", "STATUS_STYLES",
    "REGION_COLOURS", "RELATION_STYLES", "REFERENCE_KINDS", "VizNode", "VizEdge", "VizGraph", "node_iri",
    "network_view", "transfer_view", "world_view",
    "focus_view", "match_view", "apply_filters", "build_view", "render", "render_view", "write_view",
    "network_page", "summary_view", "SUMMARY_THRESHOLD", "SERVED_VIEWS",
    "fast_layout",
]

#: Above this many transfers the served network page is the summary unless another view is asked
#: for: the full transfer map of a network this size is megabytes that a browser cannot lay out.
SUMMARY_THRESHOLD = 1000
#: The views the served network page draws (the others need a node or a practice: psikg viz).
SERVED_VIEWS = ("summary", "transfers", "world", "network")
#: The most practices of a whole-network page served (psikg viz writes larger ones).
SERVED_NETWORK_LIMIT = 5000
#: Network pages kept rendered per catalog (one per view and filter asked for).
_PAGES_KEPT = 32

log = logging.getLogger(__name__)


def build_view(catalog: Catalog, view: str = "network", **options) -> VizGraph:
    """The :class:`VizGraph` of a view by name (``network``, ``transfers``, ``focus``, ``match``);
    ``options`` are those of the view's function (``focus`` takes ``node``, ``match`` takes
    ``practice``)."""
    if view == "network":
        return network_view(catalog, **options)
    if view == "transfers":
        return transfer_view(catalog, **options)
    if view == "world":
        return world_view(catalog, **options)
    if view == "summary":
        return summary_view(catalog, **options)
    if view == "focus":
        options = dict(options)
        return focus_view(catalog, options.pop("node"), **options)
    if view == "match":
        options = dict(options)
        return match_view(catalog, options.pop("practice"), **options)
    raise ValueError(f"unknown view {view!r}; known: {', '.join(VIEWS)}")


def render_view(catalog: Catalog, view: str = "network", *, layout: str = "auto", **options) -> str:
    """The HTML page of a view (what ``psikg viz`` writes and ``psikg serve`` serves).

    >>> from psikg.ontology.domain import Catalog
    >>> "psikgReady" in render_view(Catalog())
    True
    """
    return render(build_view(catalog, view, **options), layout=layout, catalog=catalog)


def network_page(store, *, base: str | None = None, mount: str | None = None, view: str | None = None,
                 summary_above: int = SUMMARY_THRESHOLD, **filters) -> str:
    """The network page of a store for ``psikg serve`` (``ServerConfig.network_view``).

    By default the transfer map (countries by name, the transfers between them), or its summary
    when the network has more than ``summary_above`` transfers; ``view`` asks for one of
    :data:`SERVED_VIEWS`, ``filters`` (``goal``, ``region``, ``theme``) narrow it. Rendered once per
    catalog, view and filters (a store builds a new catalog after each write, and the pages with it).
    """
    catalog = store.catalog()
    if view in (None, ""):
        view = "summary" if len(catalog.transfers) > summary_above else "transfers"
    if view not in SERVED_VIEWS:
        raise ValueError(f"unknown view {view!r} for the network page; known: {', '.join(SERVED_VIEWS)}")
    if view == "network" and len(catalog.practices) > SERVED_NETWORK_LIMIT:
        raise ValueError(f"the whole network ({len(catalog.practices)} practices) is too large to serve as one "
                         "page; ask for the summary or the transfer map, or write it with psikg viz --network "
                         "--region ... (a filter)")
    options = {k: v for k, v in filters.items() if v not in (None, "")}
    key = ("_psikg_viz_network_page", base, mount, view, tuple(sorted(options.items())))
    cache = catalog.__dict__.setdefault("_psikg_viz_pages", {})
    if key not in cache:
        while len(cache) >= _PAGES_KEPT:
            cache.pop(next(iter(cache)))
        cache[key] = render(build_view(catalog, view, **options), catalog=catalog, base=base, mount=mount)
    return cache[key]


def write_view(path: str | Path, catalog: Catalog, view: str = "network", *, layout: str = "auto",
               **options) -> VizGraph:
    """Write the page of a view to ``path`` (folders created); returns the view drawn."""
    graph = build_view(catalog, view, **options)
    html = render(graph, layout=layout, catalog=catalog)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    log.info("wrote %s (%d nodes, %d links)", path, len(graph.nodes), len(graph.edges))
    return graph
