"""External case catalogues through a declarative column mapping (issue 3)."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter

import pytest

import psikg
from psikg.cli import cli
from psikg.errors import InputError
from psikg.loaders import prepare_load

JRC_ATTRIBUTION = "European Commission, Joint Research Centre (JRC)"


@pytest.fixture
def jrc_cases(shared_reference):
    return shared_reference / "cases" / "jrc-ips-explorer-cases.csv"


def test_every_jrc_case_is_accounted_for(jrc_cases):
    plan = prepare_load([jrc_cases], bundled=False, mapping="jrc-ips-explorer")
    practices = {n.id: n.props for n in plan.batch.nodes.values() if n.kind == "practice"}
    refused = [w for w in plan.warnings if "(row not loaded)" in w.expected]
    with open(jrc_cases, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 853
    assert len(practices) + len(refused) == 853
    assert len(refused) == 12 and {w.value for w in refused} == {"European Union"}
    assert {f"jrc-ips-{r['id']}" for r in rows} == set(practices) | {
        f"jrc-ips-{r['id']}" for r in rows if r["geocoverage"] == "European Union"}
    assert all(any(s.startswith(JRC_ATTRIBUTION) for s in p["sources"]) for p in practices.values())
    assert any("EU JRC Innovative Public Services Explorer" in n and "853 rows, 841 converted, 12 refused" in n
               for n in plan.notes)


def test_jrc_fields_are_mapped(jrc_cases):
    plan = prepare_load([jrc_cases], bundled=False, mapping="jrc-ips-explorer")
    batch = plan.batch
    first = batch.nodes["practice/jrc-ips-10000"].props
    assert first["title"] == "AMS - public empolyment service"
    assert first["year"] == 2020
    assert "https://www.frontiersin.org/articles/10.3389/fdata.2020.00005/full" in first["sources"]
    assert ("practice/jrc-ips-10000", "country", "country/AUT") in batch.links
    assert ("practice/jrc-ips-10000", "themes", "theme/social-protection") in batch.links
    assert ("practice/jrc-ips-10000", "themes", "theme/digital-government") in batch.links
    countries = Counter(link.target for link in batch.links.values()
                        if link.source.startswith("practice/") and link.rel == "country")
    assert countries["country/NLD"] == 153 and countries["country/ITA"] == 106
    assert countries["country/CZE"] == 2 and countries["country/RUS"] == 7  # rows with a name only
    maturity = Counter(n.props.get("maturity") for n in batch.nodes.values() if n.kind == "practice")
    with open(jrc_cases, encoding="utf-8", newline="") as handle:
        status = Counter(r["status"] for r in csv.DictReader(handle) if r["geocoverage"] != "European Union")
    assert maturity == {"pilot": status["Pilot"], "prototype": status["In development"],
                        "scaled": status["Implemented"] + status["In production"],
                        None: status["Planned"] + status["Not in use anymore"]}


def test_jrc_load_and_report_through_the_cli(jrc_cases, tmp_path, runner):
    store = tmp_path / "store.psikg"
    report = tmp_path / "refused.csv"
    result = runner.invoke(cli, ["--store", str(store), "load", "--no-bundled", str(jrc_cases),
                                 "--mapping", "jrc-ips-explorer", "--report", str(report)])
    assert result.exit_code == 0, result.output
    with open(report, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len([r for r in rows if "(row not loaded)" in r["expected"]]) == 12
    assert all(r["row"] and r["field"] == "country" for r in rows if "(row not loaded)" in r["expected"])
    assert len(psikg.open(store).catalog.practices) == 841


def _catalogue(tmp_path, text):
    path = tmp_path / "cases.csv"
    path.write_text(text, encoding="utf-8")
    return path


MAPPING = """\
name: Test catalogue
attribution: Test attribution
fields:
  id: {template: "t-{code}"}
  title: {column: name}
  country: {column: where, split: ","}
  year: {column: started, year: true}
  maturity: {column: stage, map: {Trial: pilot, Live: scaled, Idea: null}}
  themes: {column: sector, map: {Health: health}, add: [digital-government]}
  source: {column: link}
"""


def test_a_custom_mapping(tmp_path):
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    cases = _catalogue(tmp_path, "code,name,where,started,stage,sector,link\n"
                                 "A1,Clinic app,\"Kenya, Uganda\",12/03/2019,Trial,Health,https://e.org/a\n"
                                 "A2,Idea box,BD,,Idea,Health,https://e.org/b\n"
                                 "A3,Odd,Atlantis,2019,Live,Health,https://e.org/c\n"
                                 "A4,Odd stage,KE,2019,Retired,Health,https://e.org/d\n"
                                 "A1,Duplicate,KE,2019,Live,Health,https://e.org/e\n")
    plan = prepare_load([cases], bundled=False, mapping=tmp_path / "map.yaml")
    practice = plan.batch.nodes["practice/t-a1"].props
    assert (practice["title"], practice["year"], practice["maturity"]) == ("Clinic app", 2019, "pilot")
    assert practice["sources"] == ["https://e.org/a", "Test attribution"]
    assert ("practice/t-a1", "country", "country/KEN") in plan.batch.links  # the first of two
    assert plan.batch.nodes["practice/t-a2"].props["maturity"] is None
    refused = {w.row: w for w in plan.warnings if "(row not loaded)" in w.expected}
    assert set(refused) == {4, 5, 6}
    assert refused[4].field == "country" and "Atlantis" == refused[4].value
    assert refused[5].field == "maturity" and "Retired" == refused[5].value
    assert refused[6].field == "id" and "already made from row 2" in refused[6].expected


def test_a_bad_mapping_is_refused(tmp_path):
    (tmp_path / "map.yaml").write_text("fields:\n  titel: {column: name}\n  country: {colum: where}\n",
                                       encoding="utf-8")
    cases = _catalogue(tmp_path, "code,name,where\nA1,X,KE\n")
    with pytest.raises(InputError) as raised:
        prepare_load([cases], bundled=False, mapping=tmp_path / "map.yaml")
    text = str(raised.value)
    assert "fields.titel" in text and "did you mean title?" in text
    assert "fields.country.colum" in text and "did you mean column?" in text


def test_a_catalogue_without_the_mapped_columns_is_refused(tmp_path, runner):
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    cases = _catalogue(tmp_path, "code,title,where\nA1,X,KE\n")
    store = tmp_path / "store.psikg"
    assert runner.invoke(cli, ["--store", str(store), "load", "--no-bundled", str(tmp_path / "map.yaml")]
                         ).exit_code == 2  # a mapping is not data
    result = runner.invoke(cli, ["--store", str(store), "load", "--no-bundled", str(cases),
                                 "--mapping", str(tmp_path / "map.yaml")])
    assert result.exit_code == 2
    assert "cases.csv, row 1, column 'name'" in result.output
    assert not store.exists()


def test_an_unknown_shipped_mapping(tmp_path):
    cases = _catalogue(tmp_path, "code,name\nA1,X\n")
    with pytest.raises(InputError) as raised:
        prepare_load([cases], bundled=False, mapping="jrc-ips-explorr")
    assert "did you mean jrc-ips-explorer?" in str(raised.value)


def test_mapped_load_leaves_the_store_unchanged_when_refused(tmp_path, runner):
    store = tmp_path / "store.psikg"
    assert runner.invoke(cli, ["--store", str(store), "load", "--no-bundled"]).exit_code == 0
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    (tmp_path / "map.yaml").write_text(MAPPING.replace("year: {column: started, year: true}",
                                                       "year: {column: started}"), encoding="utf-8")
    cases = _catalogue(tmp_path, "code,name,where,started,stage,sector,link\n"
                                 "A1,Clinic app,KE,12/03/2019,Trial,Health,https://e.org/a\n")
    result = runner.invoke(cli, ["--store", str(store), "load", "--no-bundled", str(cases),
                                 "--mapping", str(tmp_path / "map.yaml")])
    assert result.exit_code == 2 and "column 'year': found '12/03/2019'" in result.output
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before
