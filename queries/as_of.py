"""The catalog as it stood at the end of a year Y: what could have been known then.

:func:`catalog_as_of` keeps, of a catalog,

* the context statements dated in or before Y (an undated statement is the oldest and always
  counts; a date counts by its year), as :func:`psikg.queries.rules.factor_states` reads them;
* the transfers that started in or before Y, each with its status as of Y: the latest step of its
  status history dated in or before Y (undated steps are the oldest and always count). A transfer
  with no history keeps its recorded status (the record says no more); one whose history starts
  after Y, or one with no start year and no dated step, cannot be placed in time and is left out;
* its outcome as of Y: the outcome of the latest counted step that states one; when no step
  states one, the recorded outcome if the status as of Y is the recorded status, else ``unknown``;
* the needs expressed in or before Y, where dated: a need raised at an event counts from the
  year the event started; an undated need always counts;
* with ``dated_only``, undated statements and undated needs are left out too: the strict reading,
  for a backtest that must not credit the ranking with what was written down later;
* everything else (countries, practices, factors, themes, organizations, networks, events, SDG
  goals and targets) unchanged: they are the vocabulary, not the record of what happened.

The result is a plain :class:`~psikg.ontology.domain.Catalog`, so every query reads it as it
reads the whole one; it is built once per catalog and year (a catalog is not modified once built).

>>> from psikg.ontology.domain import Catalog, StatusStep, Transfer
>>> steps = (StatusStep("s1", "agreed", "2014"), StatusStep("s2", "adopted", "2017", outcome="success"))
>>> catalog = Catalog.of(transfers=[Transfer("t", "p", "A", "B", "adopted", "success", start_year=2014,
...                                          steps=steps)])
>>> [(t.status, t.outcome) for t in catalog_as_of(catalog, 2015).transfers.values()]
[('agreed', 'unknown')]
>>> list(catalog_as_of(catalog, 2013).transfers)
[]
"""

from __future__ import annotations

from msgspec.structs import replace

from ..ontology.domain import Catalog, Need, Transfer
from ..ontology.lifecycle import history_order
from . import rules

__all__ = ["catalog_as_of", "transfer_as_of", "transfer_start", "need_year"]


def transfer_start(transfer: Transfer) -> int | None:
    """The year a transfer started: its start year, else the year of its earliest dated step."""
    if transfer.start_year is not None:
        return transfer.start_year
    years = [rules.statement_year(step.date) for step in transfer.steps if step.date]
    return min(years) if years else None


def transfer_as_of(transfer: Transfer, year: int) -> Transfer | None:
    """The transfer as it stood at the end of ``year``, or None when it had not started (or its
    start cannot be placed in time)."""
    start = transfer_start(transfer)
    if start is None or start > year:
        return None
    if not transfer.steps:
        return transfer
    counted = sorted((s for s in transfer.steps if not s.date or rules.statement_year(s.date) <= year),
                     key=history_order)
    if not counted:
        return None
    status = counted[-1].status
    stated = [s.outcome for s in counted if s.outcome]
    if stated:
        outcome = stated[-1]
    else:
        outcome = transfer.outcome if status == transfer.status else "unknown"
    return replace(transfer, status=status, outcome=outcome, steps=tuple(counted))


def need_year(catalog: Catalog, need: Need) -> int | None:
    """The year a need was expressed: the start year of the event where it was raised (None when
    undated)."""
    event = catalog.events.get(need.event) if need.event else None
    return rules.statement_year(event.start_date) if event and event.start_date else None


def catalog_as_of(catalog: Catalog, year: int, *, dated_only: bool = False) -> Catalog:
    """The catalog as it stood at the end of ``year`` (see the module's rules); ``dated_only``
    leaves out undated statements and needs."""
    cache = catalog.__dict__.setdefault("_psikg_catalog_as_of", {})
    if (year, dated_only) in cache:
        return cache[(year, dated_only)]
    statements = tuple(s for s in catalog.statements if (not s.as_of and not dated_only)
                       or (s.as_of and rules.statement_year(s.as_of) <= year))
    transfers = {}
    for transfer_id, transfer in catalog.transfers.items():
        then = transfer_as_of(transfer, year)
        if then is not None:
            transfers[transfer_id] = then
    needs = {}
    for need_id, need in catalog.needs.items():
        expressed = need_year(catalog, need)
        if (expressed is None and not dated_only) or (expressed is not None and expressed <= year):
            needs[need_id] = need
    built = Catalog(
        countries=catalog.countries, factors=catalog.factors, themes=catalog.themes,
        practices=catalog.practices, statements=statements, needs=needs, transfers=transfers,
        organizations=catalog.organizations, networks=catalog.networks, events=catalog.events,
        goals=catalog.goals, targets=catalog.targets,
    )
    cache[(year, dated_only)] = built
    return built
