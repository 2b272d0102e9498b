"""The world view: the transfer map with every country placed by where its M49 (intermediate or
sub-)region lies on a schematic world map. No map tiles, no geocoding: the page loads nothing.

The anchors below are rough centres (longitude, latitude in degrees) of the M49 groupings, a
curator's reading for drawing only, not data: countries of one grouping share its anchor and sit
around it on a sunflower, largest in the middle."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace

from ...ontology.domain import Catalog
from .model import VizGraph

__all__ = ["ANCHORS", "world_view"]

#: M49 grouping -> (longitude, latitude) of its rough centre
ANCHORS: dict[str, tuple[float, float]] = {
    "Northern Africa": (15, 28), "Western Africa": (-6, 11), "Middle Africa": (18, -2),
    "Eastern Africa": (38, -6), "Southern Africa": (24, -27), "Sub-Saharan Africa": (20, 0),
    "Caribbean": (-72, 19), "Central America": (-90, 14), "South America": (-62, -18),
    "Latin America and the Caribbean": (-70, 0), "Northern America": (-100, 46),
    "Central Asia": (66, 44), "Eastern Asia": (118, 36), "South-eastern Asia": (110, 4),
    "Southern Asia": (76, 22), "Western Asia": (44, 31),
    "Eastern Europe": (36, 53), "Northern Europe": (8, 62), "Southern Europe": (16, 41), "Western Europe": (2, 48),
    "Channel Islands": (-2, 49), "Australia and New Zealand": (145, -30), "Melanesia": (162, -10),
    "Micronesia": (156, 9), "Polynesia": (-160, -16),
}
_REGION_ANCHORS = {"Africa": (20, 0), "Americas": (-75, 10), "Asia": (90, 30), "Europe": (15, 50),
                   "Oceania": (150, -20)}
_X, _Y, _SPACING = 11.0, 13.0, 34.0  # pixels per degree; pixels between neighbours


def _anchor(country) -> tuple[float, float]:
    for grouping in (country.intermediate_region, country.subregion):
        if grouping in ANCHORS:
            return ANCHORS[grouping]
    return _REGION_ANCHORS.get(country.region or "", (-20, -45))  # unknown: the South Atlantic


def world_view(catalog: Catalog, **filters) -> VizGraph:
    """The transfer map (:func:`~psikg.views.network.select.transfer_view`, same nodes, links and
    filters) placed on a schematic world map; organizations sit in the South Atlantic."""
    from .select import transfer_view

    graph = transfer_view(catalog, **filters)
    groups: dict[tuple[float, float], list] = defaultdict(list)
    for node in graph.nodes:
        country = catalog.countries.get(node.id) if node.kind == "country" else None
        groups[_anchor(country) if country else (-20, -45)].append(node)
    placed = []
    for (lon, lat), members in groups.items():
        for j, node in enumerate(sorted(members, key=lambda n: (-n.value, n.key))):
            radius, theta = _SPACING * math.sqrt(j), j * 2.399963
            placed.append(replace(node, x=round(lon * _X + radius * math.cos(theta), 1),
                                  y=round(-lat * _Y + radius * math.sin(theta), 1)))
    notes = ("Countries placed by M49 region on a schematic world map (rough centres; nothing is loaded "
             "from the network).",) + graph.notes
    return replace(graph, view="world", title="psikg world map", nodes=tuple(placed), positions="fixed", notes=notes)
