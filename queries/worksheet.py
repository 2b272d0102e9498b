"""The "reverse engineering" worksheet for one practice and one importer.

The method deconstructs a practice where it worked and reconstructs it for an importer. The
worksheet gathers, for the workshop table:

1. the practice deconstructed: problem, components, success factors by role, evidence of
   impact, sources;
2. why it worked in the exporter: for each success factor, the exporter's context statement that
   makes it present (the factor itself or a narrower one), with its as-of date and sources;
3. the importer's context: each factor present, absent or unknown, with the statement it rests on;
4. the gaps: factors the importer does not have, critical first, then absent before unknown;
5. who already adopted it: transfers of the practice (engaged or successful), countries most
   similar to the importer first (:func:`psikg.queries.similar.similar`), and how;
6. the SDG targets it serves among the importer's needs;
7. questions for the table.

It also carries the importer's match score, computed by
:func:`psikg.queries.match.score_country` (the scoring rule of ``psikg match``). Rendering to
Markdown and HTML lives in :mod:`psikg.queries.worksheet_render`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import QueryError
from ..ontology.domain import Catalog, FactorStatement
from . import rules
from .lookup import country_of, practice_of, sdg_key
from .match import (
    DEFAULT_WEIGHTS, ROLE_WEIGHTS, Candidate, NeedMatch, Weights, latest_statements, score_country,
)
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


@dataclass(frozen=True)
class FactorRow:
    """One success factor of the practice, in the exporter and in the importer.

    A status is ``present``, ``absent`` (the latest statement about the factor says so) or
    ``unknown``; for an organization exporter the exporter status is ``not-applicable``.
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
    similarity: float  # to the importer, by context (0 when unknown)
    shared_factors: tuple[str, ...]  # satisfied by both the adopter and the importer
    same_subregion: bool
    same_income_group: bool


@dataclass(frozen=True)
class TargetRef:
    id: str
    title: str


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

    @property
    def heading(self) -> str:
        return f"{self.title}: from {self.exporter_name or self.exporter or 'unknown'} to {self.importer_name}"


def _ref(catalog: Catalog, statement: FactorStatement) -> StatementRef:
    label = catalog.factors[statement.factor].label if statement.factor in catalog.factors else statement.factor
    return StatementRef(statement.factor, label, statement.present, statement.as_of, statement.sources)


def _status(catalog: Catalog, country: str, factor: str,
            latest: dict[str, FactorStatement]) -> tuple[str, tuple[StatementRef, ...]]:
    """A factor in a country: its status and the statements it rests on."""
    if factor in rules.factors_satisfied(catalog, country):
        had = [s for f, s in latest.items() if s.present and factor in rules.factor_ancestors(catalog, f)]
        had.sort(key=lambda s: (s.factor != factor, s.factor))
        return "present", tuple(_ref(catalog, s) for s in had)
    statement = latest.get(factor)
    if statement is not None:  # the latest statement about the factor itself says absent
        return "absent", (_ref(catalog, statement),)
    return "unknown", ()


def _profile(catalog: Catalog, country: str) -> tuple[str, ...]:
    found = catalog.countries.get(country)
    if found is None:
        return ()
    items = [x for x in (found.subregion or found.region, found.income_group) if x]
    items += [label for flag, label in ((found.ldc, "LDC"), (found.lldc, "LLDC"), (found.sids, "SIDS")) if flag]
    return tuple(items)


def _target(catalog: Catalog, id_: str) -> TargetRef:
    found = catalog.targets.get(id_)
    return TargetRef(id_, found.title if found else "")


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

    exporter_latest = latest_statements(catalog, practice.country) if practice.country else {}
    importer_latest = latest_statements(catalog, importer.id)
    roles: dict[str, tuple[str, str | None]] = {}
    for pf in practice.factors:
        if pf.factor not in roles or (pf.role == "critical" and roles[pf.factor][0] != "critical"):
            roles[pf.factor] = ("critical" if pf.role == "critical" else "supporting", pf.note)
    rows = []
    for factor, (role, note) in sorted(roles.items(), key=lambda item: (item[1][0] != "critical", item[0])):
        known = catalog.factors.get(factor)
        if practice.country:
            exporter_status, exporter_refs = _status(catalog, practice.country, factor, exporter_latest)
        else:
            exporter_status, exporter_refs = "not-applicable", ()
        importer_status, importer_refs = _status(catalog, importer.id, factor, importer_latest)
        rows.append(FactorRow(factor, known.label if known else factor, known.definition if known else None,
                              role, ROLE_WEIGHTS[role], note, exporter_status, exporter_refs,
                              importer_status, importer_refs))
    gaps = sorted((r for r in rows if r.importer_status != "present"),
                  key=lambda r: (r.role != "critical", r.importer_status != "absent", r.factor))

    candidate = score_country(catalog, practice, importer.id, weights)
    likeness = {s.country: s for s in similar(catalog, importer.id, top=None).similar}
    adopters = []
    engagement = None
    for transfer in catalog.transfers_by_practice.get(practice.id, ()):
        if transfer.importer == importer.id:
            if rules.is_engaged(transfer):
                engagement = f"{transfer.status} (transfer {transfer.id})"
            continue
        if not (rules.is_engaged(transfer) or rules.is_successful(transfer)):
            continue
        other = catalog.countries.get(transfer.importer)
        like = likeness.get(transfer.importer)
        adopters.append(Adopter(
            transfer.importer, other.name if other else transfer.importer, transfer.id, transfer.status,
            transfer.outcome, transfer.start_year, transfer.facilitators, transfer.event, transfer.note,
            transfer.sources, like.similarity if like else 0.0, like.shared_factors if like else (),
            bool(other and other.subregion and other.subregion == importer.subregion),
            bool(other and other.income_group and other.income_group == importer.income_group)))
    adopters.sort(key=lambda a: (-a.similarity, a.country, a.transfer))

    targets = tuple(_target(catalog, t) for t in sorted(set(practice.targets), key=sdg_key))
    served = tuple(_target(catalog, t) for t in candidate.matching_targets)
    themes = tuple(catalog.themes[t].label if t in catalog.themes else t for t in practice.themes)
    organization = catalog.organizations.get(practice.organization or "")

    notes = []
    if exporter_kind == "organization":
        notes.append(f"The exporter, {exporter_name}, is an organization: there is no country context to "
                     "explain why the practice worked; see the sources of the practice.")
    if importer.id not in catalog.statements_by_country:
        notes.append(f"Nothing is recorded of {importer.name}'s context: every factor is unknown.")
    if not practice.factors:
        notes.append("No success factors are recorded for this practice.")

    sheet = Worksheet(
        practice.id, practice.title, exporter, exporter_name, exporter_kind,
        organization.name if organization else practice.organization, practice.year, practice.maturity,
        themes, practice.description, practice.problem, practice.components, practice.evidence,
        practice.sources, importer.id, importer.name, _profile(catalog, importer.id), tuple(rows),
        tuple(gaps), tuple(adopters), targets, served, candidate.matching_needs, candidate, engagement, (),
        tuple(notes))
    return _with_questions(catalog, sheet)


def _with_questions(catalog: Catalog, sheet: Worksheet) -> Worksheet:
    from dataclasses import replace

    return replace(sheet, questions=tuple(_questions(catalog, sheet)))


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
    else:
        questions.append(f"No country has taken the practice up yet: what would a pilot in {to} need to show?")
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
