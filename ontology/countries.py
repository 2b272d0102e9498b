"""The one country resolver: ISO3, ISO2, names, official names and common variants to ISO3.

Every loader and every query that takes a country resolves it here, so "Viet Nam", "VN", "vnm"
and "Socialist Republic of Viet Nam" mean the same country everywhere, and a typo gets the same
suggestions whether it is met in a CSV cell or on the command line. Names are compared folded
(case, accents, apostrophes and punctuation ignored); other spellings ("Lao PDR", "Republic of
Korea", "Ivory Coast") are recognised by country_converter's regular expressions, asked only
when no code or name matches.

>>> countries = CountryResolver([("BGD", "BD", ["Bangladesh", "People's Republic of Bangladesh"]),
...                              ("CIV", "CI", ["Côte d'Ivoire"])])
>>> countries.find("bd"), countries.find("cote d'ivoire"), countries.find("Côte d’Ivoire")
('BGD', 'CIV', 'CIV')
>>> countries.suggestions("Bangladsh")
('BGD',)
>>> countries.label("BGD")
'Bangladesh (BGD)'
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from functools import lru_cache
from typing import Iterable

from ..errors import UnknownIdError

__all__ = ["CountryResolver", "fold"]

#: What a country may be written as, for messages.
EXPECTED = "a country as ISO 3166-1 alpha-3 (BGD), alpha-2 (BD) or an English name"


def fold(text: str) -> str:
    """A name as it is compared: lower case, no accents, punctuation and runs of spaces as one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", " ", bare).strip()


class CountryResolver:
    """Resolve what a person writes for a country to its ISO3 code, among the known countries."""

    def __init__(self, countries: Iterable[tuple[str, str | None, Iterable[str | None]]]):
        """``countries``: ``(iso3, iso2, names)`` for each known country; the first name is the
        one shown in suggestions."""
        self.iso3: set[str] = set()
        self.codes: dict[str, str] = {}  # ISO3 and ISO2, upper case, to ISO3
        self.names: dict[str, str] = {}  # folded name to ISO3
        self.shown: dict[str, str] = {}  # ISO3 to the name shown
        for iso3, iso2, names in countries:
            self.iso3.add(iso3)
            self.codes[iso3.upper()] = iso3
            if iso2:
                self.codes.setdefault(iso2.upper(), iso3)
            for name in names:
                if name:
                    self.names.setdefault(fold(name), iso3)
                    self.shown.setdefault(iso3, name)
        self._found: dict[str, str | None] = {}

    @classmethod
    def of_records(cls, records: dict[str, dict]) -> "CountryResolver":
        """From country records as loaders read them (ISO3 to properties with name, official name, iso2)."""
        return cls((iso3, props.get("iso2"), (props.get("name"), props.get("official_name")))
                   for iso3, props in records.items())

    @classmethod
    def of_countries(cls, countries: Iterable) -> "CountryResolver":
        """From a catalog's :class:`~psikg.ontology.domain.Country` objects."""
        return cls((c.id, c.iso2, (c.name, c.official_name)) for c in countries)

    def find(self, text: str) -> str | None:
        """The ISO3 code ``text`` names, or None."""
        if text not in self._found:
            self._found[text] = self._find(text.strip())
        return self._found[text]

    def _find(self, value: str) -> str | None:
        if len(value) in (2, 3) and value.upper() in self.codes:
            return self.codes[value.upper()]
        folded = fold(value)
        if folded in self.names:
            return self.names[folded]
        if len(folded) > 3:
            found = _converter_iso3(value)
            if found in self.iso3:
                return found
        return None

    def resolve(self, text: str) -> str:
        """The ISO3 code ``text`` names; :class:`~psikg.errors.UnknownIdError` with the nearest
        countries when there is none."""
        found = self.find(text)
        if found is None:
            suggestions = self.suggestions(text)
            raise UnknownIdError("country", text, suggestions, labels={s: self.shown.get(s, s) for s in suggestions})
        return found

    def suggestions(self, text: str, n: int = 5) -> tuple[str, ...]:
        """The ISO3 codes of the countries nearest to ``text``, best first, each once: names that
        start with it, then the codes and names closest by difflib's ratio (at least 0.6, and
        within 0.1 of the closest, so that a near miss is not buried under far ones)."""
        folded = fold(text)
        if not folded:
            return ()
        found = [iso3 for name, iso3 in sorted(self.names.items()) if len(folded) >= 3 and name.startswith(folded)]
        keys = {**{code.lower(): iso3 for code, iso3 in self.codes.items()}, **self.names}
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(folded)
        scored = []
        for key in sorted(keys):
            matcher.set_seq1(key)
            if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6 and matcher.ratio() >= 0.6:
                scored.append((-matcher.ratio(), key))
        scored.sort()
        found += [keys[key] for score, key in scored if -score >= -scored[0][0] - 0.1]
        return tuple(dict.fromkeys(found))[:n]

    def label(self, iso3: str) -> str:
        """``name (ISO3)``, as suggestions are shown."""
        return f"{self.shown[iso3]} ({iso3})" if iso3 in self.shown else iso3


@lru_cache(maxsize=4096)
def _converter_iso3(name: str) -> str | None:
    """Ask country_converter's regular expressions (slow to load, so only for real names)."""
    result = _converter().convert(name, to="ISO3", not_found=None)
    return result if isinstance(result, str) else None


@lru_cache(maxsize=1)
def _converter():
    import country_converter

    logging.getLogger("country_converter").setLevel(logging.ERROR)  # it logs every miss
    return country_converter.CountryConverter()
