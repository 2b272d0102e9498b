"""A country's profile: what it has, lacks and needs, what it exported and imported.

The factor states are those matching reads (:func:`psikg.queries.rules.states_by_country`, as of
the current year), the verdict of each transfer :func:`psikg.queries.rules.verdict`: the page says
nothing the queries would not."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ...ontology.domain import Catalog
from ...queries.lookup import country_of
from ...queries.rules import NO_STATES, states_by_country, verdict
from ..provenance import provenance_text

__all__ = ["FactorLine", "TransferLine", "CountryProfile", "country_profile"]


@dataclass(frozen=True)
class FactorLine:
    """A factor the country has or lacks, by the statement that decides it, and how that statement
    is known: ``basis`` stated by its sources or a curator's reading (``read_by``, ``read_on``);
    ``provenance`` says so in words ("reading by X, 2026-11-30"; empty when no basis is recorded)."""

    factor: str
    label: str
    state: str  # present or absent
    as_of: str | None
    sources: tuple[str, ...]
    basis: str | None = None
    read_by: str | None = None
    read_on: str | None = None
    provenance: str = ""


@dataclass(frozen=True)
class TransferLine:
    transfer: str
    practice: str
    title: str
    partner: str
    partner_name: str
    direction: str  # exported or imported
    status: str
    verdict: str


@dataclass(frozen=True)
class CountryProfile:
    country: str
    name: str
    region: str | None
    subregion: str | None
    income_group: str | None
    has: tuple[FactorLine, ...]
    lacks: tuple[FactorLine, ...]
    needs: tuple[dict, ...]
    exported: tuple[TransferLine, ...]
    imported: tuple[TransferLine, ...]
    unknown_factors: int  # factors of the catalog with no statement for this country

    def as_dict(self) -> dict:
        return asdict(self)

    def rows(self) -> list[dict]:
        """One row per fact, for CSV: the factors, then the needs, then the transfers."""
        rows = [{"section": f.state, "id": f.factor, "label": f.label,
                 "detail": "; ".join(x for x in (f.as_of, f.provenance) if x), "status": ""}
                for f in self.has + self.lacks]
        rows += [{"section": "need", "id": n["id"], "label": n["title"], "detail": n["priority"] or "",
                  "status": ""} for n in self.needs]
        rows += [{"section": t.direction, "id": t.transfer, "label": t.title, "detail": t.partner,
                  "status": f"{t.status} ({t.verdict})"} for t in self.exported + self.imported]
        return rows


def _factor_lines(catalog: Catalog, states, present: bool) -> tuple[FactorLine, ...]:
    chosen = sorted(states.present) if present else sorted(states.absent)
    lines = []
    for factor in chosen:
        decisive = states.decisive.get(factor)
        label = catalog.factors[factor].label if factor in catalog.factors else factor
        if decisive is None:
            lines.append(FactorLine(factor, label, "present" if present else "absent", None, ()))
            continue
        how = provenance_text(decisive.basis, decisive.read_by, decisive.read_on, decisive.sources,
                              hosts_only=True) if decisive.basis else ""
        lines.append(FactorLine(factor, label, "present" if present else "absent", decisive.as_of,
                                decisive.sources, decisive.basis, decisive.read_by, decisive.read_on, how))
    return tuple(lines)


def _transfer_lines(catalog: Catalog, country: str) -> tuple[tuple[TransferLine, ...], tuple[TransferLine, ...]]:
    exported, imported = [], []
    for t in sorted(catalog.transfers.values(), key=lambda t: t.id):
        if country not in (t.exporter, t.importer):
            continue
        direction = "exported" if t.exporter == country else "imported"
        partner = t.importer if direction == "exported" else t.exporter
        found = catalog.countries.get(partner) or catalog.organizations.get(partner)
        name = getattr(found, "name", None) or partner
        title = catalog.practices[t.practice].title if t.practice in catalog.practices else t.practice
        line = TransferLine(t.id, t.practice, title, partner, name, direction, t.status, verdict(t))
        (exported if direction == "exported" else imported).append(line)
    return tuple(exported), tuple(imported)


def country_profile(catalog: Catalog, text: str) -> CountryProfile:
    """The profile of a country (ISO3, ISO2 or name); UnknownIdError names the nearest ones."""
    country = country_of(catalog, text)
    states = states_by_country(catalog).get(country.id, NO_STATES)
    needs = tuple({"id": n.id, "title": n.title, "priority": n.priority, "targets": list(n.targets)}
                  for n in catalog.needs_by_country.get(country.id, ()))
    exported, imported = _transfer_lines(catalog, country.id)
    stated = set(states.present) | set(states.absent)
    return CountryProfile(country.id, country.name, country.region, country.subregion, country.income_group,
                          _factor_lines(catalog, states, True), _factor_lines(catalog, states, False), needs,
                          exported, imported, len(set(catalog.factors) - stated))
