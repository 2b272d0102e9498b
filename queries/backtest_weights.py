"""Which weights would have ranked the later importers best? A grid search over the backtest's
cases, with leave-one-year-out results.

The grid holds every (factor, sdg, evidence) weighting in steps of ``step`` (default 0.1) that sums
to 1. Each weighting re-ranks every case as the match does (tier, score, factor_fit; ties as in
:mod:`psikg.queries.backtest_metrics`); the tiers do not depend on the weights. The **in-sample**
best is the weighting with the highest mean metric over all cases. **Leave one year out**: for
each origin year, the weighting best on the other years, measured on that year beside the default
weights.

This overfits a small record: the in-sample best is chosen on the very cases it is scored on,
neighbouring origin years share most of their later transfers, and a handful of practices make
up most cases. Read the leave-one-year-out figures, not the in-sample one, and change the default
weights only on a larger record.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import QueryError
from .backtest import Backtest, Case, PLACES
from .backtest_metrics import groups_by_key, ranking_metrics
from .scoring import DEFAULT_WEIGHTS, Weights

__all__ = ["WeightScore", "HeldOutYear", "WeightSearch", "weight_grid", "search_weights", "metric_names",
           "OVERFIT_WARNING"]

OVERFIT_WARNING = ("warning: these weights are fitted to a small record and overfit it; the in-sample best is "
                   "chosen on the cases it is scored on. Read the leave-one-year-out figures, and change the "
                   "default weights only on a larger record.")


def metric_names(ks) -> tuple[str, ...]:
    """The metrics a search may maximise."""
    return ("mrr", "auc", *(f"precision@{k}" for k in ks), *(f"recall@{k}" for k in ks))


@dataclass(frozen=True)
class WeightScore:
    """A weighting's mean metric over ``n`` cases."""

    weights: Weights
    value: float
    n: int


@dataclass(frozen=True)
class HeldOutYear:
    """One origin year left out: the weights best on the other years, and both measured on it."""

    year: int
    n: int
    trained: Weights
    held_out: float
    default: float


@dataclass(frozen=True)
class WeightSearch:
    """The answer of :func:`search_weights`."""

    metric: str
    grid: tuple[WeightScore, ...]  # best first
    default: WeightScore
    held_out: tuple[HeldOutYear, ...]
    warning: str = OVERFIT_WARNING

    def as_dict(self) -> dict:
        return {
            "metric": self.metric, "warning": self.warning,
            "default": {"weights": vars(self.default.weights), "value": self.default.value, "n": self.default.n},
            "grid": [{"weights": vars(s.weights), "value": s.value, "n": s.n} for s in self.grid],
            "leave_one_year_out": [{"year": h.year, "n": h.n, "trained": vars(h.trained), "held_out": h.held_out,
                                    "default": h.default} for h in self.held_out],
        }


def weight_grid(step: float = 0.1) -> tuple[Weights, ...]:
    """Every (factor, sdg, evidence) weighting in steps of ``step`` summing to 1."""
    parts = round(1 / step)
    if parts < 1 or abs(parts * step - 1) > 1e-9:
        raise QueryError(f"step must divide 1 (e.g. 0.1, 0.05, 0.25), not {step}")
    return tuple(Weights(f / parts, s / parts, (parts - f - s) / parts)
                 for f in range(parts, -1, -1) for s in range(parts - f, -1, -1))


def _case_value(case: Case, weights: Weights, metric: str, ks) -> float | None:
    """The metric of one case re-ranked under ``weights``."""
    keys = {}
    for country, tier_index, factor_fit, sdg_fit, evidence in case.components:
        score = weights.factor * factor_fit + weights.sdg * sdg_fit + weights.evidence * evidence
        keys[country] = (tier_index, -round(score, PLACES), -round(factor_fit, PLACES))
    found = ranking_metrics(groups_by_key(keys), case.positives, ks)
    if metric == "mrr":
        return found.reciprocal_rank
    if metric == "auc":
        return found.auc
    name, _, k = metric.partition("@")
    return (found.precision if name == "precision" else found.recall)[int(k)]


def _mean(values) -> tuple[float, int]:
    kept = [v for v in values if v is not None]
    return (sum(kept) / len(kept) if kept else 0.0), len(kept)


def search_weights(result: Backtest, metric: str = "mrr", step: float = 0.1) -> WeightSearch:
    """The grid of weightings ranked by their mean ``metric`` over ``result``'s cases, and the
    leave-one-year-out results (see the module's warning)."""
    if metric not in metric_names(result.ks):
        raise QueryError(f"metric must be one of {', '.join(metric_names(result.ks))}, not {metric!r}")
    grid = weight_grid(step)
    if DEFAULT_WEIGHTS not in grid:
        grid = grid + (DEFAULT_WEIGHTS,)
    values = {w: [_case_value(c, w, metric, result.ks) for c in result.cases] for w in grid}
    scores = sorted((WeightScore(w, *_mean(v)) for w, v in values.items()),
                    key=lambda s: (-s.value, -s.weights.factor, -s.weights.sdg))
    default = next(s for s in scores if s.weights == DEFAULT_WEIGHTS)
    held_out = []
    years = sorted({c.year for c in result.cases})
    for year in years:
        inside = [i for i, c in enumerate(result.cases) if c.year == year]
        outside = [i for i, c in enumerate(result.cases) if c.year != year]
        if not outside:
            continue
        trained = max(grid, key=lambda w: (_mean(values[w][i] for i in outside)[0], w.factor, w.sdg))
        held, n = _mean(values[trained][i] for i in inside)
        held_out.append(HeldOutYear(year, n, trained, held, _mean(values[DEFAULT_WEIGHTS][i] for i in inside)[0]))
    return WeightSearch(metric, tuple(scores), default, tuple(held_out))
