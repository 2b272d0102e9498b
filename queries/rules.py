"""The rules every query shares, written once.

* A country *has* a factor when the latest statement about that factor for that country says
  present. Statements are ordered by ``as_of``; an undated statement is the oldest, and a year
  (``2012``) comes before any full date within that year (``2012-07-13``).
* A country *satisfies* a factor f when it has f or any factor narrower than f (transitively).
* A transfer *engages* its importer when its status is agreed, implementing, adopted or scaled.
* A transfer is *successful* when its outcome is success or its status is adopted or scaled.
* A transfer's status moves only along the documented transitions: opportunity → agreed →
  implementing → adopted → scaled; stalled and abandoned from any open state (opportunity,
  agreed, implementing, stalled); stalled → implementing again. Restating the current status (a
  dated update) is always allowed; scaled and abandoned are final. Any other move is refused
  unless it is forced with a reason. The current status is the latest step of the history
  (ordered by date, undated first, then by order of recording).

>>> as_of_order(None) < as_of_order("2012") < as_of_order("2012-07-13") < as_of_order("2013")
True
>>> allowed_transitions("implementing")
('adopted', 'stalled', 'abandoned')
>>> transition_problem("opportunity", "adopted")
'opportunity cannot move to adopted (allowed: agreed, stalled, abandoned)'
>>> transition_problem("stalled", "implementing") is None
True
"""

from __future__ import annotations

from ..graph.domain import Catalog, FactorStatement, Transfer
from ..ontology.model import TRANSFER_ENGAGED_STATUSES, TRANSFER_SUCCESS_STATUSES

__all__ = [
    "as_of_order",
    "history_order",
    "concept_ancestors",
    "factor_ancestors",
    "latest_statements",
    "factors_had",
    "factors_satisfied",
    "satisfied_by_country",
    "is_engaged",
    "is_successful",
    "OPEN_STATUSES",
    "STATUS_TRANSITIONS",
    "allowed_transitions",
    "transition_problem",
    "need_targets",
    "targets_of_country_needs",
]


def as_of_order(as_of: str | None) -> tuple[int, int, int, int]:
    """Sort key of an ``as_of`` value: undated first, then by year, month and day."""
    if not as_of:
        return (0, 0, 0, 0)
    parts = [int(p) for p in str(as_of).split("-")[:3]]
    parts += [0] * (3 - len(parts))
    return (1, parts[0], parts[1], parts[2])


def history_order(step) -> tuple:
    """Sort key of a status step: by date (undated first), then order of recording, then id."""
    return (as_of_order(step.date), step.seq, step.id)


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


#: Statuses of a partnership still under way: it may stall or be abandoned from any of them.
OPEN_STATUSES = ("opportunity", "agreed", "implementing", "stalled")

#: Every documented move of a transfer's status (restating the same status is allowed besides).
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "opportunity": ("agreed", "stalled", "abandoned"),
    "agreed": ("implementing", "stalled", "abandoned"),
    "implementing": ("adopted", "stalled", "abandoned"),
    "adopted": ("scaled",),
    "scaled": (),
    "stalled": ("implementing", "abandoned"),
    "abandoned": (),
}


def allowed_transitions(status: str) -> tuple[str, ...]:
    """The statuses a transfer in ``status`` may move to (besides restating ``status``)."""
    return STATUS_TRANSITIONS.get(status, ())


def transition_problem(current: str | None, new: str) -> str | None:
    """Why moving from ``current`` to ``new`` is refused, or None when it is allowed (a transfer
    with no status yet may start anywhere)."""
    if current is None or current == new or new in allowed_transitions(current):
        return None
    allowed = ", ".join(allowed_transitions(current)) or f"none: {current} is final"
    return f"{current} cannot move to {new} (allowed: {allowed})"


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
