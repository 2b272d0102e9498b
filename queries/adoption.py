"""Time to adoption: adoption curves, median lags and the hazard of adoption after exposure.

All measures read the adoption panel (:mod:`queries.panel`): one spell per country and practice,
starting in the practice's start year.

**Duration** of a spell = years at risk counting the start year as year 1: ``adoption year - start
+ 1`` for an adopter (an event), ``end year - start + 1`` for a country that has not adopted by
the panel's end year (censored).

**Adoption curve** of a group of spells (all, one practice, one M49 region, one income group): the
Kaplan-Meier estimate S(t) of staying a non-adopter, computed by statsmodels
(``SurvfuncRight``); the curve is the cumulative share adopted, 1 - S(t). The 95% pointwise
interval uses statsmodels' Greenwood standard error on the log(-log) scale (the interval stays in
[0, 1]). ``median`` is the first duration at which S(t) <= 0.5 (None: not reached, the usual case
when most countries never adopt).

**Median lag** among adopters: the median of ``adoption year - start year`` (years), with n and the
quartiles; a descriptive figure about those who adopted, not an estimate for all countries.

**Exposure hazard** (discrete time): over the at-risk country-years, the share in which the country
adopts (events / at-risk rows), for rows where the country was *exposed* (at least one holder of
the practice before that year in its sub-region, in a shared network, at a shared event, or any of
these) and rows where it was not; each with a 95% Wilson interval, and their ratio with a 95%
interval on the log scale (Katz). n is shown for each arm. Caveats: ties are recorded, not
randomized; exposure and adoption share causes (region, income, the same secretariat matching
both); membership dates of networks are unknown.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import asdict, dataclass

from .factors import wilson_interval
from .panel import Panel
from .sample import is_small, small_note

__all__ = ["Spell", "AdoptionCurve", "MedianLag", "ExposureHazard", "TimeToAdoption", "spells",
           "adoption_curve", "median_lag", "exposure_hazards", "time_to_adoption", "EXPOSURES", "GROUPINGS"]

Z95 = 1.959963984540054
EXPOSURES = ("neighbour", "network", "event", "any")
GROUPINGS = ("all", "practice", "region", "income_group")


@dataclass(frozen=True)
class Spell:
    """One country's time at risk of adopting one practice."""

    country: str
    practice: str
    start: int
    duration: int
    event: int
    region: str | None
    income_group: str | None


@dataclass(frozen=True)
class AdoptionCurve:
    """A Kaplan-Meier adoption curve: at each event time, the cumulative share adopted and its
    interval (``times``, ``adopted``, ``lower``, ``upper`` run in parallel)."""

    grouping: str
    group: str
    n: int
    events: int
    times: tuple[int, ...]
    adopted: tuple[float, ...]
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    median: int | None
    small_sample: bool

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MedianLag:
    """Years from a practice's start to its adoption, among adopters."""

    grouping: str
    group: str
    n: int
    median: float | None
    quartiles: tuple[float, float] | None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ExposureHazard:
    """Adoption hazard per at-risk country-year with and without an exposure."""

    exposure: str
    exposed_n: int
    exposed_events: int
    unexposed_n: int
    unexposed_events: int
    hazard_exposed: float | None
    hazard_unexposed: float | None
    exposed_ci: tuple[float, float] | None
    unexposed_ci: tuple[float, float] | None
    ratio: float | None
    ratio_ci: tuple[float, float] | None
    small_sample: bool

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TimeToAdoption:
    curves: tuple[AdoptionCurve, ...]
    lags: tuple[MedianLag, ...]
    exposure: tuple[ExposureHazard, ...]
    spells: int
    events: int
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"spells": self.spells, "events": self.events, "curves": [c.as_dict() for c in self.curves],
                "lags": [lag.as_dict() for lag in self.lags], "exposure": [e.as_dict() for e in self.exposure],
                "notes": list(self.notes)}


def spells(panel: Panel) -> list[Spell]:
    """One spell per (country, practice) of the panel, by practice then country."""
    first: dict[tuple[str, str], object] = {}
    event_year: dict[tuple[str, str], int] = {}
    for row in panel.rows:
        key = (row.practice, row.country)
        first.setdefault(key, row)
        if row.event:
            event_year[key] = row.year
    found = []
    for key in sorted(first):
        row = first[key]
        end = event_year.get(key, panel.end_year)
        found.append(Spell(row.country, row.practice, row.year, end - row.year + 1, int(key in event_year),
                           row.region, row.income_group))
    return found


def _loglog_interval(survival: float, se: float) -> tuple[float, float]:
    """95% interval of S on the log(-log) scale (S itself when S is 0 or 1)."""
    if survival <= 0.0 or survival >= 1.0 or se == 0:
        return survival, survival
    theta = math.log(-math.log(survival))
    spread = Z95 * se / (survival * abs(math.log(survival)))
    return math.exp(-math.exp(theta + spread)), math.exp(-math.exp(theta - spread))


def adoption_curve(group_spells: list[Spell], grouping: str = "all", group: str = "all") -> AdoptionCurve:
    """The Kaplan-Meier adoption curve of some spells (statsmodels ``SurvfuncRight``)."""
    events = sum(s.event for s in group_spells)
    if not events:
        return AdoptionCurve(grouping, group, len(group_spells), 0, (), (), (), (), None, is_small(len(group_spells)))
    from statsmodels.duration.survfunc import SurvfuncRight

    fitted = SurvfuncRight([s.duration for s in group_spells], [s.event for s in group_spells])
    times, adopted, lower, upper = [], [], [], []
    median = None
    for time, survival, se in zip(fitted.surv_times, fitted.surv_prob, fitted.surv_prob_se):
        low_s, high_s = _loglog_interval(float(survival), float(se))
        times.append(int(time))
        adopted.append(1.0 - float(survival))
        lower.append(1.0 - high_s)
        upper.append(1.0 - low_s)
        if median is None and survival <= 0.5:
            median = int(time)
    return AdoptionCurve(grouping, group, len(group_spells), events, tuple(times), tuple(adopted), tuple(lower),
                         tuple(upper), median, is_small(events))


def median_lag(group_spells: list[Spell], grouping: str = "all", group: str = "all") -> MedianLag:
    """Median years from start to adoption among the adopters of some spells (quartiles: linear)."""
    import statistics

    lags = sorted(s.duration - 1 for s in group_spells if s.event)
    if not lags:
        return MedianLag(grouping, group, 0, None, None)
    quartiles = statistics.quantiles(lags, n=4, method="inclusive") if len(lags) > 1 else [lags[0]] * 3
    return MedianLag(grouping, group, len(lags), float(statistics.median(lags)),
                     (float(quartiles[0]), float(quartiles[2])))


def _ratio_interval(a: int, n1: int, b: int, n2: int) -> tuple[float | None, tuple[float, float] | None]:
    if not (n1 and n2 and b):
        return None, None
    ratio = (a / n1) / (b / n2)
    if a == 0:
        return ratio, None
    spread = Z95 * math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n2)
    return ratio, (ratio * math.exp(-spread), ratio * math.exp(spread))


def exposure_hazards(panel: Panel) -> tuple[ExposureHazard, ...]:
    """The hazard of adoption with and without each exposure, over the at-risk rows."""
    counts = {name: [0, 0, 0, 0] for name in EXPOSURES}  # exposed n, events, unexposed n, events
    for row in panel.rows:
        if not row.at_risk:
            continue
        flags = {"neighbour": row.neighbour_ties > 0, "network": row.network_ties > 0, "event": row.event_ties > 0}
        flags["any"] = any(flags.values())
        for name, exposed in flags.items():
            offset = 0 if exposed else 2
            counts[name][offset] += 1
            counts[name][offset + 1] += row.event
    result = []
    for name in EXPOSURES:
        exposed_n, exposed_events, unexposed_n, unexposed_events = counts[name]
        ratio, ratio_ci = _ratio_interval(exposed_events, exposed_n, unexposed_events, unexposed_n)
        result.append(ExposureHazard(
            name, exposed_n, exposed_events, unexposed_n, unexposed_events,
            exposed_events / exposed_n if exposed_n else None, unexposed_events / unexposed_n if unexposed_n else None,
            wilson_interval(exposed_events, exposed_n), wilson_interval(unexposed_events, unexposed_n),
            ratio, ratio_ci, is_small(exposed_events) or is_small(unexposed_events)))
    return tuple(result)


def _grouped(all_spells: list[Spell], grouping: str) -> dict[str, list[Spell]]:
    groups: dict[str, list[Spell]] = defaultdict(list)
    for spell in all_spells:
        key = "all" if grouping == "all" else getattr(spell, grouping)
        groups[key if key is not None else "(unknown)"].append(spell)
    return dict(sorted(groups.items()))


def time_to_adoption(panel: Panel, groupings=GROUPINGS) -> TimeToAdoption:
    """Curves and median lags for each group of each grouping, and the exposure hazards."""
    all_spells = spells(panel)
    curves, lags = [], []
    for grouping in groupings:
        for group, members in _grouped(all_spells, grouping).items():
            curves.append(adoption_curve(members, grouping, group))
            lags.append(median_lag(members, grouping, group))
    events = sum(s.event for s in all_spells)
    notes = list(panel.notes)
    if is_small(events):
        notes.append(small_note("adoptions", events))
    notes.append("curves are per country and practice: a practice's non-adopters are every UN member state "
                 "except its origin, so cumulative shares stay small; adoption means a recorded transfer, and "
                 "the record is far from complete")
    notes.append("exposure is an association over country-years, not an effect: shared region, income and "
                 "matchmaking may cause both the tie and the adoption")
    return TimeToAdoption(tuple(curves), tuple(lags), exposure_hazards(panel), len(all_spells), events, tuple(notes))
