"""Presentation mode: the story of the network as slides for a projector, one idea per screen,
large type, keyboard navigation (arrows, space, Page Up/Down, Home, End), in one HTML file that
loads nothing. The slides are built from the queries (counts, the transfer verdicts, a practice's
match), so a slide says what ``psikg stats``, ``partnerships`` and ``match`` say."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from importlib import resources

from ..ontology.domain import Catalog

__all__ = ["Slide", "slides", "render_presentation"]


@dataclass(frozen=True)
class Slide:
    """One screen: a headline, up to a handful of lines, and a big figure when there is one."""

    title: str
    lines: tuple[str, ...] = ()
    figure: str | None = None
    caption: str | None = None


def _name(catalog: Catalog, id_: str) -> str:
    found = catalog.countries.get(id_) or catalog.organizations.get(id_)
    return getattr(found, "name", None) or id_


def _network_slides(catalog: Catalog) -> list[Slide]:
    from ..queries.rules import verdict

    transfers = list(catalog.transfers.values())
    countries = {t.exporter for t in transfers} | {t.importer for t in transfers}
    verdicts = Counter(verdict(t) for t in transfers)
    exporters = Counter(t.exporter for t in transfers if t.status != "opportunity")
    importers = Counter(t.importer for t in transfers if t.status != "opportunity")
    return [
        Slide("Public-service innovations travel between countries",
              (f"{len(catalog.practices)} practices", f"{len(countries & set(catalog.countries))} countries in a recorded transfer"),
              str(len(transfers)), "transfers recorded"),
        Slide("What became of them", tuple(f"{verdicts[v]} {v}" for v in ("success", "partial", "failure", "open")
                                           if verdicts[v]), str(verdicts["success"]), "successes"),
        Slide("Who shares most", tuple(f"{_name(catalog, c)}: {n}" for c, n in exporters.most_common(5))),
        Slide("Who takes up most", tuple(f"{_name(catalog, c)}: {n}" for c, n in importers.most_common(5))),
    ]


def _match_slides(catalog: Catalog, practice: str, top: int = 5) -> list[Slide]:
    from ..queries.match import match

    result = match(catalog, practice, top_per_tier=top)
    title = catalog.practices[result.practice].title
    ready = [c for c in result.candidates if c.tier == "ready"]
    out = [Slide(f"Who could take up {title}?",
                 tuple(f"{c.name} ({c.score:.2f})" for c in ready),
                 str(result.tier_counts.get("ready", 0)), "countries ready")]
    if result.ask:
        out.append(Slide("What to ask first", tuple(f"{q.label} (unknown in {q.count})" for q in result.ask[:top])))
    blocked = [c for c in result.candidates if c.tier == "blocked"]
    if blocked:
        label = {f.factor: f.label for c in blocked for f in c.absent}
        out.append(Slide("Blocked for now", tuple(f"{c.name}: lacks {', '.join(label.get(b, b) for b in c.blocking)}"
                                                  for c in blocked)))
    return out


def slides(catalog: Catalog, practice: str | None = None) -> list[Slide]:
    """The deck: the network in a few figures, then a practice's match when one is given."""
    deck = _network_slides(catalog)
    if practice:
        deck += _match_slides(catalog, practice)
    return deck


def render_presentation(deck: list[Slide], title: str = "psikg") -> str:
    """The deck as one self-contained HTML page (autoescaped; ``window.psikgSlides`` counts the
    slides, ``window.psikgSlide`` is the one shown)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    folder = str(resources.files("psikg.views").joinpath("templates"))
    environment = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(["html"]))
    return environment.get_template("present.html").render(slides=deck, title=title)
