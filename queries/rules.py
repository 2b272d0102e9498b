"""The rules every query shares, written once.

* A country *has* a factor when the latest statement about that factor for that country says
  present. Statements are ordered by ``as_of``; an undated statement is the oldest, and a year
  (``2012``) comes before any full date within that year (``2012-07-13``).
* A country *satisfies* a factor f when it has f or any factor narrower than f (transitively).
* **A country's state of a factor as of a year Y** (:func:`factor_states`): only the statements
  dated in or before Y count (an undated statement always counts; a date counts by its year); for
  each factor the latest of them decides (ties: the later row). f is ``present`` when the latest
  statement about f or about any factor narrower than f says present; ``absent`` when it is not
  present and the latest statement about f itself says absent; ``unknown`` otherwise.
* A transfer *engages* its importer when its status is agreed, implementing, adopted or scaled.
* **One verdict per transfer** (:func:`verdict`): ``failure`` when the status is abandoned or the
  outcome failure; else ``success`` when the outcome is success, or the outcome is unknown and the
  status adopted or scaled; else ``partial`` when the outcome is partial; else ``open``. An
  opportunity (status ``opportunity``, e.g. one saved by matchmaking) is a suggestion, not a
  partnership: its verdict is ``open`` whatever its outcome says, so it is never evidence.

A transfer's status lifecycle (allowed moves, history order) is part of the model:
:mod:`psikg.ontology.lifecycle`.

>>> from psikg.ontology.domain import Transfer
>>> [verdict(Transfer("t", "p", "A", "B", s, o)) for s, o in (("abandoned", "success"), ("adopted", "unknown"),
...  ("implementing", "partial"), ("agreed", "unknown"), ("opportunity", "success"))]
['failure', 'success', 'partial', 'open', 'open']
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ontology.domain import Catalog, FactorStatement, Transfer
from ..ontology.lifecycle import as_of_order
from ..ontology.model import TRANSFER_ENGAGED_STATUSES, TRANSFER_SUCCESS_STATUSES

__all__ = [
    "concept_ancestors",
    "factor_ancestors",
    "latest_statements",
    "factors_had",
    "factors_satisfied",
    "satisfied_by_country",
    "is_engaged",
    "is_successful",
    "verdict",
    "VERDICTS",
    "is_suggestion",
    "statement_year",
    "FactorStates",
    "factor_states",
    "states_by_country",
    "countries_by_state",
    "current_year",
    "need_targets",
    "targets_of_country_needs",
]


def concept_ancestors(scheme: dict, concept: str) -> tuple[str, ...]:
    """A SKOS concept and every broader concept above it, nearest first (``scheme`` maps ids to
    objects with a ``broader`` id: the catalog's factors or themes)."""
    chain: list[str] = []
    current: str | None = concept
    while current is not None and current not in chain:
        chain.append(current)
        found = scheme.get(current)
        current = found.broader if found else None
    return tuple(chain)


def factor_ancestors(catalog: Catalog, factor: str) -> tuple[str, ...]:
    """The factor and every broader factor above it, nearest first."""
    return concept_ancestors(catalog.factors, factor)


def latest_statements(statements, year: int | None = None) -> dict[str, FactorStatement]:
    """The latest statement about each factor (by ``as_of``; ties: the later statement in order
    wins), among the statements that count as of ``year`` (None: all): the undated ones and those
    dated in or before it."""
    latest: dict[str, tuple[tuple[int, int, int, int], FactorStatement]] = {}
    for statement in statements:
        order = as_of_order(statement.as_of)
        if year is not None and order[0] and order[1] > year:  # order[0]: dated
            continue
        known = latest.get(statement.factor)
        if known is None or order >= known[0]:
            latest[statement.factor] = (order, statement)
    return {factor: statement for factor, (_, statement) in latest.items()}


def factors_had(statements: tuple[FactorStatement, ...]) -> frozenset[str]:
    """Factors whose latest statement says present."""
    return frozenset(f for f, statement in latest_statements(statements).items() if statement.present)


def factors_satisfied(catalog: Catalog, country: str) -> frozenset[str]:
    """Factors the country satisfies: those it has and everything broader."""
    return satisfied_by_country(catalog).get(country, frozenset())


def satisfied_by_country(catalog: Catalog) -> dict[str, frozenset[str]]:
    """Satisfied factors for every country with statements, computed once per catalog."""
    cached = catalog.__dict__.get("_satisfied_by_country")
    if cached is None:
        cached = {}
        for country, statements in catalog.statements_by_country.items():
            satisfied: set[str] = set()
            for factor in factors_had(statements):
                satisfied.update(factor_ancestors(catalog, factor))
            cached[country] = frozenset(satisfied)
        catalog.__dict__["_satisfied_by_country"] = cached
    return cached


def is_engaged(transfer: Transfer) -> bool:
    return transfer.status in TRANSFER_ENGAGED_STATUSES


#: The verdicts of a transfer, as :func:`verdict` gives them.
VERDICTS = ("success", "partial", "failure", "open")


def is_suggestion(transfer: Transfer) -> bool:
    """An opportunity (recorded at an event or saved by matchmaking): never evidence of anything."""
    return transfer.status == "opportunity"


def verdict(transfer: Transfer) -> str:
    """The one verdict of a transfer: success, partial, failure or open (see the module's rules)."""
    if is_suggestion(transfer):
        return "open"
    if transfer.status == "abandoned" or transfer.outcome == "failure":
        return "failure"
    if transfer.outcome == "success" or (transfer.outcome in (None, "unknown")
                                         and transfer.status in TRANSFER_SUCCESS_STATUSES):
        return "success"
    if transfer.outcome == "partial":
        return "partial"
    return "open"


def is_successful(transfer: Transfer) -> bool:
    """The transfer's verdict is success."""
    return verdict(transfer) == "success"


def current_year() -> int:
    """The year states are read as of when no year is given."""
    from datetime import date

    return date.today().year


def statement_year(as_of: str | None) -> int | None:
    """The year a statement's ``as_of`` counts by (None when undated)."""
    return as_of_order(as_of)[1] if as_of else None


@dataclass(frozen=True)
class FactorStates:
    """A country's factor states as of a year (see the module's rules).

    ``present`` maps each present factor to the factors stated present that make it so (itself or
    narrower ones, sorted); ``absent`` holds the absent factors; ``decisive`` maps each factor with
    a statement to the latest one (the one that decides).
    """

    present: dict[str, tuple[str, ...]]
    absent: frozenset[str]
    decisive: dict[str, FactorStatement]

    def state(self, factor: str) -> str:
        """``present``, ``absent`` or ``unknown``."""
        if factor in self.present:
            return "present"
        return "absent" if factor in self.absent else "unknown"


NO_STATES = FactorStates({}, frozenset(), {})


def factor_states(catalog: Catalog, statements, year: int | None = None) -> FactorStates:
    """The states of every factor given ``statements`` of one country, as of ``year`` (None: all)."""
    latest = latest_statements(statements, year)
    via: dict[str, set[str]] = {}
    for factor, statement in latest.items():
        if statement.present:
            for broader in factor_ancestors(catalog, factor):
                via.setdefault(broader, set()).add(factor)
    absent = frozenset(f for f, s in latest.items() if not s.present and f not in via)
    return FactorStates({f: tuple(sorted(v)) for f, v in via.items()}, absent, latest)


def states_by_country(catalog: Catalog, year: int | None = None) -> dict[str, FactorStates]:
    """:func:`factor_states` of every country with statements as of ``year`` (default: the current
    year), computed once per catalog and year (a catalog is not modified once built)."""
    year = current_year() if year is None else year
    cache = catalog.__dict__.setdefault("_psikg_states_by_year", {})
    if year not in cache:
        cache[year] = {country: factor_states(catalog, statements, year)
                       for country, statements in catalog.statements_by_country.items()}
    return cache[year]


def need_targets(catalog: Catalog, need) -> frozenset[str]:
    """Targets a need asks for: its targets plus every target of its goals."""
    targets = set(need.targets)
    for goal in need.goals:
        targets.update(catalog.targets_by_goal.get(goal, ()))
    return frozenset(targets)


def targets_of_country_needs(catalog: Catalog, country: str) -> frozenset[str]:
    """The union of the targets of all of a country's needs."""
    targets: set[str] = set()
    for need in catalog.needs_by_country.get(country, ()):
        targets |= need_targets(catalog, need)
    return frozenset(targets)


def countries_by_state(catalog: Catalog, year: int | None = None) -> tuple[dict[str, frozenset[str]],
                                                                          dict[str, frozenset[str]]]:
    """The same states indexed the other way: factor -> countries where it is present, and factor ->
    countries where it is absent, as of ``year`` (computed once per catalog and year)."""
    year = current_year() if year is None else year
    cache = catalog.__dict__.setdefault("_psikg_countries_by_state", {})
    if year not in cache:
        present: dict[str, set[str]] = {}
        absent: dict[str, set[str]] = {}
        for country, states in states_by_country(catalog, year).items():
            for factor in states.present:
                present.setdefault(factor, set()).add(country)
            for factor in states.absent:
                absent.setdefault(factor, set()).add(country)
        cache[year] = ({f: frozenset(c) for f, c in present.items()}, {f: frozenset(c) for f, c in absent.items()})
    return cache[year]
