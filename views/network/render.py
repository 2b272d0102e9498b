"""Rendering: a view as one self-contained HTML page (pyvis, vis-network inlined, the ``viz.html`` template)."""

from __future__ import annotations

from dataclasses import replace
from importlib import resources
from urllib.parse import quote

from ...ontology.domain import Catalog
from ...queries.lookup import sdg_key
from .layout import positions_of
from .model import LAYOUT_THRESHOLD, VizGraph
from .nodes import short
from .style import KIND_STYLES, legend, page_styles

__all__ = ["render"]

_TEMPLATES = "templates"
_TEMPLATE = "viz.html"
_VIS_DIR = "lib/vis-9.1.2"


def _vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS as pyvis ships them, safe to inline."""
    base = resources.files("pyvis").joinpath(_VIS_DIR)
    js = base.joinpath("vis-network.min.js").read_text(encoding="utf-8")
    css = base.joinpath("vis-network.css").read_text(encoding="utf-8")
    # Nothing may close the element it is inlined in.
    js = js.replace("</script", "<\\/script").replace("<!--", "<\\!--")
    css = css.replace("</style", "<\\/style")
    return js, css


class _IdList(list):
    """pyvis keeps node ids in a list and tests membership on every add: a set makes 5,000 nodes cheap."""

    def __init__(self):
        super().__init__()
        self._members: set = set()

    def append(self, item):
        self._members.add(item)
        super().append(item)

    def __contains__(self, item):
        return item in self._members


def filter_choices(catalog: Catalog | None, graph: VizGraph) -> dict:
    """The choices of the page's filter menus: what the view's nodes and links carry, labelled."""
    goals, regions, themes = set(), set(), set()
    for item in list(graph.nodes) + list(graph.edges):
        goals.update(item.goals or ())
        regions.update(item.regions or ())
        themes.update(item.themes or ())
    top_regions = set()
    if catalog is not None:
        top_regions = {c.region for c in catalog.countries.values() if c.region}

    def goal_label(g):
        found = catalog.goals.get(g) if catalog else None
        return f"SDG {g}" + (f": {short(found.title, 48)}" if found else "")

    def theme_label(t):
        found = catalog.themes.get(t) if catalog else None
        return found.label if found else t

    return {
        "goals": [[g, goal_label(g)] for g in sorted(goals, key=sdg_key)],
        "regions": [[r, r if r in top_regions else f"\u2003{r}"] for r in sorted(
            regions, key=lambda r: (r not in top_regions, r))],
        "themes": [[t, theme_label(t)] for t in sorted(themes, key=lambda t: theme_label(t).casefold())],
    }


def render(graph: VizGraph, *, layout: str = "auto", catalog: Catalog | None = None,
           height: str = "100%", base: str | None = None, mount: str | None = None) -> str:
    """The HTML page of a view: one self-contained file (vis-network inlined, no request leaves it).

    Parameters
    ----------
    graph : a view from :func:`network_view`, :func:`transfer_view`, :func:`focus_view` or
        :func:`match_view`.
    layout : ``auto`` (precomputed above :data:`LAYOUT_THRESHOLD` nodes, physics below),
        ``physics`` or ``fixed`` (always precomputed, physics off).
    catalog : used for the labels of the filter menus (goal titles, theme labels).
    base : the IRI base the page names things under (default: the configured one).
    mount : when a server serves the page, the path its base is served at: the details panel then
        links each node to the server's own document (``{mount}id/…``, ``{mount}resource?iri=…``).
    """
    from pyvis.network import Network

    if layout not in ("auto", "physics", "fixed"):
        raise ValueError(f"layout must be auto, physics or fixed, not {layout!r}")
    given, precomputed, positions = _placement(graph, layout)
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line", heading=graph.title)
    net.node_ids = _IdList()
    _add_nodes(net, graph, positions, base, mount)
    _add_edges(net, graph, precomputed)
    net.options = _network_options(len(graph.nodes), precomputed, graph.view)
    _use_template(net, graph, catalog, _layout_notes(graph, given, precomputed), precomputed)
    return net.generate_html()


def _placement(graph: VizGraph, layout: str) -> tuple[bool, bool, dict[str, tuple[float, float]]]:
    """(positions given by the view, physics off, the positions to start from)."""
    placed = bool(graph.nodes) and all(n.x is not None and n.y is not None for n in graph.nodes)
    given = placed and graph.positions == "fixed"
    precomputed = given or layout == "fixed" or (layout == "auto" and len(graph.nodes) > LAYOUT_THRESHOLD)
    if given or (placed and not precomputed and graph.positions == "seed"):
        positions = {n.key: (n.x, n.y) for n in graph.nodes}
    else:
        positions = positions_of(graph) if precomputed else {}
    return given, precomputed, positions


def _add_nodes(net, graph: VizGraph, positions: dict, base: str | None, mount: str | None) -> None:
    """One compact record per node: the page builds colours, borders and tooltips from the kind table."""
    from ...config import iri_base

    own = iri_base()
    for node in graph.nodes:
        if base and base != own and node.iri.startswith(own):
            node = replace(node, iri=base + node.iri[len(own):])
        shape, _, _, _ = KIND_STYLES[node.kind]
        options = dict(value=round(node.value, 3), kind=node.kind, ident=node.id, iri=node.iri,
                       name=node.title, lines=list(node.lines), measure=node.measure)
        if mount is not None:
            prefix = base or own
            options["href"] = (mount + node.iri[len(prefix):] if node.iri.startswith(prefix)
                               else f"{mount}resource?iri={quote(node.iri, safe='')}")
        if node.colour:
            options["colour"] = node.colour
        if node.focus:
            options["focus"] = True
        for dim in ("goals", "regions", "themes"):
            if getattr(node, dim) is not None:
                options[dim] = list(getattr(node, dim))
        if node.key in positions:
            options["x"], options["y"] = positions[node.key]
        net.add_node(node.key, label=node.label, shape=node.shape or shape, color=None, **options)
        del net.nodes[-1]["color"]


def _add_edges(net, graph: VizGraph, precomputed: bool) -> None:
    for number, edge in enumerate(graph.edges):
        options = dict(id=f"e{number}", relation=edge.relation)
        for name in ("title", "status", "width"):
            if getattr(edge, name):
                options[name] = getattr(edge, name)
        for dim in ("goals", "regions", "themes"):
            if getattr(edge, dim) is not None:
                options[dim] = list(getattr(edge, dim))
        if edge.roundness and not precomputed:
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": edge.roundness}
        net.add_edge(edge.source, edge.target, arrows=None, **options)
        del net.edges[-1]["arrows"]


def _network_options(n_nodes: int, precomputed: bool, view: str = "network") -> dict:
    """vis-network's options: legible labels, and physics only when the browser lays the graph out.

    The transfer map is the view a room reads from afar: every country is labelled in large type
    (at least 28 units, so 12 pixels or more once a hundred countries fit a 1920x1080 screen) and
    physics keeps labelled nodes apart."""
    large = n_nodes > LAYOUT_THRESHOLD
    options = _base_options(n_nodes, precomputed, large)
    if view in ("transfers", "world") and not large:
        options["nodes"]["scaling"]["label"].update({"min": 28, "max": 48, "drawThreshold": 5, "maxVisible": 48})
        options["nodes"]["font"]["strokeWidth"] = 6
        if not precomputed:
            options["physics"]["forceAtlas2Based"].update(
                {"gravitationalConstant": -160, "springLength": 170, "avoidOverlap": 1.0, "centralGravity": 0.02})
    return options


def _base_options(n_nodes: int, precomputed: bool, large: bool) -> dict:
    return {
        "autoResize": True,
        "nodes": {
            "font": {"size": 14, "face": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
                     "strokeWidth": 4, "strokeColor": "#ffffff", "color": "#1d1d1d"},
            "scaling": {"min": 8, "max": 40,
                        # Labels grow with the node; at the overview only the larger ones are drawn.
                        "label": {"enabled": True, "min": 12, "max": 30 if large else (20 if n_nodes <= 40 else 40),
                                  "drawThreshold": 9 if large else 7,
                                  "maxVisible": 26}},
        },
        "edges": {
            "smooth": False if precomputed else {"enabled": True, "type": "continuous", "roundness": 0.3},
            "selectionWidth": 2, "hoverWidth": 1, "arrowStrikethrough": False,
        },
        "interaction": {"hover": not large, "tooltipDelay": 120, "hideEdgesOnDrag": large,
                        "hideEdgesOnZoom": large, "multiselect": False, "navigationButtons": False},
        "layout": {"improvedLayout": not precomputed and n_nodes <= 150, "randomSeed": 7},
        "physics": {"enabled": False} if precomputed else {
            "enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -55, "centralGravity": 0.008, "springLength": 90,
                                 "springConstant": 0.06, "avoidOverlap": 0.2},
            "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 50, "fit": True},
        },
    }


def _layout_notes(graph: VizGraph, given: bool, precomputed: bool) -> list[str]:
    """The view's notes, led by one that says how the page is laid out."""
    notes = list(graph.notes)
    if given and graph.view == "match":
        notes.insert(0, "Laid out in columns: the practice, its success factors, the candidates by rank.")
    elif given:
        pass  # the view's own notes say how it is placed
    elif precomputed:
        why = (f"{len(graph.nodes)} nodes, above {LAYOUT_THRESHOLD}" if len(graph.nodes) > LAYOUT_THRESHOLD
               else "as asked")
        notes.insert(0, f"Layout precomputed ({why}) with a seeded force layout; physics is off so the page "
                        "stays responsive. Links hide while you drag or zoom.")
    else:
        notes.insert(0, "Laid out by physics in the browser, which stops once the layout settles "
                        "(the Physics button restarts it).")
    return notes


def _use_template(net, graph: VizGraph, catalog: Catalog | None, notes: list[str], precomputed: bool) -> None:
    """pyvis renders through our ``viz.html`` (autoescaped), given everything the page shows."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    js, css = _vis_assets()
    net.set_template_dir(str(resources.files("psikg.views").joinpath(_TEMPLATES)), _TEMPLATE)
    net.templateEnv = Environment(loader=FileSystemLoader(net.template_dir),
                                  autoescape=select_autoescape(["html"]))
    net.templateEnv.globals.update(
        vis_js=js, vis_css=css, title=graph.title, subtitle=graph.subtitle, view=graph.view,
        notes=notes, precomputed=precomputed, legend=legend(graph), colour_by=graph.colour_by,
        styles=page_styles(), choices=filter_choices(catalog, graph), server_filters=graph.filters,
        counts=graph.counts(),
    )
