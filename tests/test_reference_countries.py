"""The countries a load starts from agree with the UNSD M49 overview (reference copy)."""

from __future__ import annotations

import csv

from psikg.loaders.reference import country_records


def test_countries_match_m49_overview(shared_reference):
    records = country_records()
    differences = []
    with open(shared_reference / "countries" / "unsd-m49-overview-en.csv", encoding="utf-8-sig") as handle:
        rows = [r for r in csv.DictReader(handle) if r["ISO-alpha3 Code"]]
    for row in rows:
        iso3 = row["ISO-alpha3 Code"]
        ours = records.get(iso3)
        if ours is None:
            differences.append(f"{iso3}: missing")
            continue
        expected = {
            "m49": row["M49 Code"], "region": row["Region Name"] or None,
            "subregion": row["Sub-region Name"] or None,
            "intermediate_region": row["Intermediate Region Name"] or None,
            "ldc": row["Least Developed Countries (LDC)"] == "x",
            "lldc": row["Land Locked Developing Countries (LLDC)"] == "x",
            "sids": row["Small Island Developing States (SIDS)"] == "x",
        }
        for key, value in expected.items():
            if ours.get(key) != value:
                differences.append(f"{iso3} {key}: ours {ours.get(key)!r}, M49 {value!r}")
    print("\n".join(differences))
    assert differences == []
    assert len(rows) == 248
    assert sum(r["ldc"] for r in records.values()) == 45
    assert sum(r["lldc"] for r in records.values()) == 32
    assert sum(r["sids"] for r in records.values()) == 53
    assert sum(r["un_member"] for r in records.values()) == 193
