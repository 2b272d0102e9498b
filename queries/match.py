"""Importers for a practice: the core query of psikg (DESIGN.md, "The core query").

For a practice P from exporter E, the candidates are the UN member states (every country with
``all_countries``) except E and the countries already engaged with P (a transfer of P with status
agreed, implementing, adopted or scaled: listed apart in :attr:`MatchResult.engaged`). Each is
scored as of a year (default: the current year) by :class:`psikg.queries.scoring.PracticeScorer`,
the one scoring rule (factor_fit, coverage, sdg_fit, evidence, tier; score =
0.6·factor_fit + 0.3·sdg_fit + 0.1·evidence), and ranked:

tier (ready, unassessed, blocked), then score descending, then factor_fit descending, then ISO3
ascending; values within 1e-9 count as equal. When P's exporter is an organization (P has no
country), no country is left out as exporter.

Every candidate explains itself: its preconditions present, absent and unknown (critical first),
the critical ones known absent that block it, the questions to ask for the unknown ones, matching
needs and targets, the transfers used as evidence, the deciding statements' dates (a statement
older than five years before the as-of year is stale), the practices the candidate already runs
with a theme of P (the five sharing the most themes), and flags:

``opportunity``, ``stalled``, ``abandoned``
    a transfer of P to C with that status is recorded (C stays a candidate);
``no-context``
    nothing is known of C's context as of the year: every precondition is unknown;
``no-needs``
    C has expressed no needs: sdg_fit is 0 for want of data;
``stale``
    a statement deciding one of P's preconditions is stale;
``territory``
    C is not a UN member state (only with ``all_countries``).

The numbers are computed for every candidate; explanations only for the candidates returned.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from itertools import chain, groupby, islice
from typing import Iterable, Sequence

import numpy as np

from ..errors import QueryError
from ..ontology.domain import Catalog, Country, FactorStatement, Practice, Transfer
from ..ontology.plain import to_plain
from . import rules
from .as_of import catalog_as_of
from .lookup import practice_of
from .scoring import (
    DEFAULT_MIN_COVERAGE, DEFAULT_WEIGHTS, EPSILON, ROLE_WEIGHTS, STALE_YEARS, TIERS, EvidenceTransfer,
    FactorCheck, Fit, FitArrays, PracticeScorer, Weights, _cached, ranked,
)
from .score_arrays import columns_of, state_arrays

__all__ = [
    "Weights", "DEFAULT_WEIGHTS", "ROLE_WEIGHTS", "EPSILON", "TIERS", "STALE_YEARS", "DEFAULT_MIN_COVERAGE",
    "FactorCheck", "NeedMatch", "EvidenceTransfer", "RelatedPractice", "Candidate", "Engagement", "Question",
    "MatchResult", "match", "with_related", "related_practices", "score_country", "latest_statements", "ranked",
    "Explainer", "STATUS_ORDER",
]

#: How many of a candidate's own related practices an explanation lists.
MAX_RELATED = 5
#: Status order, least to most advanced, to pick the transfer that describes an engagement.
STATUS_ORDER = ("opportunity", "stalled", "abandoned", "agreed", "implementing", "adopted", "scaled")


@dataclass(frozen=True)
class NeedMatch:
    """A need of the candidate that the practice serves, with the targets they share."""

    need: str
    title: str
    targets: tuple[str, ...]
    priority: str | None = None


@dataclass(frozen=True)
class RelatedPractice:
    """A practice the candidate already runs that shares a theme with P."""

    practice: str
    title: str
    themes: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """A candidate importer with its numbers, its tier and the reasons for them.

    ``blocking`` = critical preconditions known absent; ``questions`` = what to ask about the
    unknown preconditions (critical first); ``stale`` = preconditions decided by a stale statement.
    """

    country: str
    name: str
    score: float
    factor_fit: float
    sdg_fit: float
    evidence: float
    coverage: float
    tier: str
    present: tuple[FactorCheck, ...] = ()
    absent: tuple[FactorCheck, ...] = ()
    unknown: tuple[FactorCheck, ...] = ()
    blocking: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    matching_needs: tuple[NeedMatch, ...] = ()
    matching_targets: tuple[str, ...] = ()
    evidence_transfers: tuple[EvidenceTransfer, ...] = ()
    stale: tuple[str, ...] = ()
    related_practices: tuple[RelatedPractice, ...] = ()
    flags: tuple[str, ...] = ()

    @property
    def shared_factors(self) -> tuple[FactorCheck, ...]:
        """The preconditions present (older name, kept for views)."""
        return self.present

    @property
    def missing_factors(self) -> tuple[FactorCheck, ...]:
        """The preconditions absent or unknown, critical first then by id."""
        return tuple(sorted(self.absent + self.unknown, key=lambda c: (c.role != "critical", c.factor)))

    def row(self) -> dict:
        """A flat row for tables and CSV."""
        return {
            "country": self.country, "name": self.name, "tier": self.tier, "score": self.score,
            "factor_fit": self.factor_fit, "sdg_fit": self.sdg_fit, "evidence": self.evidence,
            "coverage": self.coverage,
            "present": [f.factor for f in self.present], "absent": [f.factor for f in self.absent],
            "unknown": [f.factor for f in self.unknown], "blocking": list(self.blocking),
            "matching_needs": [n.need for n in self.matching_needs],
            "matching_targets": list(self.matching_targets),
            "evidence_transfers": [e.transfer for e in self.evidence_transfers],
            "stale": list(self.stale), "related_practices": [r.practice for r in self.related_practices],
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class Engagement:
    """A country already engaged with the practice, by the most advanced such transfer."""

    country: str
    status: str
    transfer: str


@dataclass(frozen=True)
class Question:
    """A precondition unknown at ``count`` of the unassessed candidates: what to ask them."""

    factor: str
    label: str
    role: str
    count: int


@dataclass(frozen=True)
class MatchResult:
    """The answer of :func:`match`: candidates ranked by tier, engaged countries apart, the number
    of candidates in each tier (whatever ``top`` kept), what to ask the unassessed, warnings."""

    practice: str
    exporter: str | None
    candidates: tuple[Candidate, ...]
    engaged: tuple[Engagement, ...]
    warnings: tuple[str, ...] = ()
    weights: Weights = DEFAULT_WEIGHTS
    as_of: int | None = None
    min_coverage: float = DEFAULT_MIN_COVERAGE
    tier_counts: dict[str, int] = field(default_factory=dict)
    ask: tuple[Question, ...] = ()
    record_as_of: bool = False  # the whole record (transfers, needs too) was read as of ``as_of``

    def as_dict(self) -> dict:
        """The JSON shape: scores unrounded, countries as ISO3."""
        return to_plain(self.json_shape())

    def json_shape(self) -> dict:
        """The JSON shape with its values as they are (dataclasses, tuples): a JSON writer that
        reads dataclasses itself (orjson, ``json_text``) writes it without a walk in Python."""
        return {
            "practice": self.practice, "exporter": self.exporter, "as_of": self.as_of,
            "record_as_of": self.record_as_of, "min_coverage": self.min_coverage, "weights": self.weights,
            "tier_counts": self.tier_counts, "candidates": self.candidates, "engaged": self.engaged,
            "ask": self.ask, "warnings": self.warnings,
        }


def latest_statements(catalog: Catalog, country: str):
    """The latest statement about each factor for a country (:func:`rules.latest_statements`)."""
    return rules.latest_statements(catalog.statements_by_country.get(country, ()))


class Explainer:
    """Builds a :class:`Candidate` (numbers and explanation) from a :class:`PracticeScorer`."""

    def __init__(self, scorer: PracticeScorer):
        self.scorer = scorer
        self.catalog = scorer.catalog

    def candidate(self, fit: Fit, flags: Sequence[str] = ()) -> Candidate:
        catalog, scorer, country = self.catalog, self.scorer, fit.country
        checks = scorer.checks(country)
        present = tuple(c for c in checks if c.status == "present")
        absent = tuple(c for c in checks if c.status == "absent")
        unknown = tuple(c for c in checks if c.status == "unknown")
        found = catalog.countries.get(country)
        name = found.name if found else country
        questions = tuple(f"Is '{c.label}' ({c.role}) in place in {name} as of {scorer.year}?" for c in unknown)
        targets, by_need = scorer.matching(country)
        needs = tuple(NeedMatch(n, catalog.needs[n].title, tuple(ts), catalog.needs[n].priority)
                      for n, ts in by_need.items())
        stale = tuple(c.factor for c in checks if c.stale)
        flags = list(flags)
        if not scorer.states.get(country, rules.NO_STATES).decisive:
            flags.append("no-context")
        if country not in scorer.wanted:
            flags.append("no-needs")
        if stale:
            flags.append("stale")
        if found is not None and not found.un_member:
            flags.append("territory")
        return Candidate(
            country, name, fit.score, fit.factor_fit, fit.sdg_fit, fit.evidence, fit.coverage, fit.tier,
            present, absent, unknown, tuple(c.factor for c in absent if c.role == "critical"), questions,
            needs, targets, scorer.evidence_transfers(country) if fit.evidence else (), stale,
            related_practices(catalog, scorer.practice, country), tuple(flags))


def related_practices(catalog: Catalog, practice: Practice, country: str) -> tuple[RelatedPractice, ...]:
    """The country's own practices sharing a theme with ``practice``: the :data:`MAX_RELATED`
    sharing the most themes, then by id."""
    themes = set(practice.themes)
    by_theme = _practices_by_country_theme(catalog).get(country)
    if not by_theme or not themes:
        return ()
    own = practice.id
    if len(themes) == 1:  # the common case: the index is already in id order
        (theme,) = themes
        best = [p for p in by_theme.get(theme, ())[:MAX_RELATED + 1] if p != own][:MAX_RELATED]
    elif len(themes) == 2:  # both themes first, then one; each list is in id order
        first, second = (by_theme.get(theme, ()) for theme in themes)
        both = sorted(set(first).intersection(second) - {own})[:MAX_RELATED]
        best = both + list(islice((p for p, _ in groupby(heapq.merge(first, second))
                                   if p != own and p not in both), MAX_RELATED - len(both)))
    else:  # most shared themes first, then by id
        shared = Counter(chain.from_iterable(by_theme.get(theme, ()) for theme in themes))
        shared.pop(own, None)
        best = []
        for count in range(len(themes), 0, -1):
            if len(best) >= MAX_RELATED:
                break
            best.extend(heapq.nsmallest(MAX_RELATED - len(best), [p for p, n in shared.items() if n == count]))
    practices = catalog.practices
    if len(themes) == 1:  # every related practice shares the one theme
        shared_themes = tuple(themes)
        return tuple(RelatedPractice(p, practices[p].title, shared_themes) for p in best)
    return tuple(RelatedPractice(p, practices[p].title, tuple(sorted(themes & set(practices[p].themes))))
                 for p in best)


def _practices_by_country_theme(catalog: Catalog) -> dict[str, dict[str, tuple[str, ...]]]:
    """country -> theme -> ids of the country's practices with that theme (computed once)."""
    def build():
        index: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for country, practices in catalog.practices_by_country.items():
            for practice in practices:
                for theme in set(practice.themes):
                    index[country][theme].append(practice.id)
        return {c: {t: tuple(sorted(ps)) for t, ps in by_theme.items()} for c, by_theme in index.items()}

    return _cached(catalog, "practices_by_country_theme", build)


def score_country(catalog: Catalog, practice: Practice, country: str, weights: Weights = DEFAULT_WEIGHTS,
                  flags: Sequence[str] = (), *, as_of: int | None = None,
                  min_coverage: float = DEFAULT_MIN_COVERAGE) -> Candidate:
    """Score one country as an importer of ``practice``, with its explanation.

    This is the whole rule: :func:`match` applies it to every candidate, and the other queries
    (matchmaking, the worksheet) call it rather than scoring anew. It does not check that the
    country is a candidate (not the exporter, not engaged).
    """
    scorer = PracticeScorer(catalog, practice, weights, as_of, min_coverage)
    return Explainer(scorer).candidate(scorer.fit(country), flags)


def _engagements(transfers: Iterable[Transfer]) -> tuple[list[Engagement], dict[str, tuple[str, ...]]]:
    """Countries engaged with the practice (most advanced transfer) and the flags of the others."""
    by_importer: dict[str, list[Transfer]] = defaultdict(list)
    for transfer in transfers:
        by_importer[transfer.importer].append(transfer)
    engaged = []
    for importer, found in sorted(by_importer.items()):
        engaging = [t for t in found if rules.is_engaged(t)]
        if engaging:
            best = max(engaging, key=lambda t: (STATUS_ORDER.index(t.status), t.id))
            engaged.append(Engagement(importer, best.status, best.id))
    flags = {importer: tuple(sorted({t.status for t in found if t.status in ("opportunity", "stalled", "abandoned")},
                                    key=STATUS_ORDER.index))
             for importer, found in by_importer.items()}
    return engaged, flags


def _pool(catalog: Catalog, countries: Iterable[str] | None, all_countries: bool) -> Sequence[str]:
    if countries is not None:
        return sorted({c for c in countries if c in catalog.countries})
    if all_countries:
        return _cached(catalog, "match_countries", lambda: tuple(sorted(catalog.countries)))
    return _cached(catalog, "match_un_members",
                   lambda: tuple(sorted(c for c, country in catalog.countries.items() if country.un_member)))


def _fit_key(fit: Fit) -> tuple[float, float, str]:
    return (fit.score, fit.factor_fit, fit.country)


def _ranked_head(scores: FitArrays, indexes: np.ndarray, n: int | None) -> list[Fit]:
    """The first ``n`` (None: all) of the countries at ``indexes`` as :func:`ranked` orders them.

    Only the head is ranked: the countries whose score is at least that of the n-th best, extended
    to the end of its run of near ties (scores each within EPSILON of the next), because
    :func:`ranked` reorders within such a run; the rest cannot come first and stay arrays."""
    if n is None or n >= len(indexes):
        return ranked(scores.fits(indexes), _fit_key)
    if n == 0:
        return []
    values = scores.score[indexes]
    ordered = np.sort(values)[::-1]
    breaks = np.flatnonzero(ordered[n - 1:-1] - ordered[n:] > EPSILON)
    last = n - 1 + int(breaks[0]) if breaks.size else len(ordered) - 1
    return ranked(scores.fits(indexes[values >= ordered[last]]), _fit_key)[:n]


def _shown(scores: FitArrays, top: int | None, top_per_tier: int | None) -> list[Fit]:
    """The candidates shown, in the order people see them: by tier, then :func:`ranked` within
    each tier; the first ``top_per_tier`` of each tier, the first ``top`` in all."""
    shown: list[Fit] = []
    for code in range(len(TIERS)):
        wanted = [n for n in (top_per_tier, None if top is None else top - len(shown)) if n is not None]
        shown.extend(_ranked_head(scores, np.flatnonzero(scores.tier == code), min(wanted, default=None)))
    return shown


def _ask(scorer: PracticeScorer, scores: FitArrays) -> tuple[Question, ...]:
    """The preconditions unknown among the unassessed candidates, critical first, then most often."""
    unassessed = np.flatnonzero(scores.tier == TIERS.index("unassessed"))
    if not scorer.factors or not unassessed.size:
        return ()
    states = state_arrays(scorer.catalog, scorer.year)
    rows = scores.rows[unassessed]
    columns = columns_of(states.column, (factor for factor, _, _ in scorer.factors))
    known = states.by_factor["known"][columns][:, rows].sum(axis=1).astype(int).tolist()
    questions = [Question(factor, scorer._label(factor), role, len(rows) - n)
                 for (factor, role, _), n in zip(scorer.factors, known) if len(rows) > n]
    return tuple(sorted(questions, key=lambda q: (q.role != "critical", -q.count, q.factor)))


def match(catalog: Catalog, practice_id: str, top: int | None = None, weights: Weights = DEFAULT_WEIGHTS, *,
          countries: Iterable[str] | None = None, as_of: int | None = None,
          min_coverage: float = DEFAULT_MIN_COVERAGE, all_countries: bool = False,
          top_per_tier: int | None = None, record_as_of: bool = False) -> MatchResult:
    """Candidate importers for a practice, by tier and best first, each with its explanation.

    Parameters
    ----------
    catalog : the graph's read model.
    practice_id : the practice (an unknown id raises UnknownIdError with the nearest ids).
    top : keep only the first ``top`` candidates (None: all).
    weights : weights of factor_fit, sdg_fit and evidence in the score.
    countries : consider only these countries (ISO3) as candidates, UN members or not (matchmaking
        scores an event's participants against each other).
    as_of : read factor states as of this year (default: the current year).
    min_coverage : the coverage from which a candidate not blocked is ready.
    all_countries : include territories and other areas that are not UN member states.
    top_per_tier : keep only the first ``top_per_tier`` candidates of each tier (for tables).
    record_as_of : with ``as_of``, read the whole record as it stood then, not only the statements:
        transfers started by then with their status then, needs expressed by then
        (:func:`psikg.queries.as_of.catalog_as_of`).
    """
    for name, value in (("top", top), ("top_per_tier", top_per_tier)):
        if value is not None and value < 0:
            raise QueryError(f"{name} must be at least 0, not {value}")
    if not 0.0 <= min_coverage <= 1.0:
        raise QueryError(f"min_coverage must be between 0 and 1, not {min_coverage}")
    record_as_of = record_as_of and as_of is not None
    if record_as_of:
        catalog = catalog_as_of(catalog, as_of)
    practice = practice_of(catalog, practice_id)
    engaged, flags_of = _engagements(catalog.transfers_by_practice.get(practice.id, ()))
    engaged_ids = {e.country for e in engaged}
    scorer = PracticeScorer(catalog, practice, weights, as_of, min_coverage)
    scores = scorer.scores([country for country in _pool(catalog, countries, all_countries)
                            if country != practice.country and country not in engaged_ids])
    tier_counts = dict(zip(TIERS, np.bincount(scores.tier, minlength=len(TIERS)).tolist()))
    shown = _shown(scores, top, top_per_tier)
    explainer = Explainer(scorer)
    candidates = tuple(explainer.candidate(fit, flags_of.get(fit.country, ())) for fit in shown)

    warnings = []
    if not scorer.factors:
        warnings.append(f"practice {practice.id} has no preconditions: factor_fit and coverage are 0 for every "
                        "candidate, so none is ready")
    if not practice.targets:
        warnings.append(f"practice {practice.id} has no SDG targets: sdg_fit is 0 for every candidate")
    return MatchResult(practice.id, practice.country or practice.organization, candidates, tuple(engaged),
                       tuple(warnings), weights, scorer.year, min_coverage, tier_counts, _ask(scorer, scores),
                       record_as_of)


def with_related(result: MatchResult, practice: Practice, catalog: Catalog) -> MatchResult:
    """``result`` (a match of ``practice``) with each candidate's related practices taken from
    ``catalog`` by the one rule (:func:`related_practices`): a graph database reads them after
    ranking, for the countries shown alone, since they explain a candidate and never rank it."""
    return replace(result, candidates=tuple(
        replace(candidate, related_practices=related_practices(catalog, practice, candidate.country))
        for candidate in result.candidates))
