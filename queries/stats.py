"""Counts that summarise the graph.

``transfers_by_verdict`` counts the transfers by their one verdict (:func:`queries.rules.verdict`:
success, partial, failure, open; opportunities are open).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .rules import VERDICTS, verdict

__all__ = ["Stats", "stats"]

KIND_KEYS = {
    "countries": "country", "practices": "practice", "success_factors": "factor", "themes": "theme",
    "contexts": "context", "needs": "need", "transfers": "transfer", "organizations": "organization",
    "networks": "network", "events": "event", "sdg_goals": "goal", "sdg_targets": "target",
    "sdg_indicators": "indicator", "status_steps": "status_step",
}


@dataclass(frozen=True)
class Stats:
    counts: dict[str, int]
    links_by_type: dict[str, int] = field(default_factory=dict)
    transfers_by_verdict: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {**self.counts, "links_by_type": dict(self.links_by_type),
                "transfers_by_verdict": dict(self.transfers_by_verdict)}


def stats(store) -> Stats:
    """Nodes per kind, links per type, and a few facts about the network's coverage."""
    raw = store.counts()
    by_kind = raw["nodes_by_kind"]
    counts = {key: by_kind.get(kind, 0) for key, kind in KIND_KEYS.items()}
    catalog = store.catalog()
    counts["un_members"] = sum(1 for c in catalog.countries.values() if c.un_member)
    counts["exporter_countries"] = len({p.country for p in catalog.practices.values() if p.country})
    counts["practice_factor_links"] = sum(len(p.factors) for p in catalog.practices.values())
    counts["nodes"], counts["edges"] = raw["nodes"], raw["edges"]
    found = Counter(verdict(t) for t in catalog.transfers.values())
    return Stats(counts, raw["links_by_type"], {v: found.get(v, 0) for v in VERDICTS})
