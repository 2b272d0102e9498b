"""The synthetic generator is deterministic and its output loads as user data."""

from __future__ import annotations

import filecmp

import psikg
from psikg.cli import cli


def test_generated_network_is_deterministic_and_loads(tmp_path, runner):
    for name in ("a", "b"):
        result = runner.invoke(cli, ["generate", "--countries", "20", "--practices", "200", "--factors", "30",
                                     "--seed", "7", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert mismatch == [] and errors == [] and len(match) == 8
    graph = psikg.open(tmp_path / "store.psikg")
    graph.load([tmp_path / "a"], bundled=False)
    catalog = graph.catalog
    assert len(catalog.practices) == 200
    assert len({p.country for p in catalog.practices.values()}) <= 20
    assert all(p.factors for p in catalog.practices.values())
    assert catalog.transfers and catalog.statements and catalog.needs
