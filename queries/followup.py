"""Partnership follow-up: where each partnership stands, which ones to chase, and what an event produced.

**Partnerships** (:func:`partnerships`): every transfer with its current status (the latest step of
its history), how long it has been in that status and how long since its latest dated step.
``days_in_status`` counts from the earliest dated step of the trailing run of steps in the current
status (a restated status keeps its age); ``days_since_update`` from the latest dated step. A date
given as a year counts from 1 January, a month from its first day. Both are None when no step of
that run, or no step at all, is dated: the answer then says "unknown". A partnership is *stale*
when it is still open (opportunity, agreed, implementing, stalled) and has had no dated step for
``stale_days`` days, or none dated at all.

**Event report** (:func:`event_report`): what an event produced (the opportunities and participants
the record states, and the transfers recorded as matched at it) and what became of them: how many
are in each status now, by country pair and by theme, and a funnel of how far each got. A
transfer *reached* a stage of opportunity → agreed → implementing → adopted when any step of its
history is that stage or a later one (scaled counts as adopted; a transfer recorded straight as
implementing went through opportunity and agreed); stalled and abandoned reach nothing by
themselves. The **country report** (:func:`country_report`) tells the same for the partnerships a
country is part of, as exporter or importer.

>>> reached_stage(("opportunity", "agreed", "stalled"))
'agreed'
>>> days_between("2018", "2018-03-01")
59
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date as Date

from ..errors import UnknownIdError
from ..ontology.domain import Catalog, StatusStep, Transfer
from ..ontology.lifecycle import OPEN_STATUSES, as_of_order
from ..ontology.model import ENUMS
from .rules import verdict
from .lookup import country_of

__all__ = [
    "FUNNEL", "Partnership", "Partnerships", "partnerships", "ReportTransfer", "GroupCount", "FunnelStage",
    "EventReport", "event_report", "CountryReport", "country_report", "reached_stage", "days_between",
    "DEFAULT_STALE_DAYS",
]

STATUSES = ENUMS["status"]
#: The stages of the funnel, in order; a later status implies every earlier stage.
FUNNEL = ("opportunity", "agreed", "implementing", "adopted")
_RANK = {"opportunity": 0, "agreed": 1, "implementing": 2, "adopted": 3, "scaled": 3}
DEFAULT_STALE_DAYS = 180


def _to_date(value: str) -> Date:
    parts = [int(p) for p in str(value).split("-")[:3]]
    parts += [1] * (3 - len(parts))
    return Date(*parts)


def days_between(start: str, end: str) -> int:
    """Days from ``start`` to ``end`` (ISO dates or years; a year is its 1 January)."""
    return (_to_date(end) - _to_date(start)).days


def reached_stage(statuses) -> str | None:
    """The furthest funnel stage any of ``statuses`` reached (None when none did)."""
    ranks = [_RANK[s] for s in statuses if s in _RANK]
    return FUNNEL[max(ranks)] if ranks else None


def _history(transfer: Transfer) -> tuple[StatusStep, ...]:
    """The steps of a transfer, oldest first; a transfer without steps has its status as one."""
    if transfer.steps:
        return transfer.steps
    return (StatusStep(f"{transfer.id}--undated--{transfer.status}", transfer.status),)


@dataclass(frozen=True)
class Partnership:
    """One partnership with its current status and how long it has been there."""

    transfer: str
    practice: str
    practice_title: str
    exporter: str
    importer: str
    event: str | None
    status: str
    outcome: str
    since: str | None  # when the current status was first recorded (dated), else None
    days_in_status: int | None
    last_update: str | None  # the date of the latest dated step
    days_since_update: int | None
    steps: int
    stale: bool
    forced: bool  # some step was recorded outside the documented transitions
    verdict: str = "open"  # success, partial, failure or open (rules.verdict)

    def as_dict(self) -> dict:
        return asdict(self)

    def row(self) -> dict:
        """A flat row for tables and CSV, with the unknowns said in words."""
        row = self.as_dict()
        row["days_in_status"] = "unknown" if self.days_in_status is None else self.days_in_status
        row["days_since_update"] = "unknown" if self.days_since_update is None else self.days_since_update
        return row


@dataclass(frozen=True)
class Partnerships:
    as_of: str
    stale_days: int
    filters: dict
    partnerships: tuple[Partnership, ...]
    stale: tuple[Partnership, ...]
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"as_of": self.as_of, "stale_days": self.stale_days, "filters": self.filters,
                "partnerships": [p.as_dict() for p in self.partnerships],
                "stale": [p.transfer for p in self.stale], "notes": list(self.notes)}


def _known(catalog: Catalog, kind: str, value: str, known) -> None:
    if value not in known:
        raise UnknownIdError(kind, value, difflib.get_close_matches(value, sorted(known), n=3))


def partnership(catalog: Catalog, transfer: Transfer, as_of: str, stale_days: int) -> Partnership:
    """Where one transfer stands on ``as_of``."""
    history = _history(transfer)
    current = history[-1].status
    run = []
    for step in reversed(history):
        if step.status != current:
            break
        run.append(step)
    dated_run = [s.date for s in run if s.date]
    since = min(dated_run, key=as_of_order) if dated_run else None
    dated = [s.date for s in history if s.date]
    last = max(dated, key=as_of_order) if dated else None
    days_since = days_between(last, as_of) if last else None
    practice = catalog.practices.get(transfer.practice)
    return Partnership(
        transfer.id, transfer.practice, practice.title if practice else transfer.practice, transfer.exporter,
        transfer.importer, transfer.event, transfer.status or current, transfer.outcome,
        since, days_between(since, as_of) if since else None, last, days_since, len(history),
        (transfer.status or current) in OPEN_STATUSES and (days_since is None or days_since >= stale_days),
        any(s.forced for s in history), verdict(transfer))


def partnerships(catalog: Catalog, *, event: str | None = None, country: str | None = None,
                 status: str | None = None, stale_days: int = DEFAULT_STALE_DAYS,
                 as_of: str | None = None) -> Partnerships:
    """The partnerships (transfers) matched at ``event``, involving ``country`` (as exporter or
    importer) and in ``status``, each with its time in status; and the stale ones to chase, those
    longest without news first. ``as_of`` (default today) is the day the ages are counted to.
    Raises UnknownIdError for an unknown event or country."""
    as_of = as_of or Date.today().isoformat()
    filters = {}
    if event:
        _known(catalog, "event", event, catalog.events)
        filters["event"] = event
    if country:
        country = country_of(catalog, country).id
        filters["country"] = country
    if status:
        if status not in STATUSES:
            raise UnknownIdError("status", status, difflib.get_close_matches(status, STATUSES, n=1))
        filters["status"] = status
    rows = []
    for transfer in catalog.transfers.values():
        if event and transfer.event != event:
            continue
        if country and country not in (transfer.exporter, transfer.importer):
            continue
        if status and transfer.status != status:
            continue
        rows.append(partnership(catalog, transfer, as_of, stale_days))
    order = {s: i for i, s in enumerate(STATUSES)}
    rows.sort(key=lambda p: (order.get(p.status, len(order)), p.transfer))
    stale = sorted((p for p in rows if p.stale),
                   key=lambda p: (p.days_since_update is not None, -(p.days_since_update or 0), p.transfer))
    notes = []
    if not rows:
        notes.append("No partnership matches these filters.")
    undated = sum(1 for p in rows if p.days_since_update is None)
    if undated:
        notes.append(f"{undated} of {len(rows)} partnership(s) have no dated step: their time in status is "
                     "unknown (record one with psikg follow-up … --date).")
    return Partnerships(as_of, stale_days, filters, tuple(rows), tuple(stale), tuple(notes))


# Event report -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportTransfer:
    """A transfer matched at the event, where it stands now and how it got there."""

    transfer: str
    practice: str
    practice_title: str
    exporter: str
    exporter_name: str
    importer: str
    importer_name: str
    status: str
    outcome: str
    reached: str | None
    themes: tuple[str, ...]
    steps: tuple[StatusStep, ...]
    verdict: str = "open"  # success, partial, failure or open (rules.verdict)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class GroupCount:
    """Transfers of one group (a country pair, a theme) by current status."""

    key: str
    label: str
    total: int
    by_status: dict[str, int]

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FunnelStage:
    stage: str
    label: str
    count: int

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class EventReport:
    event: str
    name: str
    place: str | None
    country: str | None
    country_name: str | None
    start_date: str | None
    end_date: str | None
    participant_count: int | None  # as the record states it
    participants: tuple[tuple[str, str], ...]  # the participants the record names: (ISO3, name)
    opportunities: int | None  # as the record states it
    recorded: int  # transfers recorded as matched at the event
    by_status: dict[str, int]
    funnel: tuple[FunnelStage, ...]
    pairs: tuple[GroupCount, ...]
    themes: tuple[GroupCount, ...]
    transfers: tuple[ReportTransfer, ...]
    as_of: str
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return asdict(self)


def _name(catalog: Catalog, party: str | None) -> str:
    if party is None:
        return "?"
    found = catalog.countries.get(party) or catalog.organizations.get(party)
    return found.name if found else party


def _group(keyed: dict[str, list[ReportTransfer]], labels: dict[str, str]) -> tuple[GroupCount, ...]:
    groups = []
    for key, items in keyed.items():
        counts = Counter(t.status for t in items)
        groups.append(GroupCount(key, labels[key], len(items), {s: counts[s] for s in STATUSES if counts[s]}))
    return tuple(sorted(groups, key=lambda g: (-g.total, g.label)))


@dataclass(frozen=True)
class _Summary:
    transfers: tuple[ReportTransfer, ...]
    by_status: dict[str, int]
    funnel: tuple[FunnelStage, ...]
    pairs: tuple[GroupCount, ...]
    themes: tuple[GroupCount, ...]
    undated: int


def _summarise(catalog: Catalog, chosen) -> _Summary:
    """The transfers ``chosen`` (by id) with their history, counted by status, pair, theme and stage."""
    transfers = []
    for transfer in sorted(chosen, key=lambda t: t.id):
        practice = catalog.practices.get(transfer.practice)
        history = _history(transfer)
        transfers.append(ReportTransfer(
            transfer.id, transfer.practice, practice.title if practice else transfer.practice,
            transfer.exporter, _name(catalog, transfer.exporter), transfer.importer,
            _name(catalog, transfer.importer), transfer.status, transfer.outcome,
            reached_stage(s.status for s in history), practice.themes if practice else (), history,
            verdict(transfer)))
    counts = Counter(t.status for t in transfers)
    funnel = tuple(FunnelStage(stage, stage, sum(1 for t in transfers if t.reached is not None
                                                 and _RANK[t.reached] >= _RANK[stage])) for stage in FUNNEL)
    pairs: dict[str, list] = defaultdict(list)
    pair_labels = {}
    themes: dict[str, list] = defaultdict(list)
    theme_labels = {}
    for t in transfers:
        key = f"{t.exporter}->{t.importer}"
        pairs[key].append(t)
        pair_labels[key] = f"{t.exporter_name} → {t.importer_name}"
        for theme in t.themes or ("",):
            themes[theme].append(t)
            found = catalog.themes.get(theme)
            theme_labels[theme] = found.label if found else (theme or "(no theme)")
    undated = sum(1 for t in transfers if not any(s.date for s in t.steps))
    return _Summary(tuple(transfers), {s: counts[s] for s in STATUSES}, funnel, _group(pairs, pair_labels),
                    _group(themes, theme_labels), undated)


def _undated_note(summary: _Summary) -> list[str]:
    if not summary.undated:
        return []
    return [f"{summary.undated} of {len(summary.transfers)} transfer(s) have no dated step: when they reached "
            "their status is unknown."]


def event_report(catalog: Catalog, event_id: str, *, as_of: str | None = None, sources=()) -> EventReport:
    """What ``event_id`` produced and what became of it. Raises UnknownIdError for an unknown event."""
    _known(catalog, "event", event_id, catalog.events)
    event = catalog.events[event_id]
    as_of = as_of or Date.today().isoformat()
    summary = _summarise(catalog, (t for t in catalog.transfers.values() if t.event == event_id))
    n = len(summary.transfers)
    participants = tuple((c, _name(catalog, c)) for c in event.participants)
    notes = []
    if event.opportunities is not None:
        recorded = "1 is recorded as a transfer" if n == 1 else f"{n} are recorded as transfers"
        notes.append(f"The record states {event.opportunities} partnership opportunities; {recorded} matched at "
                     "this event.")
    else:
        notes.append(f"The record does not state how many opportunities the event produced; {n} "
                     "transfer(s) are recorded as matched at it.")
    if event.participant_count is not None and event.participant_count > len(participants):
        notes.append(f"The record states {event.participant_count} participating countries and names "
                     f"{len(participants)}" + (f" ({', '.join(c for c, _ in participants)})" if participants else "")
                     + ".")
    notes += _undated_note(summary)
    return EventReport(
        event.id, event.name, event.place, event.country, _name(catalog, event.country) if event.country else None,
        event.start_date, event.end_date, event.participant_count, participants, event.opportunities,
        n, summary.by_status, summary.funnel, summary.pairs, summary.themes, summary.transfers, as_of,
        tuple(sources), tuple(notes))


@dataclass(frozen=True)
class CountryReport:
    """What became of a country's partnerships, as exporter and as importer."""

    country: str
    name: str
    region: str | None
    subregion: str | None
    exported: int  # transfers with the country as exporter
    imported: int  # transfers with the country as importer
    events: tuple[tuple[str, str], ...]  # events it took part in or hosted: (id, name)
    recorded: int
    by_status: dict[str, int]
    funnel: tuple[FunnelStage, ...]
    pairs: tuple[GroupCount, ...]
    themes: tuple[GroupCount, ...]
    transfers: tuple[ReportTransfer, ...]
    as_of: str
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # each transfer names its own; none for the report as a whole

    def as_dict(self) -> dict:
        return asdict(self)


def country_report(catalog: Catalog, country: str, *, as_of: str | None = None) -> CountryReport:
    """What became of the partnerships ``country`` (ISO3, ISO2 or a name) is part of, as exporter or importer.
    Raises UnknownIdError for an unknown country."""
    found = country_of(catalog, country)
    country = found.id
    as_of = as_of or Date.today().isoformat()
    summary = _summarise(catalog, (t for t in catalog.transfers.values() if country in (t.exporter, t.importer)))
    by_date = sorted(catalog.events.values(), key=lambda e: (e.start_date is None, e.start_date or "", e.id))
    events = tuple((e.id, e.name) for e in by_date if country in e.participants or e.country == country)
    notes = [] if summary.transfers else [f"No transfer of {found.name} is recorded."]
    notes += _undated_note(summary)
    return CountryReport(
        country, found.name, found.region, found.subregion,
        sum(1 for t in summary.transfers if t.exporter == country),
        sum(1 for t in summary.transfers if t.importer == country), events, len(summary.transfers),
        summary.by_status, summary.funnel, summary.pairs, summary.themes, summary.transfers, as_of, tuple(notes))
