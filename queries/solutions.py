"""Proven practices for a need: the demand side of matchmaking.

For a need N of country C (or every need of C), every practice P not from C that is *relevant*
(it meets at least one of N's SDG asks or themes) is scored as

* ``sdg_fit`` = Σ rarity(a) over the SDG asks a of N that P meets / number of SDG asks of N. Each
  SDG target of N is one ask, met when P serves that target; each SDG goal of N is one ask, met
  when P serves any target of that goal (a need tagged with a goal asks for progress on the goal,
  not for all of its targets). 0 when N names no targets or goals.
* ``theme_fit`` = Σ rarity(h) over the themes h of N that P covers / number of themes of N; P
  covers a theme when it has it or a narrower one. 0 when N has no themes.
* **rarity** (an inverse document frequency): an ask met by many practices tells little about
  which one answers the need. With n practices in the catalog and k of them meeting the ask,
  ``rarity = ln((n + 1) / (k + 1)) / ln((n + 1) / 2)``, clipped to [0, 1]: 1 when a single
  practice meets it, 0 when every practice does. Worked example: with 62 practices, target 16.6
  served by 26 of them weighs ln(63/27) / ln(63/2) = 0.25, so a need asking only for 16.6 gives
  each of those practices sdg_fit 0.25, not 1.0; a target served by 2 practices weighs 0.88.
* ``factor_fit`` and ``evidence``: C's fit for P exactly as in :func:`psikg.queries.match.match`
  (the same scoring rule, :class:`psikg.queries.scoring.PracticeScorer`: preconditions present,
  successful transfers nearby); each solution also carries C's ``coverage`` and ``tier``.
* ``score`` = 0.3·sdg_fit + 0.2·theme_fit + 0.4·factor_fit + 0.1·evidence
  (:class:`SolutionWeights`). Half of the score says whether P answers the need (targets and
  themes), four tenths whether C's context can carry it, one tenth whether it has travelled
  to a country like C before.

Order: score descending, then factor_fit descending, then practice id and need id ascending
(scores within 1e-9 equal). Practices C is already engaged with (a transfer agreed, implementing,
adopted or scaled to C) are listed apart in :attr:`Solutions.engaged`; those with only an
opportunity, a stalled or an abandoned transfer to C stay, flagged as in ``match``
(``opportunity``, ``stalled``, ``abandoned``, ``no-context``); ``no-factors`` flags a practice
without success factors, whose factor_fit is 0 for want of data.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from ..errors import QueryError
from ..ontology.domain import Catalog, Need, Practice
from ..ontology.plain import to_plain
from . import rules
from .lookup import country_of, need_of, sdg_key
from .match import STATUS_ORDER, Explainer
from .scoring import EvidenceTransfer, FactorCheck, PracticeScorer, _cached, ranked
from .weights import check_weights, parse_weights

__all__ = ["SolutionWeights", "DEFAULT_SOLUTION_WEIGHTS", "Solution", "PracticeEngagement", "Solutions",
           "solutions"]


@dataclass(frozen=True)
class SolutionWeights:
    """Weights of the four components of a solution score (see the module docstring).

    >>> SolutionWeights.parse("sdg=0.5,theme=0.5,factor=0,evidence=0")
    SolutionWeights(sdg=0.5, theme=0.5, factor=0.0, evidence=0.0)
    """

    sdg: float = 0.3
    theme: float = 0.2
    factor: float = 0.4
    evidence: float = 0.1

    def __post_init__(self):
        check_weights({"sdg": self.sdg, "theme": self.theme, "factor": self.factor, "evidence": self.evidence})

    @classmethod
    def parse(cls, text: str) -> "SolutionWeights":
        """Weights from ``sdg=0.3,theme=0.2,factor=0.4,evidence=0.1``; omitted ones weigh 0 (:mod:`.weights`)."""
        return cls(**parse_weights(text, ("sdg", "theme", "factor", "evidence")))


DEFAULT_SOLUTION_WEIGHTS = SolutionWeights()


@dataclass(frozen=True)
class Solution:
    """A practice that answers a need, with its score and the reasons for it.

    ``matching_targets`` are P's targets that meet the need's asks (``matching_goals`` the goal
    asks met); ``matching_themes`` the need's themes P covers.
    """

    need: str
    practice: str
    exporter: str | None
    score: float
    sdg_fit: float
    theme_fit: float
    factor_fit: float
    evidence: float
    coverage: float
    tier: str
    matching_targets: tuple[str, ...]
    matching_goals: tuple[str, ...]
    matching_themes: tuple[str, ...]
    shared_factors: tuple[FactorCheck, ...]
    missing_factors: tuple[FactorCheck, ...]
    evidence_transfers: tuple[EvidenceTransfer, ...]
    flags: tuple[str, ...] = ()

    def row(self) -> dict:
        """A flat row for tables and CSV."""
        return {
            "need": self.need, "practice": self.practice, "exporter": self.exporter, "score": self.score,
            "sdg_fit": self.sdg_fit, "theme_fit": self.theme_fit, "factor_fit": self.factor_fit,
            "evidence": self.evidence, "coverage": self.coverage, "tier": self.tier, "matching_targets": list(self.matching_targets + self.matching_goals),
            "matching_themes": list(self.matching_themes),
            "shared_factors": [f.factor for f in self.shared_factors],
            "missing_factors": [f.factor for f in self.missing_factors],
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class PracticeEngagement:
    """A practice the country is already engaged with."""

    practice: str
    status: str
    transfer: str


@dataclass(frozen=True)
class Solutions:
    """The answer of :func:`solutions`."""

    country: str
    needs: tuple[str, ...]
    solutions: tuple[Solution, ...]
    engaged: tuple[PracticeEngagement, ...]
    warnings: tuple[str, ...] = ()
    weights: SolutionWeights = DEFAULT_SOLUTION_WEIGHTS

    def as_dict(self) -> dict:
        return {"country": self.country, "needs": list(self.needs), "weights": to_plain(self.weights),
                "solutions": to_plain(self.solutions),
                "engaged": to_plain(self.engaged), "warnings": list(self.warnings)}


def _theme_ancestors(catalog: Catalog, theme: str) -> tuple[str, ...]:
    return rules.concept_ancestors(catalog.themes, theme)


def _goal_of(catalog: Catalog, target: str) -> str:
    found = catalog.targets.get(target)
    return found.goal if found is not None and found.goal else target.split(".", 1)[0]


def rarity(n_practices: int, meeting: int) -> float:
    """The weight of an ask met by ``meeting`` of ``n_practices`` practices (see the module docstring).

    >>> round(rarity(62, 26), 3), rarity(62, 1), rarity(62, 62)
    (0.246, 1.0, 0.0)
    """
    if n_practices <= 1:
        return 1.0
    value = math.log((n_practices + 1) / (meeting + 1)) / math.log((n_practices + 1) / 2)
    return min(1.0, max(0.0, value))


def _ask_counts(catalog: Catalog) -> Counter:
    """How many practices meet each ask: ``("target", t)``, ``("goal", g)``, ``("theme", h)``."""
    def build():
        counts: Counter = Counter()
        for practice in catalog.practices.values():
            asks = {("target", t) for t in practice.targets}
            asks |= {("goal", _goal_of(catalog, t)) for t in practice.targets}
            asks |= {("theme", a) for theme in practice.themes for a in _theme_ancestors(catalog, theme)}
            counts.update(asks)
        return counts

    return _cached(catalog, "solution_ask_counts", build)


def _relevance(catalog: Catalog, need: Need, practice: Practice, covered_themes: set[str]):
    """(sdg_fit, theme_fit, matching targets, matching goals, matching themes) of P for N."""
    counts, n = _ask_counts(catalog), len(catalog.practices)
    practice_targets = set(practice.targets)
    target_asks = sorted(set(need.targets), key=sdg_key)
    goal_asks = sorted(set(need.goals), key=sdg_key)
    met_targets = [t for t in target_asks if t in practice_targets]
    met_goals = [g for g in goal_asks if any(_goal_of(catalog, t) == g for t in practice_targets)]
    asks = len(target_asks) + len(goal_asks)
    met_weight = sum(rarity(n, counts[("target", t)]) for t in met_targets) + \
        sum(rarity(n, counts[("goal", g)]) for g in met_goals)
    sdg_fit = met_weight / asks if asks else 0.0
    matching_targets = sorted({t for t in practice_targets
                               if t in met_targets or _goal_of(catalog, t) in met_goals}, key=sdg_key)
    need_themes = sorted(set(need.themes))
    met_themes = [h for h in need_themes if h in covered_themes]
    theme_fit = sum(rarity(n, counts[("theme", h)]) for h in met_themes) / len(need_themes) if need_themes else 0.0
    return sdg_fit, theme_fit, tuple(matching_targets), tuple(met_goals), tuple(met_themes)


def solutions(catalog: Catalog, need_id: str | None = None, country: str | None = None,
              top: int | None = None, weights: SolutionWeights = DEFAULT_SOLUTION_WEIGHTS) -> Solutions:
    """Practices that answer a need, or every need of a country, best first, each explained.

    Parameters
    ----------
    catalog : the graph's read model.
    need_id : the need (its country is the importer). Give this or ``country``.
    country : ISO3 code or name: answer every need of this country.
    top : keep only the first ``top`` solutions (None: all).
    weights : weights of sdg_fit, theme_fit, factor_fit and evidence.

    Raises UnknownIdError for an unknown need or country, ValueError when neither (or a need of
    another country) is given.
    """
    if top is not None and top < 0:
        raise QueryError(f"top must be at least 0, not {top}")
    warnings: list[str] = []
    if need_id is not None:
        need = need_of(catalog, need_id)
        if country is not None and country_of(catalog, country).id != need.country:
            raise QueryError(f"need {need.id} belongs to {need.country}, not {country}")
        importer, needs = need.country, (need,)
    elif country is not None:
        importer = country_of(catalog, country).id
        needs = catalog.needs_by_country.get(importer, ())
        if not needs:
            warnings.append(f"{importer} has expressed no needs: there is nothing to answer")
    else:
        raise QueryError("give a need id or a country")
    for need in needs:
        if not (need.targets or need.goals or need.themes):
            warnings.append(f"need {need.id} names no SDG targets, goals or themes: no practice can match it")

    engaged: dict[str, PracticeEngagement] = {}
    flags_of: dict[str, list[str]] = {}
    for transfer in sorted(catalog.transfers.values(), key=lambda t: t.id):
        if transfer.importer != importer:
            continue
        if rules.is_engaged(transfer):
            known = engaged.get(transfer.practice)
            if known is None or STATUS_ORDER.index(transfer.status) > STATUS_ORDER.index(known.status):
                engaged[transfer.practice] = PracticeEngagement(transfer.practice, transfer.status, transfer.id)
        elif transfer.status in ("opportunity", "stalled", "abandoned"):
            flags_of.setdefault(transfer.practice, []).append(transfer.status)

    found: list[Solution] = []
    for practice in sorted(catalog.practices.values(), key=lambda p: p.id):
        if practice.country == importer or practice.id in engaged:
            continue
        covered = {a for theme in practice.themes for a in _theme_ancestors(catalog, theme)}
        relevant = []
        for need in needs:
            sdg_fit, theme_fit, targets, goals, themes = _relevance(catalog, need, practice, covered)
            if sdg_fit > 0 or theme_fit > 0:
                relevant.append((need, sdg_fit, theme_fit, targets, goals, themes))
        if not relevant:
            continue
        flags = sorted(set(flags_of.get(practice.id, ())), key=STATUS_ORDER.index)
        if not practice.factors:
            flags.append("no-factors")
        scorer = PracticeScorer(catalog, practice)
        fit = Explainer(scorer).candidate(scorer.fit(importer), flags)
        for need, sdg_fit, theme_fit, targets, goals, themes in relevant:
            score = (weights.sdg * sdg_fit + weights.theme * theme_fit + weights.factor * fit.factor_fit
                     + weights.evidence * fit.evidence)
            found.append(Solution(
                need.id, practice.id, practice.country or practice.organization, score, sdg_fit, theme_fit,
                fit.factor_fit, fit.evidence, fit.coverage, fit.tier, targets, goals, themes, fit.shared_factors,
                fit.missing_factors, fit.evidence_transfers, tuple(f for f in fit.flags if f != "no-needs")))

    found = ranked(found, lambda s: (s.score, s.factor_fit, (s.practice, s.need)))
    if top is not None:
        found = found[:top]
    return Solutions(importer, tuple(n.id for n in needs), tuple(found),
                     tuple(engaged[p] for p in sorted(engaged)), tuple(warnings), weights)
