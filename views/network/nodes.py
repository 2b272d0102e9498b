"""The node of any catalog item in a view, with the essentials its tooltip and details panel show."""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cached_property
from typing import Iterable

from ...ontology.domain import Catalog
from ...queries import rules
from ...queries.lookup import sdg_key
from .model import VizNode, node_iri
from .style import STATUS_ORDER

__all__ = ["NodeMaker", "short", "goal_of_target", "theme_closure", "regions_of", "LABEL_LIMIT", "TEXT_LIMIT"]

LABEL_LIMIT = 28
TEXT_LIMIT = 220


def short(text: str | None, limit: int = LABEL_LIMIT) -> str:
    """The text on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def goal_of_target(catalog: Catalog, target: str) -> str:
    """The SDG goal of a target (from the catalog, else from its code)."""
    found = catalog.targets.get(target)
    return found.goal if found and found.goal else str(target).split(".")[0]


def theme_closure(catalog: Catalog, themes: Iterable[str]) -> tuple[str, ...]:
    """The themes and every broader theme of each (a broad theme filter finds narrower ones)."""
    seen: set[str] = set()
    for theme in themes:
        if theme:
            seen.update(rules.concept_ancestors(catalog.themes, theme))
    return tuple(sorted(seen))


def regions_of(catalog: Catalog, country: str | None) -> tuple[str, ...]:
    """A country's M49 region and sub-region (what the region filter tests)."""
    found = catalog.countries.get(country) if country else None
    if found is None:
        return ()
    return tuple(r for r in (found.region, found.subregion) if r)


def counts_text(counter: Counter) -> str:
    """Transfers counted by status, in status order (``2 adopted, 1 stalled``)."""
    return ", ".join(f"{counter[s]} {s}" for s in STATUS_ORDER if counter.get(s)) or "none"



class NodeMaker:
    """Builds the node of any catalog item, with its essentials, once per view."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.transfers_out: Counter = Counter()
        self.transfers_in: Counter = Counter()
        self.by_practice: dict[str, Counter] = defaultdict(Counter)
        for transfer in catalog.transfers.values():
            if transfer.exporter:
                self.transfers_out[transfer.exporter] += 1
            if transfer.importer:
                self.transfers_in[transfer.importer] += 1
            self.by_practice[transfer.practice][transfer.status] += 1

    @cached_property
    def _uses(self) -> dict[str, Counter]:
        """How many practices name each factor, theme, target and goal: counted on first need (a
        view of countries alone never needs it, and at 100,000 practices it takes a while)."""
        uses = {kind: Counter() for kind in ("factor", "theme", "target", "goal")}
        for practice in self.catalog.practices.values():
            uses["factor"].update({pf.factor for pf in practice.factors})
            uses["theme"].update(set(practice.themes))
            uses["target"].update(set(practice.targets))
            uses["goal"].update({goal_of_target(self.catalog, t) for t in practice.targets})
        return uses

    @property
    def factor_uses(self) -> Counter:
        return self._uses["factor"]

    @property
    def theme_uses(self) -> Counter:
        return self._uses["theme"]

    @property
    def goal_uses(self) -> Counter:
        return self._uses["goal"]

    @property
    def target_uses(self) -> Counter:
        return self._uses["target"]

    def _node(self, kind, id_, label, title, lines, **kw) -> VizNode:
        iri = node_iri(kind, id_)
        return VizNode(f"{kind}/{id_}", kind, id_, label, title, iri,
                       tuple(line for line in lines if line), **kw)

    def country(self, iso3: str) -> VizNode:
        c = self.catalog.countries.get(iso3)
        name = c.name if c else iso3
        flags = [f for f, on in (("LDC", c and c.ldc), ("LLDC", c and c.lldc), ("SIDS", c and c.sids)) if on]
        out, in_ = self.transfers_out.get(iso3, 0), self.transfers_in.get(iso3, 0)
        practices = len(self.catalog.practices_by_country.get(iso3, ()))
        needs = len(self.catalog.needs_by_country.get(iso3, ()))
        lines = [
            f"Country {iso3}",
            " / ".join(r for r in (c.region, c.subregion) if r) if c else "",
            f"Income group: {c.income_group}" if c and c.income_group else "",
            ", ".join(flags),
            f"Practices: {practices}; needs: {needs}",
            f"Transfers out: {out}; in: {in_}",
        ]
        return self._node("country", iso3, short(name), name, lines, value=1.0 + out + in_,
                          measure=f"{out + in_} transfer{'s' * (out + in_ != 1)}",
                          regions=regions_of(self.catalog, iso3))

    def practice(self, practice_id: str) -> VizNode:
        p = self.catalog.practices[practice_id]
        country = self.catalog.countries.get(p.country) if p.country else None
        organization = self.catalog.organizations.get(p.organization) if p.organization else None
        critical = sum(1 for pf in p.factors if pf.role == "critical")
        statuses = self.by_practice.get(practice_id, Counter())
        total = sum(statuses.values())
        lines = [
            f"Practice from {country.name if country else p.country or '?'}"
            + (f", run by {organization.name}" if organization else ""),
            ", ".join(x for x in (str(p.year) if p.year else "", p.maturity or "") if x),
            "Themes: " + ", ".join(self._theme_label(t) for t in p.themes) if p.themes else "",
            "SDG targets: " + ", ".join(sorted(p.targets, key=sdg_key)) if p.targets else "",
            f"Success factors: {critical} critical, {len(p.factors) - critical} supporting" if p.factors else "",
            f"Transfers: {counts_text(statuses)}" if total else "Transfers: none recorded",
        ]
        goals = tuple(sorted({goal_of_target(self.catalog, t) for t in p.targets}, key=sdg_key))
        return self._node("practice", practice_id, short(p.title), p.title, lines, value=1.0 + total,
                          measure=f"{total} transfer{'s' * (total != 1)}", goals=goals,
                          regions=regions_of(self.catalog, p.country),
                          themes=theme_closure(self.catalog, p.themes))

    def _theme_label(self, theme: str) -> str:
        found = self.catalog.themes.get(theme)
        return found.label if found else theme

    def need(self, need_id: str) -> VizNode:
        n = self.catalog.needs[need_id]
        country = self.catalog.countries.get(n.country)
        targets = sorted(n.targets, key=sdg_key)
        lines = [
            f"Need of {country.name if country else n.country}",
            f"Priority: {n.priority}" if n.priority else "",
            "SDG targets: " + ", ".join(targets) if targets else "",
            "SDG goals: " + ", ".join(sorted(n.goals, key=sdg_key)) if n.goals else "",
            "Themes: " + ", ".join(self._theme_label(t) for t in n.themes) if n.themes else "",
        ]
        goals = tuple(sorted(set(n.goals) | {goal_of_target(self.catalog, t) for t in n.targets}, key=sdg_key))
        return self._node("need", need_id, short(n.title), n.title, lines, goals=goals,
                          regions=regions_of(self.catalog, n.country),
                          themes=theme_closure(self.catalog, n.themes))

    def factor(self, factor_id: str) -> VizNode:
        f = self.catalog.factors.get(factor_id)
        label = f.label if f else factor_id
        broader = self.catalog.factors.get(f.broader) if f and f.broader else None
        lines = [
            "Success factor",
            f"Broader: {broader.label}" if broader else "",
            f"Practices that name it: {self.factor_uses.get(factor_id, 0)}",
            short(f.definition, TEXT_LIMIT) if f and f.definition else "",
        ]
        return self._node("factor", factor_id, short(label), label, lines)

    def theme(self, theme_id: str) -> VizNode:
        t = self.catalog.themes.get(theme_id)
        label = t.label if t else theme_id
        lines = [
            "Theme",
            f"Broader: {self._theme_label(t.broader)}" if t and t.broader else "",
            f"Practices: {self.theme_uses.get(theme_id, 0)}",
            short(t.definition, TEXT_LIMIT) if t and t.definition else "",
        ]
        return self._node("theme", theme_id, short(label), label, lines,
                          themes=theme_closure(self.catalog, [theme_id]))

    def goal(self, goal_id: str) -> VizNode:
        g = self.catalog.goals.get(goal_id)
        title = g.title if g else ""
        lines = [f"SDG goal {goal_id}", short(title, TEXT_LIMIT),
                 f"Practices addressing it: {self.goal_uses.get(goal_id, 0)}"]
        return self._node("goal", goal_id, f"SDG {goal_id}", f"SDG {goal_id}: {title}".rstrip(": "), lines,
                          goals=(goal_id,))

    def target(self, target_id: str) -> VizNode:
        t = self.catalog.targets.get(target_id)
        lines = [f"SDG target {target_id}", short(t.title if t else "", TEXT_LIMIT),
                 f"Practices addressing it: {self.target_uses.get(target_id, 0)}"]
        return self._node("target", target_id, target_id, f"Target {target_id}", lines,
                          goals=(goal_of_target(self.catalog, target_id),))

    def organization(self, org_id: str) -> VizNode:
        o = self.catalog.organizations.get(org_id)
        name = o.name if o else org_id
        country = self.catalog.countries.get(o.country) if o and o.country else None
        exported = self.transfers_out.get(org_id, 0)
        lines = ["Organization" + (f" ({o.kind})" if o and o.kind else ""),
                 f"Based in {country.name}" if country else "",
                 f"Transfers out: {exported}" if exported else ""]
        return self._node("organization", org_id, short(name), name, lines,
                          regions=regions_of(self.catalog, o.country if o else None))

    def network(self, network_id: str) -> VizNode:
        n = self.catalog.networks[network_id]
        lines = ["Network", f"Members: {len(n.members)}", f"Founded: {n.founded}" if n.founded else ""]
        return self._node("network", network_id, short(n.name), n.name, lines)

    def event(self, event_id: str) -> VizNode:
        e = self.catalog.events[event_id]
        country = self.catalog.countries.get(e.country) if e.country else None
        where = ", ".join(x for x in (e.place, country.name if country else e.country) if x)
        dates = " to ".join(d for d in (e.start_date, e.end_date) if d)
        lines = ["Event", where, dates,
                 f"Participating countries: {e.participant_count or len(e.participants)}",
                 f"Partnership opportunities: {e.opportunities}" if e.opportunities is not None else ""]
        return self._node("event", event_id, short(e.name), e.name, lines,
                          regions=regions_of(self.catalog, e.country))

    def of(self, kind: str, id_: str) -> VizNode:
        return getattr(self, kind)(id_)
