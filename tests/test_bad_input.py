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
    """The paths to load: the case's sub-folders, its RDF files (read one by one), or the case."""
    from psikg.loaders.rdf_input import is_rdf_path

    rdf = sorted(p for p in case.iterdir() if p.is_file() and is_rdf_path(p))
    folders = sorted(p for p in case.iterdir() if p.is_dir() and not p.name.endswith(".csv"))
    return [str(p) for p in rdf + folders] or [str(case)]


def _content(path: Path) -> str:
    """A digest of what the store holds (its file bytes, and every row of every table)."""
    import sqlite3

    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return hashlib.sha256(path.read_bytes() + "\n".join(connection.iterdump()).encode()).hexdigest()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory):
    from click.testing import CliRunner

    path = tmp_path_factory.mktemp("bad") / "store.psikg"
    result = CliRunner().invoke(cli, ["--store", str(path), "load", "--no-bundled", str(DATA / "minimal")])
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_refused_and_store_unchanged(case, loaded_store, runner):
    before = _content(loaded_store)
    for command in ("load", "validate"):
        result = runner.invoke(cli, ["--store", str(loaded_store), command, "--no-bundled", *_inputs(case)])
        assert result.exit_code == 2, (command, result.output)
        for expected in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
            if expected.strip():
                assert expected in result.output, (command, expected, result.output)
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert _content(loaded_store) == before


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
