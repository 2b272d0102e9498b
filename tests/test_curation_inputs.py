"""Curation inputs besides CSV folders (issue 3): .xlsx workbooks, YAML and JSON records, the
templates, value forms (countries, SDG codes), warnings, and `validate` = `load` without writing."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json

import pytest
import yaml
from openpyxl import Workbook, load_workbook

import psikg
from psikg.cli import cli
from psikg.errors import InputError
from psikg.loaders import prepare_load
from psikg.loaders.reference import country_records
from psikg.loaders.tables import TABLES
from psikg.loaders.values import BadValue, CountryResolver, parse_sdg

from .conftest import DATA

MINIMAL = DATA / "minimal"


def _minimal_tables() -> dict[str, list[dict[str, str]]]:
    tables = {}
    for path in sorted(MINIMAL.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            tables[path.stem] = list(csv.DictReader(handle))
    return tables


def _facts(batch) -> tuple:
    """A load's content, independent of where the rows came from."""
    nodes = sorted((key, json.dumps(node.props, sort_keys=True, default=str)) for key, node in batch.nodes.items())
    links = sorted((link.key, json.dumps(link.prop_dict(), sort_keys=True, default=str))
                   for link in batch.links.values())
    return nodes, links


def _write_workbook(path, tables) -> None:
    book = Workbook()
    book.remove(book.active)
    for name, rows in tables.items():
        sheet = book.create_sheet(name)
        columns = list(rows[0])
        sheet.append(columns)
        for row in rows:
            sheet.append([row[c] for c in columns])
    book.save(path)


def _records(tables, lists: bool) -> dict:
    """The tables as records; with ``lists``, multi-valued cells become lists."""
    out = {}
    for name, rows in tables.items():
        out[name] = []
        for row in rows:
            record = {}
            for column, value in row.items():
                if value == "":
                    continue
                record[column] = value.split(";") if lists and ";" in value else value
            out[name].append(record)
    return out


@pytest.fixture(scope="module")
def csv_facts():
    return _facts(prepare_load([MINIMAL], bundled=False).batch)


def test_workbook_gives_the_same_facts_as_csv(tmp_path, csv_facts):
    _write_workbook(tmp_path / "book.xlsx", _minimal_tables())
    assert _facts(prepare_load([tmp_path / "book.xlsx"], bundled=False).batch) == csv_facts


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_records_give_the_same_facts_as_csv(tmp_path, csv_facts, suffix):
    path = tmp_path / f"data{suffix}"
    records = _records(_minimal_tables(), lists=True)
    path.write_text(yaml.safe_dump(records, allow_unicode=True) if suffix == ".yaml" else json.dumps(records),
                    encoding="utf-8")
    assert _facts(prepare_load([path], bundled=False).batch) == csv_facts


def test_a_folder_may_mix_csv_workbook_and_records(tmp_path, csv_facts):
    tables = _minimal_tables()
    names = sorted(tables)
    for name in names[:3]:
        (tmp_path / f"{name}.csv").write_text((MINIMAL / f"{name}.csv").read_text(encoding="utf-8"),
                                              encoding="utf-8")
    _write_workbook(tmp_path / "more.xlsx", {n: tables[n] for n in names[3:6]})
    (tmp_path / "rest.yaml").write_text(yaml.safe_dump(_records({n: tables[n] for n in names[6:]}, lists=False)),
                                        encoding="utf-8")
    assert _facts(prepare_load([tmp_path], bundled=False).batch) == csv_facts


def test_typed_workbook_cells_read_as_their_text(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "events"
    sheet.append(["id", "name", "country", "start_date", "end_date", "opportunities", "source"])
    sheet.append(["ev", "Workshop", "Bangladesh", dt.datetime(2017, 12, 9), dt.date(2017, 12, 11), 38.0,
                  "https://example.org"])
    sheet2 = book.create_sheet("needs")
    sheet2.append(["id", "country", "title", "sdg_targets"])
    sheet2.append(["n1", "SO", "Services", 16.6])
    book.save(tmp_path / "book.xlsx")
    plan = prepare_load([tmp_path / "book.xlsx"], bundled=False)
    event = plan.batch.nodes["event/ev"].props
    assert (event["start_date"], event["end_date"], event["opportunities"]) == ("2017-12-09", "2017-12-11", 38)
    assert ("need/n1", "targets", "target/16.6") in plan.batch.links
    assert any("SDG targets typed as text" in w.expected and w.cell == "D2" for w in plan.warnings)


def test_yaml_keeps_sdg_targets_as_written(tmp_path):
    (tmp_path / "needs.yaml").write_text(
        "needs:\n  - id: n1\n    country: Kenya\n    title: Access\n    sdg_targets: [16.10, 16.6, 5]\n",
        encoding="utf-8")
    links = prepare_load([tmp_path / "needs.yaml"], bundled=False).batch.links
    assert {("need/n1", "targets", "target/16.10"), ("need/n1", "targets", "target/16.6"),
            ("need/n1", "goals", "goal/5")} <= set(links)


def test_workbook_errors_name_sheet_row_and_cell(tmp_path):
    _write_workbook(tmp_path / "book.xlsx", {"practices": [
        {"id": "p1", "title": "A", "country": "Atlantis", "maturity": "mature", "source": "https://e.org"}]})
    with pytest.raises(InputError) as raised:
        prepare_load([tmp_path / "book.xlsx"], bundled=False)
    by_field = {i.field: i for i in raised.value.issues}
    assert by_field["country"].file.endswith("book.xlsx[practices]")
    assert (by_field["country"].row, by_field["country"].cell) == (2, "C2")
    assert (by_field["maturity"].row, by_field["maturity"].cell) == (2, "D2")
    assert "cell C2" in str(by_field["country"])


def test_all_errors_of_a_workbook_are_reported_up_to_a_limit(tmp_path):
    rows = [{"id": f"p{i}", "title": "A", "country": "Atlantis", "source": "https://e.org"} for i in range(300)]
    _write_workbook(tmp_path / "book.xlsx", {"practices": rows})
    with pytest.raises(InputError) as raised:
        prepare_load([tmp_path / "book.xlsx"], bundled=False)
    assert len(raised.value.issues) == 200 and raised.value.truncated == 100
    assert "... and 100 more" in str(raised.value)


# Templates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["template.xlsx", "template-folder", "template.yaml"])
def test_template_loads_back_without_error(tmp_path, runner, target):
    result = runner.invoke(cli, ["template", str(tmp_path / target)])
    assert result.exit_code == 0, result.output
    store = tmp_path / "store.psikg"
    result = runner.invoke(cli, ["--store", str(store), "load", "--no-bundled", str(tmp_path / target)])
    assert result.exit_code == 0, result.output
    assert psikg.open(store).catalog.practices == {}


def test_template_workbook_is_documented(tmp_path):
    from psikg.loaders.template import write_template

    write_template(tmp_path / "t.xlsx")
    book = load_workbook(tmp_path / "t.xlsx")
    assert set(TABLES) | {"README", "lists"} == set(book.sheetnames)
    practices = book["practices"]
    assert [c.value for c in practices[1]] == list(TABLES["practices"].columns)
    assert practices["A2"].value.startswith("#")
    assert "required" in practices["A1"].comment.text
    maturity = list(TABLES["practices"].columns).index("maturity")
    assert "pilot" in practices.cell(row=1, column=maturity + 1).comment.text
    assert practices.data_validations.dataValidation, "drop-down lists on enumerated columns"
    assert "institutionalized" in [c.value for c in book["lists"]["B"]]


def test_template_examples_are_valid_data(tmp_path):
    """Deleting the # of every example row gives a workbook that loads."""
    from psikg.loaders.template import write_template

    write_template(tmp_path / "t.xlsx")
    book = load_workbook(tmp_path / "t.xlsx")
    examples = [name for name in TABLES if book[name]["A2"].value]
    for name in examples:
        book[name]["A2"] = book[name]["A2"].value.lstrip("# ")
    book.save(tmp_path / "filled.xlsx")
    plan = prepare_load([tmp_path / "filled.xlsx"], bundled=False)
    assert plan.rows == len(examples) >= 9
    assert "practice/example-one-stop" in plan.batch.nodes


def test_yaml_template_examples_are_valid_data(tmp_path):
    """Uncommenting every example record of the YAML template gives records that load."""
    import re

    from psikg.loaders.template import write_template

    write_template(tmp_path / "t.yaml")
    text = (tmp_path / "t.yaml").read_text(encoding="utf-8")
    assert "practices: []" in text and "one of: prototype, pilot, scaled, institutionalized" in text
    filled = re.sub(r"^(\w+): \[\]$", r"\1:", text, flags=re.MULTILINE)
    filled = re.sub(r"^#   ", "  ", filled, flags=re.MULTILINE)
    (tmp_path / "filled.yaml").write_text(filled, encoding="utf-8")
    plan = prepare_load([tmp_path / "filled.yaml"], bundled=False)
    assert plan.rows >= 9 and "practice/example-one-stop" in plan.batch.nodes
    assert ("practice/example-one-stop", "targets", "target/16.10") in plan.batch.links


def test_template_refuses_json(tmp_path, runner):
    result = runner.invoke(cli, ["template", str(tmp_path / "t.json")])
    assert result.exit_code == 2 and "JSON has no comments" in result.output


# Value forms ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def resolve():
    return CountryResolver(country_records())


@pytest.mark.parametrize("written, iso3", [
    ("BGD", "BGD"), ("bgd", "BGD"), ("BD", "BGD"), ("Bangladesh", "BGD"), ("  Kenya ", "KEN"),
    ("KE", "KEN"), ("Bolivia", "BOL"), ("Viet Nam", "VNM"), ("Vietnam", "VNM"), ("Côte d'Ivoire", "CIV"),
    ("Ivory Coast", "CIV"), ("South Korea", "KOR"), ("Republic of Korea", "KOR"), ("Türkiye", "TUR"),
    ("Turkey", "TUR"), ("Bosnia and Herzegovina", "BIH"), ("Georgia", "GEO"),
    ("United States of America", "USA"), ("Russian Federation", "RUS"), ("Lao PDR", "LAO"),
])
def test_countries_by_iso3_iso2_or_name(resolve, written, iso3):
    assert resolve(written) == iso3


@pytest.mark.parametrize("written, suggestion", [("Bangladsh", "BGD"), ("Somlia", "SOM"), ("Kenia", "KEN")])
def test_misspelt_country_gets_a_suggestion(resolve, written, suggestion):
    with pytest.raises(BadValue) as raised:
        resolve(written)
    assert suggestion in (raised.value.suggestion or "")


@pytest.fixture(scope="module")
def sdg_codes():
    from psikg.loaders.reference import sdg_records

    goals, targets, _ = sdg_records()
    return {g["goal"] for g in goals}, {t["target"] for t in targets}


@pytest.mark.parametrize("written, parsed", [
    ("16.6", ("target", "16.6")), ("16.10", ("target", "16.10")), ("1.a", ("target", "1.a")),
    ("1.A", ("target", "1.a")), ("16", ("goal", "16")), ("17", ("goal", "17")),
    ("http://metadata.un.org/sdg/16.6", ("target", "16.6")), ("https://metadata.un.org/sdg/16.6", ("target", "16.6")),
    ("http://metadata.un.org/sdg/5", ("goal", "5")), ("https://metadata.un.org/sdg/1.a", ("target", "1.a")),
])
def test_sdg_targets_goals_and_kos_iris(sdg_codes, written, parsed):
    assert parse_sdg(written, *sdg_codes) == parsed


@pytest.mark.parametrize("written", ["18", "0", "16.99", "16.6.1", "SDG 16", "http://metadata.un.org/sdg/18"])
def test_bad_sdg_codes_are_refused(sdg_codes, written):
    with pytest.raises(BadValue):
        parse_sdg(written, *sdg_codes)


# Warnings: suspicious but possible --------------------------------------------------------------------


def test_exporter_neither_origin_nor_earlier_importer_is_a_warning(tmp_path):
    (tmp_path / "transfers.csv").write_text(
        "id,practice,exporter,importer,status,start_year,source\n"
        "one-stop-to-eth,one-stop,BGD,ETH,agreed,2018,https://e.org\n"
        "one-stop-ken-to-uga,one-stop,KEN,UGA,agreed,2019,https://e.org\n"
        "one-stop-eth-to-rwa,one-stop,ETH,RWA,agreed,2020,https://e.org\n"
        "one-stop-rwa-to-tza,one-stop,RWA,TZA,agreed,2017,https://e.org\n", encoding="utf-8")
    folder = tmp_path / "data"
    folder.mkdir()
    for path in MINIMAL.glob("*.csv"):
        if path.name != "transfers.csv":
            (folder / path.name).write_bytes(path.read_bytes())
    plan = prepare_load([folder, tmp_path / "transfers.csv"], bundled=False)
    flagged = [w for w in plan.warnings if w.field == "exporter"]
    assert [(w.value, w.row) for w in flagged] == [("KEN", 3), ("RWA", 5)]  # RWA imported it only in 2020
    assert "practice's country (BGD)" in flagged[0].expected


def test_transfer_before_the_practice_started_is_a_warning(tmp_path):
    (tmp_path / "transfers.csv").write_text(
        "id,practice,exporter,importer,status,start_year,source\n"
        "one-stop-to-eth,one-stop,BGD,ETH,agreed,2009,https://e.org\n"
        "one-stop-to-uga,one-stop,BGD,UGA,agreed,2012,https://e.org\n", encoding="utf-8")
    graph = psikg.open(tmp_path / "s.psikg")
    graph.load([MINIMAL], bundled=False)  # one-stop started in 2012
    plan = graph.validate([tmp_path / "transfers.csv"], bundled=False)
    flagged = [w for w in plan.warnings if w.field == "start_year"]
    assert [(w.value, w.row) for w in flagged] == [("2009", 2)]
    assert "2012" in flagged[0].expected


def test_suspicious_exporter_checks_transfers_already_in_the_store(tmp_path):
    graph = psikg.open(tmp_path / "s.psikg")
    graph.load([MINIMAL], bundled=False)
    (tmp_path / "transfers.csv").write_text(
        "id,practice,exporter,importer,status,start_year,source\n"
        "one-stop-som-to-eth,one-stop,SOM,ETH,agreed,2020,https://e.org\n"
        "one-stop-uga-to-rwa,one-stop,UGA,RWA,agreed,2020,https://e.org\n", encoding="utf-8")
    plan = graph.validate([tmp_path / "transfers.csv"], bundled=False)
    assert [w.value for w in plan.warnings if w.field == "exporter"] == ["UGA"]


# validate = load without writing ------------------------------------------------------------------------


def _errors(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("error:", "Error:"))]


@pytest.mark.parametrize("make", ["workbook", "yaml"])
def test_validate_reports_the_same_errors_as_load_and_writes_nothing(tmp_path, runner, make):
    bad = {"practices": [{"id": "p1", "title": "A", "country": "Atlantis", "maturity": "mature",
                          "source": "https://e.org"},
                         {"id": "P 2", "title": "B", "country": "BGD", "source": "https://e.org"}],
           "transfers": [{"id": "t1", "practice": "p9", "exporter": "BGD", "importer": "KEN",
                          "status": "agred"}]}
    if make == "workbook":
        path = tmp_path / "bad.xlsx"
        _write_workbook(path, {n: [dict(r, **{c: r.get(c, "") for c in rows[0]}) for r in rows]
                               for n, rows in bad.items()})
    else:
        path = tmp_path / "bad.yaml"
        path.write_text(yaml.safe_dump(bad), encoding="utf-8")
    store = tmp_path / "store.psikg"
    assert runner.invoke(cli, ["--store", str(store), "load", "--no-bundled", str(MINIMAL)]).exit_code == 0
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    validated = runner.invoke(cli, ["--store", str(store), "validate", "--no-bundled", str(path)])
    loaded = runner.invoke(cli, ["--store", str(store), "load", "--no-bundled", str(path)])
    assert validated.exit_code == loaded.exit_code == 2
    assert _errors(validated.output) == _errors(loaded.output)
    assert len(_errors(loaded.output)) == 6  # five problems and the summary line
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before


def test_validate_of_good_input_writes_nothing(tmp_path, runner):
    store = tmp_path / "store.psikg"
    result = runner.invoke(cli, ["--store", str(store), "validate", "--no-bundled", str(MINIMAL)])
    assert result.exit_code == 0, result.output
    assert not store.exists()


def test_other_failures_exit_1(tmp_path, runner):
    """Exit 2 means bad data; a store that cannot be written is another failure: exit 1."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the store's folder should be", encoding="utf-8")
    result = runner.invoke(cli, ["--store", str(blocked / "store.psikg"), "load", "--no-bundled", str(MINIMAL)])
    assert result.exit_code == 1, result.output
