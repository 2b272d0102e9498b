"""Every command has help with an example and is documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from psikg.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_with_an_example(name, runner):
    result = runner.invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"psikg {name} --help shows no example"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_the_readme(name):
    assert f"psikg {name}" in README, f"README.md does not mention psikg {name}"
