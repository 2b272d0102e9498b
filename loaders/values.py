"""Parsing and normalising one cell value. Each parser returns the clean value or raises
:class:`BadValue` with what was expected and, where one exists, the nearest valid value."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from datetime import date

from ..ontology.countries import EXPECTED as EXPECTED_COUNTRY
from ..ontology.countries import CountryResolver as Countries
from ..ontology.model import ENUMS, SDG_NS

__all__ = [
    "BadValue", "MAX_ID_LENGTH", "split_list", "parse_slug", "parse_year", "parse_date", "parse_int", "parse_enum",
    "parse_present", "parse_sdg", "CountryResolver", "nearest",
]

#: Cells repeat (a role, a status, a year): the pure parsers below remember their answers for
#: the texts they accepted (a refusal is not remembered, so it is worded afresh every time).
_remembered = lru_cache(maxsize=1 << 16)

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


@_remembered
def parse_year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise BadValue("a year as YYYY (e.g. 2017)")
    year = int(text)
    if not 1800 <= year <= date.today().year + 10:
        raise BadValue(f"a year between 1800 and {date.today().year + 10}")
    return year


@_remembered
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


@_remembered
def parse_enum(text: str, enum: str) -> str:
    allowed = ENUMS[enum]
    value = text.strip().lower()
    if value not in allowed:
        raise BadValue(f"one of {', '.join(allowed)}", nearest(value, allowed))
    return value


@_remembered
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
    """The one country resolver (:class:`psikg.ontology.countries.CountryResolver`) over the
    loader's country records, failing as a cell value does: :class:`BadValue` with the nearest countries."""

    def __init__(self, countries: dict[str, dict]):
        self.countries = Countries.of_records(countries)

    def __call__(self, text: str) -> str:
        found = self.countries.find(text)
        if found is None:
            suggestions = self.countries.suggestions(text)
            raise BadValue(EXPECTED_COUNTRY, ", ".join(self.countries.label(s) for s in suggestions) or None)
        return found
