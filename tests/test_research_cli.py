"""Issue 20: the research commands on the bundled network, and the plots' size and content."""

from __future__ import annotations

import csv
import io
import json
import re
import struct

import pytest

from psikg.queries.diffusion import diffusion
from psikg.queries.factor_models import fit_logit
from psikg.views.plots import adoption_curves_plot, diffusion_tree_plot, forest_plot
from psikg.queries.adoption import adoption_curve, Spell

from .test_research_panel import hand_catalog

pytest.importorskip("matplotlib")
pytest.importorskip("pyarrow")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_export_research_writes_every_file_the_same_twice(psikg_cli, tmp_path):
    contents = []
    for run in ("one", "two"):
        result = psikg_cli("export-research", str(tmp_path / run), "--end-year", "2005")
        assert "panel" in result.output
        contents.append({p.name: p.read_bytes() for p in sorted((tmp_path / run).iterdir())})
    assert contents[0] == contents[1]
    assert set(contents[0]) == {f"{stem}.{ext}" for stem in ("panel", "transfers") for ext in
                                ("csv", "parquet", "dictionary.csv")} | {"network.graphml", "network.gexf",
                                                                         "network.dictionary.csv"}
    panel = list(csv.DictReader(io.StringIO(contents[0]["panel.csv"].decode())))
    assert panel and {row["year"] for row in panel} <= {str(y) for y in range(1900, 2006)}
    events = [row for row in panel if row["event"] == "1"]
    assert events and all(row["at_risk"] == "1" and row["adopted"] == "1" and row["transfer"] for row in events)
    transfers = list(csv.DictReader(io.StringIO(contents[0]["transfers.csv"].decode())))
    assert len(transfers) > 100 and {"verdict", "degree", "start_year"} <= set(transfers[0])


def test_export_research_refuses_an_unknown_format(psikg_cli, tmp_path):
    result = psikg_cli("export-research", str(tmp_path), "--formats", "xlsx", code=2)
    assert "unknown format(s) xlsx" in result.output


def test_factor_models_table_csv_and_json_give_the_same_numbers(psikg_cli):
    data = json.loads(psikg_cli("factor-models", "--format", "json").stdout)
    fitted = [m for m in data["models"] if not m["refused"]]
    refused = [m for m in data["models"] if m["refused"]]
    assert fitted and all(m["n"] == m["successes"] + m["failures"] for m in data["models"])
    rows = list(csv.DictReader(io.StringIO(psikg_cli("factor-models", "--format", "csv").stdout)))
    from_json = {(m["name"], c["term"]): c for m in fitted for c in m["coefficients"]}
    for row in rows:
        if row["term"]:
            assert float(row["estimate"]) == pytest.approx(from_json[(row["model"], row["term"])]["estimate"], abs=5e-7)  # CSV rounds to 6 places
    table = psikg_cli("factor-models").stdout
    first = fitted[0]["coefficients"][1]
    assert f"{first['estimate']:.4f}" in table and f"{first['std_error']:.4f}" in table
    for model in refused:
        assert f"not fitted: {model['refused']}" in table


def test_adoption_json_states_n_and_curves(psikg_cli):
    data = json.loads(psikg_cli("adoption", "--by", "region", "--format", "json").stdout)
    assert data["spells"] > 1000 and data["events"] > 10
    assert {c["grouping"] for c in data["curves"]} == {"region"}
    assert sum(c["events"] for c in data["curves"]) == data["events"]
    assert {e["exposure"] for e in data["exposure"]} == {"neighbour", "network", "event", "any"}


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_plot_command_writes_the_file(psikg_cli, tmp_path, fmt):
    out = tmp_path / f"tree.{fmt}"
    psikg_cli("plot", "diffusion", str(out), "--practice", "est-x-road")
    assert out.stat().st_size > 5000


def test_adoption_curves_svg_names_every_group_and_png_has_a_size():
    curves = [adoption_curve([Spell("A", "p", 2000, d, e, None, None) for d, e in ((1, 1), (2, 0), (3, 1))],
                             "region", "Africa"),
              adoption_curve([Spell("B", "p", 2000, d, e, None, None) for d, e in ((2, 1), (4, 0))], "region", "Asia")]
    svg = adoption_curves_plot(curves, "svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Africa (n=3, 2 adopted)" in svg and "Asia (n=2, 1 adopted)" in svg
    assert 5_000 < len(svg) < 500_000 and adoption_curves_plot(curves, "svg").decode() == svg
    width, height = png_size(adoption_curves_plot(curves, "png"))
    assert width > 500 and height > 300


def test_forest_plot_shows_each_term_or_the_refusal():
    rows = [{"x": float(x), "success": y} for x, y, n in ((1, 1, 8), (1, 0, 4), (0, 1, 6), (0, 0, 12)) for _ in range(n)]
    svg = forest_plot(fit_logit("hand", rows, numeric=("x",)), "svg").decode()
    texts = re.findall(r">([^<>]+)</text>", svg)
    assert "x" in texts and "hand: odds ratio of success (n=30, 14 successes)" in texts
    refused = forest_plot(fit_logit("tiny", rows[:10], numeric=("x",)), "svg").decode()
    assert "not fitted: too few transfers" in refused


def test_diffusion_tree_plot_names_every_party_and_hop():
    result = diffusion(hand_catalog(), "p")
    svg = diffusion_tree_plot(result, "svg").decode()
    for text in ("AAA", "BBB", "DDD", "copy", "2019", "success"):
        assert text in svg, text
    width, height = png_size(diffusion_tree_plot(result, "png"))
    assert width >= 400 and height >= 200
