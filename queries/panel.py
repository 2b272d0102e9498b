"""The adoption panel: one row per country, practice and year, adopters and non-adopters alike.

A policy-diffusion study needs the countries that did *not* take a practice up as much as those
that did, year by year. The panel is that table; every other research measure (time to adoption,
exposure) reads it.

**Who is at risk.** A practice enters the panel in its *start year*: the year the sources date it
(``Practice.year``), else the earliest start year of its transfers. A practice with neither is
left out (a note counts them). The countries at risk are the UN member states other than the
practice's origin country, plus every country that imported it (a territory that adopted is never
dropped).

**Adoption.** Country c adopts practice P in year y when a transfer of P to c started in y and
is not a suggestion (any status but ``opportunity``: a partnership that began, even one that
stalled or was abandoned later; its ``verdict`` says how it went). When several transfers of P
reached c, the earliest (then the lowest id) counts. A transfer with no start year cannot be placed
in time: its pair (c, P) is left out of the panel and a note counts it. A transfer dated before its
practice's start year is placed in the start year.

**Rows** run from the start year to ``end_year`` (default: the latest year the data names for a
transfer or a practice, so the panel does not change with the clock). ``at_risk`` is 1 up to and
including the adoption year, ``event`` is 1 in the adoption year only, ``adopted`` is 1 from it on.

**Covariates as of the row's year**: the country's state of each precondition of P
(:func:`queries.rules.factor_states`, statements dated after the year do not count), the weight
share of the preconditions present (``precondition_fit``) and known (``precondition_coverage``),
the country's region, sub-region and income group (today's classification: the store holds one),
and its ties to the *holders* of P before that year (the origin and the countries that adopted in
an earlier year): holders in the same M49 sub-region (``neighbour_ties``), holders sharing a
network with it (``network_ties``; a network counts from the year it was founded, an undated one
always: membership dates are not recorded) and holders that took part in an event with it held in
or before that year (``event_ties``).

Worked example (``tests/test_research_panel.py``): practice P from AAA dated 2018, BBB adopts in
2019, CCC never, end year 2020. Rows for BBB: 2018 (at risk, no event), 2019 (at risk, event),
2020 (adopted, not at risk); rows for CCC: 2018-2020 all at risk; 6 rows, risk set of 2019 =
{BBB, CCC}, of 2020 = {CCC}.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ontology.domain import Catalog, Practice, Transfer
from . import rules
from .scoring import preconditions

__all__ = ["PanelRow", "Panel", "Adoption", "adoption_panel", "adoptions", "practice_start_year",
           "default_end_year", "precondition_split", "PANEL_COLUMNS"]


@dataclass(frozen=True)
class Adoption:
    """The transfer that made ``country`` an adopter of ``practice`` (year None: undated)."""

    practice: str
    country: str
    year: int | None
    transfer: str
    verdict: str
    degree: str | None


@dataclass(frozen=True)
class PanelRow:
    """One country, practice and year (see the module's rules for every field)."""

    country: str
    practice: str
    year: int
    at_risk: int
    event: int
    adopted: int
    transfer: str | None
    verdict: str | None
    degree: str | None
    region: str | None
    subregion: str | None
    income_group: str | None
    n_preconditions: int
    precondition_fit: float | None
    precondition_coverage: float | None
    present: tuple[str, ...]
    absent: tuple[str, ...]
    unknown: tuple[str, ...]
    neighbour_ties: int
    network_ties: int
    event_ties: int

    def as_dict(self) -> dict:
        data = {name: getattr(self, name) for name in PANEL_COLUMNS if name not in ("present", "absent", "unknown")}
        data.update(present=";".join(self.present), absent=";".join(self.absent), unknown=";".join(self.unknown))
        return {name: data[name] for name in PANEL_COLUMNS}


#: Panel columns in file order.
PANEL_COLUMNS = ("country", "practice", "year", "at_risk", "event", "adopted", "transfer", "verdict", "degree",
                 "region", "subregion", "income_group", "n_preconditions", "precondition_fit",
                 "precondition_coverage", "present", "absent", "unknown", "neighbour_ties", "network_ties",
                 "event_ties")


@dataclass(frozen=True)
class Panel:
    """The panel, its year range and what was left out (``notes``)."""

    rows: tuple[PanelRow, ...]
    end_year: int
    practices: int
    countries: int
    notes: tuple[str, ...] = ()


def practice_start_year(catalog: Catalog, practice: Practice) -> int | None:
    """The year a practice enters the panel: its own year, else its earliest dated transfer."""
    if practice.year is not None:
        return int(practice.year)
    years = [t.start_year for t in catalog.transfers_by_practice.get(practice.id, ())
             if t.start_year is not None and not rules.is_suggestion(t)]
    return min(years) if years else None


def default_end_year(catalog: Catalog) -> int:
    """The latest year the data names for a transfer or a practice (the current year when none)."""
    years = [t.start_year for t in catalog.transfers.values() if t.start_year is not None]
    years += [p.year for p in catalog.practices.values() if p.year is not None]
    return max(years) if years else rules.current_year()


def adoptions(catalog: Catalog) -> dict[tuple[str, str], Adoption]:
    """(practice, country) -> the adoption (earliest dated transfer, then lowest id; undated last)."""
    found: dict[tuple[str, str], tuple[tuple, Transfer]] = {}
    for transfer in catalog.transfers.values():
        if rules.is_suggestion(transfer) or not transfer.importer:
            continue
        key = (transfer.practice, transfer.importer)
        order = (transfer.start_year is None, transfer.start_year or 0, transfer.id)
        if key not in found or order < found[key][0]:
            found[key] = (order, transfer)
    return {key: Adoption(t.practice, t.importer, t.start_year, t.id, rules.verdict(t), t.degree)
            for key, (_, t) in sorted(found.items())}


def _year_of(text: str | None) -> int | None:
    return rules.statement_year(text) if text else None


class _Ties:
    """Who is tied to whom, and from which year (networks by founding year, events by date)."""

    def __init__(self, catalog: Catalog):
        self.subregion = {c.id: c.subregion for c in catalog.countries.values()}
        self.networks = [(_year_of(n.founded), frozenset(n.members)) for n in catalog.networks.values()]
        self.events = [(_year_of(e.start_date), frozenset(e.participants)) for e in catalog.events.values()]

    def count(self, country: str, holders: set[str], year: int) -> tuple[int, int, int]:
        others = holders - {country}
        region = self.subregion.get(country)
        neighbours = sum(1 for h in others if region is not None and self.subregion.get(h) == region)
        network = {h for founded, members in self.networks if country in members and (founded or 0) <= year
                   for h in others & members}
        event = {h for held, people in self.events if country in people and held is not None and held <= year
                 for h in others & people}
        return neighbours, len(network), len(event)


def precondition_split(practice: Practice, states: rules.FactorStates, links=None):
    """The practice's preconditions split by ``states``: present, absent, unknown (sorted ids), and
    the weight shares present (fit) and known (coverage), None when it lists no precondition.
    ``links``: the practice's preconditions, when the caller already has them."""
    links = preconditions(practice) if links is None else links
    split: dict[str, list[str]] = {"present": [], "absent": [], "unknown": []}
    weights = {"present": 0.0, "absent": 0.0, "unknown": 0.0}
    for factor, _role, weight in links:
        state = states.state(factor)
        split[state].append(factor)
        weights[state] += weight
    total = sum(weights.values())
    fit = weights["present"] / total if total else None
    coverage = (weights["present"] + weights["absent"]) / total if total else None
    return tuple(sorted(split["present"])), tuple(sorted(split["absent"])), tuple(sorted(split["unknown"])), fit, coverage


def _practice_rows(catalog: Catalog, practice: Practice, start: int, end_year: int, taken: dict,
                   ties: _Ties) -> tuple[list[PanelRow], int]:
    """The rows of one practice and the number of pairs left out (undated adoption)."""
    mine = {country: a for (p, country), a in taken.items() if p == practice.id}
    at_risk = {c.id for c in catalog.countries.values() if c.un_member} | set(mine)
    at_risk.discard(practice.country)
    undated = {c for c, a in mine.items() if a.year is None}
    adopted_in = {c: max(a.year, start) for c, a in mine.items() if a.year is not None}
    rows: list[PanelRow] = []
    links = preconditions(practice)
    for year in range(start, end_year + 1):
        states_now = rules.states_by_country(catalog, year)
        splits: dict[int, tuple] = {}  # by the identity of a FactorStates: countries with none share one
        holders = {c for c, y in adopted_in.items() if y < year} | ({practice.country} - {None})
        for country in sorted(at_risk - undated):
            adoption_year = adopted_in.get(country)
            adopted = adoption_year is not None and adoption_year <= year
            info = catalog.countries.get(country)
            states = states_now.get(country, rules.NO_STATES)
            if id(states) not in splits:
                splits[id(states)] = precondition_split(practice, states, links)
            present, absent, unknown, fit, coverage = splits[id(states)]
            adoption = mine.get(country) if adopted else None
            rows.append(PanelRow(
                country, practice.id, year, int(not adopted or adoption_year == year), int(adoption_year == year),
                int(adopted), adoption.transfer if adoption else None, adoption.verdict if adoption else None,
                adoption.degree if adoption else None, info.region if info else None,
                info.subregion if info else None, info.income_group if info else None,
                len(present) + len(absent) + len(unknown), fit, coverage, present, absent, unknown,
                *ties.count(country, holders, year)))
    return rows, len(undated)


def adoption_panel(catalog: Catalog, end_year: int | None = None, practice: str | None = None) -> Panel:
    """The country x practice x year panel (see the module's rules), ordered by practice, year, country.

    ``practice`` limits it to one practice id; ``end_year`` defaults to :func:`default_end_year`.
    """
    end_year = default_end_year(catalog) if end_year is None else end_year
    taken = adoptions(catalog)
    ties = _Ties(catalog)
    rows: list[PanelRow] = []
    undated_start, undated_pairs, included = 0, 0, 0
    for item in sorted(catalog.practices.values(), key=lambda p: p.id):
        if practice is not None and item.id != practice:
            continue
        start = practice_start_year(catalog, item)
        if start is None or start > end_year:
            undated_start += start is None
            continue
        practice_rows, left_out = _practice_rows(catalog, item, start, end_year, taken, ties)
        rows.extend(practice_rows)
        undated_pairs += left_out
        included += 1
    notes = []
    if undated_start:
        notes.append(f"{undated_start} practice(s) with no year and no dated transfer: left out (no start year)")
    if undated_pairs:
        notes.append(f"{undated_pairs} adoption(s) with no start year: their country-practice pairs are left out")
    notes.append("income groups are today's classification, not the one of each year; network membership "
                 "dates are not recorded (a network counts from its founding year)")
    countries = len({row.country for row in rows})
    return Panel(tuple(rows), end_year, included, countries, tuple(notes))
