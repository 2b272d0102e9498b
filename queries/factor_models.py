"""Factor models: logistic regressions of a transfer's verdict on several factors at once.

**Observations**: transfers whose verdict (:func:`queries.rules.verdict`) is success (y = 1) or
failure (y = 0), as in the factor analysis. Covariates are read as of the transfer's start year
(:func:`queries.rules.factor_states`; every statement when the year is unknown).

**Models** (each a maximum-likelihood logit by statsmodels, intercept included):

* ``preconditions``: y ~ precondition_fit + precondition_coverage (the weight shares of the
  practice's preconditions present and known at the importer);
* ``preconditions+context``: the same plus the importer's M49 region and income group (dummies;
  the reference level is the most frequent one, ties by name; unknown is a level of its own);
* ``channels``: y ~ facilitated (an organization brokered it) + same_subregion (exporter and
  importer in one M49 sub-region; unknown counts as not);
* ``degree``: y ~ adaptation (1 when the transfer adapted the practice, 0 when it copied it or took
  inspiration from it), over the transfers whose degree a source grades only.

For each coefficient: the log-odds estimate, its standard error, z, the two-sided Wald p-value, a
95% Wald interval, the odds ratio exp(estimate) with its interval, and the Benjamini-Hochberg q
across the model's coefficients other than the intercept.

**Refusals** (the model is reported with ``refused`` set and no coefficients):

* n below :data:`MIN_N`, or fewer than :data:`MIN_EVENTS_PER_PARAMETER` events of the rarer outcome
  per coefficient (besides the intercept), the rule of thumb of Vittinghoff & McCulloch (2007);
* separation: a binary covariate one of whose values goes with a single outcome only, or a fit
  that statsmodels flags as perfectly separated or that does not converge; the estimates would be
  infinite, so none are given;
* a covariate with no variation is dropped first (a note names it).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from dataclasses import asdict, dataclass

from ..ontology.domain import Catalog
from . import rules
from .factors import ANALYSED_VERDICTS, benjamini_hochberg
from .panel import precondition_split

__all__ = ["Coefficient", "FactorModel", "FactorModels", "fit_logit", "factor_models", "model_rows",
           "MIN_N", "MIN_EVENTS_PER_PARAMETER", "MODELS"]

MIN_N = 20
MIN_EVENTS_PER_PARAMETER = 5
Z95 = 1.959963984540054
#: name -> (numeric covariates, categorical covariates, a field that must be known for a row to count)
MODELS = {
    "preconditions": (("precondition_fit", "precondition_coverage"), (), None),
    "preconditions+context": (("precondition_fit", "precondition_coverage"), ("region", "income_group"), None),
    "channels": (("facilitated", "same_subregion"), (), None),
    "degree": (("adaptation",), (), "degree"),
}


@dataclass(frozen=True)
class Coefficient:
    term: str
    estimate: float
    std_error: float
    z: float
    p_value: float
    ci_low: float
    ci_high: float
    odds_ratio: float
    odds_ratio_low: float
    odds_ratio_high: float
    q_value: float | None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FactorModel:
    """One fitted (or refused) logistic regression."""

    name: str
    formula: str
    n: int
    successes: int
    failures: int
    coefficients: tuple[Coefficient, ...]
    refused: str | None
    log_likelihood: float | None = None
    pseudo_r2: float | None = None
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"name": self.name, "formula": self.formula, "n": self.n, "successes": self.successes,
                "failures": self.failures, "refused": self.refused, "log_likelihood": self.log_likelihood,
                "pseudo_r2": self.pseudo_r2, "coefficients": [c.as_dict() for c in self.coefficients],
                "notes": list(self.notes)}


@dataclass(frozen=True)
class FactorModels:
    models: tuple[FactorModel, ...]
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"models": [m.as_dict() for m in self.models], "notes": list(self.notes)}


def model_rows(result: FactorModels) -> list[dict]:
    """One row per coefficient (or per refused model), for tables and CSV: the JSON's numbers."""
    rows = []
    for model in result.models:
        base = {"model": model.name, "n": model.n, "successes": model.successes, "failures": model.failures}
        if model.refused:
            rows.append({**base, "term": "", "refused": model.refused})
        for c in model.coefficients:
            rows.append({**base, **c.as_dict(), "refused": ""})
    return rows


def _design(rows: list[dict], numeric, categorical) -> tuple[list[str], list[list[float]], list[str]]:
    """Column names, the matrix (intercept first) and notes on dropped columns."""
    columns: list[tuple[str, object]] = [(name, (lambda r, n=name: float(r[n]))) for name in numeric]
    for name in categorical:
        counts = Counter(r[name] or "(unknown)" for r in rows)
        if not counts:
            continue
        reference = sorted(counts, key=lambda level: (-counts[level], level))[0]
        for level in sorted(set(counts) - {reference}):
            columns.append((f"{name}[{level}]", (lambda r, n=name, lv=level: float((r[n] or "(unknown)") == lv))))
    names, matrix, notes = ["intercept"], [[1.0] for _ in rows], []
    for name, value in columns:
        values = [value(r) for r in rows]
        if len(set(values)) < 2:
            notes.append(f"{name} has no variation: left out")
            continue
        names.append(name)
        for line, v in zip(matrix, values):
            line.append(v)
    return names, matrix, notes


def _separated(names, matrix, outcome) -> str | None:
    for index, name in enumerate(names[1:], 1):
        values = [line[index] for line in matrix]
        if set(values) <= {0.0, 1.0}:
            for level in (0.0, 1.0):
                seen = {y for v, y in zip(values, outcome) if v == level}
                if len(seen) == 1:
                    return (f"separation: every transfer with {name} = {int(level)} has the same verdict "
                            f"({'success' if seen == {1} else 'failure'}); its estimate would be infinite")
    return None


def _coefficients(fitted, names) -> tuple[Coefficient, ...]:
    params, errors, pvalues = fitted.params, fitted.bse, fitted.pvalues
    qs = benjamini_hochberg([float(p) for p in pvalues[1:]]) if len(names) > 1 else []
    found = []
    for index, name in enumerate(names):
        b, se = float(params[index]), float(errors[index])
        low, high = b - Z95 * se, b + Z95 * se
        found.append(Coefficient(name, b, se, b / se, float(pvalues[index]), low, high, math.exp(b), math.exp(low),
                                 math.exp(high), None if index == 0 else qs[index - 1]))
    return tuple(found)


def fit_logit(name: str, rows: list[dict], numeric=(), categorical=(), outcome: str = "success") -> FactorModel:
    """Fit y ~ numeric + categorical on ``rows`` (dicts), or refuse with a reason."""
    y = [int(r[outcome]) for r in rows]
    successes = sum(y)
    formula = f"{outcome} ~ " + " + ".join([*numeric, *categorical])
    names, matrix, notes = _design(rows, numeric, categorical)

    def refuse(reason: str) -> FactorModel:
        return FactorModel(name, formula, len(rows), successes, len(rows) - successes, (), reason, notes=tuple(notes))

    rarer, parameters = min(successes, len(rows) - successes), len(names) - 1
    if len(rows) < MIN_N:
        return refuse(f"too few transfers: n = {len(rows)} (at least {MIN_N} needed)")
    if parameters == 0:
        return refuse("no covariate varies")
    if rarer < MIN_EVENTS_PER_PARAMETER * parameters:
        return refuse(f"too few events: the rarer verdict has {rarer} transfers for {parameters} coefficient(s) "
                      f"(at least {MIN_EVENTS_PER_PARAMETER} per coefficient needed)")
    separation = _separated(names, matrix, y)
    if separation:
        return refuse(separation)
    import numpy as np
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            fitted = sm.Logit(np.array(y, dtype=float), np.array(matrix)).fit(disp=0, maxiter=100)
        except (PerfectSeparationWarning, ConvergenceWarning, np.linalg.LinAlgError) as error:
            return refuse(f"the fit failed ({type(error).__name__}): separation or collinearity")
    if not fitted.mle_retvals.get("converged", True):
        return refuse("the fit did not converge: separation or collinearity")
    return FactorModel(name, formula, len(rows), successes, len(rows) - successes, _coefficients(fitted, names),
                       None, float(fitted.llf), float(fitted.prsquared), tuple(notes))


def transfer_rows(catalog: Catalog) -> list[dict]:
    """One dict per analysed transfer with the models' covariates (see the module's rules)."""
    rows = []
    for t in sorted(catalog.transfers.values(), key=lambda t: t.id):
        if rules.verdict(t) not in ANALYSED_VERDICTS or t.practice not in catalog.practices:
            continue
        states = rules.factor_states(catalog, catalog.statements_by_country.get(t.importer, ()), t.start_year)
        _, _, _, fit, coverage = precondition_split(catalog.practices[t.practice], states)
        importer, exporter = catalog.countries.get(t.importer), catalog.countries.get(t.exporter)
        rows.append({"transfer": t.id, "success": int(rules.verdict(t) == "success"),
                     "precondition_fit": fit or 0.0, "precondition_coverage": coverage or 0.0,
                     "region": importer.region if importer else None,
                     "income_group": importer.income_group if importer else None,
                     "facilitated": float(bool(t.facilitators)),
                     "same_subregion": float(bool(importer and exporter and importer.subregion
                                                  and importer.subregion == exporter.subregion)),
                     "degree": t.degree, "adaptation": float(t.degree == "adaptation")})
    return rows


def factor_models(catalog: Catalog) -> FactorModels:
    """Every model of :data:`MODELS` on the analysed transfers, fitted or refused."""
    rows = transfer_rows(catalog)
    models = tuple(fit_logit(name, [r for r in rows if subset is None or r[subset] is not None], numeric, categorical)
                   for name, (numeric, categorical, subset) in MODELS.items())
    notes = ("associations among recorded transfers, not effects: which transfers get recorded, and how "
             "their outcome is graded, depends on the sources",
             "a practice that lists no precondition has fit and coverage 0")
    return FactorModels(models, notes)
