"""Countries most like a given country, by context and by structure.

``similarity`` = 0.5·context + 0.5·structure.

**structure** = the mean of three comparisons, each 1 or 0 (a comparison is left out when either
country's value is unknown, e.g. an income group never loaded; structure is 0 when all three are):
the same World Bank income group; the same M49 intermediate region (the sub-region when either
has none); the same LDC / LLDC / SIDS flags (Jaccard index of the two sets of flags, 1 when
neither has any).

**context** is the weighted Jaccard index of the two countries' *satisfied* success factors
(:func:`psikg.queries.rules.factors_satisfied`: the factors each has by its latest statements,
and every broader factor):

    similarity(A, B) = w(S_A ∩ S_B) / w(S_A ∪ S_B),   w(S) = sum of depth(f) for f in S

where depth(f) is 1 for a top-level group of the scheme (``leadership``), 2 for a factor under
it (``political-champion``), 3 for one under that (``national-id-system``), and so on. Satisfied
sets contain every ancestor of what a country has, so without the weighting two countries that
have unrelated factors of the same group would look alike through the group alone; weighting by
depth lets the specific, informative factors count most.

A country without any context statement has context 0 and is flagged ``no-context``: its
similarity rests on structure alone, so it never ranks above an equally alike country with a
documented context. The pool is the UN member states and every country with a context; countries
with similarity 0 are left out. Order: similarity descending, then context descending, then ISO3
ascending (values within 1e-9 equal).

Worked example (bundled data, no income groups loaded): Somalia and Djibouti are both in Eastern
Africa and both LDCs only, so structure = (1 + 1) / 2 = 1 (income left out); nothing is recorded
of Djibouti's context, so context = 0, similarity = 0.5 and Djibouti is flagged ``no-context``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..errors import QueryError
from ..ontology.domain import Catalog
from . import rules
from .lookup import country_of
from .scoring import ranked

__all__ = ["SimilarCountry", "Similar", "similar", "factor_depth"]


@dataclass(frozen=True)
class SimilarCountry:
    """A country like the one asked about; ``similarity`` = ``shared_weight`` / ``union_weight``."""

    country: str
    name: str
    similarity: float
    shared_weight: float
    union_weight: float
    shared_factors: tuple[str, ...]
    only_here: tuple[str, ...]  # satisfied by the country asked about only
    only_there: tuple[str, ...]  # satisfied by this country only
    context: float = 0.0
    structure: float = 0.0
    shared_traits: tuple[str, ...] = ()  # income-group, region, flags
    flags: tuple[str, ...] = ()

    def row(self) -> dict:
        return {"country": self.country, "name": self.name, "similarity": self.similarity,
                "context": self.context, "structure": self.structure, "shared_traits": list(self.shared_traits),
                "shared_factors": list(self.shared_factors), "only_here": list(self.only_here),
                "only_there": list(self.only_there)}


@dataclass(frozen=True)
class Similar:
    """The answer of :func:`similar`."""

    country: str
    factors: tuple[str, ...]  # what the country satisfies
    similar: tuple[SimilarCountry, ...]
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"country": self.country, "factors": list(self.factors),
                "similar": [asdict(s) for s in self.similar], "warnings": list(self.warnings)}


def factor_depth(catalog: Catalog, factor: str) -> int:
    """1 for a top concept of the scheme, one more for each step down."""
    return len(rules.factor_ancestors(catalog, factor))


def _order(catalog: Catalog, factors) -> tuple[str, ...]:
    """Most specific first, then by id."""
    return tuple(sorted(factors, key=lambda f: (-factor_depth(catalog, f), f)))


def _region(country) -> str | None:
    return country.intermediate_region or country.subregion


def structure(a, b) -> tuple[float, tuple[str, ...]]:
    """The structural likeness of two countries and the traits they share (see the module docstring)."""
    scores, traits = [], []
    if a.income_group and b.income_group:
        scores.append(1.0 if a.income_group == b.income_group else 0.0)
    region_a, region_b = (a.intermediate_region, b.intermediate_region) if a.intermediate_region and \
        b.intermediate_region else (a.subregion, b.subregion)
    if region_a and region_b:
        scores.append(1.0 if region_a == region_b else 0.0)
    flags_a = {n for n, f in (("LDC", a.ldc), ("LLDC", a.lldc), ("SIDS", a.sids)) if f}
    flags_b = {n for n, f in (("LDC", b.ldc), ("LLDC", b.lldc), ("SIDS", b.sids)) if f}
    scores.append(len(flags_a & flags_b) / len(flags_a | flags_b) if flags_a | flags_b else 1.0)
    if a.income_group and a.income_group == b.income_group:
        traits.append("income-group")
    if region_a and region_a == region_b:
        traits.append("region")
    traits += sorted(flags_a & flags_b)
    return (sum(scores) / len(scores) if scores else 0.0), tuple(traits)


def similar(catalog: Catalog, country: str, top: int | None = 10) -> Similar:
    """The ``top`` countries whose contexts are most like ``country``'s (ISO3 or name).

    Raises UnknownIdError for an unknown country.
    """
    if top is not None and top < 0:
        raise QueryError(f"top must be at least 0, not {top}")
    here = country_of(catalog, country).id
    satisfied = rules.satisfied_by_country(catalog)
    mine = satisfied.get(here, frozenset())
    warnings = []
    if not mine:
        warnings.append(f"nothing is known of the context of {here}: similarity rests on structure alone")
    depth: dict[str, int] = {}

    def weight(factors) -> float:
        total = 0
        for f in factors:
            if f not in depth:
                depth[f] = factor_depth(catalog, f)
            total += depth[f]
        return float(total)

    me = catalog.countries[here]
    found = []
    for other, country_obj in catalog.countries.items():
        theirs = satisfied.get(other, frozenset())
        if other == here or not (country_obj.un_member or theirs):
            continue
        shared = mine & theirs
        shared_weight, union_weight = weight(shared), weight(mine | theirs)
        context = shared_weight / union_weight if union_weight else 0.0
        likeness, traits = structure(me, country_obj)
        similarity = 0.5 * context + 0.5 * likeness
        if similarity <= 0:
            continue
        found.append(SimilarCountry(other, country_obj.name, similarity, shared_weight, union_weight,
                                    _order(catalog, shared), _order(catalog, mine - theirs),
                                    _order(catalog, theirs - mine), context, likeness, traits,
                                    () if theirs else ("no-context",)))
    found = ranked(found, lambda s: (s.similarity, s.context, s.country))
    if top is not None:
        found = found[:top]
    return Similar(here, _order(catalog, mine), tuple(found), tuple(warnings))
