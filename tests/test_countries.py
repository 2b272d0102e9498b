"""One country resolver: the CSV loader and every command that takes a country read the same
spellings the same way, and a typo gets the same suggestions everywhere."""

from __future__ import annotations

import json
import re

import pytest

import psikg
from psikg.cli import cli
from psikg.errors import InputError

# ISO3, ISO2, short and official names and the variants people write, in any case.
VARIANTS = [
    ("BGD", "BGD"), ("bgd", "BGD"), ("BD", "BGD"), ("Bangladesh", "BGD"),
    ("People's Republic of Bangladesh", "BGD"),
    ("VNM", "VNM"), ("VN", "VNM"), ("Viet Nam", "VNM"), ("Vietnam", "VNM"), ("Socialist Republic of Viet Nam", "VNM"),
    ("Lao PDR", "LAO"), ("Laos", "LAO"), ("Lao People's Democratic Republic", "LAO"),
    ("Republic of Korea", "KOR"), ("South Korea", "KOR"), ("KR", "KOR"),
    ("United Republic of Tanzania", "TZA"), ("Tanzania", "TZA"), ("tz", "TZA"),
    ("Côte d'Ivoire", "CIV"), ("Cote d'Ivoire", "CIV"), ("Côte d’Ivoire", "CIV"), ("Ivory Coast", "CIV"),
]
TYPO, TYPO_SUGGESTS = "Bangladsh", "Bangladesh (BGD)"
SOURCE = "https://example.org/country-variants"


def _csv_context(folder, country: str):
    folder.mkdir(exist_ok=True)
    (folder / "contexts.csv").write_text(
        "country,factor,as_of,present,source,note\n"
        f"\"{country}\",political-champion,2020,yes,{SOURCE},\n", encoding="utf-8")
    return folder


def _hint(text: str) -> str:
    """The suggestions of an error message: what follows 'did you mean'."""
    found = re.search(r"did you mean (.*)\?", text)
    assert found, text
    return found.group(1)


@pytest.fixture(scope="module")
def cli_run(bundled_store_path):
    from click.testing import CliRunner

    def run(*args, code=0):
        result = CliRunner().invoke(cli, ["--store", str(bundled_store_path), *args])
        assert result.exit_code == code, result.output
        return result.output

    return run


@pytest.mark.parametrize("written, iso3", VARIANTS)
def test_csv_loader_reads_every_variant(tmp_path, written, iso3):
    plan = psikg.open(tmp_path / "store.psikg").validate([_csv_context(tmp_path / "in", written)], bundled=False)
    ours = {key for key, node in plan.batch.nodes.items()
            if node.kind == "context" and SOURCE in (node.props.get("sources") or ())}
    countries = {link.target for link in plan.batch.links.values() if link.source in ours and link.rel == "country"}
    assert countries == {f"country/{iso3}"}


@pytest.mark.parametrize("written, iso3", VARIANTS)
def test_commands_read_every_variant(cli_run, written, iso3):
    assert json.loads(cli_run("similar", written, "--format", "json"))["country"] == iso3
    shown = json.loads(cli_run("show", written, "--format", "json"))
    assert (shown["kind"], shown["id"]) == ("country", iso3)
    assert json.loads(cli_run("partnerships", "--country", written, "--format", "json"))["filters"] == {"country": iso3}


def test_a_typo_gets_the_same_suggestions_everywhere(tmp_path, cli_run):
    with pytest.raises(InputError) as raised:
        psikg.open(tmp_path / "store.psikg").validate([_csv_context(tmp_path / "in", TYPO)])
    hints = {"csv": _hint(str(raised.value))}
    for command in (("similar", TYPO), ("show", TYPO), ("partnerships", "--country", TYPO)):
        hints[command[0]] = _hint(cli_run(*command, code=2))
    assert TYPO_SUGGESTS in hints["csv"]
    assert len(set(hints.values())) == 1, hints
    assert len(hints["csv"].split(", ")) == len(set(hints["csv"].split(", ")))  # each country once
