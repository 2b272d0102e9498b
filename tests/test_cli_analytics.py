"""The paths, diffusion, factors, gaps and network commands on the bundled network (issue 5)."""

from __future__ import annotations

import csv
import io
import json




def test_paths_bgd_per_is_the_sdg_tracker_transfer(psikg_cli):
    data = json.loads(psikg_cli("paths", "BGD", "PER", "--format", "json").stdout)
    assert not data["fallback"]
    first = data["paths"][0]
    assert (first["kind"], first["countries"]) == ("transfer", ["BGD", "PER"])
    via = first["hops"][0]["via"][0]
    assert (via["id"], via["practice"], via["status"]) == ("bgd-sdg-tracker-to-per", "bgd-sdg-tracker", "agreed")
    table = psikg_cli("paths", "BGD", "PER").stdout
    assert "bgd-sdg-tracker (BGD->PER," in table  # the via cell may wrap after the comma


def test_paths_without_a_transfer_path_say_so(psikg_cli):
    result = psikg_cli("paths", "BGD", "FJI", "--k", "2", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {row["kind"] for row in rows} == {"cooperation"}
    assert "no transfer path from BGD to FJI" in result.stderr


def test_diffusion_of_the_bangladesh_practices(psikg_cli):
    tree = psikg_cli("diffusion", "BGD").stdout
    assert "BGD Bangladesh (origin)" in tree
    assert "└── PER Peru: 2018, agreed" in tree and "[bgd-sdg-tracker-to-per]" in tree
    assert "SOM Somalia: 2017, implementing" in tree
    data = json.loads(psikg_cli("diffusion", "bgd-sdg-tracker", "--format", "json").stdout)
    assert data["origin"] == "BGD" and [c["party"] for c in data["roots"][0]["children"]] == ["PER"]


def test_factors_gaps_network_in_every_format(psikg_cli):
    for command in (["factors"], ["factors", "--maturity"], ["gaps"], ["gaps", "--group", "sids"],
                    ["gaps", "--region", "Southern Asia", "--by-goal"], ["network"]):
        for fmt in ("table", "json", "csv"):
            psikg_cli(*command, "--format", fmt)
    factors = json.loads(psikg_cli("factors", "--format", "json").stdout)
    assert {"n", "factors", "maturity", "notes"} <= set(factors)
    network = json.loads(psikg_cli("network", "--format", "json").stdout)
    assert "BGD" in [b["party"] for b in network["brokers"]]


def test_bad_arguments(psikg_cli):
    assert "did you mean" in psikg_cli("paths", "BGX", "PER", code=2).output
    assert "unknown practice" in psikg_cli("diffusion", "no-such-practice", code=2).output
    psikg_cli("gaps", "--country", "BGD", "--group", "LDC", code=2)
    psikg_cli("paths", "BGD", "PER", "--k", "0", code=2)
