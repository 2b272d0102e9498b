"""How well a country fits a practice: the scoring rule, written once for match, solutions and
matchmake (DESIGN.md, "The core query").

For a practice P with exporter E and a country C, with states as of a year Y
(:func:`psikg.queries.rules.factor_states`), and W the total weight of P's *preconditions* (a
factor link of kind ``precondition``; ``component`` and ``outcome`` links never enter the score;
a critical precondition weighs 1.0, a supporting one 0.5, a factor listed twice counts once with
its strongest role):

* ``factor_fit`` = weight of P's preconditions present at C / W (0 when W = 0);
* ``coverage`` = weight of P's preconditions whose state at C is known (present or absent) / W;
* ``sdg_fit`` = |targets(P) ∩ targets(C)| / |targets(P)|, targets(C) the union of C's needs'
  targets, a need tagged with a goal covering every target of that goal (0 when P has none);
* ``evidence`` = 1.0 when P has a transfer with verdict success (:func:`rules.verdict`; started in
  or before Y when its start year is known) to a country in C's M49 sub-region or income group,
  0.5 when it has one anywhere else, 0 otherwise;
* ``score`` = 0.6·factor_fit + 0.3·sdg_fit + 0.1·evidence (:class:`Weights`).

**Tier**: ``blocked`` when a critical precondition is known absent; otherwise ``ready`` when
coverage >= ``min_coverage`` (default 0.5), else ``unassessed``.

>>> Weights.parse("factor=0.7,sdg=0.3")
Weights(factor=0.7, sdg=0.3, evidence=0.0)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, NamedTuple, Sequence, TypeVar

import numpy as np

from ..ontology.domain import Catalog, Country, Practice
from . import rules
from .lookup import sdg_key
from .score_arrays import columns_of, need_arrays, rows_of, state_arrays
from .weights import check_weights, parse_weights

__all__ = [
    "Weights", "DEFAULT_WEIGHTS", "ROLE_WEIGHTS", "EPSILON", "TIERS", "DEFAULT_MIN_COVERAGE", "STALE_YEARS",
    "FactorCheck", "EvidenceTransfer", "Fit", "FitArrays", "PracticeScorer", "score_practices", "preconditions", "links_of_kind",
    "ranked", "targets_by_country", "countries_by_target", "deciding_date",
]

#: Weight of a precondition by its role.
ROLE_WEIGHTS = {"critical": 1.0, "supporting": 0.5}
#: Scores closer than this count as equal when ranking.
EPSILON = 1e-9
#: Tiers, in the order they are shown.
TIERS = ("ready", "unassessed", "blocked")
#: A candidate is ready (when not blocked) from this coverage up.
DEFAULT_MIN_COVERAGE = 0.5
#: A deciding statement older than this many years before the as-of year is flagged stale.
STALE_YEARS = 5

T = TypeVar("T")


@dataclass(frozen=True)
class Weights:
    """Weights of the three components of a match score; they must sum to 1 (:mod:`.weights`)."""

    factor: float = 0.6
    sdg: float = 0.3
    evidence: float = 0.1

    def __post_init__(self):
        check_weights({"factor": self.factor, "sdg": self.sdg, "evidence": self.evidence})

    @classmethod
    def parse(cls, text: str) -> "Weights":
        """Weights from ``factor=0.6,sdg=0.3,evidence=0.1``; a weight left out is 0."""
        return cls(**parse_weights(text, ("factor", "sdg", "evidence")))


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class FactorCheck:
    """One precondition of the practice as seen in a country.

    ``status`` is ``present`` (``via``: the factors stated present that make it so, itself or
    narrower ones), ``absent`` or ``unknown``; ``weight`` its weight; ``as_of`` the date of the
    statement that decides (None when undated or unknown); ``stale`` when that statement is older
    than :data:`STALE_YEARS` before the as-of year.
    """

    factor: str
    label: str
    role: str
    weight: float
    status: str
    via: tuple[str, ...] = ()
    as_of: str | None = None
    stale: bool = False


@dataclass(frozen=True)
class EvidenceTransfer:
    """A successful transfer of the practice used as evidence, and why it counts.

    ``basis`` is ``subregion``, ``income-group``, ``subregion+income-group`` (evidence 1.0) or
    ``elsewhere`` (0.5).
    """

    transfer: str
    importer: str
    status: str
    outcome: str
    basis: str


class Fit(NamedTuple):
    """The numbers of one country for one practice (no explanation: cheap to compute for all; a
    named tuple because every match builds one per candidate)."""

    country: str
    score: float
    factor_fit: float
    coverage: float
    sdg_fit: float
    evidence: float
    tier: str


@dataclass(frozen=True, eq=False)
class FitArrays:
    """The numbers of many countries for one practice, as arrays in the order of ``countries``
    (``tier`` holds indexes into :data:`TIERS`); :meth:`fits` turns the chosen ones into
    :class:`Fit` tuples, so only what is shown becomes Python objects."""

    countries: tuple[str, ...]
    score: np.ndarray
    factor_fit: np.ndarray
    coverage: np.ndarray
    sdg_fit: np.ndarray
    evidence: np.ndarray
    tier: np.ndarray
    rows: np.ndarray  # each country's row in the matrices of :mod:`.score_arrays`

    def fits(self, indexes: np.ndarray | None = None) -> list[Fit]:
        """The :class:`Fit` of each country at ``indexes`` (None: all), in that order."""
        if indexes is None:
            indexes = np.arange(len(self.countries))
        countries = self.countries
        columns = (self.score[indexes].tolist(), self.factor_fit[indexes].tolist(),
                   self.coverage[indexes].tolist(), self.sdg_fit[indexes].tolist(),
                   self.evidence[indexes].tolist(), self.tier[indexes].tolist())
        return [Fit(countries[i], score, factor_fit, coverage, sdg_fit, evidence, TIERS[tier])
                for i, score, factor_fit, coverage, sdg_fit, evidence, tier
                in zip(indexes.tolist(), *columns)]


def links_of_kind(practice: Practice, kind: str) -> list[tuple[str, str, float]]:
    """(factor, role, weight) of the practice's factor links of ``kind``, each factor once with its
    strongest role, critical first then by id."""
    roles: dict[str, str] = {}
    for link in practice.factors:
        if (getattr(link, "kind", None) or "precondition") != kind:
            continue
        if roles.get(link.factor) != "critical":
            roles[link.factor] = "critical" if link.role == "critical" else "supporting"
    items = [(f, role, ROLE_WEIGHTS[role]) for f, role in roles.items()]
    return sorted(items, key=lambda item: (item[1] != "critical", item[0]))


def preconditions(practice: Practice) -> list[tuple[str, str, float]]:
    """The practice's preconditions: the only factor links that enter matching and factor analysis."""
    return links_of_kind(practice, "precondition")


def _cached(catalog: Catalog, name: str, build: Callable[[], T]) -> T:
    """A value derived from the catalog, computed once (a catalog is not modified once built)."""
    key = f"_psikg_{name}"
    if key not in catalog.__dict__:
        catalog.__dict__[key] = build()
    return catalog.__dict__[key]


def targets_by_country(catalog: Catalog) -> dict[str, dict[str, tuple[str, ...]]]:
    """country -> target -> ids of the country's needs that ask for it (rules.need_targets)."""
    def build():
        index: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for country, needs in catalog.needs_by_country.items():
            for need in needs:
                for target in rules.need_targets(catalog, need):
                    index[country][target].append(need.id)
        return {c: {t: tuple(n) for t, n in by_target.items()} for c, by_target in index.items()}

    return _cached(catalog, "targets_by_country", build)


def countries_by_target(catalog: Catalog) -> dict[str, frozenset[str]]:
    """target -> the countries whose needs ask for it (the inverted :func:`targets_by_country`)."""
    def build():
        index: dict[str, set[str]] = defaultdict(set)
        for country, by_target in targets_by_country(catalog).items():
            for target in by_target:
                index[target].add(country)
        return {t: frozenset(c) for t, c in index.items()}

    return _cached(catalog, "countries_by_target", build)


def deciding_date(states: rules.FactorStates, factor: str) -> str | None:
    """The ``as_of`` of the latest dated statement among those that decide ``factor``'s state
    (:func:`rules.factor_states`): for a present factor, the statements that make it so (itself or
    narrower factors; the first of equal dates in factor order); otherwise its own latest
    statement. None when none of them is dated. Read for the factors explained alone, not for
    every factor of every country."""
    decisive, via = states.decisive, states.present.get(factor)
    if via is None:
        statement = decisive.get(factor)
        return (statement.as_of or None) if statement else None
    return max((decisive[f].as_of for f in via if decisive[f].as_of), key=rules.as_of_order, default=None)


def _subregion_income(country: Country | None) -> tuple[str | None, str | None]:
    return (country.subregion, country.income_group) if country else (None, None)


class PracticeScorer:
    """The scoring rule for one practice as of one year. What every country shares (the weighted
    preconditions, targets, successful transfers) is computed once; :meth:`fit` gives the numbers,
    :meth:`checks` and :meth:`evidence_transfers` the explanation."""

    def __init__(self, catalog: Catalog, practice: Practice, weights: Weights = DEFAULT_WEIGHTS,
                 year: int | None = None, min_coverage: float = DEFAULT_MIN_COVERAGE):
        self.catalog, self.practice, self.weights = catalog, practice, weights
        self.year = rules.current_year() if year is None else year
        self.min_coverage = min_coverage
        self.states = rules.states_by_country(catalog, self.year)
        self.wanted = targets_by_country(catalog)
        self.factors = preconditions(practice)
        self.total = sum(weight for _, _, weight in self.factors)
        self.labels = [self._label(factor) for factor, _, _ in self.factors]
        self.targets = tuple(sorted(set(practice.targets), key=sdg_key))
        self.successful = [(t, *_subregion_income(catalog.countries.get(t.importer)))
                           for t in catalog.transfers_by_practice.get(practice.id, ())
                           if rules.is_successful(t) and (t.start_year is None or t.start_year <= self.year)]
        self.near_subregions = {s for _, s, _ in self.successful if s is not None}
        self.near_incomes = {i for _, _, i in self.successful if i is not None}

    def fit(self, country: str) -> Fit:
        """The numbers and the tier of ``country``."""
        return self.fits((country,))[0]

    def fits(self, countries: Sequence[str]) -> list[Fit]:
        """The numbers and the tiers of ``countries``, in their order."""
        return self.scores(countries).fits()

    def scores(self, countries: Sequence[str]) -> FitArrays:
        """The numbers and the tiers of ``countries`` as arrays (:func:`score_practices`)."""
        return score_practices((self,), countries)[0]

    def _near_mask(self, needs, rows: np.ndarray) -> np.ndarray:
        """Which rows are in the sub-region or income group of an importer of a successful transfer."""
        near = np.zeros(len(rows), dtype=bool)
        for codes, code_of, groups in ((needs.subregion, needs.subregion_code, self.near_subregions),
                                       (needs.income, needs.income_code, self.near_incomes)):
            found = [code_of[group] for group in groups if group in code_of]
            if found:
                near |= np.isin(codes[rows], found)
        return near

    def checks(self, country: str) -> list[FactorCheck]:
        """Each precondition's state at ``country``, critical first then by id."""
        states = self.states.get(country, rules.NO_STATES)
        present, absent = states.present, states.absent
        oldest_fresh = self.year - STALE_YEARS
        found = []
        for (factor, role, weight), label in zip(self.factors, self.labels):
            via = present.get(factor)
            status = "present" if via is not None else "absent" if factor in absent else "unknown"
            as_of = deciding_date(states, factor)
            year = rules.statement_year(as_of)
            stale = status != "unknown" and year is not None and year < oldest_fresh
            found.append(FactorCheck(factor, label, role, weight, status, via or (), as_of, stale))
        return found

    def _label(self, factor: str) -> str:
        found = self.catalog.factors.get(factor)
        return found.label if found else factor

    def matching(self, country: str) -> tuple[tuple[str, ...], dict[str, list[str]]]:
        """P's targets that C's needs ask for, and need id -> those of its targets."""
        wanted = self.wanted.get(country) or {}
        targets = tuple(t for t in self.targets if t in wanted)
        by_need: dict[str, list[str]] = defaultdict(list)
        for target in targets:
            for need_id in wanted[target]:
                by_need[need_id].append(target)
        return targets, dict(sorted(by_need.items()))

    def evidence_transfers(self, country: str) -> tuple[EvidenceTransfer, ...]:
        """The successful transfers behind ``evidence``: the near ones when any, else all."""
        subregion, income = _subregion_income(self.catalog.countries.get(country))
        near, elsewhere = [], []
        for transfer, other_subregion, other_income in self.successful:
            same = [name for name, mine, theirs in (("subregion", subregion, other_subregion),
                                                    ("income-group", income, other_income))
                    if mine is not None and mine == theirs]
            item = EvidenceTransfer(transfer.id, transfer.importer, transfer.status, transfer.outcome,
                                    "+".join(same) or "elsewhere")
            (near if same else elsewhere).append(item)
        return tuple(near) if near else tuple(elsewhere)


#: Practices scored in one matrix product by :func:`score_practices` (bounds its memory: at scale L
#: a block is at most 4,096 x 559 weights and 4,096 x 249 results, a few tens of MB).
BLOCK = 4096


def score_practices(scorers: Sequence[PracticeScorer], countries: Sequence[str]) -> list[FitArrays]:
    """The numbers and tiers of ``countries`` for each scorer's practice, every practice at once.

    Each component is a matrix product: practices' precondition weights (practices x factors) times
    the state matrices (:mod:`.score_arrays`, read off :mod:`.rules`) of the countries, practices'
    targets times the countries' wanted targets. Weights are 1 and 0.5 and counts are whole
    numbers, so the sums are exact whatever their order: the numbers are those of the rule
    computed one country at a time. The scorers must share catalog, year, weights and
    min_coverage."""
    countries = tuple(countries)
    found: list[FitArrays] = []
    for start in range(0, len(scorers), BLOCK):
        found.extend(_score_block(scorers[start:start + BLOCK], countries))
    return found


def _weight_matrix(items: list[list[tuple[int, float]]]) -> tuple[np.ndarray, np.ndarray]:
    """The columns used by any item, and items x those columns with each item's (column, value)."""
    used = sorted({c for pairs in items for c, _ in pairs})
    position = {c: i for i, c in enumerate(used)}
    matrix = np.zeros((len(items), len(used)))
    cells = [(i, position[c], value) for i, pairs in enumerate(items) for c, value in pairs]
    if cells:
        at_row, at_column, values = zip(*cells)
        matrix[at_row, at_column] = values
    return np.array(used, dtype=np.intp), matrix


def _score_block(scorers: Sequence[PracticeScorer], countries: tuple[str, ...]) -> list[FitArrays]:
    first = scorers[0]
    states, needs = state_arrays(first.catalog, first.year), need_arrays(first.catalog)
    rows = rows_of(states.row, countries)
    factor_columns = [columns_of(states.column, (f for f, _, _ in s.factors)).tolist() for s in scorers]
    used, weights = _weight_matrix([list(zip(cols, (w for _, _, w in s.factors)))
                                    for cols, s in zip(factor_columns, scorers)])
    _, critical = _weight_matrix([[(c, 1.0 if role == "critical" else 0.0) for c, (_, role, _) in zip(cols, s.factors)]
                                  for cols, s in zip(factor_columns, scorers)])
    by_factor = states.by_factor
    present_weight = (weights @ by_factor["present"][used])[:, rows]
    known_weight = (weights @ by_factor["known"][used])[:, rows]
    blocked = (critical @ by_factor["absent"][used])[:, rows] > 0
    target_used, targets = _weight_matrix([[(c, 1.0) for c in columns_of(needs.column, s.targets).tolist()]
                                           for s in scorers])
    shared = (targets @ needs.wanted_by_target[target_used])[:, rows]
    totals = np.array([s.total for s in scorers])[:, None]
    counts = np.array([len(s.targets) for s in scorers], dtype=float)[:, None]
    factor_fit = np.divide(present_weight, totals, out=np.zeros_like(present_weight), where=totals > 0)
    coverage = np.divide(known_weight, totals, out=np.zeros_like(known_weight), where=totals > 0)
    sdg_fit = np.divide(shared, counts, out=np.zeros_like(shared), where=counts > 0)
    evidence = np.array([np.where(s._near_mask(needs, rows), 1.0, 0.5 if s.successful else 0.0) for s in scorers])
    w = first.weights
    score = w.factor * factor_fit + w.sdg * sdg_fit + w.evidence * evidence
    tier = np.where(blocked, 2, np.where(coverage >= first.min_coverage - EPSILON, 0, 1))
    return [FitArrays(countries, score[i], factor_fit[i], coverage[i], sdg_fit[i], evidence[i], tier[i], rows)
            for i in range(len(scorers))]


def _chains(keyed: list, index: int) -> list[list]:
    """Split a sorted list into runs whose ``key[index]`` values are each within EPSILON of the
    previous one."""
    runs: list[list] = []
    for item in keyed:
        if runs and abs(runs[-1][-1][0][index] - item[0][index]) <= EPSILON:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def ranked(items: Iterable[T], key: Callable[[T], tuple[float, float, tuple | str]]) -> list[T]:
    """Sort by ``key(item) = (score, factor_fit, ids)``: score, then factor_fit, descending, then
    ids ascending. Values within :data:`EPSILON` of each other count as equal (a run of values each
    within EPSILON of the next is one tie). Every ranking of psikg's matchmaking uses it.

    >>> ranked([("B", 0.5), ("A", 0.5 - 1e-12), ("C", 0.7)], lambda x: (x[1], 0.0, x[0]))
    [('C', 0.7), ('A', 0.499999999999), ('B', 0.5)]
    """
    keyed = sorted(((key(item), item) for item in items), key=lambda p: (-p[0][0], -p[0][1], p[0][2]))
    near_ties = any(0 < a[0][0] - b[0][0] <= EPSILON or (a[0][0] == b[0][0] and 0 < a[0][1] - b[0][1] <= EPSILON)
                    for a, b in zip(keyed, keyed[1:]))
    if not near_ties:  # the exact order is the answer
        return [item for _, item in keyed]
    result: list[T] = []
    for by_score in _chains(keyed, 0):
        by_score.sort(key=lambda p: (-p[0][1], p[0][2]))
        for by_fit in _chains(by_score, 1):
            by_fit.sort(key=lambda p: p[0][2])
            result.extend(item for _, item in by_fit)
    return result
