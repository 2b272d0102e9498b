"""Importers for a practice: the core query of psikg (DESIGN.md, "The core query").

For a practice P from exporter E, every country in the catalog except E, and except those already
engaged with P (a transfer of P with status agreed, implementing, adopted or scaled: listed apart
in :attr:`MatchResult.engaged`), is a candidate importer C, scored as

* ``factor_fit`` = weight of P's success factors that C satisfies / weight of all of P's success
  factors; a critical factor weighs 1.0, a supporting one 0.5. C *has* a factor when the latest
  statement about it for C says present (undated statements are the oldest), and *satisfies* a
  factor when it has it or any narrower factor (:mod:`psikg.queries.rules`). 0 when P has no
  success factors (the result then carries a warning).
* ``sdg_fit`` = |targets(P) ∩ targets(C)| / |targets(P)|, where targets(C) is the union of the
  targets of C's needs and a need tagged with a goal covers every target of that goal. 0 when P has
  no targets (with a warning).
* ``evidence`` = 1.0 when P has a successful transfer (outcome success, or status adopted or
  scaled) to a country in C's M49 sub-region or in C's income group; 0.5 when it has one anywhere
  else; 0 otherwise.
* ``score`` = 0.6·factor_fit + 0.3·sdg_fit + 0.1·evidence (:class:`Weights`, configurable).

Order: score descending, then factor_fit descending, then ISO3 ascending; values within 1e-9 of
each other count as equal. When P's exporter is an organization (P has no country), no country is
left out as exporter.

Every candidate explains itself: the factors it shares with P and those it misses (critical first,
then by id), the needs and targets that match, the transfers used as evidence, and flags:

``opportunity``
    an opportunity of P for C is already recorded (a transfer with status opportunity);
``stalled``, ``abandoned``
    an earlier transfer of P to C stalled or was abandoned;
``no-context``
    nothing is known of C's context: no factor can count as present;
``no-needs``
    C has expressed no needs: sdg_fit is 0 for want of data.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence, TypeVar

from ..ontology.domain import Catalog, Country, FactorStatement, Practice, Transfer
from . import rules
from .lookup import practice_of, sdg_key

__all__ = [
    "Weights", "DEFAULT_WEIGHTS", "ROLE_WEIGHTS", "EPSILON", "FactorCheck", "NeedMatch",
    "EvidenceTransfer", "Candidate", "Engagement", "MatchResult", "match", "score_country",
    "latest_statements", "ranked", "Scorer", "STATUS_ORDER",
]

#: Weight of a success factor by its role.
ROLE_WEIGHTS = {"critical": 1.0, "supporting": 0.5}
#: Scores closer than this count as equal when ranking.
EPSILON = 1e-9
#: Status order, least to most advanced, to pick the transfer that describes an engagement.
STATUS_ORDER = ("opportunity", "stalled", "abandoned", "agreed", "implementing", "adopted", "scaled")

T = TypeVar("T")


@dataclass(frozen=True)
class Weights:
    """Weights of the three components of a match score.

    >>> Weights.parse("factor=0.5,sdg=0.5")
    Weights(factor=0.5, sdg=0.5, evidence=0.1)
    """

    factor: float = 0.6
    sdg: float = 0.3
    evidence: float = 0.1

    def __post_init__(self):
        for name in ("factor", "sdg", "evidence"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ValueError(f"weight {name} must be a finite number >= 0, not {value!r}")

    @classmethod
    def parse(cls, text: str) -> "Weights":
        """Weights from ``factor=0.6,sdg=0.3,evidence=0.1``; a weight left out keeps its default."""
        values: dict[str, float] = {}
        for part in (p.strip() for p in text.split(",")):
            if not part:
                continue
            name, sep, value = part.partition("=")
            name = name.strip()
            if not sep or name not in ("factor", "sdg", "evidence"):
                raise ValueError(f"expected name=value with name factor, sdg or evidence, not {part!r}")
            try:
                values[name] = float(value)
            except ValueError:
                raise ValueError(f"weight {name} must be a number, not {value.strip()!r}") from None
        return cls(**values)


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class FactorCheck:
    """One success factor of the practice as seen in a country.

    ``status`` is ``present`` (the country satisfies it: ``via`` lists the factors it has that do,
    the factor itself or narrower ones), ``absent`` (the latest statement about the factor itself
    says absent) or ``unknown``. ``weight`` is the factor's share in ``factor_fit``.
    """

    factor: str
    label: str
    role: str
    weight: float
    status: str
    via: tuple[str, ...] = ()


@dataclass(frozen=True)
class NeedMatch:
    """A need of the candidate that the practice serves, with the targets they share."""

    need: str
    title: str
    targets: tuple[str, ...]
    priority: str | None = None


@dataclass(frozen=True)
class EvidenceTransfer:
    """A successful transfer of the practice used as evidence, and why it counts.

    ``basis`` is ``subregion``, ``income-group``, ``subregion+income-group`` (the importer shares
    the candidate's M49 sub-region, income group or both: evidence 1.0) or ``elsewhere`` (0.5).
    """

    transfer: str
    importer: str
    status: str
    outcome: str
    basis: str


@dataclass(frozen=True)
class Candidate:
    """A candidate importer with its score and the reasons for it."""

    country: str
    score: float
    factor_fit: float
    sdg_fit: float
    evidence: float
    shared_factors: tuple[FactorCheck, ...]
    missing_factors: tuple[FactorCheck, ...]
    matching_needs: tuple[NeedMatch, ...]
    matching_targets: tuple[str, ...]
    evidence_transfers: tuple[EvidenceTransfer, ...]
    flags: tuple[str, ...] = ()

    def row(self) -> dict:
        """A flat row for tables and CSV."""
        return {
            "country": self.country, "score": self.score, "factor_fit": self.factor_fit,
            "sdg_fit": self.sdg_fit, "evidence": self.evidence,
            "shared_factors": [f.factor for f in self.shared_factors],
            "missing_factors": [f.factor for f in self.missing_factors],
            "matching_needs": [n.need for n in self.matching_needs],
            "matching_targets": list(self.matching_targets),
            "evidence_transfers": [e.transfer for e in self.evidence_transfers],
            "flags": list(self.flags),
        }


@dataclass(frozen=True)
class Engagement:
    """A country already engaged with the practice, by the most advanced such transfer."""

    country: str
    status: str
    transfer: str


@dataclass(frozen=True)
class MatchResult:
    """The answer of :func:`match`: candidates ranked, engaged countries apart, warnings."""

    practice: str
    exporter: str | None
    candidates: tuple[Candidate, ...]
    engaged: tuple[Engagement, ...]
    warnings: tuple[str, ...] = ()
    weights: Weights = DEFAULT_WEIGHTS

    def as_dict(self) -> dict:
        """The JSON shape: scores unrounded, countries as ISO3."""
        from dataclasses import asdict

        return {
            "practice": self.practice, "exporter": self.exporter,
            "weights": asdict(self.weights),
            "candidates": [asdict(c) for c in self.candidates],
            "engaged": [asdict(e) for e in self.engaged],
            "warnings": list(self.warnings),
        }


# Rules applied to one catalog, indexed once ----------------------------------------------------


def latest_statements(catalog: Catalog, country: str) -> dict[str, FactorStatement]:
    """The latest statement about each factor for a country (:func:`rules.latest_statements`)."""
    return rules.latest_statements(catalog.statements_by_country.get(country, ()))


@dataclass(frozen=True)
class _CountryContext:
    satisfied: frozenset[str]
    via: dict[str, tuple[str, ...]]  # satisfied factor -> the factors had that satisfy it
    absent: frozenset[str]  # factors whose latest statement says absent


def _cached(catalog: Catalog, name: str, build: Callable[[], T]) -> T:
    """A value derived from the catalog, computed once (a catalog is not modified once built)."""
    key = f"_psikg_{name}"
    if key not in catalog.__dict__:
        catalog.__dict__[key] = build()
    return catalog.__dict__[key]


def _contexts(catalog: Catalog) -> dict[str, _CountryContext]:
    def build():
        satisfied_by = rules.satisfied_by_country(catalog)
        index = {}
        for country, statements in catalog.statements_by_country.items():
            via: dict[str, list[str]] = defaultdict(list)
            for factor in sorted(rules.factors_had(statements)):
                for broader in rules.factor_ancestors(catalog, factor):
                    via[broader].append(factor)
            absent = frozenset(f for f, s in latest_statements(catalog, country).items() if not s.present)
            index[country] = _CountryContext(satisfied_by.get(country, frozenset()),
                                             {f: tuple(v) for f, v in via.items()}, absent)
        return index

    return _cached(catalog, "match_contexts", build)


def _targets_by_country(catalog: Catalog) -> dict[str, dict[str, tuple[str, ...]]]:
    """country -> target -> ids of the country's needs that ask for it (rules.need_targets)."""
    def build():
        index: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for country, needs in catalog.needs_by_country.items():
            for need in needs:
                for target in rules.need_targets(catalog, need):
                    index[country][target].append(need.id)
        return {c: {t: tuple(n) for t, n in by_target.items()} for c, by_target in index.items()}

    return _cached(catalog, "match_targets_by_country", build)


def _practice_factors(practice: Practice) -> list[tuple[str, str, float]]:
    """(factor, role, weight) for each distinct factor, critical first then by id."""
    roles: dict[str, str] = {}
    for pf in practice.factors:
        if roles.get(pf.factor) != "critical":
            roles[pf.factor] = "critical" if pf.role == "critical" else "supporting"
    items = [(f, role, ROLE_WEIGHTS[role]) for f, role in roles.items()]
    return sorted(items, key=lambda item: (item[1] != "critical", item[0]))


def _subregion_income(country: Country | None) -> tuple[str | None, str | None]:
    return (country.subregion, country.income_group) if country else (None, None)


# Scoring -----------------------------------------------------------------------------------------


class Scorer:
    """The scoring rule for one practice: :meth:`score` scores a country. What every candidate
    shares (the practice's weighted factors, targets, successful transfers) is computed once."""

    def __init__(self, catalog: Catalog, practice: Practice, weights: Weights):
        self.catalog, self.practice, self.weights = catalog, practice, weights
        self.contexts = _contexts(catalog)
        self.wanted = _targets_by_country(catalog)
        # (factor, weight, check if unknown, check if absent); checks are frozen, so shared
        self.factors = []
        for factor, role, weight in _practice_factors(practice):
            label = catalog.factors[factor].label if factor in catalog.factors else factor
            self.factors.append((factor, weight, FactorCheck(factor, label, role, weight, "unknown"),
                                 FactorCheck(factor, label, role, weight, "absent")))
        self.all_unknown = tuple(unknown for _, _, unknown, _ in self.factors)
        self.total = sum(weight for _, weight, _, _ in self.factors)
        self.targets = tuple(sorted(set(practice.targets), key=sdg_key))
        self.successful = [(t, *_subregion_income(catalog.countries.get(t.importer)))
                           for t in catalog.transfers_by_practice.get(practice.id, ()) if rules.is_successful(t)]
        self._present: dict[tuple, FactorCheck] = {}

    def score(self, country: str, flags: Sequence[str] = ()) -> Candidate:
        context = self.contexts.get(country)
        satisfied = 0.0
        if context is None:
            shared, missing = (), self.all_unknown
            flags = (*flags, "no-context")
        else:
            shared_list, missing_list = [], []
            has, absent, via, present = context.satisfied, context.absent, context.via, self._present
            for factor, weight, unknown, absent_check in self.factors:
                if factor in has:
                    satisfied += weight
                    key = (factor, via.get(factor, ()))
                    check = present.get(key)
                    if check is None:
                        check = present[key] = FactorCheck(factor, unknown.label, unknown.role, weight,
                                                           "present", key[1])
                    shared_list.append(check)
                else:
                    missing_list.append(absent_check if factor in absent else unknown)
            shared, missing = tuple(shared_list), tuple(missing_list)
        factor_fit = satisfied / self.total if self.total else 0.0

        wanted = self.wanted.get(country)
        matching_targets: tuple[str, ...] = ()
        matching_needs: tuple[NeedMatch, ...] = ()
        if wanted is None:
            flags = (*flags, "no-needs")
        elif self.targets:
            matching_targets = tuple([t for t in self.targets if t in wanted])
            if matching_targets:
                by_need: dict[str, list[str]] = defaultdict(list)
                for target in matching_targets:
                    for need_id in wanted[target]:
                        by_need[need_id].append(target)
                needs = self.catalog.needs
                matching_needs = tuple(NeedMatch(n, needs[n].title, tuple(ts), needs[n].priority)
                                       for n, ts in sorted(by_need.items()))
        sdg_fit = len(matching_targets) / len(self.targets) if self.targets else 0.0

        evidence, evidence_transfers = self._evidence(country) if self.successful else (0.0, ())
        weights = self.weights
        score = weights.factor * factor_fit + weights.sdg * sdg_fit + weights.evidence * evidence
        return Candidate(country, score, factor_fit, sdg_fit, evidence, shared, missing,
                         matching_needs, matching_targets, evidence_transfers, tuple(flags))

    def _evidence(self, country: str) -> tuple[float, tuple[EvidenceTransfer, ...]]:
        if not self.successful:
            return 0.0, ()
        subregion, income = _subregion_income(self.catalog.countries.get(country))
        near, elsewhere = [], []
        for transfer, other_subregion, other_income in self.successful:
            same = [name for name, mine, theirs in (("subregion", subregion, other_subregion),
                                                    ("income-group", income, other_income))
                    if mine is not None and mine == theirs]
            item = EvidenceTransfer(transfer.id, transfer.importer, transfer.status, transfer.outcome,
                                    "+".join(same) or "elsewhere")
            (near if same else elsewhere).append(item)
        if near:
            return 1.0, tuple(near)
        return 0.5, tuple(elsewhere)


def score_country(catalog: Catalog, practice: Practice, country: str,
                  weights: Weights = DEFAULT_WEIGHTS, flags: Sequence[str] = ()) -> Candidate:
    """Score one country as an importer of ``practice``, with its explanation.

    This is the whole scoring rule: :func:`match` applies it to every candidate, and the other
    queries (matchmaking, the worksheet) call it rather than scoring anew. It does not check that
    the country is a candidate (not the exporter, not engaged).
    """
    return Scorer(catalog, practice, weights).score(country, flags)


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


# The query ---------------------------------------------------------------------------------------


def match(catalog: Catalog, practice_id: str, top: int | None = None,
          weights: Weights = DEFAULT_WEIGHTS, *, countries: Iterable[str] | None = None) -> MatchResult:
    """Candidate importers for a practice, best first, each with its explanation.

    Parameters
    ----------
    catalog : the graph's read model.
    practice_id : the practice (an unknown id raises UnknownIdError with the nearest ids).
    top : keep only the first ``top`` candidates (None: all).
    weights : weights of factor_fit, sdg_fit and evidence in the score.
    countries : consider only these countries (ISO3) as candidates; the default is every country.
        Matchmaking uses it to score an event's participants against each other.
    """
    if top is not None and top < 0:
        raise ValueError(f"top must be at least 0, not {top}")
    practice = practice_of(catalog, practice_id)
    exporter = practice.country or practice.organization

    transfers = catalog.transfers_by_practice.get(practice.id, ())
    by_importer: dict[str, list[Transfer]] = defaultdict(list)
    for transfer in transfers:
        by_importer[transfer.importer].append(transfer)
    engaged = []
    for importer, found in sorted(by_importer.items()):
        engaging = [t for t in found if rules.is_engaged(t)]
        if engaging:
            best = max(engaging, key=lambda t: (STATUS_ORDER.index(t.status), t.id))
            engaged.append(Engagement(importer, best.status, best.id))
    engaged_ids = {e.country for e in engaged}
    flags_of = {importer: tuple(sorted({t.status for t in found if t.status in ("opportunity", "stalled", "abandoned")},
                                       key=STATUS_ORDER.index))
                for importer, found in by_importer.items()}

    pool = _cached(catalog, "match_countries", lambda: tuple(sorted(catalog.countries))) if countries is None \
        else sorted({c for c in countries if c in catalog.countries})
    scorer = Scorer(catalog, practice, weights)
    score = scorer.score
    candidates = [score(country, flags_of.get(country, ())) for country in pool
                  if country != practice.country and country not in engaged_ids]
    candidates = ranked(candidates, lambda c: (c.score, c.factor_fit, c.country))
    if top is not None:
        candidates = candidates[:top]

    warnings = []
    if not practice.factors:
        warnings.append(f"practice {practice.id} has no success factors: factor_fit is 0 for every candidate")
    if not practice.targets:
        warnings.append(f"practice {practice.id} has no SDG targets: sdg_fit is 0 for every candidate")
    return MatchResult(practice.id, exporter, tuple(candidates), tuple(engaged), tuple(warnings), weights)
