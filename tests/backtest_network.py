"""A hand-built network for the backtest, where every answer is worked out by hand.

Countries (all UN member states): AAA (sub-region S1, income H, the exporter of p1), BBB (S1, L),
CCC (S2, L), DDD (S2, H), EEE (S3, L). Factors f1, f2. Practice p1 (2010, from AAA):
preconditions f1 critical (1.0) and f2 supporting (0.5), W = 1.5; target 16.6. Practice p2
(2005, from BBB) has no factors.

Statements: BBB f1, f2 present (2011); CCC f1 present (2011), f2 absent (2014); DDD f1 absent
(2012). Needs: CCC 16.6 (undated, always counts); EEE 16.6 raised at an event of 2013-05-01.

Transfers: t1 p1 AAA→BBB 2011 adopted/success (no history); t2 p1 AAA→CCC 2014, history agreed
2014, implementing 2015, adopted 2017 with outcome success; t3 p1 AAA→EEE 2015 opportunity;
t4 p1 AAA→DDD 2013 abandoned (no history); t6 p2 BBB→EEE 2010 adopted.

As of 2012 (weights 0.6/0.3/0.1): candidates of p1 are CCC, DDD, EEE (BBB engaged by t1).

======  ==========  ========  =======  ========  =====  ==========
ISO3    factor_fit  coverage  sdg_fit  evidence  score  tier
======  ==========  ========  =======  ========  =====  ==========
CCC     2/3         2/3       1        1 (L)     0.8    ready
EEE     0           0         0        1 (L)     0.1    unassessed
DDD     0           2/3       0        0.5       0.05   blocked
======  ==========  ========  =======  ========  =====  ==========

Later importers of p1 after 2012: CCC (t2, 2014, agreed) and DDD (t4, 2013, abandoned without
history: counts); EEE's t3 is an opportunity and never counts. As of 2013: EEE's need counts
(sdg 1, score 0.4, still unassessed and second), t4 has started (DDD is no longer later), so the
only later importer is CCC. From 2014 on nothing later is agreed: no case. Default origin years:
2012 to 2014 (the latest start, 2015, minus one).
"""

from __future__ import annotations

from psikg.ontology.domain import (
    Catalog, Country, Event, Factor, FactorStatement, Goal, Need, Practice, PracticeFactor, StatusStep, Target,
    Transfer,
)


def country(iso3: str, subregion: str, income: str) -> Country:
    return Country(iso3, f"Country {iso3}", "R", subregion, None, income, un_member=True)


def backtest_catalog() -> Catalog:
    t2_steps = (StatusStep("t2-1", "agreed", "2014"), StatusStep("t2-2", "implementing", "2015"),
                StatusStep("t2-3", "adopted", "2017", outcome="success"))
    return Catalog.of(
        countries=[country("AAA", "S1", "H"), country("BBB", "S1", "L"), country("CCC", "S2", "L"),
                   country("DDD", "S2", "H"), country("EEE", "S3", "L")],
        factors=[Factor("f1", "Factor one"), Factor("f2", "Factor two")],
        practices=[Practice("p1", "Practice one", "AAA", year=2010, targets=("16.6",),
                            factors=(PracticeFactor("f1", "critical"), PracticeFactor("f2", "supporting"))),
                   Practice("p2", "Practice two", "BBB", year=2005)],
        statements=[FactorStatement("BBB", "f1", True, "2011"), FactorStatement("BBB", "f2", True, "2011"),
                    FactorStatement("CCC", "f1", True, "2011"), FactorStatement("CCC", "f2", False, "2014"),
                    FactorStatement("DDD", "f1", False, "2012")],
        needs=[Need("n-ccc", "CCC", "Need of CCC", targets=("16.6",)),
               Need("n-eee", "EEE", "Need of EEE", targets=("16.6",), event="ev2013")],
        events=[Event("ev2013", "Workshop", start_date="2013-05-01")],
        transfers=[Transfer("t1", "p1", "AAA", "BBB", "adopted", "success", start_year=2011),
                   Transfer("t2", "p1", "AAA", "CCC", "adopted", "success", start_year=2014, steps=t2_steps),
                   Transfer("t3", "p1", "AAA", "EEE", "opportunity", start_year=2015),
                   Transfer("t4", "p1", "AAA", "DDD", "abandoned", start_year=2013),
                   Transfer("t6", "p2", "BBB", "EEE", "adopted", start_year=2010)],
        goals=[Goal("16", "Goal 16")], targets=[Target("16.6", "16", "Target 16.6")],
    )
