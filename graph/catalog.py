"""The catalog builder: reads a :class:`~psikg.ontology.domain.Catalog` from any store.

A bounded number of bulk reads (one per kind and one per relation), whatever the size of the graph.
"""

from __future__ import annotations

import sys
from collections import defaultdict

from ..ontology.domain import (Catalog, Country, Event, Factor, FactorStatement, Goal, Need, Network,
                               Organization, Practice, PracticeFactor, StatusStep, Target, Theme, Transfer)
from ..ontology.lifecycle import history_order

__all__ = ["catalog_from_store"]


def _tuple(value) -> tuple:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def _steps(step_nodes: dict[str, dict], ids: tuple[str, ...]) -> tuple[StatusStep, ...]:
    """A transfer's status steps, oldest first: by date (undated first), then order of recording."""
    if not ids:
        return ()
    steps = [StatusStep(i, p.get("status"), p.get("date"), p.get("outcome"), p.get("note"), p.get("forced"),
                        p.get("seq") or 0, _tuple(p.get("sources"))) for i in ids if (p := step_nodes.get(i))]
    if len(steps) > 1:
        steps.sort(key=history_order)
    return tuple(steps)


def catalog_from_store(store) -> Catalog:
    """Read a catalog from any store through its bulk ``nodes``/``links`` reads.

    One read per kind and one per relation, whatever the size of the graph.
    """
    nodes = {kind: dict(store.nodes(kind)) for kind in (
        "country", "factor", "theme", "practice", "context", "need", "transfer", "organization",
        "network", "event", "goal", "target", "status_step")}

    native = "grouped_links" in store.capabilities  # a store may serve the grouped shape itself

    def links(kind: str, rel: str) -> dict[str, list[tuple[str, str, dict]]]:
        if native:
            return store.grouped_links(kind, rel)
        grouped: dict[str, list[tuple[str, str, dict]]] = defaultdict(list)
        for source, target_kind, target, props in store.links(kind, rel):
            # Interned ids make a pickled catalog small and quick to read back.
            grouped[source].append((target_kind, sys.intern(target), props))
        for targets in grouped.values():
            targets.sort()  # by (kind, id): unique per source, so the props are never compared
        return grouped

    def one(grouped, id_):
        found = grouped.get(id_)
        return found[0][1] if found else None

    def many(grouped, id_) -> tuple[str, ...]:
        found = grouped.get(id_)
        return tuple([t[1] for t in found]) if found else ()

    shared_factors: dict[tuple, PracticeFactor] = {}

    def practice_factor(factor: str, role: str, note: str | None) -> PracticeFactor:
        """One object per distinct (factor, role, note): most practices share them."""
        key = (factor, role, note)
        if key not in shared_factors:
            shared_factors[key] = PracticeFactor(factor, role, note)
        return shared_factors[key]

    factor_broader = links("factor", "broader")
    theme_broader = links("theme", "broader")
    p_country, p_org = links("practice", "country"), links("practice", "organization")
    p_themes, p_targets, p_factors = links("practice", "themes"), links("practice", "targets"), links("practice", "factors")
    c_country, c_present, c_absent = links("context", "country"), links("context", "present"), links("context", "absent")
    n_country, n_themes, n_targets = links("need", "country"), links("need", "themes"), links("need", "targets")
    n_goals, n_event = links("need", "goals"), links("need", "event")
    t_practice, t_exporter, t_importer = links("transfer", "practice"), links("transfer", "exporter"), links("transfer", "importer")
    t_facilitators, t_event = links("transfer", "facilitators"), links("transfer", "event")
    t_steps = links("transfer", "steps")
    o_country = links("organization", "country")
    net_members = links("network", "members")
    e_country, e_participants, e_organizers = links("event", "country"), links("event", "participants"), links("event", "organizers")
    tg_goal = links("target", "goal")

    statements = []
    for cid, props in sorted(nodes["context"].items()):
        country = one(c_country, cid)
        for present, grouped in ((True, c_present), (False, c_absent)):
            for factor in many(grouped, cid):
                statements.append(FactorStatement(country, factor, present, props.get("as_of"), cid,
                                                  _tuple(props.get("sources"))))

    exporters = {}
    for tid, found in t_exporter.items():
        exporters[tid] = found[0]

    return Catalog.of(
        countries=[Country(i, p.get("name") or i, p.get("region"), p.get("subregion"),
                           p.get("intermediate_region"), p.get("income_group"), bool(p.get("ldc")),
                           bool(p.get("lldc")), bool(p.get("sids")), bool(p.get("un_member")),
                           p.get("iso2"), p.get("m49"), p.get("official_name"))
                   for i, p in nodes["country"].items()],
        factors=[Factor(i, p.get("label") or i, p.get("definition"), one(factor_broader, i))
                 for i, p in nodes["factor"].items()],
        themes=[Theme(i, p.get("label") or i, p.get("definition"), one(theme_broader, i))
                for i, p in nodes["theme"].items()],
        practices=[Practice(
            i, p.get("title") or i, one(p_country, i), one(p_org, i), p.get("year"), p.get("maturity"),
            many(p_themes, i), many(p_targets, i),
            tuple(practice_factor(f, props.get("role") or "supporting", props.get("note"))
                  for _, f, props in p_factors.get(i, ())),
            p.get("description"), p.get("problem"), _tuple(p.get("components")), p.get("evidence"),
            _tuple(p.get("sources"))) for i, p in nodes["practice"].items()],
        statements=statements,
        needs=[Need(i, one(n_country, i), p.get("title") or i, many(n_themes, i), many(n_targets, i),
                    many(n_goals, i), p.get("priority"), one(n_event, i), p.get("description"),
                    _tuple(p.get("sources"))) for i, p in nodes["need"].items()],
        transfers=[Transfer(
            i, one(t_practice, i), exporters[i][1] if i in exporters else None, one(t_importer, i),
            p.get("status"), p.get("outcome") or "unknown",
            exporters[i][0] if i in exporters else "country", many(t_facilitators, i), one(t_event, i),
            p.get("start_year"), p.get("note"), _tuple(p.get("sources")),
            _steps(nodes["status_step"], many(t_steps, i))) for i, p in nodes["transfer"].items()],
        organizations=[Organization(i, p.get("name") or i, one(o_country, i), p.get("kind"))
                       for i, p in nodes["organization"].items()],
        networks=[Network(i, p.get("name") or i, many(net_members, i), p.get("founded"))
                  for i, p in nodes["network"].items()],
        events=[Event(i, p.get("name") or i, p.get("place"), one(e_country, i), p.get("start_date"),
                      p.get("end_date"), many(e_participants, i), p.get("participant_count"),
                      p.get("opportunities"), many(e_organizers, i)) for i, p in nodes["event"].items()],
        goals=[Goal(i, p.get("title") or i) for i, p in nodes["goal"].items()],
        targets=[Target(i, one(tg_goal, i), p.get("title") or i) for i, p in nodes["target"].items()],
    )
