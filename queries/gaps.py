"""SDG supply and demand gaps: targets asked for with no practice, practices nobody asks for.

*Demand* is the SDG targets of needs (a need tagged with a goal asks for every target of that goal:
:func:`queries.rules.need_targets`); *supply* is the SDG targets of practices (every practice in the
graph is by definition one that worked somewhere). A scope (one country, an M49 region, sub-region
or intermediate region, or the LDC, LLDC or SIDS group) selects the countries whose needs and
practices are looked at, and each scoped side is compared with the other side *anywhere*:

* ``unmet``: targets the scope's needs ask for that no practice anywhere addresses;
* ``unasked``: targets the scope's practices address that no need anywhere asks for.

Without a scope both sides cover every country. Per goal: how many targets the scope demands,
supplies, has covered (demanded and addressed by a practice anywhere), unmet and unasked. Targets
are ordered as the UN lists them (1.1, 1.2, ... 1.10, 1.a).

The figures are only as complete as the needs recorded: the result states ``n_needs`` (needs in the
scope) and ``n_practices`` (practices in the scope) and flags ``small_sample`` when the scope has
fewer than :data:`queries.sample.SMALL_N` needs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..errors import QueryError, UnknownIdError
from ..ontology.domain import Catalog
from .lookup import country_of
from .rules import need_targets
from .sample import is_small, small_note

__all__ = ["TargetGap", "GoalTotals", "Gaps", "gaps", "GROUPS", "target_order"]

GROUPS = ("LDC", "LLDC", "SIDS")


@dataclass(frozen=True)
class TargetGap:
    """One target: for an unmet one the countries and needs asking for it, for an unasked one the
    exporting countries and practices addressing it."""

    target: str
    goal: str
    title: str
    countries: tuple[str, ...]
    needs: tuple[str, ...] = ()
    practices: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"target": self.target, "goal": self.goal, "title": self.title,
                "countries": list(self.countries), "needs": list(self.needs),
                "practices": list(self.practices)}


@dataclass(frozen=True)
class GoalTotals:
    """Counts of targets of one goal."""

    goal: str
    title: str
    demanded: int
    supplied: int
    covered: int
    unmet: int
    unasked: int

    def as_dict(self) -> dict:
        return {"goal": self.goal, "title": self.title, "demanded": self.demanded, "supplied": self.supplied,
                "covered": self.covered, "unmet": self.unmet, "unasked": self.unasked}


@dataclass(frozen=True)
class Gaps:
    """The gaps of one scope (``scope`` = {"country": ...}, {"region": ...}, {"group": ...} or {})."""

    scope: dict
    n_countries: int
    n_needs: int
    n_practices: int
    unmet: tuple[TargetGap, ...]
    unasked: tuple[TargetGap, ...]
    goals: tuple[GoalTotals, ...]
    small_sample: bool
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"scope": dict(self.scope), "n_countries": self.n_countries, "n_needs": self.n_needs,
                "n_practices": self.n_practices, "small_sample": self.small_sample,
                "unmet": [g.as_dict() for g in self.unmet], "unasked": [g.as_dict() for g in self.unasked],
                "goals": [g.as_dict() for g in self.goals], "notes": list(self.notes)}

    def rows(self) -> list[dict]:
        """One row per gap, for tables and CSV."""
        return ([{"gap": "unmet", **g.as_dict()} for g in self.unmet]
                + [{"gap": "unasked", **g.as_dict()} for g in self.unasked])


def target_order(target: str) -> tuple:
    """Sort key of an SDG target id, as the UN lists them.

    >>> sorted(["1.a", "1.10", "10.1", "1.2"], key=target_order)
    ['1.2', '1.10', '1.a', '10.1']
    """
    goal, _, rest = target.partition(".")
    goal_key = int(goal) if goal.isdigit() else 10**6
    return (goal_key, goal, 0 if rest.isdigit() else 1, int(rest) if rest.isdigit() else 0, rest)


def _goal_of(catalog: Catalog, target: str) -> str:
    found = catalog.targets.get(target)
    return found.goal if found and found.goal else target.partition(".")[0]


def _scope(catalog: Catalog, country, region, group) -> tuple[dict, frozenset[str] | None]:
    """The scope's description and its countries (None = every country, with or without a record)."""
    given = [(name, value) for name, value in (("country", country), ("region", region), ("group", group))
             if value]
    if len(given) > 1:
        raise QueryError("give at most one of country, region and group")
    if not given:
        return {}, None
    name, value = given[0]
    if name == "country":
        found = country_of(catalog, value).id
        return {"country": found}, frozenset([found])
    if name == "group":
        if value.upper() not in GROUPS:
            raise UnknownIdError("group", value, difflib.get_close_matches(value.upper(), GROUPS, n=1))
        flag = value.lower()
        return {"group": value.upper()}, frozenset(c.id for c in catalog.countries.values() if getattr(c, flag))
    regions = {}
    for c in catalog.countries.values():
        for area in (c.region, c.subregion, c.intermediate_region):
            if area:
                regions.setdefault(area.casefold(), area)
    if value.casefold() not in regions:
        raise UnknownIdError("region", value, difflib.get_close_matches(value, sorted(set(regions.values())), n=3))
    wanted = value.casefold()
    members = frozenset(c.id for c in catalog.countries.values()
                        if wanted in {(area or "").casefold()
                                      for area in (c.region, c.subregion, c.intermediate_region)})
    return {"region": regions[wanted]}, members


def gaps(catalog: Catalog, country: str | None = None, region: str | None = None,
         group: str | None = None) -> Gaps:
    """Unmet and unasked SDG targets, with per-goal totals, for one scope (or everywhere).

    Parameters
    ----------
    catalog : the graph's read model.
    country : ISO3 code (any case) or exact country name.
    region : an M49 region, sub-region or intermediate region name (any case), e.g. ``Africa``,
        ``Southern Asia``.
    group : ``LDC``, ``LLDC`` or ``SIDS``.

    Give at most one of them. Raises UnknownIdError for an unknown country, region or group.
    """
    scope, members = _scope(catalog, country, region, group)

    def in_scope(party: str | None) -> bool:
        return members is None or party in members

    demand_anywhere: set[str] = set()
    demand: dict[str, list] = {}  # target -> [(country, need id)] in scope
    needs_in_scope = untargeted = 0
    for need in sorted(catalog.needs.values(), key=lambda n: n.id):
        targets = need_targets(catalog, need)
        demand_anywhere |= targets
        if in_scope(need.country):
            needs_in_scope += 1
            untargeted += not targets
            for target in targets:
                demand.setdefault(target, []).append((need.country, need.id))

    supply_anywhere: set[str] = set()
    supply: dict[str, list] = {}  # target -> [(country, practice id)] in scope
    practices_in_scope = 0
    for practice in sorted(catalog.practices.values(), key=lambda p: p.id):
        supply_anywhere |= set(practice.targets)
        if in_scope(practice.country):
            practices_in_scope += 1
            for target in practice.targets:
                supply.setdefault(target, []).append((practice.country, practice.id))

    def title(target: str) -> str:
        found = catalog.targets.get(target)
        return found.title if found else ""

    unmet = tuple(TargetGap(t, _goal_of(catalog, t), title(t),
                            tuple(sorted({c for c, _ in demand[t] if c})), tuple(n for _, n in demand[t]))
                  for t in sorted(set(demand) - supply_anywhere, key=target_order))
    unasked = tuple(TargetGap(t, _goal_of(catalog, t), title(t),
                              tuple(sorted({c for c, _ in supply[t] if c})), (), tuple(p for _, p in supply[t]))
                    for t in sorted(set(supply) - demand_anywhere, key=target_order))

    goal_ids = sorted({_goal_of(catalog, t) for t in set(demand) | set(supply)},
                      key=lambda g: (int(g) if g.isdigit() else 10**6, g))
    goals = []
    for goal in goal_ids:
        demanded = {t for t in demand if _goal_of(catalog, t) == goal}
        supplied = {t for t in supply if _goal_of(catalog, t) == goal}
        found = catalog.goals.get(goal)
        goals.append(GoalTotals(goal, found.title if found else "", len(demanded), len(supplied),
                                len(demanded & supply_anywhere), len(demanded - supply_anywhere),
                                len(supplied - demand_anywhere)))

    notes = []
    if is_small(needs_in_scope):
        notes.append(small_note("needs in this scope", needs_in_scope))
    if untargeted:
        notes.append(f"{untargeted} need(s) in this scope name no SDG target or goal and are not counted")
    n_countries = len(members) if members is not None else len(catalog.countries)
    return Gaps(scope, n_countries, needs_in_scope, practices_in_scope, unmet, unasked, tuple(goals),
                is_small(needs_in_scope), tuple(notes))
