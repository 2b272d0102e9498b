"""Success-factor analysis: which success factors go with transfers that work.

**Transfers analysed**: those whose outcome is ``success`` or ``failure`` (``partial`` and
``unknown`` are left out: they are neither). A transfer *succeeded* when its outcome is success.

**For each factor f** that a practice of an analysed transfer lists as a success factor: among the
analysed transfers of practices listing f, ``with`` are those whose importer satisfies f (it has f or
a narrower factor: :func:`queries.rules.factors_satisfied`, the rule matching uses; the importer's
latest statements count, whatever the transfer's year) and ``without`` the others, which includes
importers with no statement about f. Then:

* ``rate_with`` = with_success / with_n, ``rate_without`` likewise (None when n = 0);
* ``lift`` = rate_with / rate_without (None when either rate is undefined or rate_without is 0);
* ``p_value``: two-sided Fisher exact test of the 2x2 table
  ``[[with_success, with_n - with_success], [without_success, without_n - without_success]]``
  (``scipy.stats.fisher_exact``; 1.0 when an arm is empty).

Factors are sorted by p-value, then id. A factor is flagged ``small_sample`` when either arm has
fewer than :data:`queries.sample.SMALL_N` transfers.

**Maturity view**: over all practices with a known maturity, how often each factor is listed by
practices that are scaled or institutionalized (*mature*) and by prototypes and pilots (*early*):
the share of each group, their ratio and the Fisher exact p-value of
``[[mature_with, mature_n - mature_with], [early_with, early_n - early_with]]``. This is a
descriptive association: maturity is not randomized and sources describe mature practices in
more detail.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

from ..ontology.domain import Catalog, Transfer
from .rules import factors_satisfied
from .sample import SMALL_N, is_small, small_note

__all__ = ["FactorEffect", "MaturityFactor", "MaturityView", "FactorAnalysis", "factor_analysis",
           "fisher_p_value", "ANALYSED_OUTCOMES", "MATURE", "EARLY"]

ANALYSED_OUTCOMES = ("success", "failure")
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
    """``n`` = transfers analysed (outcome success or failure), ``successes`` among them."""

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


def factor_analysis(catalog: Catalog) -> FactorAnalysis:
    """Success rate of transfers with and without each success factor at the importer, with
    lift and Fisher exact p-value, and the maturity view (see the module's documentation)."""
    analysed: list[Transfer] = [t for t in sorted(catalog.transfers.values(), key=lambda t: t.id)
                                if t.outcome in ANALYSED_OUTCOMES and t.practice in catalog.practices]
    by_factor: dict[str, list[Transfer]] = {}
    for transfer in analysed:
        for factor in {pf.factor for pf in catalog.practices[transfer.practice].factors}:
            by_factor.setdefault(factor, []).append(transfer)

    effects = []
    for factor, transfers in by_factor.items():
        with_arm = [t for t in transfers if factor in factors_satisfied(catalog, t.importer)]
        without_arm = [t for t in transfers if factor not in factors_satisfied(catalog, t.importer)]
        with_success = sum(1 for t in with_arm if t.outcome == "success")
        without_success = sum(1 for t in without_arm if t.outcome == "success")
        with_n, without_n = len(with_arm), len(without_arm)
        rate_with, rate_without = _rate(with_success, with_n), _rate(without_success, without_n)
        effects.append(FactorEffect(
            factor, _label(catalog, factor), with_n, with_success, without_n, without_success,
            rate_with, rate_without, _ratio(rate_with, rate_without),
            fisher_p_value(with_success, with_n - with_success, without_success, without_n - without_success),
            is_small(with_n) or is_small(without_n)))
    effects.sort(key=lambda effect: (effect.p_value, effect.factor))

    successes = sum(1 for t in analysed if t.outcome == "success")
    notes = []
    if is_small(len(analysed)):
        notes.append(small_note("transfers with outcome success or failure", len(analysed)))
    flagged = sum(1 for effect in effects if effect.small_sample)
    if flagged:
        notes.append(f"{flagged} of {len(effects)} factor(s) have an arm with fewer than "
                     f"{SMALL_N} transfers (small_sample)")
    return FactorAnalysis(len(analysed), successes, tuple(effects), _maturity_view(catalog),
                          is_small(len(analysed)), tuple(notes))
