"""The status history of transfers: steps from the ``transfers`` and ``status_history`` tables and
from ``psikg follow-up``, merged with the history already in the store.

A step is a node of kind ``status_step`` with a deterministic id
``{transfer}--{date or 'undated'}--{status}``, linked from its transfer by ``steps``. Recording a
step never erases an earlier one, and recording the same step again changes nothing. The merged
history is ordered by date (undated first), then by order of recording; every new step must be a
documented move from the step before it (and, when it is slotted in before an older step, to the
step after it), see :func:`psikg.ontology.lifecycle.transition_problem`, unless it carries a forced
reason. The transfer's ``status`` is then the latest step's, and its ``outcome`` the latest
outcome any step states.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable

from msgspec.structs import replace

from ..ontology.domain import StatusStep
from ..graph.records import GraphBatch, node_key
from ..ontology.lifecycle import as_of_order, history_order, transition_problem

__all__ = ["PendingStep", "step_id", "stored_history", "merge_history", "history_order", "record_steps",
           "follow_up_batch", "record_follow_up"]


def step_id(transfer: str, date: str | None, status: str) -> str:
    """The id of a step: ``{transfer}--{date or 'undated'}--{status}``.

    >>> step_id("bgd-sdg-tracker-to-per", "2018-10-23", "agreed")
    'bgd-sdg-tracker-to-per--2018-10-23--agreed'
    >>> step_id("bgd-sdg-tracker-to-per", None, "agreed")
    'bgd-sdg-tracker-to-per--undated--agreed'
    """
    return f"{transfer}--{date or 'undated'}--{status}"


@dataclass
class PendingStep:
    """A step to record, and where it came from (``origin``: a table row, or None for follow-up)."""

    transfer: str
    status: str
    date: str | None = None
    outcome: str | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()
    forced: str | None = None
    origin: object = None
    record: bool = False  # the status a transfers row states (undated), not a step of the history

    @property
    def id(self) -> str:
        return step_id(self.transfer, self.date, self.status)


def stored_history(catalog, transfers: Iterable[str]) -> dict[str, tuple[StatusStep, ...]]:
    """The stored history of each of ``transfers`` (oldest first). A transfer stored without steps
    (recorded before histories were kept) has its status as one undated step."""
    found: dict[str, tuple[StatusStep, ...]] = {}
    if catalog is None:
        return found
    for transfer_id in transfers:
        transfer = catalog.transfers.get(transfer_id)
        if transfer is None:
            continue
        if transfer.steps:
            found[transfer_id] = tuple(sorted(transfer.steps, key=history_order))
        elif transfer.status:
            outcome = transfer.outcome if transfer.outcome not in (None, "unknown") else None
            found[transfer_id] = (StatusStep(step_id(transfer_id, None, transfer.status), transfer.status,
                                             outcome=outcome),)
    return found


def merge_history(batch: GraphBatch, pending: list[PendingStep], stored: dict[str, tuple[StatusStep, ...]],
                  refuse: Callable[[PendingStep, str], None],
                  warn: Callable[[PendingStep, str], None] | None = None) -> dict[str, tuple[StatusStep, ...]]:
    """Add ``pending`` steps to ``batch`` on top of the ``stored`` history; call ``refuse(step,
    why)`` for each step that is not a documented move. Returns the merged history by transfer.

    Dated steps (``status_history`` rows, follow-up) are merged first. The status a ``transfers``
    row states (``record``) then counts as an undated step only when it adds to what the history
    says: when the transfer has no step yet, or no dated one and not this status (an edited
    spreadsheet). When the history already goes further, it wins and ``warn(step, why)`` says so.

    Every step of a touched transfer is written (so the batch owns the transfer's ``steps``
    links without losing any), with the transfer's current ``status`` and ``outcome``."""
    by_transfer: dict[str, list[PendingStep]] = defaultdict(list)
    for step in pending:
        by_transfer[step.transfer].append(step)
    merged_all: dict[str, tuple[StatusStep, ...]] = {}
    for transfer, steps in by_transfer.items():
        merged = {s.id: s for s in stored.get(transfer, ())}
        fresh: dict[str, PendingStep] = {}
        steps = sorted((s for s in steps if not s.record), key=lambda s: as_of_order(s.date)) + \
            [s for s in steps if s.record]  # stable: input order within a date
        for step in steps:
            prior = merged.get(step.id)
            if step.record and prior is None and not _record_adds(step, merged, warn):
                continue
            if prior is None:
                seq = max((s.seq for s in merged.values()), default=-1) + 1
                fresh[step.id] = step
                merged[step.id] = StatusStep(step.id, step.status, step.date, step.outcome, step.note, step.forced,
                                             seq, tuple(step.sources))
            else:  # the same step again: its details may be updated, never its place
                merged[step.id] = replace(
                    prior, outcome=step.outcome if step.outcome is not None else prior.outcome,
                    note=step.note if step.note is not None else prior.note,
                    forced=step.forced if step.forced is not None else prior.forced,
                    sources=tuple(step.sources) or prior.sources)
        history = sorted(merged.values(), key=history_order)
        for index, step in enumerate(history):
            if step.id not in fresh:
                continue
            if index > 0 and not step.forced:
                problem = transition_problem(history[index - 1].status, step.status)
                if problem:
                    refuse(fresh[step.id], f"{problem}, after step {history[index - 1].id}")
            if index + 1 < len(history) and history[index + 1].id not in fresh and not history[index + 1].forced:
                problem = transition_problem(step.status, history[index + 1].status)
                if problem:
                    refuse(fresh[step.id], f"the later step {history[index + 1].id} does not follow: {problem}")
        merged_all[transfer] = tuple(history)
        if history:
            record = next((s for s in steps if s.record), None)
            _write(batch, transfer, history, record.outcome or "unknown" if record else None)
    return merged_all


def _record_adds(step: PendingStep, merged: dict[str, StatusStep], warn) -> bool:
    """Whether the status a transfers row states is a new step of the history in ``merged``."""
    if not merged:
        return True
    history = sorted(merged.values(), key=history_order)
    latest = history[-1]
    if any(s.status == step.status for s in history) or any(s.date for s in history):
        if latest.status != step.status and warn is not None:
            warn(step, f"its history goes on to {latest.status} ({latest.date or 'undated'}, step {latest.id}), "
                       f"which stays the current status; record later moves in status_history")
        return False
    return True


def _write(batch: GraphBatch, transfer: str, history: list[StatusStep], fallback_outcome: str | None) -> None:
    """The steps, the ``steps`` links and the current status and outcome of one transfer. The
    outcome is the latest a step states, else ``fallback_outcome`` (the transfers row's), else
    left as stored."""
    source = node_key("transfer", transfer)
    batch.own(source, "steps")
    for step in history:
        key = batch.add_node("status_step", step.id, {
            "status": step.status, "date": step.date, "outcome": step.outcome, "note": step.note,
            "forced": step.forced, "seq": step.seq, "sources": list(step.sources) or None}).key
        batch.add_link(source, "steps", key)
    props = {"status": history[-1].status}
    outcome = next((s.outcome for s in reversed(history) if s.outcome), fallback_outcome)
    if outcome is not None:
        props["outcome"] = outcome
    batch.add_node("transfer", transfer, props)


def record_steps(batch: GraphBatch, steps: list[PendingStep], store, issues: list) -> None:
    """Merge the steps of a load (rows of ``transfers`` and ``status_history``) with the history in
    ``store`` (None: an empty store) into ``batch``; each refused move becomes an input issue on its
    row."""
    from ..errors import InputIssue

    catalog = store.catalog() if store is not None else None
    stored = stored_history(catalog, {step.transfer for step in steps})

    def refuse(step: PendingStep, why: str) -> None:
        row = step.origin
        issues.append(InputIssue(
            getattr(row, "file", "?"), getattr(row, "line", None), "status", step.status,
            f"a documented move of transfer {step.transfer}'s status ({why}); to keep it anyway, record it "
            "in status_history with a 'forced' reason", None, "error",
            row.cell_ref("status") if row is not None else None))

    def warn(step: PendingStep, why: str) -> None:
        row = step.origin
        issues.append(InputIssue(
            getattr(row, "file", "?"), getattr(row, "line", None), "status", step.status,
            f"the status transfer {step.transfer}'s history records: {why}", None, "warning",
            row.cell_ref("status") if row is not None else None))

    merge_history(batch, steps, stored, refuse, warn)


def follow_up_batch(catalog, transfer: str, status: str, *, date: str | None, note: str | None = None,
                    sources=(), outcome: str | None = None, forced: str | None = None) -> tuple[GraphBatch, tuple]:
    """The batch recording one follow-up step of ``transfer``, and the transfer's history after it.

    Raises UnknownIdError for an unknown transfer and FollowUpError for a bad value or a move
    outside the documented transitions (unless ``forced`` gives a reason)."""
    import difflib

    from ..errors import FollowUpError, UnknownIdError
    from ..ontology.model import ENUMS
    from .values import BadValue, parse_date

    if transfer not in catalog.transfers:
        raise UnknownIdError("transfer", transfer, difflib.get_close_matches(transfer, sorted(catalog.transfers), n=3))
    for name, value, enum in (("status", status, "status"), ("outcome", outcome, "outcome")):
        if value is not None and value not in ENUMS[enum]:
            raise FollowUpError(f"--{name} {value!r}: expected one of {', '.join(ENUMS[enum])}")
    if date is not None:
        try:
            date = parse_date(date)
        except BadValue as bad:
            raise FollowUpError(f"--date {date!r}: expected {bad.expected}") from None
    if forced is not None and not forced.strip():
        raise FollowUpError("--force needs a reason (e.g. --force 'status corrected after the 2019 audit')")
    step = PendingStep(transfer, status, date, outcome, note or None, tuple(sources), forced or None)
    refused = []
    batch = GraphBatch()
    history = merge_history(batch, [step], stored_history(catalog, [transfer]),
                            lambda _step, why: refused.append(why))
    # Links to steps are only ever added: a follow-up written at the same time by someone else keeps its step.
    batch.owned.discard((node_key("transfer", transfer), "steps"))
    if refused:
        raise FollowUpError(f"transfer {transfer}: {refused[0]}. Nothing was written; to record it anyway, "
                            "give --force REASON. Allowed moves: docs/input-format.md (status_history).")
    return batch, history[transfer]


def record_follow_up(store, transfer: str, status: str, **options) -> tuple:
    """Check one follow-up step against the transfer's latest history and write it, both inside
    one store transaction where the store has them (the embedded store): two follow-ups written at
    the same time are then checked one after the other, never both against the same old history.
    ``options`` are those of :func:`follow_up_batch`. Returns the transfer's history after it."""
    from contextlib import nullcontext

    transaction = getattr(store, "transaction", None)
    with transaction() if transaction is not None else nullcontext():
        batch, history = follow_up_batch(store.catalog(), transfer, status, **options)
        store.apply(batch)
    return history
