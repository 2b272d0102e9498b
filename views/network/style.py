"""How a view looks: shapes and colours by kind, status, region and relation, and the legend of a view."""

from __future__ import annotations

from collections import Counter

from .model import ALL_KINDS, VizGraph

__all__ = ["OKABE_ITO", "KIND_STYLES", "STATUS_STYLES", "STATUS_ORDER", "REGION_COLOURS", "RELATION_STYLES", "legend", "page_styles"]

# Colours come from the Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008): eight
# hues that stay apart under the common colour-vision deficiencies and on a washed-out projector.
# Kinds differ by shape as well, statuses by dashes, so no reading rests on hue alone.
OKABE_ITO = {"orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
             "grey": "#999999", "dark green": "#00664A", "dark grey": "#555555", "ochre": "#B8860B"}
_C = OKABE_ITO

#: kind -> (vis shape, colour, legend symbol, legend label)
KIND_STYLES: dict[str, tuple[str, str, str, str]] = {
    "country": ("dot", _C["blue"], "\u25cf", "Country"),
    "practice": ("diamond", _C["orange"], "\u25c6", "Practice"),
    "need": ("triangle", _C["vermillion"], "\u25b2", "Need"),
    "factor": ("square", _C["green"], "\u25a0", "Success factor"),
    "theme": ("triangleDown", _C["purple"], "\u25bc", "Theme"),
    "goal": ("hexagon", _C["ochre"], "\u2b22", "SDG goal"),
    "target": ("hexagon", _C["grey"], "\u2b22", "SDG target"),
    "organization": ("star", _C["sky"], "\u2605", "Organization"),
    "network": ("square", _C["purple"], "\u25a0", "Network"),
    "event": ("star", _C["dark grey"], "\u2605", "Event"),
}

#: transfer status -> (colour, dashed)
STATUS_STYLES: dict[str, tuple[str, bool]] = {
    "opportunity": (_C["sky"], True),
    "agreed": (_C["blue"], False),
    "implementing": (_C["orange"], False),
    "adopted": (_C["green"], False),
    "scaled": (_C["dark green"], False),
    "stalled": (_C["vermillion"], True),
    "abandoned": (_C["dark grey"], True),
}
STATUS_ORDER = tuple(STATUS_STYLES)

#: M49 region -> colour of its countries on the transfer map.
REGION_COLOURS: dict[str, str] = {
    "Africa": _C["vermillion"],
    "Americas": _C["blue"],
    "Asia": _C["orange"],
    "Europe": _C["green"],
    "Oceania": _C["purple"],
    "": _C["grey"],
}

#: relation -> (legend label, colour, dashed, width, directed)
RELATION_STYLES: dict[str, tuple[str, str, bool, float, bool]] = {
    "originates in": ("practice comes from", _C["orange"], False, 2.0, True),
    "developed by": ("practice run by", _C["sky"], False, 1.0, True),
    "critical factor": ("critical success factor", _C["green"], False, 3.0, True),
    "supporting factor": ("supporting success factor", _C["green"], False, 1.2, True),
    "theme": ("about theme", _C["purple"], False, 1.0, True),
    "addresses": ("addresses SDG", _C["ochre"], False, 1.0, True),
    "need of": ("need of country", _C["vermillion"], False, 1.5, True),
    "expressed at": ("need expressed at", _C["dark grey"], True, 1.0, True),
    "based in": ("organization based in", _C["sky"], True, 1.0, True),
    "member": ("network member", _C["purple"], False, 1.0, True),
    "participant": ("took part in event", _C["dark grey"], False, 1.0, False),
    "held in": ("event held in", _C["dark grey"], True, 1.0, True),
    "organized by": ("event organized by", _C["dark grey"], True, 1.0, True),
    "broader": ("broader concept", _C["grey"], True, 1.0, True),
    "goal": ("target of goal", _C["ochre"], True, 1.0, True),
    "transfer flow": ("transfers from exporter to importer (every status)", _C["dark grey"], False, 1.0, True),
    "has factor": ("candidate has the factor", _C["green"], False, 2.0, False),
    "lacks factor (absent)": ("candidate lacks it (known absent)", _C["vermillion"], True, 1.5, False),
    "lacks factor (unknown)": ("candidate lacks it (not known)", _C["grey"], True, 1.2, False),
}


def legend(graph: VizGraph) -> dict:
    """The legend of a view: the kinds, statuses, relations (and regions on the map) it shows, counted."""
    kinds = []
    present = Counter(n.kind for n in graph.nodes)
    for kind in ALL_KINDS:
        if present.get(kind):
            shape, colour, symbol, label = KIND_STYLES[kind]
            kinds.append({"kind": kind, "label": label, "symbol": symbol, "colour": colour,
                          "count": present[kind]})
    statuses = Counter(e.status for e in graph.edges if e.status)
    relations = Counter(e.relation for e in graph.edges if e.relation != "transfer")
    regions = []
    if graph.colour_by == "region":
        counted = Counter()
        for n in graph.nodes:
            counted[(n.regions or ("",))[0] if n.kind == "country" else ""] += 1
        for region, colour in REGION_COLOURS.items():
            if counted.get(region):
                regions.append({"region": region or "other / organization", "value": region, "colour": colour,
                                "count": counted[region]})
    return {
        "kinds": kinds,
        "statuses": [{"status": s, "colour": STATUS_STYLES[s][0], "dashed": STATUS_STYLES[s][1],
                      "count": statuses[s]} for s in STATUS_ORDER if statuses.get(s)],
        "relations": [{"relation": r, "label": RELATION_STYLES[r][0], "colour": RELATION_STYLES[r][1],
                       "dashed": RELATION_STYLES[r][2], "width": max(1, round(RELATION_STYLES[r][3] + 0.4)),
                       "count": relations[r]}
                      for r in RELATION_STYLES if relations.get(r)],
        "regions": regions,
    }


def page_styles() -> dict:
    """The style tables as the page's JavaScript reads them."""
    return {"kinds": {k: v[1] for k, v in KIND_STYLES.items()},
            "statuses": {k: {"colour": c, "dashed": d} for k, (c, d) in STATUS_STYLES.items()},
            "relations": {k: {"label": v[0], "colour": v[1], "dashed": v[2], "width": v[3], "directed": v[4]}
                          for k, v in RELATION_STYLES.items()}}
