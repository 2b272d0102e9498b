"""``--format csv`` never hands a spreadsheet a formula (issue 17): a cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'``; ``--csv-raw`` writes the data as it is."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import psikg
from psikg.cli import cli
from psikg.commands.common import csv_cell

DATA = Path(__file__).parent / "data"
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)*cmd",
            "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", FORMULAS)
def test_formula_cells_are_neutralised(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value, shown", [("plain text", "plain text"), (-0.5, "-0.5"), (-3, "-3"), (None, ""),
                                          ("a=b", "a=b"), (True, "True")])
def test_other_cells_are_unchanged(value, shown):
    assert csv_cell(value) == shown


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")
    data = folder / "data"
    shutil.copytree(DATA / "minimal", data)
    practices = data / "practices.csv"
    text = practices.read_text(encoding="utf-8")
    practices.write_text(text.replace("One-stop service centres", '"=HYPERLINK(""http://evil.example"",""x"")"'),
                         encoding="utf-8")
    psikg.open(folder / "store.psikg").load([data], bundled=False)
    return folder / "store.psikg"


def _show(store, *options) -> dict[str, str]:
    result = CliRunner().invoke(cli, ["--store", str(store), "show", "one-stop", "--format", "csv", *options])
    assert result.exit_code == 0, result.output
    return {row[0]: row[1] for row in csv.reader(io.StringIO(result.stdout)) if len(row) >= 2}


def test_cli_csv_output_is_neutralised_unless_raw(hostile_store):
    assert _show(hostile_store)["title"] == '\'=HYPERLINK("http://evil.example","x")'
    assert _show(hostile_store, "--csv-raw")["title"] == '=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize("text", [*FORMULAS, "-0.5", "-3", "plain", "a=b"])
def test_every_csv_writer_defuses_alike(text):
    """The CLI, the research files and the served CSV pages write a cell by the one rule."""
    from psikg.lod.routes.app_common import _csv_cell
    from psikg.views.research_files import safe_cell

    assert csv_cell(text) == safe_cell(text) == _csv_cell(text)
