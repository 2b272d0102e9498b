"""Every class of bad input is refused with a clear message, exit status 2 and no change to the
store. Each case is a folder in tests/bad_inputs/ with its files and the expected message parts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from psikg.cli import cli

from .conftest import DATA

CASES = sorted(p for p in (Path(__file__).parent / "bad_inputs").iterdir() if p.is_dir())


def _inputs(case: Path) -> list[str]:
    folders = sorted(p for p in case.iterdir() if p.is_dir())
    return [str(p) for p in folders] or [str(case)]


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory):
    from click.testing import CliRunner

    path = tmp_path_factory.mktemp("bad") / "store.psikg"
    result = CliRunner().invoke(cli, ["--store", str(path), "load", "--no-bundled", str(DATA / "minimal")])
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_refused_and_store_unchanged(case, loaded_store, runner):
    before = hashlib.sha256(loaded_store.read_bytes()).hexdigest()
    for command in ("load", "validate"):
        result = runner.invoke(cli, ["--store", str(loaded_store), command, "--no-bundled", *_inputs(case)])
        assert result.exit_code == 2, (command, result.output)
        for expected in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
            if expected.strip():
                assert expected in result.output, (command, expected, result.output)
        assert "Traceback" not in result.output
    assert hashlib.sha256(loaded_store.read_bytes()).hexdigest() == before


def test_all_errors_of_a_file_are_reported(tmp_path, runner):
    (tmp_path / "practices.csv").write_text(
        "id,title,country,maturity,source\n"
        "p1,A,Atlantis,pilot,https://example.org\n"
        "p2,B,BGD,mature,https://example.org\n"
        "P 3,C,BGD,pilot,https://example.org\n", encoding="utf-8")
    result = runner.invoke(cli, ["--store", str(tmp_path / "s.psikg"), "validate", "--no-bundled", str(tmp_path)])
    assert result.exit_code == 2
    assert "row 2" in result.output and "row 3" in result.output and "row 4" in result.output
    assert "3 problem(s)" in result.output
    assert not (tmp_path / "s.psikg").exists()
