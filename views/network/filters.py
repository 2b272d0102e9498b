"""The filter rule (SDG goal, region, theme), applied to a view as the page applies it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Iterable, Sequence

from ...errors import UnknownIdError
from ...ontology.domain import Catalog
from ...queries.lookup import nearest
from .model import VizEdge, VizGraph, VizNode

__all__ = ["apply_filters"]

def _goal_value(catalog: Catalog, goal: str) -> str:
    text = str(goal).strip()
    for prefix in ("sdg", "goal"):
        if text.lower().startswith(prefix):
            text = text[len(prefix):].strip(" -_")
    if text not in catalog.goals:
        raise UnknownIdError("SDG goal", str(goal), nearest(text, catalog.goals))
    return text


def _region_value(catalog: Catalog, region: str) -> str:
    names = {r for c in catalog.countries.values() for r in (c.region, c.subregion) if r}
    folded = {n.casefold(): n for n in names}
    found = folded.get(region.strip().casefold())
    if found is None:
        raise UnknownIdError("region", region, nearest(region, sorted(names)))
    return found


def _theme_value(catalog: Catalog, theme: str) -> str:
    text = theme.strip()
    if text in catalog.themes:
        return text
    for t in catalog.themes.values():
        if text.casefold() in (t.id.casefold(), t.label.casefold()):
            return t.id
    raise UnknownIdError("theme", theme, nearest(text, catalog.themes))


def _visible(nodes: Sequence[VizNode], edges: Sequence[VizEdge], active: dict[str, str],
             keep: Iterable[str] = ()) -> tuple[set[str], list[VizEdge]]:
    """The filter rule of the module docstring (the page's JavaScript applies the same one)."""
    by_key = {n.key: n for n in nodes}
    incident: dict[str, list[VizEdge]] = defaultdict(list)
    for edge in edges:
        incident[edge.source].append(edge)
        incident[edge.target].append(edge)

    def node_passes(node: VizNode, dim: str, value: str) -> bool:
        values = getattr(node, dim)
        if values is not None:
            return value in values
        for edge in incident[node.key]:
            carried = getattr(edge, dim)
            if carried is not None:
                if value in carried:
                    return True
            else:
                other = by_key[edge.target if edge.source == node.key else edge.source]
                other_values = getattr(other, dim)
                if other_values is not None and value in other_values:
                    return True
        return False

    shown = {n.key for n in nodes if all(node_passes(n, d, v) for d, v in active.items())} | set(keep)
    kept_edges = [e for e in edges if e.source in shown and e.target in shown
                  and all(getattr(e, d) is None or v in getattr(e, d) for d, v in active.items())]
    return shown, kept_edges


def apply_filters(catalog: Catalog, graph: VizGraph, *, goal: str | None = None, region: str | None = None,
                  theme: str | None = None, keep: Iterable[str] = ()) -> VizGraph:
    """The graph restricted to what matches an SDG ``goal`` (``16``), a ``region`` or sub-region
    (M49 name, any case) and a ``theme`` (id or label); ``keep`` names nodes kept whatever."""
    active: dict[str, str] = {}
    said: dict[str, str] = {}
    if goal not in (None, ""):
        active["goals"] = said["goal"] = _goal_value(catalog, goal)
    if region not in (None, ""):
        active["regions"] = said["region"] = _region_value(catalog, region)
    if theme not in (None, ""):
        active["themes"] = said["theme"] = _theme_value(catalog, theme)
    if not active:
        return graph
    shown, edges = _visible(graph.nodes, graph.edges, active, keep)
    nodes = tuple(n for n in graph.nodes if n.key in shown)
    text = ", ".join(f"{k} {v}" for k, v in said.items())
    return replace(graph, nodes=nodes, edges=tuple(edges), filters=said,
                   subtitle=f"{graph.subtitle} \u2014 filtered: {text}")
