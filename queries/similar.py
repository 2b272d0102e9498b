"""Countries whose contexts are most like a given country's.

Similarity is the weighted Jaccard index of the two countries' *satisfied* success factors
(:func:`psikg.queries.rules.factors_satisfied`: the factors each has by its latest statements,
and every broader factor):

    similarity(A, B) = w(S_A ∩ S_B) / w(S_A ∪ S_B),   w(S) = sum of depth(f) for f in S

where depth(f) is 1 for a top-level group of the scheme (``leadership``), 2 for a factor under
it (``political-champion``), 3 for one under that (``national-id-system``), and so on. Satisfied
sets contain every ancestor of what a country has, so without the weighting two countries that
have unrelated factors of the same group would look alike through the group alone; weighting by
depth lets the specific, informative factors count most.

Countries without any context statement, and those sharing nothing, are left out. Order:
similarity descending, then shared weight descending, then ISO3 ascending (values within 1e-9
equal).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..errors import QueryError
from ..ontology.domain import Catalog
from . import rules
from .lookup import country_of
from .match import ranked

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

    def row(self) -> dict:
        return {"country": self.country, "name": self.name, "similarity": self.similarity,
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


def similar(catalog: Catalog, country: str, top: int | None = 10) -> Similar:
    """The ``top`` countries whose contexts are most like ``country``'s (ISO3 or name).

    Raises UnknownIdError for an unknown country.
    """
    if top is not None and top < 0:
        raise QueryError(f"top must be at least 0, not {top}")
    here = country_of(catalog, country).id
    satisfied = rules.satisfied_by_country(catalog)
    mine = satisfied.get(here, frozenset())
    if not mine:
        return Similar(here, (), (), (f"nothing is known of the context of {here}: no similarity to compute",))

    depth: dict[str, int] = {}

    def weight(factors) -> float:
        total = 0
        for f in factors:
            if f not in depth:
                depth[f] = factor_depth(catalog, f)
            total += depth[f]
        return float(total)

    found = []
    for other, theirs in satisfied.items():
        if other == here or not theirs:
            continue
        shared = mine & theirs
        if not shared:
            continue
        shared_weight, union_weight = weight(shared), weight(mine | theirs)
        name = catalog.countries[other].name if other in catalog.countries else other
        found.append(SimilarCountry(other, name, shared_weight / union_weight, shared_weight, union_weight,
                                    _order(catalog, shared), _order(catalog, mine - theirs),
                                    _order(catalog, theirs - mine)))
    found = ranked(found, lambda s: (s.similarity, s.shared_weight, s.country))
    if top is not None:
        found = found[:top]
    return Similar(here, _order(catalog, mine), tuple(found))
