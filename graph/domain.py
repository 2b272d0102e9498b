"""The domain as plain, frozen dataclasses, and the catalog that queries read.

Nothing here knows about a backend. A :class:`Catalog` is built from any store with
:func:`catalog_from_store` (a bounded number of bulk reads: one per kind and relation), or by hand
in tests. Queries in ``queries/`` are pure functions of a catalog and their parameters.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable

__all__ = [
    "Country", "Factor", "Theme", "PracticeFactor", "Practice", "FactorStatement", "Need",
    "StatusStep", "Transfer", "Organization", "Network", "Event", "Goal", "Target", "Catalog", "catalog_from_store",
]


@dataclass(frozen=True)
class Country:
    id: str
    name: str
    region: str | None = None
    subregion: str | None = None
    intermediate_region: str | None = None
    income_group: str | None = None
    ldc: bool = False
    lldc: bool = False
    sids: bool = False
    un_member: bool = False
    iso2: str | None = None
    m49: str | None = None


@dataclass(frozen=True)
class Factor:
    id: str
    label: str
    definition: str | None = None
    broader: str | None = None


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    definition: str | None = None
    broader: str | None = None


@dataclass(frozen=True)
class PracticeFactor:
    factor: str
    role: str  # "critical" | "supporting"
    note: str | None = None
    kind: str = "precondition"  # "precondition" | "component" | "outcome"


@dataclass(frozen=True)
class Practice:
    id: str
    title: str
    country: str | None = None
    organization: str | None = None
    year: int | None = None
    maturity: str | None = None
    themes: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    factors: tuple[PracticeFactor, ...] = ()
    description: str | None = None
    problem: str | None = None
    components: tuple[str, ...] = ()
    evidence: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactorStatement:
    """One statement of a context: in ``country`` as of ``as_of``, ``factor`` was present or not."""

    country: str
    factor: str
    present: bool
    as_of: str | None = None
    context: str | None = None
    sources: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Need:
    id: str
    country: str
    title: str
    themes: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    priority: str | None = None
    event: str | None = None
    description: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class StatusStep:
    """One step of a transfer's status history: the status reached, when, on whose word, why."""

    id: str
    status: str
    date: str | None = None  # ISO 8601 date or year; None = undated (the oldest)
    outcome: str | None = None
    note: str | None = None
    forced: str | None = None  # the reason, when the move was outside the documented transitions
    seq: int = 0  # order of recording, breaks ties between steps of the same date
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Transfer:
    id: str
    practice: str
    exporter: str
    importer: str
    status: str
    outcome: str = "unknown"
    exporter_kind: str = "country"  # or "organization"
    facilitators: tuple[str, ...] = ()
    event: str | None = None
    start_year: int | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()
    steps: tuple[StatusStep, ...] = ()  # status history, oldest first (the last is the current status)
    basis: str | None = None  # "matchmaking": a suggestion saved by psikg matchmaking


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    country: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Network:
    id: str
    name: str
    members: tuple[str, ...] = ()  # ISO3 codes or organization ids
    founded: str | None = None


@dataclass(frozen=True)
class Event:
    id: str
    name: str
    place: str | None = None
    country: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    participants: tuple[str, ...] = ()
    participant_count: int | None = None
    opportunities: int | None = None
    organizers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Goal:
    id: str
    title: str


@dataclass(frozen=True)
class Target:
    id: str
    goal: str
    title: str


def _by_id(items: Iterable) -> dict:
    return {item.id: item for item in items}


@dataclass
class Catalog:
    """Everything the queries read, indexed by id. Build once, query many times."""

    countries: dict[str, Country] = field(default_factory=dict)
    factors: dict[str, Factor] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    practices: dict[str, Practice] = field(default_factory=dict)
    statements: tuple[FactorStatement, ...] = ()
    needs: dict[str, Need] = field(default_factory=dict)
    transfers: dict[str, Transfer] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    networks: dict[str, Network] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    goals: dict[str, Goal] = field(default_factory=dict)
    targets: dict[str, Target] = field(default_factory=dict)

    @classmethod
    def of(cls, *, countries=(), factors=(), themes=(), practices=(), statements=(), needs=(),
           transfers=(), organizations=(), networks=(), events=(), goals=(), targets=()) -> "Catalog":
        """Build a catalog from plain lists (handy in tests)."""
        return cls(
            countries=_by_id(countries), factors=_by_id(factors), themes=_by_id(themes),
            practices=_by_id(practices), statements=tuple(statements), needs=_by_id(needs),
            transfers=_by_id(transfers), organizations=_by_id(organizations),
            networks=_by_id(networks), events=_by_id(events), goals=_by_id(goals),
            targets=_by_id(targets),
        )

    # Indexes, computed on first use. The catalog is not modified after it is built.

    @cached_property
    def transfers_by_practice(self) -> dict[str, tuple[Transfer, ...]]:
        grouped: dict[str, list[Transfer]] = defaultdict(list)
        for transfer in sorted(self.transfers.values(), key=lambda t: t.id):
            grouped[transfer.practice].append(transfer)
        return {k: tuple(v) for k, v in grouped.items()}

    @cached_property
    def needs_by_country(self) -> dict[str, tuple[Need, ...]]:
        grouped: dict[str, list[Need]] = defaultdict(list)
        for need in sorted(self.needs.values(), key=lambda n: n.id):
            grouped[need.country].append(need)
        return {k: tuple(v) for k, v in grouped.items()}

    @cached_property
    def statements_by_country(self) -> dict[str, tuple[FactorStatement, ...]]:
        grouped: dict[str, list[FactorStatement]] = defaultdict(list)
        for statement in self.statements:
            grouped[statement.country].append(statement)
        return {k: tuple(v) for k, v in grouped.items()}

    @cached_property
    def targets_by_goal(self) -> dict[str, tuple[str, ...]]:
        grouped: dict[str, list[str]] = defaultdict(list)
        for target in self.targets.values():
            grouped[target.goal].append(target.id)
        return {k: tuple(sorted(v)) for k, v in grouped.items()}

    @cached_property
    def practices_by_country(self) -> dict[str, tuple[Practice, ...]]:
        grouped: dict[str, list[Practice]] = defaultdict(list)
        for practice in sorted(self.practices.values(), key=lambda p: p.id):
            if practice.country:
                grouped[practice.country].append(practice)
        return {k: tuple(v) for k, v in grouped.items()}


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
    from ..queries.rules import history_order

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


def catalog_from_store(store) -> Catalog:
    """Read a catalog from any store through its bulk ``nodes``/``links`` reads.

    One read per kind and one per relation, whatever the size of the graph.
    """
    nodes = {kind: dict(store.nodes(kind)) for kind in (
        "country", "factor", "theme", "practice", "context", "need", "transfer", "organization",
        "network", "event", "goal", "target", "status_step")}

    native = getattr(store, "grouped_links", None)  # a store may serve the grouped shape itself

    def links(kind: str, rel: str) -> dict[str, list[tuple[str, str, dict]]]:
        if native is not None:
            return native(kind, rel)
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

    def practice_factor(factor: str, role: str, note: str | None, kind: str | None) -> PracticeFactor:
        """One object per distinct (factor, role, note, kind): most practices share them."""
        key = (factor, role, note, kind or "precondition")
        if key not in shared_factors:
            shared_factors[key] = PracticeFactor(*key)
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
        notes = _notes_by_factor(props.get("notes"))
        for present, grouped in ((True, c_present), (False, c_absent)):
            for factor in many(grouped, cid):
                statements.append(FactorStatement(country, factor, present, props.get("as_of"), cid,
                                                  _tuple(props.get("sources")), notes.get(factor)))

    exporters = {}
    for tid, found in t_exporter.items():
        exporters[tid] = found[0]

    return Catalog.of(
        countries=[Country(i, p.get("name") or i, p.get("region"), p.get("subregion"),
                           p.get("intermediate_region"), p.get("income_group"), bool(p.get("ldc")),
                           bool(p.get("lldc")), bool(p.get("sids")), bool(p.get("un_member")),
                           p.get("iso2"), p.get("m49")) for i, p in nodes["country"].items()],
        factors=[Factor(i, p.get("label") or i, p.get("definition"), one(factor_broader, i))
                 for i, p in nodes["factor"].items()],
        themes=[Theme(i, p.get("label") or i, p.get("definition"), one(theme_broader, i))
                for i, p in nodes["theme"].items()],
        practices=[Practice(
            i, p.get("title") or i, one(p_country, i), one(p_org, i), p.get("year"), p.get("maturity"),
            many(p_themes, i), many(p_targets, i),
            tuple(practice_factor(f, props.get("role") or "supporting", props.get("note"), props.get("kind"))
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
            _steps(nodes["status_step"], many(t_steps, i)), p.get("basis")) for i, p in nodes["transfer"].items()],
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
