"""The domain as plain, frozen records, and the catalog that queries read.

The records are msgspec Structs, not dataclasses: a frozen dataclass writes and compiles six
methods when its class is made, and its ``__init__`` sets each field through ``object.__setattr__``;
a Struct's class and objects are made in C. As Structs these fourteen classes take 68 million
instructions off a ``psikg match`` of 813 million, net of importing msgspec (docs/performance.md).
They behave as frozen dataclasses do (keyword or positional fields, equality and hashing by value,
no assignment) except for the helpers: copy one with changes by ``msgspec.structs.replace``, list
its fields by ``__struct_fields__``, make it JSON-ready by :func:`psikg.ontology.plain.to_plain`.

Nothing here knows about a backend. A :class:`Catalog` is built from any store with
:func:`psikg.graph.catalog.catalog_from_store` (a bounded number of bulk reads: one per kind and
relation), or by hand in tests. Queries in ``queries/`` are pure functions of a catalog and their
parameters.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Iterable

import msgspec

if TYPE_CHECKING:  # imported where it is used: a match resolves no country names
    from .countries import CountryResolver

__all__ = [
    "Country", "Factor", "Theme", "PracticeFactor", "Practice", "FactorStatement", "Need",
    "StatusStep", "Transfer", "Organization", "Network", "Event", "Goal", "Target", "Catalog",
]


class Country(msgspec.Struct, frozen=True):
    """A country or territory (ISO 3166 alpha-3 ``id``) with its UN M49 grouping, World Bank income
    group and UN lists (LDC, LLDC, SIDS); ``un_member`` tells member states from territories."""

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
    official_name: str | None = None


class Factor(msgspec.Struct, frozen=True):
    """A success factor (a SKOS concept): something a practice needs in place, or has; ``broader``
    is the factor it narrows."""

    id: str
    label: str
    definition: str | None = None
    broader: str | None = None


class Theme(msgspec.Struct, frozen=True):
    """A public-service theme (a SKOS concept) that practices and needs are filed under."""

    id: str
    label: str
    definition: str | None = None
    broader: str | None = None


class PracticeFactor(msgspec.Struct, frozen=True):
    """How a practice depends on a factor: its role (critical or supporting), its kind and who read
    it from which source."""

    factor: str
    role: str  # "critical" | "supporting"
    note: str | None = None
    kind: str = "precondition"  # "precondition" | "component" | "outcome"
    basis: str | None = None  # "stated" | "reading" (who read it and when: read_by, read_on)
    read_by: str | None = None
    read_on: str | None = None


class Practice(msgspec.Struct, frozen=True):
    """A public-service practice that a country or organization can export, with its factors, themes,
    SDG targets and sources."""

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
    targets_basis: str | None = None  # of the set of targets: "stated" | "reading" (by, on: below)
    targets_read_by: str | None = None
    targets_read_on: str | None = None


class FactorStatement(msgspec.Struct, frozen=True):
    """One statement of a context: in ``country`` as of ``as_of``, ``factor`` was present or not."""

    country: str
    factor: str
    present: bool
    as_of: str | None = None
    context: str | None = None
    sources: tuple[str, ...] = ()
    note: str | None = None
    basis: str | None = None  # "stated" | "reading" (who read it and when: read_by, read_on)
    read_by: str | None = None
    read_on: str | None = None


class Need(msgspec.Struct, frozen=True):
    """A need a country stated (often at a matchmaking event), with the themes, targets and goals it
    asks for."""

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


class StatusStep(msgspec.Struct, frozen=True):
    """One step of a transfer's status history: the status reached, when, on whose word, why."""

    id: str
    status: str
    date: str | None = None  # ISO 8601 date or year; None = undated (the oldest)
    outcome: str | None = None
    note: str | None = None
    forced: str | None = None  # the reason, when the move was outside the documented transitions
    seq: int = 0  # order of recording, breaks ties between steps of the same date
    sources: tuple[str, ...] = ()


class Transfer(msgspec.Struct, frozen=True):
    """A practice moving from an exporter to an importer: its current status and outcome, with the
    history of its statuses in ``steps``."""

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
    degree: str | None = None  # what moved: copy, adaptation or inspiration (None: not recorded)


class Organization(msgspec.Struct, frozen=True):
    """An organization that runs or facilitates practices and transfers."""

    id: str
    name: str
    country: str | None = None
    kind: str | None = None


class Network(msgspec.Struct, frozen=True):
    """A network of countries or organizations (such as the South-South Network for Public Service
    Innovation)."""

    id: str
    name: str
    members: tuple[str, ...] = ()  # ISO3 codes or organization ids
    founded: str | None = None


class Event(msgspec.Struct, frozen=True):
    """A meeting of a network, such as a matchmaking workshop, where needs are raised and partnerships
    found."""

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


class Goal(msgspec.Struct, frozen=True):
    """A UN Sustainable Development Goal."""

    id: str
    title: str


class Target(msgspec.Struct, frozen=True):
    """A UN SDG target, under its ``goal``."""

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
    def country_resolver(self) -> CountryResolver:
        """Resolves what a person writes for one of this catalog's countries (ISO3, ISO2, names)."""
        from .countries import CountryResolver

        return CountryResolver.of_countries(self.countries.values())

    @cached_property
    def practices_by_country(self) -> dict[str, tuple[Practice, ...]]:
        grouped: dict[str, list[Practice]] = defaultdict(list)
        for practice in sorted(self.practices.values(), key=lambda p: p.id):
            if practice.country:
                grouped[practice.country].append(practice)
        return {k: tuple(v) for k, v in grouped.items()}
