"""Parsing and normalising one cell value. Each parser returns the clean value or raises
:class:`BadValue` with what was expected and, where one exists, the nearest valid value."""

from __future__ import annotations

import difflib
import re
from datetime import date
from functools import lru_cache

from ..ontology.model import ENUMS, SDG_NS

__all__ = [
    "BadValue", "MAX_ID_LENGTH", "split_list", "parse_slug", "parse_year", "parse_date", "parse_int", "parse_enum",
    "parse_present", "parse_sdg", "CountryResolver", "nearest",
]

SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MAX_CELL = 20_000  # characters; longer cells are refused as a likely file error


class BadValue(ValueError):
    def __init__(self, expected: str, suggestion: str | None = None):
        super().__init__(expected)
        self.expected, self.suggestion = expected, suggestion


def nearest(value: str, choices, n: int = 1, cutoff: float = 0.6) -> str | None:
    found = difflib.get_close_matches(value, list(choices), n=n, cutoff=cutoff)
    return ", ".join(found) if found else None


def split_list(text: str | None) -> list[str]:
    """Split a multi-valued cell on ``;`` and drop empty parts."""
    if text is None:
        return []
    return [part.strip() for part in str(text).split(";") if part.strip()]


MAX_ID_LENGTH = 200  # characters of an id (ids are parts of IRIs, file names and page addresses)


def parse_slug(text: str) -> str:
    """An id as written: lower-case letters, digits, '.', '_' or '-', at most MAX_ID_LENGTH
    characters, never '..' (ids become parts of paths and addresses).

    >>> parse_slug("bgd-sdg-tracker")
    'bgd-sdg-tracker'
    >>> parse_slug("a..b")
    Traceback (most recent call last):
    psikg.loaders.values.BadValue: an id without '..'
    """
    if len(text) > MAX_ID_LENGTH:
        raise BadValue(f"an id of at most {MAX_ID_LENGTH} characters (this one has {len(text):,})")
    if not SLUG.match(text):
        fixed = re.sub(r"[^a-z0-9._-]+", "-", text.strip().lower()).strip("-")
        raise BadValue("an id of lower-case letters, digits, '.', '_' or '-'", fixed[:MAX_ID_LENGTH] or None)
    if ".." in text:
        raise BadValue("an id without '..'", re.sub(r"\.{2,}", ".", text))
    return text


def parse_year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise BadValue("a year as YYYY (e.g. 2017)")
    year = int(text)
    if not 1800 <= year <= date.today().year + 10:
        raise BadValue(f"a year between 1800 and {date.today().year + 10}")
    return year


def parse_date(text: str) -> str:
    """An ISO 8601 date or a year (YYYY, YYYY-MM or YYYY-MM-DD), returned as written."""
    text = text.strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            parse_year(text)
        elif re.fullmatch(r"\d{4}-\d{2}", text):
            date.fromisoformat(text + "-01")
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            date.fromisoformat(text)
        else:
            raise ValueError
    except ValueError:
        raise BadValue("an ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2017-12-09)") from None
    return text


def parse_int(text: str) -> int:
    if not re.fullmatch(r"\d+", text.strip()):
        raise BadValue("a whole number (e.g. 38)")
    return int(text)


def parse_enum(text: str, enum: str) -> str:
    allowed = ENUMS[enum]
    value = text.strip().lower()
    if value not in allowed:
        raise BadValue(f"one of {', '.join(allowed)}", nearest(value, allowed))
    return value


def parse_present(text: str) -> bool:
    value = text.strip().lower()
    if value in ("yes", "y", "true", "1", "present"):
        return True
    if value in ("no", "n", "false", "0", "absent"):
        return False
    raise BadValue("yes or no")


SDG_CODE = re.compile(r"^(\d{1,2})(?:\.([0-9]{1,2}|[a-z]))?$")


def parse_sdg(text: str, goals: set[str], targets: set[str]) -> tuple[str, str]:
    """A goal (``16``) or target (``16.6``), also as a UN SDG KOS IRI; returns (kind, code)."""
    value = text.strip()
    for prefix in (SDG_NS, SDG_NS.replace("http://", "https://")):
        if value.startswith(prefix):
            value = value[len(prefix):]
            break
    match = SDG_CODE.match(value.lower())
    if match and match.group(2) is None and value in goals:
        return "goal", value
    if match and value.lower() in targets:
        return "target", value.lower()
    suggestion = nearest(value, sorted(targets), cutoff=0.75) if match else None
    raise BadValue("an SDG target such as 16.6 or 1.a, or a goal from 1 to 17", suggestion)


class CountryResolver:
    """Turn ISO3, ISO2 or a common English name into ISO3, with a suggestion when it fails."""

    def __init__(self, countries: dict[str, dict]):
        self.iso3 = set(countries)
        self._seen: dict[str, str] = {}
        self.by_iso2 = {p.get("iso2"): iso3 for iso3, p in countries.items() if p.get("iso2")}
        self.by_name = {}
        for iso3, props in countries.items():
            for name in (props.get("name"), props.get("official_name")):
                if name:
                    self.by_name[name.lower()] = iso3

    def __call__(self, text: str) -> str:
        known = self._seen.get(text)
        if known is None:
            known = self._seen[text] = self._resolve(text.strip())
        return known

    def _resolve(self, value: str) -> str:
        if value.upper() in self.iso3 and len(value) == 3:
            return value.upper()
        if len(value) == 2 and value.upper() in self.by_iso2:
            return self.by_iso2[value.upper()]
        if value.lower() in self.by_name:
            return self.by_name[value.lower()]
        found = _coco_iso3(value) if len(value) > 3 else None
        if found in self.iso3:
            return found
        suggestion = nearest(value.lower(), self.by_name, cutoff=0.6)
        if suggestion:
            suggestion = ", ".join(
                f"{self._name_of(self.by_name[s])} ({self.by_name[s]})" for s in suggestion.split(", "))
        raise BadValue("a country as ISO 3166-1 alpha-3 (BGD), alpha-2 (BD) or an English name", suggestion)

    def _name_of(self, iso3: str) -> str:
        for name, code in self.by_name.items():
            if code == iso3:
                return name.title()
        return iso3


@lru_cache(maxsize=4096)
def _coco_iso3(name: str) -> str | None:
    """Ask country_converter's regular expressions (slow to load, so only for real names)."""
    result = _coco().convert(name, to="ISO3", not_found=None)
    return result if isinstance(result, str) else None


@lru_cache(maxsize=1)
def _coco():
    import logging

    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)  # it logs every miss
    return coco.CountryConverter()
