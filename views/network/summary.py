"""The transfer map at a glance, for networks too large to draw link by link.

At scale the transfer map (one link per exporter, importer and status) has tens of thousands of
links: a page of megabytes that no browser lays out and no room can read. The summary keeps the
countries (and exporting organizations), coloured by region and sized by their transfers, and
draws one link per exporter and importer (every status together, counted by status in its
tooltip), only the largest flows; its notes say how many were left out and how to see them
(a region, goal or theme filter, or the full map).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import replace

from ...ontology.domain import Catalog
from ...queries.lookup import sdg_key
from .filters import apply_filters
from .layout import grouped_by_region
from .model import VizEdge, VizGraph
from .nodes import counts_text, goal_of_target, short, theme_closure
from .select import transfer_parties, transfers_by_pair_and_status

__all__ = ["summary_view", "SUMMARY_FLOWS", "FLOW_SAMPLES"]

#: The most flows (exporter, importer links) the summary draws, largest first.
SUMMARY_FLOWS = 300
#: Transfers a flow's tooltip names; the rest are counted.
FLOW_SAMPLES = 5


def summary_view(catalog: Catalog, *, goal: str | None = None, region: str | None = None,
                 theme: str | None = None, flows: int = SUMMARY_FLOWS) -> VizGraph:
    """Countries and the largest transfer flows between them (filters as on the transfer map).

    Parameters
    ----------
    catalog : the graph's read model.
    goal, region, theme : keep what matches, before the largest flows are chosen (so a filter
        shows the largest flows of what it keeps).
    flows : the most links drawn.
    """
    grouped, domestic = transfers_by_pair_and_status(catalog)
    nodes = transfer_parties(catalog, grouped)
    keys = {key.split("/", 1)[1]: key for key in nodes}
    by_pair: dict[tuple[str, str], list] = defaultdict(list)
    for (exporter, importer, _), transfers in grouped.items():
        by_pair[(exporter, importer)].extend(transfers)
    by_link = {(keys[exporter], keys[importer]): transfers for (exporter, importer), transfers in by_pair.items()}
    tags = _PracticeTags(catalog)
    # Every flow with what the filters test; the tooltip is written only for the flows drawn.
    edges = tuple(_flow(source, target, transfers, tags) for (source, target), transfers in sorted(by_link.items()))
    total = sum(len(t) for t in by_link.values())
    graph = VizGraph("summary", "psikg transfer map: summary",
                     f"{total} transfers between {len(nodes)} countries and organizations, in {len(edges)} flows",
                     grouped_by_region(nodes), edges, colour_by="region", positions="seed")
    graph = apply_filters(catalog, graph, goal=goal, region=region, theme=theme)
    kept = sorted(graph.edges, key=lambda e: (-len(by_link[(e.source, e.target)]), e.source, e.target))[:flows]
    kept = [replace(e, title=_flow_title(catalog, by_link[(e.source, e.target)])) for e in kept]
    notes = [f"A summary: {len(graph.edges)} flows (exporter to importer) here; the {len(kept)} largest are "
             "drawn, each as wide as its transfers, its tooltip counting them by status.",
             "To see the rest, filter by region, SDG goal or theme (the served page takes ?region=Africa, "
             "?goal=16 or ?theme=...; each filter draws the largest flows of what it keeps), or open the full "
             "transfer map (?view=transfers; large and slow) or write it with psikg viz --transfers."]
    if domestic:
        notes.append(f"{domestic} domestic transfer(s) (exporter = importer) are not drawn.")
    return replace(graph, edges=tuple(kept), notes=tuple(notes))


class _PracticeTags:
    """Each practice's SDG goals and themes (with broader themes), worked out once."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._tags: dict[str, tuple[frozenset, frozenset]] = {}

    def of(self, practice_id: str) -> tuple[frozenset, frozenset]:
        if practice_id not in self._tags:
            practice = self.catalog.practices.get(practice_id)
            goals = frozenset(goal_of_target(self.catalog, t) for t in practice.targets) if practice else frozenset()
            themes = frozenset(theme_closure(self.catalog, practice.themes)) if practice else frozenset()
            self._tags[practice_id] = (goals, themes)
        return self._tags[practice_id]


def _flow(source: str, target: str, transfers: list, tags: _PracticeTags) -> VizEdge:
    """One exporter-to-importer link, as wide as its transfers, carrying the goals and themes of
    their practices (what the filters test)."""
    goals: set[str] = set()
    themes: set[str] = set()
    for transfer in transfers:
        practice_goals, practice_themes = tags.of(transfer.practice)
        goals.update(practice_goals)
        themes.update(practice_themes)
    count = len(transfers)
    return VizEdge(source, target, "transfer flow", width=1.0 + 1.5 * math.log2(count) if count > 1 else 1.0,
                   goals=tuple(sorted(goals, key=sdg_key)), themes=tuple(sorted(themes)))


def _flow_title(catalog: Catalog, transfers: list) -> str:
    """A flow's tooltip: its transfers counted by status, the first few named."""
    first = transfers[0]
    names = [_party_name(catalog, party) for party in (first.exporter, first.importer)]
    count = len(transfers)
    lines = [f"\u2022 {short(_practice_title(catalog, t.practice), 60)} ({t.status}"
             f"{', ' + str(t.start_year) if t.start_year else ''})" for t in transfers[:FLOW_SAMPLES]]
    if count > FLOW_SAMPLES:
        lines.append(f"\u2026 and {count - FLOW_SAMPLES} more")
    return (f"{names[0]} \u2192 {names[1]}: {count} transfer{'s' * (count != 1)} "
            f"({counts_text(Counter(t.status for t in transfers))})\n" + "\n".join(lines))


def _party_name(catalog: Catalog, party: str) -> str:
    found = catalog.countries.get(party) or catalog.organizations.get(party)
    return getattr(found, "name", None) or party


def _practice_title(catalog: Catalog, practice_id: str) -> str:
    found = catalog.practices.get(practice_id)
    return found.title if found else practice_id
