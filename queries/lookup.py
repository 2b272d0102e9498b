"""Finding what a query is asked about, with helpful errors, and the order of SDG codes.

Every query that takes an id resolves it here, so an unknown id always fails the same way: an
:class:`~psikg.errors.UnknownIdError` naming the kind and the nearest known ids (difflib).

>>> sorted(["16.10", "1.a", "16.6", "1.2", "16.a"], key=sdg_key)
['1.2', '1.a', '16.6', '16.10', '16.a']
"""

from __future__ import annotations

from ..errors import UnknownIdError
from ..ontology.domain import Catalog, Country, Event, Need, Practice

__all__ = ["practice_of", "country_of", "event_of", "need_of", "nearest", "sdg_key"]


def nearest(text: str, known, n: int = 5) -> list[str]:
    """The known ids closest to ``text`` (case-insensitive), best first: ids that start with it,
    then ids that contain it, then the closest by difflib's ratio.

    >>> nearest("bgd-a2i", ["bgd-ssn4psi", "bgd-a2i-service-innovation", "per-a2i"])
    ['bgd-a2i-service-innovation', 'per-a2i', 'bgd-ssn4psi']
    """
    import difflib  # here: only a miss needs it

    by_folded: dict[str, str] = {}
    for id_ in known:
        by_folded.setdefault(str(id_).casefold(), id_)
    folded = text.strip().casefold()
    ordered = sorted(by_folded)
    found = [f for f in ordered if f.startswith(folded)] if folded else []
    found += [f for f in ordered if folded and folded in f and f not in found]
    found += [f for f in difflib.get_close_matches(folded, ordered, n=n, cutoff=0.5) if f not in found]
    return [by_folded[f] for f in found[:n]]


def _by_id(kind: str, records: dict, id_: str):
    """The record with this id (exact, else trimmed and lower-case), or UnknownIdError with the
    nearest ids."""
    found = records.get(id_) or records.get(id_.strip().lower())
    if found is None:
        raise UnknownIdError(kind, id_, nearest(id_, records))
    return found


def practice_of(catalog: Catalog, practice_id: str) -> Practice:
    """The practice with this id (exact, else case-insensitive)."""
    return _by_id("practice", catalog.practices, practice_id)


def country_of(catalog: Catalog, text: str) -> Country:
    """A country by ISO3, ISO2, name, official name or a common variant, in any case
    (:class:`~psikg.ontology.countries.CountryResolver`)."""
    return catalog.countries[catalog.country_resolver.resolve(text)]


def event_of(catalog: Catalog, event_id: str) -> Event:
    return _by_id("event", catalog.events, event_id)


def need_of(catalog: Catalog, need_id: str) -> Need:
    return _by_id("need", catalog.needs, need_id)


def sdg_key(code: str) -> tuple:
    """Sort key for SDG goal and target codes: ``1.2`` < ``1.a`` < ``16.6`` < ``16.10``."""
    parts = str(code).split(".")
    key: list[tuple[int, int, str]] = []
    for part in parts:
        key.append((0, int(part), "") if part.isdigit() else (1, 0, part))
    return tuple(key)
