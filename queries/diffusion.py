"""The diffusion tree of a practice: how it spread from its origin, transfer by transfer.

The root is the practice's origin (its country, else its organization). Every transfer of the
practice except opportunities (suggestions, never diffusion: a note counts them) is a node of the tree under the party that passed the practice on:
a transfer whose exporter is the origin hangs under the root; a transfer whose exporter had
itself imported the practice hangs under the transfer that brought it there. Where an exporter
imported the practice more than once, the transfer closest to the root wins, then the one that
succeeded (verdict success, :func:`queries.rules.verdict`), then the one that counts in the transfer network
(engaged, or outcome success or partial), then the earliest, then the lowest id.

A transfer whose exporter is neither the origin nor reached from it (an organization sharing
someone else's practice, say) starts a tree of its own, and a note says so. Children are ordered
by start year (unknown last), then importer, then transfer id. Each node carries the transfer's
``verdict`` (success, partial, failure or open) and ``degree`` (copy, adaptation or inspiration,
where a source grades it; None otherwise).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..errors import UnknownIdError
from ..ontology.domain import Catalog, Transfer
from .graphs import counts_as_transfer, node_kind
from .lookup import practice_of
from .rules import is_successful, is_suggestion, verdict

__all__ = ["DiffusionNode", "Diffusion", "diffusion", "diffusion_from_country", "render_tree"]


@dataclass(frozen=True)
class DiffusionNode:
    """A party holding the practice; ``transfer`` and the fields after it describe the transfer
    that brought it there (all None for a root)."""

    party: str
    kind: str  # "country" | "organization"
    name: str
    transfer: str | None = None
    exporter: str | None = None
    year: int | None = None
    status: str | None = None
    outcome: str | None = None
    facilitators: tuple[str, ...] = ()
    event: str | None = None
    children: tuple["DiffusionNode", ...] = ()
    verdict: str | None = None
    degree: str | None = None

    def as_dict(self) -> dict:
        data = {"party": self.party, "kind": self.kind, "name": self.name}
        if self.transfer is not None:
            data.update(transfer=self.transfer, exporter=self.exporter, year=self.year, status=self.status,
                        outcome=self.outcome, verdict=self.verdict, degree=self.degree, facilitators=list(self.facilitators),
                        event=self.event)
        data["children"] = [child.as_dict() for child in self.children]
        return data

    def walk(self):
        """This node and every node below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Diffusion:
    """The spread of one practice. ``n`` = its transfers; ``reached`` = importers of a transfer that
    counts in the transfer network; ``roots[0]`` is the origin."""

    practice: str
    title: str
    origin: str | None
    n: int
    reached: tuple[str, ...]
    roots: tuple[DiffusionNode, ...]
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"practice": self.practice, "title": self.title, "origin": self.origin, "n": self.n,
                "reached": list(self.reached), "roots": [root.as_dict() for root in self.roots],
                "notes": list(self.notes)}

    def rows(self) -> list[dict]:
        """One row per transfer (depth first), for tables and CSV."""
        rows = []

        def visit(node: DiffusionNode, depth: int) -> None:
            if node.transfer is not None:
                rows.append({"depth": depth, "transfer": node.transfer, "from": node.exporter,
                             "to": node.party, "year": node.year, "status": node.status,
                             "outcome": node.outcome, "verdict": node.verdict, "degree": node.degree,
                             "facilitators": list(node.facilitators),
                             "event": node.event})
            for child in node.children:
                visit(child, depth + 1)

        for root in self.roots:
            visit(root, 0)
        return rows


def _year_key(year) -> tuple[int, int]:
    return (1, 0) if year is None else (0, int(year))


def _name(catalog: Catalog, party: str) -> str:
    for table in (catalog.countries, catalog.organizations, catalog.networks):
        if party in table:
            return table[party].name
    return party


def diffusion(catalog: Catalog, practice_id: str) -> Diffusion:
    """The diffusion tree of ``practice_id``. Raises UnknownIdError for an unknown practice."""
    practice = practice_of(catalog, practice_id)
    recorded = catalog.transfers_by_practice.get(practice.id, ())
    transfers = tuple(t for t in recorded if not is_suggestion(t))
    notes: list[str] = []
    if len(recorded) > len(transfers):
        notes.append(f"{len(recorded) - len(transfers)} opportunit{'y' if len(recorded) - len(transfers) == 1 else 'ies'}"
                     " of this practice not shown: suggestions are not diffusion")

    # Mutable builders: party, kind, transfer (or None), children. Frozen at the end.
    def builder(party: str, transfer: Transfer | None) -> dict:
        return {"party": party, "transfer": transfer, "children": []}

    def rank(transfer: Transfer) -> tuple:
        return (not is_successful(transfer), not counts_as_transfer(transfer),
                _year_key(transfer.start_year), transfer.id)

    origin = practice.country or practice.organization
    roots: list[dict] = []
    holders: dict[str, dict] = {}
    if origin is not None:
        roots.append(builder(origin, None))
        for alias in (practice.country, practice.organization):
            if alias is not None:
                holders[alias] = roots[0]
    pending = sorted(transfers, key=lambda t: (_year_key(t.start_year), t.id))
    while pending:
        attachable = [t for t in pending if t.exporter in holders]
        if not attachable:
            stranger = pending[0].exporter
            roots.append(builder(stranger, None))
            holders[stranger] = roots[-1]
            notes.append(f"{stranger} exported the practice but is not reached from its origin "
                         f"{origin or '(unknown)'}: its transfers form a tree of their own")
            continue
        newly_held: dict[str, dict] = {}
        for transfer in attachable:
            node = builder(transfer.importer, transfer)
            holders[transfer.exporter]["children"].append(node)
            if transfer.importer not in holders:
                known = newly_held.get(transfer.importer)
                if known is None or rank(transfer) < rank(known["transfer"]):
                    newly_held[transfer.importer] = node
        holders.update(newly_held)
        attached = {t.id for t in attachable}
        pending = [t for t in pending if t.id not in attached]

    def freeze(node: dict) -> DiffusionNode:
        children = sorted(node["children"], key=lambda c: (_year_key(c["transfer"].start_year),
                                                           c["party"], c["transfer"].id))
        transfer: Transfer | None = node["transfer"]
        party = node["party"]
        common = {"party": party, "kind": node_kind(catalog, party), "name": _name(catalog, party),
                  "children": tuple(freeze(child) for child in children)}
        if transfer is None:
            return DiffusionNode(**common)
        return DiffusionNode(**common, transfer=transfer.id, exporter=transfer.exporter,
                             year=transfer.start_year, status=transfer.status, outcome=transfer.outcome,
                             facilitators=tuple(transfer.facilitators), event=transfer.event,
                             verdict=verdict(transfer), degree=transfer.degree)

    if not transfers:
        notes.append("no transfer of this practice is recorded")
    reached = sorted({t.importer for t in transfers if counts_as_transfer(t) and t.importer != origin})
    return Diffusion(practice.id, practice.title, origin, len(transfers), tuple(reached),
                     tuple(freeze(root) for root in roots), tuple(notes))


def diffusion_from_country(catalog: Catalog, country: str) -> tuple[Diffusion, ...]:
    """The diffusion tree of every practice originating in ``country`` (ISO3, ISO2 or a name), by id.

    Raises UnknownIdError when the country is unknown or has no practice.
    """
    code = catalog.country_resolver.find(country) or country.upper()
    practices = catalog.practices_by_country.get(code, ())
    if not practices:
        known = sorted(catalog.practices_by_country)
        raise UnknownIdError("country with practices", country, difflib.get_close_matches(code, known, n=3))
    return tuple(diffusion(catalog, practice.id) for practice in practices)


def _describe(node: DiffusionNode) -> str:
    label = f"{node.party} {node.name}" if node.name != node.party else node.party
    if node.transfer is None:
        return label
    facts = [str(node.year) if node.year is not None else "year unknown", node.status or "status unknown",
             f"outcome {node.outcome or 'unknown'}", f"verdict {node.verdict or 'open'}"]
    if node.degree:
        facts.append(f"degree {node.degree}")
    if node.facilitators:
        facts.append("facilitated by " + ", ".join(node.facilitators))
    if node.event:
        facts.append(f"matched at {node.event}")
    return f"{label}: {', '.join(facts)} [{node.transfer}]"


def render_tree(result: Diffusion) -> str:
    """The tree as text, one party per line, in the manner of ``tree(1)``.

    >>> from ..ontology.domain import Catalog, Country, Practice, Transfer
    >>> catalog = Catalog.of(countries=[Country("BGD", "Bangladesh"), Country("PER", "Peru")],
    ...                      practices=[Practice("p", "SDG Tracker", "BGD")],
    ...                      transfers=[Transfer("t1", "p", "BGD", "PER", "agreed", start_year=2018)])
    >>> print(render_tree(diffusion(catalog, "p")))
    p: SDG Tracker (1 transfer)
    BGD Bangladesh (origin)
    └── PER Peru: 2018, agreed, outcome unknown, verdict open [t1]
    """
    lines = [f"{result.practice}: {result.title} ({result.n} transfer{'' if result.n == 1 else 's'})"]

    def draw(node: DiffusionNode, prefix: str) -> None:
        for position, child in enumerate(node.children):
            last = position == len(node.children) - 1
            lines.append(prefix + ("└── " if last else "├── ") + _describe(child))
            draw(child, prefix + ("    " if last else "│   "))

    for index, root in enumerate(result.roots):
        lines.append(_describe(root) + (" (origin)" if index == 0 and root.party == result.origin else ""))
        draw(root, "")
    lines.extend(f"note: {note}" for note in result.notes)
    return "\n".join(lines)
