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


# The facts that carry a provenance basis (docs/data.md): name -> the (kind, relation) links holding them.
BASIS_FACTS = {
    "practice_factors": (("practice", "factors"),),
    "practice_targets": (("practice", "targets"),),
    "context_statements": (("context", "present"), ("context", "absent")),
}
BASES = ("stated", "reading", "unrecorded")


@dataclass(frozen=True)
class Stats:
    counts: dict[str, int]
    links_by_type: dict[str, int] = field(default_factory=dict)
    facts_by_basis: dict[str, dict[str, int]] = field(default_factory=dict)
    transfers_by_verdict: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {**self.counts, "links_by_type": dict(self.links_by_type),
                "facts_by_basis": {k: dict(v) for k, v in self.facts_by_basis.items()},
                "transfers_by_verdict": dict(self.transfers_by_verdict)}


def facts_by_basis(store) -> dict[str, dict[str, int]]:
    """How many facts of each provenance kind a source states, a curator read, or nobody marked."""
    found = {}
    for name, relations in BASIS_FACTS.items():
        counts = dict.fromkeys(BASES, 0)
        for kind, rel in relations:
            for _source, _target_kind, _target, props in store.links(kind, rel):
                basis = (props or {}).get("basis")
                counts[basis if basis in counts else "unrecorded"] += 1
        found[name] = counts
    return found


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
    by_basis = facts_by_basis(store)
    for basis in BASES:
        counts[f"facts_{basis}"] = sum(c[basis] for c in by_basis.values())
    found = Counter(verdict(t) for t in catalog.transfers.values())
    return Stats(counts, raw["links_by_type"], by_basis, {v: found.get(v, 0) for v in VERDICTS})
