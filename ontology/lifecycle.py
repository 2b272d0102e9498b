"""A transfer's status lifecycle: the allowed moves and the order of a status history.

A transfer's status moves only along the documented transitions: opportunity → agreed →
implementing → adopted → scaled; stalled and abandoned from any open state (opportunity, agreed,
implementing, stalled); stalled → implementing again. Restating the current status (a dated update)
is always allowed; scaled and abandoned are final. Any other move is refused unless it is forced
with a reason. The current status is the latest step of the history (ordered by date, undated
first, then by order of recording).

Dates order as ``as_of`` values do: an undated value is the oldest, and a year (``2012``) comes
before any full date within that year (``2012-07-13``).

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

import functools

__all__ = [
    "as_of_order",
    "history_order",
    "OPEN_STATUSES",
    "STATUS_TRANSITIONS",
    "allowed_transitions",
    "transition_problem",
]


@functools.lru_cache(maxsize=4096)
def as_of_order(as_of: str | None) -> tuple[int, int, int, int]:
    """Sort key of an ``as_of`` value: undated first, then by year, month and day (cached: a
    network has few distinct dates and every match orders each country's statements by them)."""
    if not as_of:
        return (0, 0, 0, 0)
    parts = [int(p) for p in str(as_of).split("-")[:3]]
    parts += [0] * (3 - len(parts))
    return (1, parts[0], parts[1], parts[2])


def history_order(step) -> tuple:
    """Sort key of a status step: by date (undated first), then order of recording, then id."""
    return (as_of_order(step.date), step.seq, step.id)


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
