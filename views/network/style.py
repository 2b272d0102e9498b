"""How a view looks: shapes and colours by kind, status, region and relation, and the legend of a view."""

from __future__ import annotations

from collections import Counter

from .model import ALL_KINDS, VizGraph

__all__ = ["KIND_STYLES", "STATUS_STYLES", "STATUS_ORDER", "REGION_COLOURS", "RELATION_STYLES", "legend", "page_styles"]

#: kind -> (vis shape, colour, legend symbol, legend label)
KIND_STYLES: dict[str, tuple[str, str, str, str]] = {
    "country": ("dot", "#4e79a7", "\u25cf", "Country"),
    "practice": ("diamond", "#f28e2b", "\u25c6", "Practice"),
    "need": ("triangle", "#e15759", "\u25b2", "Need"),
    "factor": ("square", "#59a14f", "\u25a0", "Success factor"),
    "theme": ("triangleDown", "#b07aa1", "\u25bc", "Theme"),
    "goal": ("hexagon", "#d4a017", "\u2b22", "SDG goal"),
    "target": ("hexagon", "#9c755f", "\u2b22", "SDG target"),
    "organization": ("star", "#76b7b2", "\u2605", "Organization"),
    "network": ("square", "#ff9da7", "\u25a0", "Network"),
    "event": ("star", "#7f7f7f", "\u2605", "Event"),
}

#: transfer status -> (colour, dashed)
STATUS_STYLES: dict[str, tuple[str, bool]] = {
    "opportunity": ("#8da0b8", True),
    "agreed": ("#4e79a7", False),
    "implementing": ("#f28e2b", False),
    "adopted": ("#59a14f", False),
    "scaled": ("#1b7837", False),
    "stalled": ("#e15759", True),
    "abandoned": ("#555555", True),
}
STATUS_ORDER = tuple(STATUS_STYLES)

#: M49 region -> colour of its countries on the transfer map.
REGION_COLOURS: dict[str, str] = {
    "Africa": "#d37295",
    "Americas": "#8f6cc2",
    "Asia": "#e3b505",
    "Europe": "#3fa7a0",
    "Oceania": "#9c755f",
    "": "#bab0ac",
}

#: relation -> (legend label, colour, dashed, width, directed)
RELATION_STYLES: dict[str, tuple[str, str, bool, float, bool]] = {
    "originates in": ("practice comes from", "#f28e2b", False, 2.0, True),
    "developed by": ("practice run by", "#76b7b2", False, 1.0, True),
    "critical factor": ("critical success factor", "#59a14f", False, 3.0, True),
    "supporting factor": ("supporting success factor", "#59a14f", False, 1.2, True),
    "theme": ("about theme", "#b07aa1", False, 1.0, True),
    "addresses": ("addresses SDG", "#d4a017", False, 1.0, True),
    "need of": ("need of country", "#e15759", False, 1.5, True),
    "expressed at": ("need expressed at", "#7f7f7f", True, 1.0, True),
    "based in": ("organization based in", "#76b7b2", True, 1.0, True),
    "member": ("network member", "#ff9da7", False, 1.0, True),
    "participant": ("took part in event", "#7f7f7f", False, 1.0, False),
    "held in": ("event held in", "#7f7f7f", True, 1.0, True),
    "organized by": ("event organized by", "#7f7f7f", True, 1.0, True),
    "broader": ("broader concept", "#aaaaaa", True, 1.0, True),
    "goal": ("target of goal", "#d4a017", True, 1.0, True),
    "has factor": ("candidate has the factor", "#2e7d32", False, 2.0, False),
    "lacks factor (absent)": ("candidate lacks it (known absent)", "#d62728", True, 1.5, False),
    "lacks factor (unknown)": ("candidate lacks it (not known)", "#9e9e9e", True, 1.2, False),
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
