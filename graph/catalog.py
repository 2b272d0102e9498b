"""The catalog builder: reads a :class:`~psikg.ontology.domain.Catalog` from any store.

A bounded number of bulk reads (one per kind and one per relation), whatever the size of the graph.
"""

from __future__ import annotations

import sys
from collections import defaultdict

from ..ontology.domain import (Catalog, Country, Event, Factor, FactorStatement, Goal, Need, Network,
                               Organization, Practice, PracticeFactor, StatusStep, Target, Theme, Transfer)
from ..ontology.lifecycle import history_order

__all__ = ["catalog_from_store", "catalog_from_reads"]


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


def _notes_by_factor(notes) -> dict[str, str]:
    """A context's notes (``factor: what the source says``) by factor, joined when several."""
    found: dict[str, list[str]] = defaultdict(list)
    for note in _tuple(notes):
        factor, sep, text = str(note).partition(": ")
        if sep:
            found[factor.strip()].append(text.strip())
    return {factor: "; ".join(texts) for factor, texts in found.items()}


#: Every kind the catalog reads.
KINDS_READ = ("country", "factor", "theme", "practice", "context", "need", "transfer", "organization",
              "network", "event", "goal", "target", "status_step")


class _Reads:
    """The store's nodes, read once per kind, and its links, read once per relation on demand."""

    def __init__(self, store):
        self.store = store
        self.native = "grouped_links" in store.capabilities  # a store may serve the grouped shape itself
        self.nodes = {kind: dict(store.nodes(kind)) for kind in KINDS_READ}

    def links(self, kind: str, rel: str) -> dict[str, list[tuple[str, str, dict]]]:
        """Links of a relation grouped by source, each list sorted by (target kind, target id)."""
        if self.native:
            return self.store.grouped_links(kind, rel)
        grouped: dict[str, list[tuple[str, str, dict]]] = defaultdict(list)
        for source, target_kind, target, props in self.store.links(kind, rel):
            # Interned ids make a pickled catalog small and quick to read back.
            grouped[source].append((target_kind, sys.intern(target), props))
        for targets in grouped.values():
            targets.sort()  # by (kind, id): unique per source, so the props are never compared
        return grouped


def _one(grouped, id_):
    found = grouped.get(id_)
    return found[0][1] if found else None


def _many(grouped, id_) -> tuple[str, ...]:
    found = grouped.get(id_)
    return tuple([t[1] for t in found]) if found else ()


def catalog_from_store(store) -> Catalog:
    """Read a catalog from any store through its bulk ``nodes``/``links`` reads.

    One read per kind and one per relation, whatever the size of the graph.
    """
    return catalog_from_reads(_Reads(store))


def catalog_from_reads(reads) -> Catalog:
    """A catalog from nodes already read: ``reads.nodes`` maps each kind of :data:`KINDS_READ` to
    ``{id: properties}``, and ``reads.links(kind, rel)`` gives the links of those nodes grouped by
    source, each list sorted by (target kind, target id). A subgraph gives the catalog of that
    subgraph (:mod:`psikg.graph.match_reads`), built by the same code as the whole one."""
    factors, themes = _concepts(reads)
    organizations, networks, events = _parties(reads)
    goals, targets = _sdgs(reads)
    return Catalog.of(countries=_countries(reads), factors=factors, themes=themes, practices=_practices(reads),
                      statements=_statements(reads), needs=_needs(reads), transfers=_transfers(reads),
                      organizations=organizations, networks=networks, events=events, goals=goals, targets=targets)


def _countries(reads: _Reads) -> list[Country]:
    return [Country(i, p.get("name") or i, p.get("region"), p.get("subregion"), p.get("intermediate_region"),
                    p.get("income_group"), bool(p.get("ldc")), bool(p.get("lldc")), bool(p.get("sids")),
                    bool(p.get("un_member")), p.get("iso2"), p.get("m49"), p.get("official_name"))
            for i, p in reads.nodes["country"].items()]


def _concepts(reads: _Reads) -> tuple[list[Factor], list[Theme]]:
    factor_broader, theme_broader = reads.links("factor", "broader"), reads.links("theme", "broader")
    return ([Factor(i, p.get("label") or i, p.get("definition"), _one(factor_broader, i))
             for i, p in reads.nodes["factor"].items()],
            [Theme(i, p.get("label") or i, p.get("definition"), _one(theme_broader, i))
             for i, p in reads.nodes["theme"].items()])


def _practices(reads: _Reads) -> list[Practice]:
    p_country, p_org = reads.links("practice", "country"), reads.links("practice", "organization")
    p_themes, p_targets = reads.links("practice", "themes"), reads.links("practice", "targets")
    p_factors = reads.links("practice", "factors")
    shared_factors: dict[tuple, PracticeFactor] = {}

    def practice_factors(links) -> tuple[PracticeFactor, ...]:
        """One object per distinct link (factor, role, note, kind, provenance): most practices share them."""
        found = []
        for _, factor, props in links:
            key = (factor, props.get("role") or "supporting", props.get("note"), props.get("kind") or "precondition",
                   props.get("basis"), props.get("read_by"), props.get("read_on"))
            try:
                link = shared_factors.get(key)
            except TypeError:  # a list where one value is declared (a hand-written store): read as one text
                key = tuple("; ".join(map(str, v)) if isinstance(v, list) else v for v in key)
                link = shared_factors.get(key)
            if link is None:
                link = shared_factors[key] = PracticeFactor(*key)
            found.append(link)
        return tuple(found)

    return [Practice(
        i, p.get("title") or i, _one(p_country, i), _one(p_org, i), p.get("year"), p.get("maturity"),
        _many(p_themes, i), _many(p_targets, i), practice_factors(p_factors.get(i, ())),
        p.get("description"), p.get("problem"), _tuple(p.get("components")), p.get("evidence"),
        _tuple(p.get("sources")), *_targets_provenance(p_targets.get(i, ())))
        for i, p in reads.nodes["practice"].items()]


def _targets_provenance(target_links) -> tuple:
    """(basis, read_by, read_on) of a practice's targets: the loader gives every target of a
    practice the provenance of its ``sdg_targets`` cell, so the first link speaks for all."""
    props = target_links[0][2] if target_links else {}
    return props.get("basis"), props.get("read_by"), props.get("read_on")


def _statements(reads: _Reads) -> list[FactorStatement]:
    c_country, c_present, c_absent = (reads.links("context", "country"), reads.links("context", "present"),
                                      reads.links("context", "absent"))
    statements = []
    for cid, props in sorted(reads.nodes["context"].items()):
        country = _one(c_country, cid)
        notes = _notes_by_factor(props.get("notes"))
        for present, grouped in ((True, c_present), (False, c_absent)):
            for _, factor, link in grouped.get(cid, ()):
                statements.append(FactorStatement(country, factor, present, props.get("as_of"), cid,
                                                  _tuple(props.get("sources")), notes.get(factor),
                                                  link.get("basis"), link.get("read_by"), link.get("read_on")))
    return statements


def _needs(reads: _Reads) -> list[Need]:
    n_country, n_themes, n_targets = (reads.links("need", "country"), reads.links("need", "themes"),
                                      reads.links("need", "targets"))
    n_goals, n_event = reads.links("need", "goals"), reads.links("need", "event")
    return [Need(i, _one(n_country, i), p.get("title") or i, _many(n_themes, i), _many(n_targets, i),
                 _many(n_goals, i), p.get("priority"), _one(n_event, i), p.get("description"),
                 _tuple(p.get("sources"))) for i, p in reads.nodes["need"].items()]


def _transfers(reads: _Reads) -> list[Transfer]:
    t_practice, t_importer = reads.links("transfer", "practice"), reads.links("transfer", "importer")
    t_facilitators, t_event = reads.links("transfer", "facilitators"), reads.links("transfer", "event")
    t_steps = reads.links("transfer", "steps")
    exporters = {tid: found[0] for tid, found in reads.links("transfer", "exporter").items()}
    return [Transfer(
        i, _one(t_practice, i), exporters[i][1] if i in exporters else None, _one(t_importer, i),
        p.get("status"), p.get("outcome") or "unknown",
        exporters[i][0] if i in exporters else "country", _many(t_facilitators, i), _one(t_event, i),
        p.get("start_year"), p.get("note"), _tuple(p.get("sources")),
        _steps(reads.nodes["status_step"], _many(t_steps, i)), p.get("basis"),
        p.get("degree"))
        for i, p in reads.nodes["transfer"].items()]


def _parties(reads: _Reads) -> tuple[list[Organization], list[Network], list[Event]]:
    o_country, net_members = reads.links("organization", "country"), reads.links("network", "members")
    e_country, e_participants, e_organizers = (reads.links("event", "country"), reads.links("event", "participants"),
                                               reads.links("event", "organizers"))
    return ([Organization(i, p.get("name") or i, _one(o_country, i), p.get("kind"))
             for i, p in reads.nodes["organization"].items()],
            [Network(i, p.get("name") or i, _many(net_members, i), p.get("founded"))
             for i, p in reads.nodes["network"].items()],
            [Event(i, p.get("name") or i, p.get("place"), _one(e_country, i), p.get("start_date"),
                   p.get("end_date"), _many(e_participants, i), p.get("participant_count"),
                   p.get("opportunities"), _many(e_organizers, i)) for i, p in reads.nodes["event"].items()])


def _sdgs(reads: _Reads) -> tuple[list[Goal], list[Target]]:
    tg_goal = reads.links("target", "goal")
    return ([Goal(i, p.get("title") or i) for i, p in reads.nodes["goal"].items()],
            [Target(i, _one(tg_goal, i), p.get("title") or i) for i, p in reads.nodes["target"].items()])
