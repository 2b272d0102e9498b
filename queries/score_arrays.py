"""The matching rule's inputs as arrays, so that every candidate is scored at once.

Nothing here decides a state: the arrays are *read off* the one rule.

* :func:`state_arrays`: for a year Y, two boolean matrices, countries x factors, ``present`` and
  ``absent``, filled from :func:`psikg.queries.rules.states_by_country` (the latest-statement rule
  and narrower factors satisfying broader ones live there, once). A cell that is neither is
  unknown. One extra row (a country with no statement) and one extra column (a factor nobody
  states) stay all False, so any id can be looked up.
* :func:`need_arrays`: a boolean matrix, countries x SDG targets, from
  :func:`psikg.queries.rules.targets_of_country_needs` (a need tagged with a goal covers every
  target of that goal), and each country's M49 sub-region and income group as integer codes
  (-1 when unknown) for the evidence rule.

Each is built once per catalog (and year), the way :mod:`psikg.queries.graphs` keeps its graphs:
catalogs never change once built. The matrices are kept twice: as booleans, countries x factors,
to read, and as 0/1 floats, factors x countries, so that a practice's few factors are a
contiguous slice for the matrix products. At scale L (249 countries, 558 factors) that is about
3.6 MB per year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, TypeVar

import numpy as np

from ..ontology.domain import Catalog
from . import rules

__all__ = ["StateArrays", "NeedArrays", "state_arrays", "need_arrays", "rows_of", "columns_of"]

T = TypeVar("T")


def _per_catalog(catalog: Catalog, key: tuple, build: Callable[[], T]) -> T:
    """A structure derived from the catalog, built once per key (catalogs never change)."""
    cache = catalog.__dict__.setdefault("_psikg_score_arrays", {})
    if key not in cache:
        cache[key] = build()
    return cache[key]


@dataclass(frozen=True, eq=False)
class StateArrays:
    """Factor states of every country as of ``year``; ``row`` and ``column`` map ids to indexes
    (an id not in them is the all-unknown last row or column: use :func:`rows_of`)."""

    year: int
    row: dict[str, int]
    column: dict[str, int]
    present: np.ndarray  # bool, (countries + 1, factors + 1)
    absent: np.ndarray  # bool, same shape; never True where present is
    by_factor: dict[str, np.ndarray]  # "present", "known", "absent": 0/1 floats, factors x countries

    @property
    def known(self) -> np.ndarray:
        return self.present | self.absent


@dataclass(frozen=True, eq=False)
class NeedArrays:
    """Targets asked for by each country's needs, and its sub-region and income group codes."""

    row: dict[str, int]
    column: dict[str, int]
    wanted: np.ndarray  # bool, (countries + 1, targets + 1)
    wanted_by_target: np.ndarray  # 0/1 floats, targets x countries
    subregion: np.ndarray  # int, (countries + 1,), -1 unknown
    income: np.ndarray  # int, (countries + 1,), -1 unknown
    subregion_code: dict[str, int]
    income_code: dict[str, int]


def _country_rows(catalog: Catalog) -> dict[str, int]:
    """Every country of the catalog and every country with statements or needs, in id order."""
    ids = set(catalog.countries) | set(catalog.statements_by_country) | set(catalog.needs_by_country)
    return {country: i for i, country in enumerate(sorted(ids))}


def rows_of(row: dict[str, int], countries: Iterable[str]) -> np.ndarray:
    """Row indexes of ``countries`` (a country not in ``row`` gets the last, all-unknown row)."""
    missing = len(row)
    return np.array([row.get(c, missing) for c in countries], dtype=np.intp)


def columns_of(column: dict[str, int], ids: Iterable[str]) -> np.ndarray:
    """Column indexes of ``ids`` (an id not in ``column`` gets the last, all-False column)."""
    missing = len(column)
    return np.fromiter((column.get(i, missing) for i in ids), dtype=np.intp)


def state_arrays(catalog: Catalog, year: int | None = None) -> StateArrays:
    """The present and absent matrices as of ``year`` (default: the current year), read off
    :func:`rules.states_by_country`; built once per catalog and year."""
    year = rules.current_year() if year is None else year

    def build() -> StateArrays:
        states = rules.states_by_country(catalog, year)
        row = _country_rows(catalog)
        factors = set(catalog.factors)
        for found in states.values():
            factors.update(found.present)
            factors.update(found.absent)
        column = {factor: i for i, factor in enumerate(sorted(factors))}
        present = np.zeros((len(row) + 1, len(column) + 1), dtype=bool)
        absent = np.zeros_like(present)
        for country, found in states.items():
            r = row[country]
            present[r, columns_of(column, found.present)] = True
            absent[r, columns_of(column, found.absent)] = True
        by_factor = {"present": present.T.astype(float), "known": (present | absent).T.astype(float),
                     "absent": absent.T.astype(float)}
        for array in (present, absent, *by_factor.values()):
            array.flags.writeable = False
        return StateArrays(year, row, column, present, absent, by_factor)

    return _per_catalog(catalog, ("states", year), build)


def need_arrays(catalog: Catalog) -> NeedArrays:
    """The wanted-targets matrix and the group codes; built once per catalog."""
    def build() -> NeedArrays:
        by_country = {country: rules.targets_of_country_needs(catalog, country) for country in catalog.needs_by_country}
        row = _country_rows(catalog)
        column = {t: i for i, t in enumerate(sorted({t for ts in by_country.values() for t in ts}
                                                    | set(catalog.targets)))}
        wanted = np.zeros((len(row) + 1, len(column) + 1), dtype=bool)
        for country, targets in by_country.items():
            wanted[row[country], columns_of(column, targets)] = True
        subregion_code: dict[str, int] = {}
        income_code: dict[str, int] = {}
        subregion = np.full(len(row) + 1, -1, dtype=np.int64)
        income = np.full(len(row) + 1, -1, dtype=np.int64)
        for country, r in row.items():
            found = catalog.countries.get(country)
            if found is None:
                continue
            if found.subregion is not None:
                subregion[r] = subregion_code.setdefault(found.subregion, len(subregion_code))
            if found.income_group is not None:
                income[r] = income_code.setdefault(found.income_group, len(income_code))
        wanted_by_target = wanted.T.astype(float)
        for array in (wanted, wanted_by_target, subregion, income):
            array.flags.writeable = False
        return NeedArrays(row, column, wanted, wanted_by_target, subregion, income, subregion_code, income_code)

    return _per_catalog(catalog, ("needs",), build)
