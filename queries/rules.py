"""The rules every query shares, written once.

* A country *has* a factor when the latest statement about that factor for that country says
  present. Statements are ordered by ``as_of``; an undated statement is the oldest, and a year
  (``2012``) comes before any full date within that year (``2012-07-13``).
* A country *satisfies* a factor f when it has f or any factor narrower than f (transitively).
* A transfer *engages* its importer when its status is agreed, implementing, adopted or scaled.
* A transfer is *successful* when its outcome is success or its status is adopted or scaled.

A transfer's status lifecycle (allowed moves, history order) is part of the model:
:mod:`psikg.ontology.lifecycle`.
"""

from __future__ import annotations

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


def latest_statements(statements) -> dict[str, FactorStatement]:
    """The latest statement about each factor (by ``as_of``; ties: the later statement in order wins)."""
    latest: dict[str, tuple[tuple[int, int, int, int], FactorStatement]] = {}
    for statement in statements:
        order = as_of_order(statement.as_of)
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


def is_successful(transfer: Transfer) -> bool:
    return transfer.outcome == "success" or transfer.status in TRANSFER_SUCCESS_STATUSES


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
