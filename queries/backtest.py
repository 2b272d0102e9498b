"""Does the matchmaker predict? The ranking as of a year, scored against the transfers that came later.

For each origin year Y and each practice P known by then (its year in or before Y, or undated):

* **later importers** of P: the importers of transfers of P that started after Y and reached
  ``agreed`` or beyond (agreed, implementing, adopted, scaled), whatever their verdict: a transfer
  later stalled or abandoned counts when its status history shows it was agreed, or when it has
  no history (the record then tells a partnership that started). Opportunities never count;
* the **candidates** are those of :func:`psikg.queries.match.match` on the catalog as of Y
  (:func:`psikg.queries.as_of.catalog_as_of`): the UN member states except the exporter and the
  countries engaged with P as of Y. A later importer that is not a candidate (already engaged as
  of Y, the exporter, not a UN member state) is left out and counted;
* P is a **case** of year Y when at least one later importer is a candidate.

Each case is ranked by every method, measured in the same run:

``psikg``
    the match order: tier (ready, unassessed, blocked), then score, then factor_fit;
``tier-free``
    the score alone, then factor_fit (the ranking of the first release, without tiers);
``same-subregion``
    the countries of the exporter's M49 sub-region first, every other country tied after them;
``frequent-importers``
    by the number of transfers each country had taken up (reached agreed or beyond) as of Y;
``random``
    every candidate tied: the expected value of a random order.

Candidates equal on a method's key are tied, and the metrics take the expected value over the
orders of the tied (:mod:`psikg.queries.backtest_metrics`); scores count as equal to 9 decimal
places. Unassessed candidates stay where the method puts them (the match puts them after the
ready ones). The metrics are averaged over cases, overall and by origin year, with n.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from ..errors import QueryError
from ..ontology.domain import Catalog, Practice, Transfer
from ..ontology.model import TRANSFER_ENGAGED_STATUSES
from .as_of import catalog_as_of, transfer_start
from .backtest_metrics import RankingMetrics, groups_by_key, positive_ranks, ranking_metrics
from .match import _engagements, _pool
from .scoring import DEFAULT_MIN_COVERAGE, DEFAULT_WEIGHTS, TIERS, PracticeScorer, Weights

__all__ = ["METHODS", "Case", "MethodSummary", "Backtest", "backtest", "later_importers",
           "reached_agreement", "summarise"]

#: The methods every backtest measures, the matchmaker first.
METHODS = ("psikg", "tier-free", "same-subregion", "frequent-importers", "random")
#: Scores are compared to this many decimal places (scores within about 1e-9 are tied).
PLACES = 9


def reached_agreement(transfer: Transfer) -> bool:
    """The transfer reached agreed or beyond (see the module's rules)."""
    statuses = {transfer.status, *(step.status for step in transfer.steps)}
    if statuses & set(TRANSFER_ENGAGED_STATUSES):
        return True
    return not transfer.steps and transfer.status in ("stalled", "abandoned")


def later_importers(catalog: Catalog, practice: Practice, year: int) -> dict[str, str]:
    """importer -> the first transfer of ``practice`` started after ``year`` that reached agreed
    or beyond (the full catalog: what happened later)."""
    found: dict[str, str] = {}
    for transfer in catalog.transfers_by_practice.get(practice.id, ()):
        start = transfer_start(transfer)
        if start is not None and start > year and reached_agreement(transfer):
            found.setdefault(transfer.importer, transfer.id)
    return found


@dataclass(frozen=True)
class Case:
    """One practice at one origin year: its later importers, where each sat, and the metrics."""

    year: int
    practice: str
    exporter: str | None
    candidates: int
    positives: tuple[str, ...]
    left_out: dict[str, str]  # later importer -> why it is not a candidate
    ranks: dict[str, tuple[int, int]]  # positive -> best and worst rank under the match (tie span)
    tiers: dict[str, str]  # positive -> its tier as of the year
    tier_sizes: dict[str, int]
    metrics: dict[str, RankingMetrics]
    components: tuple = field(default=(), repr=False, compare=False)  # for the weights search


@dataclass(frozen=True)
class MethodSummary:
    """A method's metrics averaged over ``n`` cases (AUC over the cases that have a negative)."""

    method: str
    n: int
    precision: dict[int, float]
    recall: dict[int, float]
    mrr: float
    auc: float | None

    def row(self) -> dict:
        row = {"method": self.method, "n": self.n}
        row.update({f"precision@{k}": v for k, v in self.precision.items()})
        row.update({f"recall@{k}": v for k, v in self.recall.items()})
        row.update({"mrr": self.mrr, "auc": self.auc})
        return row


@dataclass(frozen=True)
class Backtest:
    """The answer of :func:`backtest`: every case, the summaries overall and by year, where the
    later importers sat by tier, and notes."""

    years: tuple[int, ...]
    ks: tuple[int, ...]
    weights: Weights
    cases: tuple[Case, ...]
    overall: tuple[MethodSummary, ...]
    by_year: dict[int, tuple[MethodSummary, ...]]
    by_tier: dict[str, dict[str, int]]
    left_out: dict[str, int]
    notes: tuple[str, ...] = ()

    def rows(self) -> list[dict]:
        """One row per origin year (and ``all``) and method: the CSV shape."""
        rows = [{"year": "all", **s.row()} for s in self.overall]
        for year, summaries in self.by_year.items():
            rows.extend({"year": year, **s.row()} for s in summaries)
        return rows

    def as_dict(self) -> dict:
        """The JSON shape: metrics unrounded."""
        return {
            "years": list(self.years), "ks": list(self.ks), "weights": vars(self.weights),
            "overall": [s.row() for s in self.overall],
            "by_year": {str(y): [s.row() for s in ss] for y, ss in self.by_year.items()},
            "by_tier": self.by_tier, "left_out": self.left_out, "notes": list(self.notes),
            "cases": [{"year": c.year, "practice": c.practice, "exporter": c.exporter,
                       "candidates": c.candidates, "positives": list(c.positives),
                       "ranks": {p: list(span) for p, span in c.ranks.items()}, "tiers": c.tiers,
                       "left_out": c.left_out,
                       "reciprocal_rank": {m: r.reciprocal_rank for m, r in c.metrics.items()}}
                      for c in self.cases],
        }


def _score_key(score: float, factor_fit: float) -> tuple[float, float]:
    return (-round(score, PLACES), -round(factor_fit, PLACES))


def _importer_counts(then: Catalog) -> Counter:
    """country -> transfers it had taken up (reached agreed or beyond) in the catalog as of a year."""
    return Counter(t.importer for t in then.transfers.values() if reached_agreement(t))


def _method_keys(then: Catalog, practice: Practice, fits, counts: Counter) -> dict[str, dict[str, tuple]]:
    """country -> sort key (smaller is better) under every method."""
    exporter = then.countries.get(practice.country) if practice.country else None
    home = exporter.subregion if exporter else None
    keys: dict[str, dict[str, tuple]] = {m: {} for m in METHODS}
    for fit in fits:
        country = then.countries.get(fit.country)
        keys["psikg"][fit.country] = (TIERS.index(fit.tier), *_score_key(fit.score, fit.factor_fit))
        keys["tier-free"][fit.country] = _score_key(fit.score, fit.factor_fit)
        same = home is not None and country is not None and country.subregion == home
        keys["same-subregion"][fit.country] = (0 if same else 1,)
        keys["frequent-importers"][fit.country] = (-counts.get(fit.country, 0),)
        keys["random"][fit.country] = (0,)
    return keys


def _case(catalog: Catalog, then: Catalog, practice: Practice, year: int, ks, weights: Weights,
          counts: Counter, all_countries: bool, min_coverage: float) -> Case | None:
    """The case of ``practice`` at ``year``, or None when no later importer is a candidate."""
    later = later_importers(catalog, practice, year)
    if not later:
        return None
    engaged, _ = _engagements(then.transfers_by_practice.get(practice.id, ()))
    engaged_ids = {e.country for e in engaged}
    pool = [c for c in _pool(then, None, all_countries) if c != practice.country and c not in engaged_ids]
    left_out = {}
    for importer in later:
        if importer == practice.country:
            left_out[importer] = "exporter"
        elif importer in engaged_ids:
            left_out[importer] = "engaged already"
        elif importer not in pool:
            left_out[importer] = "not a candidate (not a UN member state or not in the catalog)"
    positives = tuple(sorted(c for c in later if c not in left_out))
    if not positives:
        return Case(year, practice.id, practice.country, len(pool), (), left_out, {}, {}, {}, {})
    fits = PracticeScorer(then, practice, weights, year, min_coverage).fits(pool)
    keys = _method_keys(then, practice, fits, counts)
    metrics = {m: ranking_metrics(groups_by_key(keys[m]), positives, ks) for m in METHODS}
    tier_of = {fit.country: fit.tier for fit in fits}
    return Case(year, practice.id, practice.country, len(pool), positives, left_out,
                positive_ranks(groups_by_key(keys["psikg"]), positives),
                {p: tier_of[p] for p in positives}, dict(Counter(tier_of.values())), metrics,
                tuple((f.country, TIERS.index(f.tier), f.factor_fit, f.sdg_fit, f.evidence) for f in fits))


def summarise(method: str, metrics: list[RankingMetrics], ks) -> MethodSummary:
    """The mean of each metric over cases (AUC over those that have one)."""
    n = len(metrics)
    if not n:
        return MethodSummary(method, 0, {k: 0.0 for k in ks}, {k: 0.0 for k in ks}, 0.0, None)
    aucs = [m.auc for m in metrics if m.auc is not None]
    return MethodSummary(method, n, {k: sum(m.precision[k] for m in metrics) / n for k in ks},
                         {k: sum(m.recall[k] for m in metrics) / n for k in ks},
                         sum(m.reciprocal_rank for m in metrics) / n, sum(aucs) / len(aucs) if aucs else None)


def _years(catalog: Catalog, first: int | None, last: int | None) -> tuple[int, ...]:
    """Origin years: from ``first`` (default 2012) to ``last`` (default: the year before the latest
    start of a transfer, the last year with something later to predict)."""
    starts = [s for s in (transfer_start(t) for t in catalog.transfers.values()) if s is not None]
    first = 2012 if first is None else first
    last = (max(starts) - 1 if starts else first) if last is None else last
    if last < first:
        raise QueryError(f"the origin years run from {first} to {last}: give --from before --to")
    return tuple(range(first, last + 1))


def backtest(catalog: Catalog, first: int | None = None, last: int | None = None, ks=(5, 10),
             weights: Weights = DEFAULT_WEIGHTS, *, all_countries: bool = False,
             min_coverage: float = DEFAULT_MIN_COVERAGE, dated_only: bool = False) -> Backtest:
    """Rank every practice as of each origin year and score the rankings against later transfers.

    Parameters
    ----------
    catalog : the whole record (what happened later is read from it).
    first, last : the origin years (default 2012 to the year before the latest transfer start).
    ks : the cut-offs of precision@k and recall@k.
    weights, min_coverage, all_countries : as for :func:`psikg.queries.match.match`.
    dated_only : rank on dated statements and needs only (undated ones may have been written
        down after the transfer they help predict).
    """
    ks = tuple(sorted(set(ks)))
    if not ks or ks[0] < 1:
        raise QueryError(f"every k must be at least 1, not {ks}")
    years = _years(catalog, first, last)
    cases: list[Case] = []
    for year in years:
        then = catalog_as_of(catalog, year, dated_only=dated_only)
        counts = _importer_counts(then)
        for practice in sorted(catalog.practices.values(), key=lambda p: p.id):
            if practice.year is not None and practice.year > year:
                continue
            case = _case(catalog, then, practice, year, ks, weights, counts, all_countries, min_coverage)
            if case is not None:
                cases.append(case)
    result = _assemble(years, ks, weights, cases)
    if dated_only:
        result = replace(result, notes=result.notes + ("undated statements and needs left out (--dated-only)",))
    return result


def _assemble(years, ks, weights: Weights, cases: list[Case]) -> Backtest:
    """Summaries overall and by year, the tiers of the later importers, the counts left out."""
    scored = [c for c in cases if c.positives]
    overall = tuple(summarise(m, [c.metrics[m] for c in scored], ks) for m in METHODS)
    by_year = {y: tuple(summarise(m, [c.metrics[m] for c in scored if c.year == y], ks) for m in METHODS)
               for y in years}
    by_tier: dict[str, dict[str, int]] = {t: {"later_importers": 0, "candidates": 0} for t in TIERS}
    for case in scored:
        for tier in case.tiers.values():
            by_tier[tier]["later_importers"] += 1
        for tier, size in case.tier_sizes.items():
            by_tier[tier]["candidates"] += size
    left_out: dict[str, int] = defaultdict(int)
    for case in cases:
        for reason in case.left_out.values():
            left_out[reason] += 1
    notes = []
    if not scored:
        notes.append("no practice has a later transfer to a candidate in these years: nothing to measure")
    else:
        practices = len({c.practice for c in scored})
        notes.append(f"{len(scored)} case(s) from {practices} practice(s): a practice counts once per origin year "
                     "before its later transfer, so the cases are not independent")
        if practices < 30:
            notes.append(f"only {practices} practice(s) with a later transfer: small differences between methods "
                         "are within chance")
    return Backtest(tuple(years), ks, weights, tuple(scored), overall, by_year, by_tier, dict(left_out),
                    tuple(notes))
