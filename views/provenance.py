"""How a fact is known, in words people read beside the fact.

A practice's factor link, its set of SDG targets and a context statement each carry a ``basis``
(docs/data.md): ``stated`` when the source says it in the field's own terms, ``reading`` when it is
a curator's reading of the source (who read it: ``read_by``; when: ``read_on``). Every view that
lists such facts (``psikg show``, the worksheet, the country page) marks them with this one phrase,
so that a reading never passes for what a source says.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["provenance_text"]


def provenance_text(basis: str | None, read_by: str | None = None, read_on: str | None = None,
                    sources: Iterable[str] = (), *, hosts_only: bool = False) -> str:
    """``reading by X, 2026-11-30`` for a reading, ``stated in <sources>`` (or ``stated by its
    source``) for a stated fact, ``basis not recorded`` when there is none. ``hosts_only`` names
    each source by its web site, for a table cell too narrow for whole addresses.

    >>> provenance_text("reading", "psikg curators", "2026-12-04")
    'reading by psikg curators, 2026-12-04'
    >>> provenance_text("stated", sources=["https://example.org/law"])
    'stated in https://example.org/law'
    >>> provenance_text("stated", sources=["https://www.example.org/a", "https://example.org/b"], hosts_only=True)
    'stated in example.org'
    >>> provenance_text(None)
    'basis not recorded'
    """
    if basis == "reading":
        who = f" by {read_by}" if read_by else " (reader not recorded)"
        return f"reading{who}" + (f", {read_on}" if read_on else "")
    if basis == "stated":
        named = [_host(s) if hosts_only else s for s in sources if s]
        listed = "; ".join(dict.fromkeys(named))
        return f"stated in {listed}" if listed else "stated by its source"
    return "basis not recorded" if not basis else f"basis {basis}"


def _host(url: str) -> str:
    """The web site of a source address (``example.org``), or the text itself when it is none."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname if "://" in url else None
    return host.removeprefix("www.") if host else url
