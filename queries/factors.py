"""Success-factor analysis: which preconditions go with transfers that work.

**Transfers analysed**: those whose verdict (:func:`queries.rules.verdict`, the one verdict every
query uses) is ``success`` or ``failure``; ``partial`` and ``open`` ones are left out, and an
opportunity is never analysed (its verdict is open).

**For each precondition f** (a factor link of kind precondition: components and outcomes are built
or measured by the transfer, so they are no condition of it) of the practice of an analysed
transfer, the importer's state of f *as of the transfer's start year*
(:func:`queries.rules.factor_states`: statements dated later are facts the transfer may have
created; a transfer with no start year is read with every statement) splits the transfers into
``with`` (present), ``without`` (absent) and ``unknown`` (reported as ``unknown_n``, left out of
the test). Then:

* ``rate_with`` = with_success / with_n, ``rate_without`` likewise (None when n = 0), each with a
  95% Wilson score interval (``rate_with_ci``, ``rate_without_ci``; None when n = 0);
* ``lift`` = rate_with / rate_without (None when either rate is undefined or rate_without is 0);
* ``p_value``: two-sided Fisher exact test of
  ``[[with_success, with_n - with_success], [without_success, without_n - without_success]]``
  (``scipy.stats.fisher_exact``; 1.0 when an arm is empty);
* ``q_value``: the Benjamini-Hochberg adjusted p-value across the factors tested (the factors with
  both arms non-empty; None for the others).

Factors are sorted by p-value, then id. A factor is flagged ``small_sample`` when either arm has
fewer than :data:`queries.sample.SMALL_N` transfers.

Worked example: three analysed transfers of practices needing ``champion``; the importers of two
had a champion when their transfer started (one succeeded, one failed), the third importer's state
is unknown: with_n = 2, with_success = 1, without_n = 0, unknown_n = 1, rate_with = 0.5 with the
Wilson interval (0.095, 0.905), p = 1.0, q = None (not tested: an arm is empty).

**Maturity view**: over all practices with a known maturity, how often each factor is listed by
practices that are scaled or institutionalized (*mature*) and by prototypes and pilots (*early*):
the share of each group, their ratio and the Fisher exact p-value of
``[[mature_with, mature_n - mature_with], [early_with, early_n - early_with]]``. This is a
descriptive association: maturity is not randomized and sources describe mature practices in
more detail.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, replace

import math

from ..ontology.domain import Catalog, Transfer
from . import rules
from .scoring import preconditions
from .sample import SMALL_N, is_small, small_note

__all__ = ["FactorEffect", "MaturityFactor", "MaturityView", "FactorAnalysis", "factor_analysis",
           "fisher_p_value", "wilson_interval", "benjamini_hochberg", "ANALYSED_VERDICTS", "MATURE", "EARLY"]

ANALYSED_VERDICTS = ("success", "failure")
MATURE = ("scaled", "institutionalized")
EARLY = ("prototype", "pilot")


@dataclass(frozen=True)
class FactorEffect:
    """How the success rate of transfers differs with and without one factor at the importer."""

    factor: str
    label: str
    with_n: int
    with_success: int
    without_n: int
    without_success: int
    rate_with: float | None
    rate_without: float | None
    lift: float | None
    p_value: float
    small_sample: bool
    unknown_n: int = 0
    q_value: float | None = None
    rate_with_ci: tuple[float, float] | None = None
    rate_without_ci: tuple[float, float] | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MaturityFactor:
    """How often one factor is listed among mature and among early practices."""

    factor: str
    label: str
    mature_with: int
    early_with: int
    mature_share: float | None
    early_share: float | None
    ratio: float | None
    p_value: float

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MaturityView:
    """``mature_n`` / ``early_n`` = practices that are scaled or institutionalized / prototypes or
    pilots; ``small_sample`` when either is below the threshold."""

    mature_n: int
    early_n: int
    factors: tuple[MaturityFactor, ...]
    small_sample: bool
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"mature_n": self.mature_n, "early_n": self.early_n, "small_sample": self.small_sample,
                "factors": [f.as_dict() for f in self.factors], "notes": list(self.notes)}


@dataclass(frozen=True)
class FactorAnalysis:
    """``n`` = transfers analysed (verdict success or failure), ``successes`` among them."""

    n: int
    successes: int
    factors: tuple[FactorEffect, ...]
    maturity: MaturityView
    small_sample: bool
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"n": self.n, "successes": self.successes, "small_sample": self.small_sample,
                "factors": [f.as_dict() for f in self.factors], "maturity": self.maturity.as_dict(),
                "notes": list(self.notes)}


def fisher_p_value(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher exact p-value of ``[[a, b], [c, d]]`` (1.0 when a row or column is empty).

    >>> round(fisher_p_value(3, 1, 1, 3), 6)
    0.485714
    """
    if (a + b) == 0 or (c + d) == 0 or (a + c) == 0 or (b + d) == 0:
        return 1.0
    from scipy.stats import fisher_exact  # imported on use: scipy is slow to import

    return float(fisher_exact([[a, b], [c, d]], alternative="two-sided").pvalue)


def wilson_interval(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float] | None:
    """The 95% Wilson score interval of a rate (None when n = 0).

    >>> tuple(round(x, 3) for x in wilson_interval(1, 2))
    (0.095, 0.905)
    """
    if n == 0:
        return None
    rate = successes / n
    centre = (rate + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values), in the order given.

    >>> [round(q, 4) for q in benjamini_hochberg([0.01, 0.04, 0.03, 0.5])]
    [0.04, 0.0533, 0.0533, 0.5]
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    q = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        index = order[rank - 1]
        running = min(running, p_values[index] * m / rank)
        q[index] = running
    return q


def _rate(successes: int, n: int) -> float | None:
    return successes / n if n else None


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def _label(catalog: Catalog, factor: str) -> str:
    found = catalog.factors.get(factor)
    return found.label if found else factor


def _maturity_view(catalog: Catalog) -> MaturityView:
    mature = [p for p in catalog.practices.values() if p.maturity in MATURE]
    early = [p for p in catalog.practices.values() if p.maturity in EARLY]
    mature_n, early_n = len(mature), len(early)
    # One pass over the practices: how many of each group have each factor.
    mature_counts = Counter(f for p in mature for f in {pf.factor for pf in p.factors})
    early_counts = Counter(f for p in early for f in {pf.factor for pf in p.factors})
    rows = []
    for factor in sorted(mature_counts.keys() | early_counts.keys()):
        mature_with, early_with = mature_counts[factor], early_counts[factor]
        mature_share, early_share = _rate(mature_with, mature_n), _rate(early_with, early_n)
        rows.append(MaturityFactor(
            factor, _label(catalog, factor), mature_with, early_with, mature_share, early_share,
            _ratio(mature_share, early_share),
            fisher_p_value(mature_with, mature_n - mature_with, early_with, early_n - early_with)))
    rows.sort(key=lambda row: (row.p_value, row.factor))
    small = is_small(mature_n) or is_small(early_n)
    notes = []
    if is_small(mature_n):
        notes.append(small_note("scaled or institutionalized practices", mature_n))
    if is_small(early_n):
        notes.append(small_note("prototype or pilot practices", early_n))
    return MaturityView(mature_n, early_n, tuple(rows), small, tuple(notes))


def _importer_state(catalog: Catalog, transfer: Transfer, factor: str) -> str:
    """The importer's state of ``factor`` as of the transfer's start year (all statements when unknown)."""
    cache = catalog.__dict__.setdefault("_psikg_transfer_states", {})
    key = (transfer.importer, transfer.start_year)
    if key not in cache:
        statements = catalog.statements_by_country.get(transfer.importer, ())
        cache[key] = rules.factor_states(catalog, statements, transfer.start_year)
    return cache[key].state(factor)


def _effect(catalog: Catalog, factor: str, transfers: list[Transfer]) -> FactorEffect:
    arms: dict[str, list[Transfer]] = {"present": [], "absent": [], "unknown": []}
    for transfer in transfers:
        arms[_importer_state(catalog, transfer, factor)].append(transfer)
    with_n, without_n = len(arms["present"]), len(arms["absent"])
    with_success = sum(1 for t in arms["present"] if rules.verdict(t) == "success")
    without_success = sum(1 for t in arms["absent"] if rules.verdict(t) == "success")
    rate_with, rate_without = _rate(with_success, with_n), _rate(without_success, without_n)
    return FactorEffect(
        factor, _label(catalog, factor), with_n, with_success, without_n, without_success,
        rate_with, rate_without, _ratio(rate_with, rate_without),
        fisher_p_value(with_success, with_n - with_success, without_success, without_n - without_success),
        is_small(with_n) or is_small(without_n), len(arms["unknown"]), None,
        wilson_interval(with_success, with_n), wilson_interval(without_success, without_n))


def factor_analysis(catalog: Catalog) -> FactorAnalysis:
    """Success rate of transfers with and without each precondition at the importer (as of the
    transfer's start year), with lift, Fisher exact p, Benjamini-Hochberg q and Wilson intervals,
    and the maturity view (see the module's documentation)."""
    analysed: list[Transfer] = [t for t in sorted(catalog.transfers.values(), key=lambda t: t.id)
                                if rules.verdict(t) in ANALYSED_VERDICTS and t.practice in catalog.practices]
    by_factor: dict[str, list[Transfer]] = {}
    for transfer in analysed:
        for factor, _, _ in preconditions(catalog.practices[transfer.practice]):
            by_factor.setdefault(factor, []).append(transfer)

    effects = [_effect(catalog, factor, transfers) for factor, transfers in by_factor.items()]
    tested = [i for i, e in enumerate(effects) if e.with_n and e.without_n]
    for i, q in zip(tested, benjamini_hochberg([effects[i].p_value for i in tested])):
        effects[i] = replace(effects[i], q_value=q)
    effects.sort(key=lambda effect: (effect.p_value, effect.factor))

    successes = sum(1 for t in analysed if rules.verdict(t) == "success")
    notes = []
    if is_small(len(analysed)):
        notes.append(small_note("transfers with verdict success or failure", len(analysed)))
    flagged = sum(1 for effect in effects if effect.small_sample)
    if flagged:
        notes.append(f"{flagged} of {len(effects)} factor(s) have an arm with fewer than "
                     f"{SMALL_N} transfers (small_sample)")
    unknown = sum(effect.unknown_n for effect in effects)
    if unknown:
        notes.append(f"{unknown} importer state(s) unknown as of the transfer's start year: left out of the tests "
                     "(unknown_n)")
    return FactorAnalysis(len(analysed), successes, tuple(effects), _maturity_view(catalog),
                          is_small(len(analysed)), tuple(notes))
