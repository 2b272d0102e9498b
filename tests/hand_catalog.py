"""A small catalog built by hand, in which every part of every match score is known.

Factor scheme::

    infra > connectivity > broadband        leader > champion        budget

Practice ``p-main`` from AAA: connectivity (critical, 1.0), champion (critical, 1.0),
budget (supporting, 0.5); total 2.5. Targets 16.6 and 17.18. Goal 16 has targets 16.6 and
16.10, goal 17 has 17.18.

Transfers of ``p-main``: to DDD adopted (successful; DDD is in S2, low income), to DDD agreed
earlier, to EEE implementing with outcome success (EEE in S3, upper-middle income), to HHH
agreed, to GGG opportunity, to III stalled.

Expected candidates (weights 0.6 / 0.3 / 0.1; W = 2.5; states as of the current year), shown by
tier (ready, unassessed, blocked), then score:

======  ==========  ========  =======  ========  ======  ==========  ===================================
ISO3    factor_fit  coverage  sdg_fit  evidence  score   tier        why
======  ==========  ========  =======  ========  ======  ==========  ===================================
GGG     0.0         0.0       0.5      0.5       0.20    unassessed  only infra (broader: satisfies
                                                                     nothing); goal-17 need; opportunity
FFF     0.0         0.0       0.0      1.0       0.10    unassessed  no context, no needs; same income
                                                                     group as EEE
III     0.0         0.0       0.0      0.5       0.05    unassessed  stalled, no context, no needs
JJJ     0.0         0.0       0.0      0.5       0.05    unassessed  no context, no needs (after III)
BBB     0.6         1.0       0.5      1.0       0.61    blocked     broadband ⇒ connectivity; champion
                                                                     now absent (critical: blocks);
                                                                     budget: undated "absent" is older
                                                                     than 2012 "present"; goal-16 need
                                                                     covers 16.6; income group of DDD
CCC     0.4         0.8       0.5      1.0       0.49    blocked     champion present 2012, absent
                                                                     2012-07-13; need 17.18; sub-region
                                                                     of EEE
======  ==========  ========  =======  ========  ======  ==========  ===================================

Engaged: DDD adopted, EEE implementing, HHH agreed. AAA is the exporter. Every country is a UN
member state (``country(..., un_member=False)`` makes a territory).
"""

from __future__ import annotations

from psikg.ontology.domain import (
    Catalog, Country, Event, Factor, FactorStatement, Goal, Need, Organization, Practice,
    PracticeFactor, Target, Theme, Transfer,
)

EXPECTED = {  # country: (factor_fit, sdg_fit, evidence, score, coverage, tier)
    "BBB": (0.6, 0.5, 1.0, 0.61, 1.0, "blocked"),
    "CCC": (0.4, 0.5, 1.0, 0.49, 0.8, "blocked"),
    "GGG": (0.0, 0.5, 0.5, 0.20, 0.0, "unassessed"),
    "FFF": (0.0, 0.0, 1.0, 0.10, 0.0, "unassessed"),
    "III": (0.0, 0.0, 0.5, 0.05, 0.0, "unassessed"),
    "JJJ": (0.0, 0.0, 0.5, 0.05, 0.0, "unassessed"),
}
EXPECTED_ORDER = ["GGG", "FFF", "III", "JJJ", "BBB", "CCC"]


def country(iso3: str, subregion: str | None, income: str | None, un_member: bool = True) -> Country:
    return Country(iso3, f"Country {iso3}", "R", subregion, None, income, un_member=un_member)


def base_parts() -> dict:
    """The pieces of the hand catalog, to extend in a test before building it."""
    factors = [
        Factor("infra", "Infrastructure"), Factor("connectivity", "Connectivity", broader="infra"),
        Factor("broadband", "Broadband", broader="connectivity"),
        Factor("leader", "Leadership"), Factor("champion", "Political champion", broader="leader"),
        Factor("budget", "Dedicated budget"),
    ]
    countries = [
        country("AAA", "S1", "LMC"), country("BBB", "S1", "LIC"), country("CCC", "S3", "HIC"),
        country("DDD", "S2", "LIC"), country("EEE", "S3", "UMC"), country("FFF", "S4", "UMC"),
        country("GGG", "S4", None), country("HHH", "S4", None), country("III", "S4", None),
        country("JJJ", "S4", None),
    ]
    practices = [
        Practice("p-main", "Main practice", "AAA", targets=("16.6", "17.18"), themes=("digital",),
                 factors=(PracticeFactor("connectivity", "critical", "Fibre to every district office."),
                          PracticeFactor("champion", "critical", "The prime minister launched it."),
                          PracticeFactor("budget", "supporting")),
                 problem="Citizens travelled far for services.", components=("portal", "centres"),
                 evidence="Visits fell by half.", sources=("https://example.org/p-main",)),
        Practice("p-org", "Organization practice", None, organization="orgx", targets=("17.18",),
                 factors=(PracticeFactor("budget", "critical"),), sources=("https://example.org/p-org",)),
        Practice("p-bare", "Practice without factors", "BBB", targets=("16.6",),
                 sources=("https://example.org/p-bare",)),
    ]
    statements = [
        FactorStatement("AAA", "connectivity", True, "2015", "aaa-2015", ("https://example.org/aaa",)),
        FactorStatement("AAA", "champion", True, "2016", "aaa-2016", ("https://example.org/aaa",)),
        FactorStatement("AAA", "budget", True, None, "aaa-undated", ("https://example.org/aaa",)),
        FactorStatement("BBB", "broadband", True, None, "bbb-undated"),
        FactorStatement("BBB", "champion", True, "2010", "bbb-2010"),
        FactorStatement("BBB", "champion", False, "2015", "bbb-2015"),
        FactorStatement("BBB", "budget", True, "2012", "bbb-2012"),
        FactorStatement("BBB", "budget", False, None, "bbb-undated"),  # undated: oldest, loses
        FactorStatement("CCC", "champion", True, "2012", "ccc-2012"),
        FactorStatement("CCC", "champion", False, "2012-07-13", "ccc-2012-07-13"),
        FactorStatement("CCC", "connectivity", True, "2020", "ccc-2020"),
        FactorStatement("GGG", "infra", True, "2019", "ggg-2019"),
    ]
    needs = [
        Need("bbb-gov", "BBB", "Effective institutions", goals=("16",), themes=("digital",)),
        Need("ccc-data", "CCC", "Better statistics", targets=("17.18", "16.10")),
        Need("ggg-partners", "GGG", "Partnerships", goals=("17",)),
    ]
    transfers = [
        Transfer("t1", "p-main", "AAA", "DDD", "adopted"),
        Transfer("t0", "p-main", "AAA", "DDD", "agreed"),
        Transfer("t2", "p-main", "AAA", "EEE", "implementing", outcome="success"),
        Transfer("t3", "p-main", "AAA", "HHH", "agreed"),
        Transfer("t4", "p-main", "AAA", "GGG", "opportunity"),
        Transfer("t5", "p-main", "AAA", "III", "stalled"),
    ]
    return {
        "countries": countries, "factors": factors, "practices": practices, "statements": statements,
        "needs": needs, "transfers": transfers,
        "goals": [Goal("16", "Peace"), Goal("17", "Partnerships")],
        "targets": [Target("16.6", "16", "Effective institutions"), Target("16.10", "16", "Access to information"),
                    Target("17.18", "17", "Data capacity")],
        "themes": [Theme("digital", "Digital government"), Theme("stats", "Statistics")],
        "organizations": [Organization("orgx", "Org X", kind="international")],
        "events": [Event("ws-1", "Workshop", participants=("AAA", "BBB", "CCC", "EEE"))],
    }


def hand_catalog(**changes) -> Catalog:
    parts = base_parts()
    parts.update(changes)
    return Catalog.of(**parts)
