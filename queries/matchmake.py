"""Event matchmaking: every partnership opportunity among an event's participants, ranked.

Each participating country's practices are matched against every other participant as
:func:`psikg.queries.match.match` restricted to the participants would match them, so an
opportunity's score and explanation are exactly those of ``psikg match``; all the practices of an
event are scored at once (one matrix product, :func:`psikg.queries.scoring.score_practices`), and
only the pairs above the threshold are explained. Pairs whose importer is already engaged with the
practice (a transfer agreed, implementing, adopted or scaled) are not opportunities: they are
listed in :attr:`Matchmaking.engaged`. An opportunity counts when its score is at least
``min_score`` (within 1e-9). Order: score descending, factor_fit descending, then practice id and
importer ISO3 ascending (scores within 1e-9 equal). Each opportunity carries the importer's tier
(ready, unassessed, blocked) as ``psikg match`` gives it.

**Participants**: an event states how many countries took part (``participant_count``) and names
some of them; the result says how many the data names (``participants``), how many it does not
(``unnamed``), and which named participants it could not assess (``unassessed``: nothing is
recorded of their context, so every precondition is unknown for them as importers).

:func:`opportunities_batch` turns the opportunities into transfers with status ``opportunity``
for saving. Their ids are deterministic, ``{practice}-to-{importer in lower case}``, the pattern
of the bundled transfers, and a pair that already has a transfer of the practice (whatever its
id or status) is left alone: saving twice changes nothing, and no recorded status is ever
downgraded to ``opportunity``. Saved opportunities carry ``basis = matchmaking``: they are
suggestions, never evidence (their verdict is open).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ontology.domain import Catalog
from ..ontology.plain import to_plain
from ..graph.records import GraphBatch, node_key
from .lookup import event_of
from .match import DEFAULT_WEIGHTS, EPSILON, Candidate, Explainer, Weights, _engagements, ranked
from .scoring import PracticeScorer, score_practices

__all__ = ["Opportunity", "EngagedPair", "Matchmaking", "matchmake", "opportunities_batch", "transfer_id"]


def transfer_id(practice: str, importer: str) -> str:
    """The id an opportunity is saved under.

    >>> transfer_id("bgd-sdg-tracker", "PER")
    'bgd-sdg-tracker-to-per'
    """
    return f"{practice}-to-{importer.lower()}"


@dataclass(frozen=True)
class Opportunity:
    """One partnership opportunity: ``candidate`` is the importer's full match explanation.

    ``transfer`` is the id it is saved under; ``recorded`` the id of a transfer of the practice
    to the importer already in the graph (status opportunity, stalled or abandoned), if any.
    """

    practice: str
    exporter: str
    importer: str
    candidate: Candidate
    transfer: str
    recorded: str | None = None

    @property
    def score(self) -> float:
        return self.candidate.score

    @property
    def factor_fit(self) -> float:
        return self.candidate.factor_fit

    def row(self) -> dict:
        c = self.candidate
        return {"practice": self.practice, "exporter": self.exporter, "importer": self.importer,
                "tier": c.tier, "score": c.score, "factor_fit": c.factor_fit, "sdg_fit": c.sdg_fit,
                "evidence": c.evidence, "coverage": c.coverage,
                "shared_factors": [f.factor for f in c.shared_factors],
                "missing_factors": [f.factor for f in c.missing_factors],
                "matching_targets": list(c.matching_targets), "flags": list(c.flags),
                "recorded": self.recorded}


@dataclass(frozen=True)
class EngagedPair:
    """A participant already engaged with another participant's practice."""

    practice: str
    exporter: str
    importer: str
    status: str
    transfer: str


@dataclass(frozen=True)
class Matchmaking:
    """The answer of :func:`matchmake`; ``saved`` lists transfers written (API and CLI ``--save``)."""

    event: str
    participants: tuple[str, ...]
    min_score: float
    opportunities: tuple[Opportunity, ...]
    engaged: tuple[EngagedPair, ...]
    warnings: tuple[str, ...] = ()
    weights: Weights = DEFAULT_WEIGHTS
    saved: tuple[str, ...] = ()
    participant_count: int | None = None  # how many the event says took part
    unassessed: tuple[str, ...] = ()  # named participants with no recorded context

    @property
    def unnamed(self) -> int | None:
        """Participants the event counts but the data does not name (None when no count is stated)."""
        if self.participant_count is None:
            return None
        return max(0, self.participant_count - len(self.participants))

    def as_dict(self) -> dict:
        return {
            "event": self.event, "participants": list(self.participants), "min_score": self.min_score,
            "participant_count": self.participant_count, "unnamed": self.unnamed,
            "unassessed": list(self.unassessed),
            "weights": to_plain(self.weights),
            "opportunities": [{"practice": o.practice, "exporter": o.exporter, "importer": o.importer,
                               "transfer": o.transfer, "recorded": o.recorded, **to_plain(o.candidate)}
                              for o in self.opportunities],
            "engaged": to_plain(self.engaged),
            "warnings": list(self.warnings), "saved": list(self.saved),
        }


def matchmake(catalog: Catalog, event_id: str, min_score: float = 0.0,
              weights: Weights = DEFAULT_WEIGHTS) -> Matchmaking:
    """Every partnership opportunity among an event's participants with score >= ``min_score``.

    Parameters
    ----------
    catalog : the graph's read model.
    event_id : the event (an unknown id raises UnknownIdError with the nearest ids).
    min_score : the threshold (scores within 1e-9 below it still count).
    weights : the match weights.
    """
    event = event_of(catalog, event_id)
    participants = tuple(sorted({c for c in event.participants if c in catalog.countries}))
    warnings = []
    if len(participants) < 2:
        warnings.append(f"event {event.id} lists {len(participants)} participating countr"
                        f"{'y' if len(participants) == 1 else 'ies'} in the graph: there is no pair to match")
    count = event.participant_count
    if count is not None and count > len(participants):
        warnings.append(f"event {event.id} had {count} participating countries; the data names {len(participants)}: "
                        f"{count - len(participants)} could not be matched")
    unassessed = tuple(c for c in participants if c not in catalog.statements_by_country)
    if unassessed:
        warnings.append(f"nothing is recorded of the context of {len(unassessed)} named participant(s) "
                        f"({', '.join(unassessed)}): their preconditions are unknown, so they could not be assessed "
                        "as importers")
    exporters = [c for c in participants if catalog.practices_by_country.get(c)]
    if len(participants) >= 2 and not exporters:
        warnings.append(f"no participant of event {event.id} has a practice in the graph")

    opportunities, engaged = _opportunities(catalog, participants, exporters, min_score, weights)
    opportunities = ranked(opportunities, lambda o: (o.score, o.factor_fit, (o.practice, o.importer)))
    engaged.sort(key=lambda e: (e.practice, e.importer))
    return Matchmaking(event.id, participants, min_score, tuple(opportunities), tuple(engaged),
                       tuple(warnings), weights, (), count, unassessed)


def _opportunities(catalog: Catalog, participants: tuple[str, ...], exporters: list[str], min_score: float,
                   weights: Weights) -> tuple[list[Opportunity], list[EngagedPair]]:
    """Every exporter's practices scored against every participant at once
    (:func:`psikg.queries.scoring.score_practices`); each pair above the threshold is then explained
    exactly as ``psikg match --countries`` explains it (the exporter and the countries engaged with the
    practice are not candidates)."""
    practices = [practice for exporter in exporters for practice in catalog.practices_by_country[exporter]]
    if not practices:
        return [], []
    scorers = [PracticeScorer(catalog, practice, weights) for practice in practices]
    opportunities, engaged = [], []
    for scorer, scores in zip(scorers, score_practices(scorers, participants)):
        practice, exporter = scorer.practice, scorer.practice.country
        engagements, flags_of = _engagements(catalog.transfers_by_practice.get(practice.id, ()))
        engaged_ids = {e.country for e in engagements}
        recorded = {t.importer: t.id for t in catalog.transfers_by_practice.get(practice.id, ())}
        explainer = Explainer(scorer)
        above = np.flatnonzero(scores.score >= min_score - EPSILON)
        for fit in scores.fits(above):
            if fit.country == exporter or fit.country in engaged_ids:
                continue
            candidate = explainer.candidate(fit, flags_of.get(fit.country, ()))
            opportunities.append(Opportunity(practice.id, exporter, fit.country, candidate,
                                             transfer_id(practice.id, fit.country), recorded.get(fit.country)))
        engaged.extend(EngagedPair(practice.id, exporter, e.country, e.status, e.transfer)
                       for e in engagements if e.country in participants and e.country != exporter)
    return opportunities, engaged


def opportunities_batch(catalog: Catalog, result: Matchmaking, saved_on: str | None = None) -> GraphBatch:
    """The transfers (status ``opportunity``) to save for ``result``'s new opportunities, each with
    the first step of its status history dated ``saved_on`` (default: today).

    A pair that already has a transfer of the practice, or whose id is taken, is skipped, so the
    batch never changes a recorded transfer and applying it twice changes nothing.
    """
    from datetime import date

    from ..loaders.history import PendingStep, merge_history

    saved_on = saved_on or date.today().isoformat()
    batch = GraphBatch()
    first_steps = []
    taken_pairs = {(t.practice, t.importer) for t in catalog.transfers.values()}
    for opportunity in result.opportunities:
        id_ = opportunity.transfer
        if (opportunity.practice, opportunity.importer) in taken_pairs or id_ in catalog.transfers:
            continue
        key = batch.add_node("transfer", id_, {
            "status": "opportunity", "outcome": "unknown", "basis": "matchmaking",
            "note": f"Partnership opportunity found by psikg matchmaking among the participants of "
                    f"event {result.event}."}).key
        exporter_kind = "country" if opportunity.exporter in catalog.countries else "organization"
        batch.add_link(key, "practice", node_key("practice", opportunity.practice))
        batch.add_link(key, "exporter", node_key(exporter_kind, opportunity.exporter))
        batch.add_link(key, "importer", node_key("country", opportunity.importer))
        batch.add_link(key, "event", node_key("event", result.event))
        first_steps.append(PendingStep(id_, "opportunity", saved_on,
                                       note=f"Found by psikg matchmaking at event {result.event}."))
    merge_history(batch, first_steps, {}, refuse=lambda step, why: None)  # a first step is always allowed
    return batch
