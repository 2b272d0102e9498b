"""The reference for matching: the core query as psikg computed it one country at a time, before
it became array arithmetic (issue 22). Kept verbatim (only imports and names adapted) so that
``tests/test_match_arrays.py`` can demand the same answers from the fast path: same numbers, same
order, same tiers, same JSON. Do not "fix" this file to follow the library; it is the yardstick.

Matchmaking's reference is :func:`reference_matchmake`: every exporter's practice matched with
:func:`reference_match` restricted to the participants, as ``psikg matchmake`` did.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from typing import Iterable, Sequence

from psikg.ontology.domain import Catalog, Country, Practice, Transfer
from psikg.queries import rules
from psikg.queries.as_of import catalog_as_of
from psikg.queries.lookup import event_of, practice_of, sdg_key
from psikg.queries.match import (
    MAX_RELATED, STATUS_ORDER, Candidate, Engagement, MatchResult, NeedMatch, Question, RelatedPractice,
)
from psikg.queries.matchmake import EngagedPair, Matchmaking, Opportunity, transfer_id
from psikg.queries.scoring import (
    DEFAULT_MIN_COVERAGE, DEFAULT_WEIGHTS, EPSILON, STALE_YEARS, TIERS, EvidenceTransfer, FactorCheck, Fit,
    Weights, _cached, countries_by_target, preconditions, ranked, targets_by_country,
)


def _countries_by_group(catalog: Catalog) -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """M49 sub-region -> countries, income group -> countries (computed once per catalog)."""
    def build():
        by_subregion: dict[str, list[str]] = defaultdict(list)
        by_income: dict[str, list[str]] = defaultdict(list)
        for country in catalog.countries.values():
            if country.subregion is not None:
                by_subregion[country.subregion].append(country.id)
            if country.income_group is not None:
                by_income[country.income_group].append(country.id)
        return ({k: tuple(v) for k, v in by_subregion.items()}, {k: tuple(v) for k, v in by_income.items()})

    return _cached(catalog, "reference_countries_by_group", build)


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
        self.wanting = countries_by_target(catalog)
        self.factors = preconditions(practice)
        self.total = sum(weight for _, _, weight in self.factors)
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
        """The numbers and the tiers of ``countries``, in their order. The work is done per
        precondition and per target through the inverted indexes of states and needs, so scoring
        every country costs little more than scoring one."""
        present_index, absent_index = rules.countries_by_state(self.catalog, self.year)
        present_weight: dict[str, float] = defaultdict(float)
        known_weight: dict[str, float] = defaultdict(float)
        blocked: set[str] = set()
        for factor, role, weight in self.factors:
            for country in present_index.get(factor, ()):
                present_weight[country] += weight
                known_weight[country] += weight
            for country in absent_index.get(factor, ()):
                known_weight[country] += weight
                if role == "critical":
                    blocked.add(country)
        wanted_count: dict[str, int] = defaultdict(int)
        for target in self.targets:
            for country in self.wanting.get(target, ()):
                wanted_count[country] += 1
        total, n_targets, w = self.total, len(self.targets), self.weights
        near = self._near()
        base_evidence = 0.5 if self.successful else 0.0
        found = []
        for country in countries:
            factor_fit = present_weight.get(country, 0.0) / total if total else 0.0
            coverage = known_weight.get(country, 0.0) / total if total else 0.0
            sdg_fit = wanted_count.get(country, 0) / n_targets if n_targets else 0.0
            evidence = 1.0 if country in near else base_evidence
            score = w.factor * factor_fit + w.sdg * sdg_fit + w.evidence * evidence
            tier = "blocked" if country in blocked else (
                "ready" if coverage >= self.min_coverage - EPSILON else "unassessed")
            found.append(Fit(country, score, factor_fit, coverage, sdg_fit, evidence, tier))
        return found

    def _near(self) -> set[str]:
        """Countries in the sub-region or income group of an importer of a successful transfer."""
        by_subregion, by_income = _countries_by_group(self.catalog)
        near: set[str] = set()
        for subregion in self.near_subregions:
            near.update(by_subregion.get(subregion, ()))
        for income in self.near_incomes:
            near.update(by_income.get(income, ()))
        return near

    def checks(self, country: str) -> list[FactorCheck]:
        """Each precondition's state at ``country``, critical first then by id."""
        states = self.states.get(country, rules.NO_STATES)
        label = self._label
        found = []
        for factor, role, weight in self.factors:
            status = states.state(factor)
            via = states.present.get(factor, ())
            deciding = [states.decisive[f] for f in (via or (factor,)) if f in states.decisive]
            as_of = max((s.as_of for s in deciding if s.as_of), key=rules.as_of_order, default=None)
            year = rules.statement_year(as_of)
            stale = status != "unknown" and year is not None and year < self.year - STALE_YEARS
            found.append(FactorCheck(factor, label(factor), role, weight, status, via, as_of, stale))
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


class Explainer:
    """Builds a :class:`Candidate` (numbers and explanation) from a :class:`PracticeScorer`."""

    def __init__(self, scorer: PracticeScorer):
        self.scorer = scorer
        self.catalog = scorer.catalog
        self.themes = set(scorer.practice.themes)

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
            self.related(country), tuple(flags))

    def related(self, country: str) -> tuple[RelatedPractice, ...]:
        """The candidate's own practices sharing a theme with P: the :data:`MAX_RELATED` sharing the
        most themes, then by id."""
        by_theme = _practices_by_country_theme(self.catalog).get(country)
        if not by_theme or not self.themes:
            return ()
        own = self.scorer.practice.id
        if len(self.themes) == 1:  # the common case: the index is already in id order
            (theme,) = self.themes
            best = [p for p in by_theme.get(theme, ())[:MAX_RELATED + 1] if p != own][:MAX_RELATED]
        else:
            shared: Counter = Counter(p for theme in self.themes for p in by_theme.get(theme, ()))
            shared.pop(own, None)
            best = heapq.nsmallest(MAX_RELATED, shared, key=lambda p: (-shared[p], p))
        practices = self.catalog.practices
        return tuple(RelatedPractice(p, practices[p].title, tuple(sorted(self.themes & set(practices[p].themes))))
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

    return _cached(catalog, "reference_practices_by_country_theme", build)


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
        return _cached(catalog, "reference_match_countries", lambda: tuple(sorted(catalog.countries)))
    return _cached(catalog, "reference_match_un_members",
                   lambda: tuple(sorted(c for c, country in catalog.countries.items() if country.un_member)))


def _tiered(fits: list[Fit]) -> list[Fit]:
    """Fits in the order people see them: by tier, then :func:`ranked` within each tier."""
    by_tier: dict[str, list[Fit]] = defaultdict(list)
    for fit in fits:
        by_tier[fit.tier].append(fit)
    return [f for tier in TIERS for f in ranked(by_tier[tier], lambda f: (f.score, f.factor_fit, f.country))]


def _first_of_each_tier(fits: list[Fit], n: int) -> list[Fit]:
    kept: list[Fit] = []
    seen: Counter = Counter()
    for fit in fits:
        seen[fit.tier] += 1
        if seen[fit.tier] <= n:
            kept.append(fit)
    return kept


def _ask(scorer: PracticeScorer, fits: list[Fit]) -> tuple[Question, ...]:
    """The preconditions unknown among the unassessed candidates, critical first, then most often."""
    unassessed = {fit.country for fit in fits if fit.tier == "unassessed"}
    present_index, absent_index = rules.countries_by_state(scorer.catalog, scorer.year)
    questions = []
    for factor, role, _ in scorer.factors:
        known = len(unassessed & present_index.get(factor, frozenset())) + \
            len(unassessed & absent_index.get(factor, frozenset()))
        if len(unassessed) > known:
            questions.append(Question(factor, scorer._label(factor), role, len(unassessed) - known))
    return tuple(sorted(questions, key=lambda q: (q.role != "critical", -q.count, q.factor)))


def reference_match(catalog: Catalog, practice_id: str, top: int | None = None, weights: Weights = DEFAULT_WEIGHTS, *,
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
    fits = _tiered(scorer.fits([country for country in _pool(catalog, countries, all_countries)
                                if country != practice.country and country not in engaged_ids]))
    tier_counts = {tier: 0 for tier in TIERS}
    for fit in fits:
        tier_counts[fit.tier] += 1
    shown = fits if top_per_tier is None else _first_of_each_tier(fits, top_per_tier)
    if top is not None:
        shown = shown[:top]
    explainer = Explainer(scorer)
    candidates = tuple(explainer.candidate(fit, flags_of.get(fit.country, ())) for fit in shown)

    warnings = []
    if not scorer.factors:
        warnings.append(f"practice {practice.id} has no preconditions: factor_fit and coverage are 0 for every "
                        "candidate, so none is ready")
    if not practice.targets:
        warnings.append(f"practice {practice.id} has no SDG targets: sdg_fit is 0 for every candidate")
    return MatchResult(practice.id, practice.country or practice.organization, candidates, tuple(engaged),
                       tuple(warnings), weights, scorer.year, min_coverage, tier_counts, _ask(scorer, fits),
                       record_as_of)


def reference_matchmake(catalog: Catalog, event_id: str, min_score: float = 0.0,
                        weights: Weights = DEFAULT_WEIGHTS) -> Matchmaking:
    """Matchmaking's opportunities and engaged pairs as before (warnings are not the subject)."""
    event = event_of(catalog, event_id)
    participants = tuple(sorted({c for c in event.participants if c in catalog.countries}))
    exporters = [c for c in participants if catalog.practices_by_country.get(c)]
    opportunities, engaged = [], []
    for exporter in exporters:
        others = [c for c in participants if c != exporter]
        for practice in catalog.practices_by_country[exporter]:
            result = reference_match(catalog, practice.id, weights=weights, countries=others)
            recorded = {t.importer: t.id for t in catalog.transfers_by_practice.get(practice.id, ())}
            for candidate in result.candidates:
                if candidate.score >= min_score - EPSILON:
                    opportunities.append(Opportunity(practice.id, exporter, candidate.country, candidate,
                                                     transfer_id(practice.id, candidate.country),
                                                     recorded.get(candidate.country)))
            engaged.extend(EngagedPair(practice.id, exporter, e.country, e.status, e.transfer)
                           for e in result.engaged if e.country in others)
    opportunities = ranked(opportunities, lambda o: (o.score, o.factor_fit, (o.practice, o.importer)))
    engaged.sort(key=lambda e: (e.practice, e.importer))
    return Matchmaking(event.id, participants, min_score, tuple(opportunities), tuple(engaged), (), weights)
