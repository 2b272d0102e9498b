"""The "reverse engineering" worksheet for one practice and one importer.

The method deconstructs a practice where it worked and reconstructs it for an importer. The
worksheet gathers, for the workshop table:

1. the practice deconstructed: problem, components to build (the practice's components and its
   factor links of kind ``component``), preconditions by role, outcomes to measure (links of kind
   ``outcome``), evidence of impact, sources;
2. why it worked in the exporter: for each precondition, the exporter's context statements that
   make it present (the factor itself or a narrower one), with their dates, notes and sources;
3. the importer's preconditions: each present, absent or unknown (states as of the current year,
   :func:`psikg.queries.rules.factor_states`), with the statements they rest on;
4. the gaps: preconditions the importer is not known to have, critical first, absent before
   unknown; each unknown one is a question to ask;
5. who already took it up: every transfer of the practice to another country except
   opportunities, with its verdict (:func:`psikg.queries.rules.verdict`), countries most similar
   to the importer first (:func:`psikg.queries.similar.similar`), and how it went (failures and
   their lessons included);
6. risks: critical preconditions known absent, failed or stalled transfers of the practice and
   what their records say;
7. adoption steps, from the gaps, the components and the outcomes;
8. the importer's own practices sharing a theme with the practice;
9. what is recorded for this pair: transfers, opportunities and suggestions (by basis);
10. the SDG targets it serves among the importer's needs;
11. questions for the table (never "no country has taken it up" when one has, or when the importer
    is itself engaged).

It also carries the importer's match score, computed by
:func:`psikg.queries.match.score_country` (the scoring rule of ``psikg match``). Rendering to
Markdown and HTML lives in :mod:`psikg.views.worksheet_render`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import QueryError
from ..ontology.domain import Catalog, FactorStatement
from . import rules
from .lookup import country_of, practice_of, sdg_key
from .match import DEFAULT_WEIGHTS, Candidate, NeedMatch, RelatedPractice, Weights, score_country
from .scoring import links_of_kind
from .similar import similar

__all__ = ["StatementRef", "FactorRow", "Adopter", "TargetRef", "Worksheet", "worksheet"]


@dataclass(frozen=True)
class StatementRef:
    """A context statement: ``factor`` (the one stated, maybe narrower than the one asked about)
    was present or absent in a country as of a date, according to ``sources``."""

    factor: str
    label: str
    present: bool
    as_of: str | None
    sources: tuple[str, ...] = ()
    note: str | None = None
    basis: str | None = None  # "stated" by its sources, or a curator's "reading" (by read_by, on read_on)
    read_by: str | None = None
    read_on: str | None = None


@dataclass(frozen=True)
class FactorRow:
    """One success factor of the practice, in the exporter and in the importer.

    A status is ``present``, ``absent`` (the latest statement about the factor says so) or
    ``unknown``; for an organization exporter the exporter status is ``not-applicable``.
    ``basis``, ``read_by`` and ``read_on`` say how the practice's link to the factor is known.
    """

    factor: str
    label: str
    definition: str | None
    role: str
    weight: float
    note: str | None
    exporter_status: str
    exporter_statements: tuple[StatementRef, ...]
    importer_status: str
    importer_statements: tuple[StatementRef, ...]
    basis: str | None = None
    read_by: str | None = None
    read_on: str | None = None


@dataclass(frozen=True)
class Adopter:
    """A country that already took the practice up, and how."""

    country: str
    name: str
    transfer: str
    status: str
    outcome: str
    start_year: int | None
    facilitators: tuple[str, ...]
    event: str | None
    note: str | None
    sources: tuple[str, ...]
    verdict: str  # success, partial, failure or open (rules.verdict)
    similarity: float  # to the importer, by context and structure (0 when unknown)
    shared_factors: tuple[str, ...]  # satisfied by both the adopter and the importer
    same_subregion: bool
    same_income_group: bool


@dataclass(frozen=True)
class TargetRef:
    """An SDG target of the practice; ``basis`` (``read_by``, ``read_on``) says how the practice's
    set of targets is known: stated by its sources or a curator's reading."""

    id: str
    title: str
    basis: str | None = None
    read_by: str | None = None
    read_on: str | None = None


@dataclass(frozen=True)
class Worksheet:
    """Everything the workshop table needs for one practice and one importer."""

    practice: str
    title: str
    exporter: str | None
    exporter_name: str | None
    exporter_kind: str  # "country" or "organization"
    organization: str | None
    year: int | None
    maturity: str | None
    themes: tuple[str, ...]
    description: str | None
    problem: str | None
    components: tuple[str, ...]
    evidence: str | None
    sources: tuple[str, ...]
    importer: str
    importer_name: str
    importer_profile: tuple[str, ...]
    factors: tuple[FactorRow, ...]
    gaps: tuple[FactorRow, ...]
    adopters: tuple[Adopter, ...]
    targets: tuple[TargetRef, ...]  # the practice's targets
    served_targets: tuple[TargetRef, ...]  # those among the importer's needs
    needs: tuple[NeedMatch, ...]
    match: Candidate
    engagement: str | None  # e.g. "implementing (transfer bgd-x-to-som)" when already engaged
    questions: tuple[str, ...]
    notes: tuple[str, ...] = ()
    builds: tuple[str, ...] = ()  # components to build
    measures: tuple[str, ...] = ()  # outcomes to measure
    risks: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()  # adoption steps
    related: tuple[RelatedPractice, ...] = ()  # the importer's own related practices
    recorded: tuple[str, ...] = ()  # transfers and opportunities recorded for this pair

    @property
    def heading(self) -> str:
        return f"{self.title}: from {self.exporter_name or self.exporter or 'unknown'} to {self.importer_name}"


def _ref(catalog: Catalog, statement: FactorStatement) -> StatementRef:
    label = catalog.factors[statement.factor].label if statement.factor in catalog.factors else statement.factor
    return StatementRef(statement.factor, label, statement.present, statement.as_of, statement.sources,
                        statement.note, statement.basis, statement.read_by, statement.read_on)


def _status(catalog: Catalog, states: rules.FactorStates, factor: str) -> tuple[str, tuple[StatementRef, ...]]:
    """A factor in a country: its state and the statements it rests on."""
    status = states.state(factor)
    if status == "present":
        via = sorted(states.present[factor], key=lambda f: (f != factor, f))
        return status, tuple(_ref(catalog, states.decisive[f]) for f in via if f in states.decisive)
    if status == "absent":
        return status, (_ref(catalog, states.decisive[factor]),)
    return status, ()


def _profile(catalog: Catalog, country: str) -> tuple[str, ...]:
    found = catalog.countries.get(country)
    if found is None:
        return ()
    items = [x for x in (found.subregion or found.region, found.income_group) if x]
    items += [label for flag, label in ((found.ldc, "LDC"), (found.lldc, "LLDC"), (found.sids, "SIDS")) if flag]
    return tuple(items)


def _target(catalog: Catalog, id_: str, practice) -> TargetRef:
    found = catalog.targets.get(id_)
    return TargetRef(id_, found.title if found else "", practice.targets_basis, practice.targets_read_by,
                     practice.targets_read_on)


def worksheet(catalog: Catalog, practice_id: str, country: str,
              weights: Weights = DEFAULT_WEIGHTS) -> Worksheet:
    """The reverse-engineering worksheet for ``practice_id`` and the importer ``country``.

    Raises UnknownIdError for an unknown practice or country, ValueError when the country is the
    practice's exporter.
    """
    practice = practice_of(catalog, practice_id)
    importer = country_of(catalog, country)
    if importer.id == practice.country:
        raise QueryError(f"{importer.id} is the exporter of {practice.id}: choose another importer")
    exporter = practice.country or practice.organization
    exporter_kind = "country" if practice.country else "organization"
    if practice.country:
        exporter_name = catalog.countries[practice.country].name if practice.country in catalog.countries \
            else practice.country
    else:
        org = catalog.organizations.get(practice.organization or "")
        exporter_name = org.name if org else practice.organization

    states = rules.states_by_country(catalog)
    exporter_states = states.get(practice.country, rules.NO_STATES) if practice.country else None
    importer_states = states.get(importer.id, rules.NO_STATES)
    notes_of = {pf.factor: pf.note for pf in practice.factors if pf.note}
    rows = []
    for factor, role, weight in links_of_kind(practice, "precondition"):
        known = catalog.factors.get(factor)
        if exporter_states is not None:
            exporter_status, exporter_refs = _status(catalog, exporter_states, factor)
        else:
            exporter_status, exporter_refs = "not-applicable", ()
        importer_status, importer_refs = _status(catalog, importer_states, factor)
        link = next((pf for pf in practice.factors  # the link that gives the row its role
                     if pf.factor == factor and pf.kind == "precondition" and pf.role == role), None)
        rows.append(FactorRow(factor, known.label if known else factor, known.definition if known else None,
                              role, weight, notes_of.get(factor), exporter_status, exporter_refs,
                              importer_status, importer_refs, *((link.basis, link.read_by, link.read_on)
                                                                if link else (None, None, None))))
    gaps = sorted((r for r in rows if r.importer_status != "present"),
                  key=lambda r: (r.role != "critical", r.importer_status != "absent", r.factor))

    candidate = score_country(catalog, practice, importer.id, weights)
    adopters, engagement, recorded = _adopters(catalog, practice, importer)

    targets = tuple(_target(catalog, t, practice) for t in sorted(set(practice.targets), key=sdg_key))
    served = tuple(_target(catalog, t, practice) for t in candidate.matching_targets)
    themes = tuple(catalog.themes[t].label if t in catalog.themes else t for t in practice.themes)
    organization = catalog.organizations.get(practice.organization or "")

    notes = []
    if exporter_kind == "organization":
        notes.append(f"The exporter, {exporter_name}, is an organization: there is no country context to "
                     "explain why the practice worked; see the sources of the practice.")
    if importer.id not in catalog.statements_by_country:
        notes.append(f"Nothing is recorded of {importer.name}'s context: every precondition is unknown.")
    if not rows:
        notes.append("No preconditions are recorded for this practice.")

    builds = tuple(practice.components) + tuple(_link_text(catalog, practice, "component"))
    measures = tuple(_link_text(catalog, practice, "outcome"))
    sheet = Worksheet(
        practice.id, practice.title, exporter, exporter_name, exporter_kind,
        organization.name if organization else practice.organization, practice.year, practice.maturity,
        themes, practice.description, practice.problem, practice.components, practice.evidence,
        practice.sources, importer.id, importer.name, _profile(catalog, importer.id), tuple(rows),
        tuple(gaps), tuple(adopters), targets, served, candidate.matching_needs, candidate, engagement, (),
        tuple(notes), builds, measures, _risks(gaps, adopters, importer.name), (),
        candidate.related_practices, tuple(recorded))
    return _with_questions(catalog, sheet)


def _link_text(catalog: Catalog, practice, kind: str) -> list[str]:
    """The practice's factor links of ``kind`` as text: the factor's label, and the source's note."""
    notes = {pf.factor: pf.note for pf in practice.factors if pf.note}
    found = []
    for factor, _, _ in links_of_kind(practice, kind):
        label = catalog.factors[factor].label if factor in catalog.factors else factor
        found.append(f"{label}: {notes[factor]}" if factor in notes else label)
    return found


def _adopters(catalog: Catalog, practice, importer) -> tuple[list[Adopter], str | None, list[str]]:
    """Transfers of the practice to other countries (opportunities left out), the importer's own
    engagement, and what is recorded for the pair."""
    likeness = {s.country: s for s in similar(catalog, importer.id, top=None).similar}
    adopters, recorded = [], []
    engagement = None
    for transfer in catalog.transfers_by_practice.get(practice.id, ()):
        if transfer.importer == importer.id:
            basis = f", basis {transfer.basis}" if transfer.basis else ""
            recorded.append(f"{transfer.id}: status {transfer.status}, outcome {transfer.outcome}, verdict "
                            f"{rules.verdict(transfer)}{basis}" + (f". {transfer.note}" if transfer.note else ""))
            if rules.is_engaged(transfer):
                engagement = f"{transfer.status} (transfer {transfer.id})"
            continue
        if rules.is_suggestion(transfer):
            continue
        other = catalog.countries.get(transfer.importer)
        like = likeness.get(transfer.importer)
        adopters.append(Adopter(
            transfer.importer, other.name if other else transfer.importer, transfer.id, transfer.status,
            transfer.outcome, transfer.start_year, transfer.facilitators, transfer.event, transfer.note,
            transfer.sources, rules.verdict(transfer), like.similarity if like else 0.0,
            like.shared_factors if like else (),
            bool(other and other.subregion and other.subregion == importer.subregion),
            bool(other and other.income_group and other.income_group == importer.income_group)))
    adopters.sort(key=lambda a: (-a.similarity, a.country, a.transfer))
    return adopters, engagement, recorded


def _risks(gaps, adopters, importer_name: str) -> tuple[str, ...]:
    """Critical preconditions known absent, then transfers that failed, stalled or went partly."""
    risks = [f"{g.label} (critical) is known to be absent in {importer_name}"
             + (f": in the exporter, {g.note}" if g.note else "") for g in gaps
             if g.role == "critical" and g.importer_status == "absent"]
    for a in adopters:
        if a.verdict == "failure" or a.status == "stalled" or a.verdict == "partial":
            what = {"failure": "failed", "partial": "went partly"}.get(a.verdict, "stalled")
            lesson = f" Lesson on record: {a.note}" if a.note else " No lesson is recorded."
            risks.append(f"The transfer to {a.name} ({a.transfer}) {what} (status {a.status}, outcome "
                         f"{a.outcome}).{lesson}")
    return tuple(risks)


def _with_questions(catalog: Catalog, sheet: Worksheet) -> Worksheet:
    from dataclasses import replace

    return replace(sheet, questions=tuple(_questions(catalog, sheet)), steps=_steps(sheet))


def _steps(sheet: Worksheet) -> tuple[str, ...]:
    """Adoption steps for the importer, from what the worksheet knows."""
    to = sheet.importer_name
    steps = []
    unknown = [g.label for g in sheet.gaps if g.importer_status == "unknown"]
    absent = [g.label for g in sheet.gaps if g.importer_status == "absent"]
    if unknown:
        steps.append(f"Confirm, with a dated source, whether {to} has: {'; '.join(unknown)}.")
    if absent:
        steps.append(f"Plan how to build or stand in for what {to} lacks: {'; '.join(absent)}.")
    if sheet.builds:
        steps.append(f"Scope the components to build in {to}: {'; '.join(sheet.builds)}.")
    exporter = sheet.exporter_name or sheet.exporter or "the exporter"
    if sheet.engagement:
        steps.append(f"Take the partnership with {exporter}, already {sheet.engagement}, to a pilot in {to}.")
    else:
        steps.append(f"Agree the partnership with {exporter} and run a pilot in {to}.")
    if sheet.measures:
        steps.append(f"Measure the outcomes the practice is known for: {'; '.join(sheet.measures)}.")
    else:
        steps.append("Agree how the pilot's results will be measured before it starts.")
    steps.append("Record each step of the partnership (psikg follow-up) so its outcome becomes evidence.")
    return tuple(steps)


def _questions(catalog: Catalog, sheet: Worksheet) -> list[str]:
    """Questions for the workshop table, from the gaps, the adopters and the needs."""
    to, source = sheet.importer_name, sheet.exporter_name or sheet.exporter or "the exporter"
    questions = []
    if sheet.problem:
        questions.append(f"Does {to} face the problem the practice solved in {source}? ({sheet.problem})")
    for gap in sheet.gaps:
        how = f" In {source}: {gap.note}" if gap.note else ""
        if gap.importer_status == "absent" and gap.role == "critical":
            questions.append(f"{gap.label} (critical) is absent in {to}. What could stand in for it, or how "
                             f"could it be built before or during the transfer?{how}")
        elif gap.role == "critical":
            questions.append(f"{gap.label} (critical): is it present in {to}? Who can confirm it, and "
                             f"from which source?{how}")
    supporting = [g.label for g in sheet.gaps if g.role == "supporting"]
    if supporting:
        questions.append(f"Which of the supporting conditions not known to be present in {to} ("
                         f"{'; '.join(supporting)}) matter for a first pilot?")
    if sheet.components:
        questions.append(f"Which component would be the quick win in {to}: {'; '.join(sheet.components)}?")
    if sheet.adopters:
        names = ", ".join(dict.fromkeys(a.name for a in sheet.adopters))
        questions.append(f"What did {names} adapt when taking the practice up, and what would they do "
                         "differently?")
    elif sheet.engagement:
        questions.append(f"{to} is already engaged ({sheet.engagement}): what has the partnership shown so far?")
    else:
        questions.append(f"No other country is recorded as taking the practice up: what would a pilot in {to} "
                         "need to show?")
    if sheet.needs:
        needs = "; ".join(n.title for n in sheet.needs)
        targets = ", ".join(t.id for t in sheet.served_targets)
        questions.append(f"Which of {to}'s needs would it serve first ({needs}), and how will progress on "
                         f"SDG target(s) {targets} be measured?")
    elif sheet.targets:
        questions.append(f"{to} has expressed no need on the practice's SDG targets "
                         f"({', '.join(t.id for t in sheet.targets)}): is there a demand for it?")
    facilitators = sorted({f for a in sheet.adopters for f in a.facilitators})
    names = [catalog.organizations[f].name if f in catalog.organizations else f for f in facilitators]
    helpers = f" Earlier transfers were facilitated by {'; '.join(names)}." if names else ""
    questions.append(f"Who in {source} would share the know-how, who in {to} would own the adaptation, and "
                     f"who could facilitate and fund the exchange?{helpers}")
    return questions
