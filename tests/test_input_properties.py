"""Property-based tests of the loaders (issue 3): generated tables, valid and broken, in every input
form (CSV folder, workbook, YAML, JSON). Valid data round-trips (the loaded facts equal the generated
ones); broken data is refused with a message naming the file and the column; nothing crashes (no
exception but InputError), whatever the bytes."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from tempfile import TemporaryDirectory

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from psikg.errors import InputError
from psikg.graph.records import split_key
from psikg.loaders import prepare_load
from psikg.loaders.reference import country_records, reference_batch
from psikg.ontology.model import ENUMS

REFERENCE = reference_batch()
COUNTRIES = sorted(["BGD", "KEN", "SOM", "PER", "FJI", "BTN", "UGA", "AFG", "BIH", "SGP", "RWA", "IND"])
RECORDS = country_records()
FACTORS = sorted(n.id for n in REFERENCE.nodes.values() if n.kind == "factor")
THEMES = sorted(n.id for n in REFERENCE.nodes.values() if n.kind == "theme")
TARGETS = sorted(n.id for n in REFERENCE.nodes.values() if n.kind == "target")
FORMS = ("csv", "xlsx", "yaml", "json")
SETTINGS = settings(max_examples=int(__import__("os").environ.get("PSIKG_EXAMPLES", 40)), deadline=None, suppress_health_check=[HealthCheck.too_slow])

slugs = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
# Plain text that survives every form (no control characters; a leading "=" would be a formula in a
# workbook and a leading "#" a comment row, so text starts with a letter).
texts = st.builds(lambda head, tail: (head + tail).strip(), st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdeé"),
                  st.text(alphabet=st.characters(categories=("L", "N", "Zs"), include_characters=",.;:'\"()-/&"),
                          max_size=40))


@st.composite
def country_written(draw, iso3: str) -> str:
    """A country as a user writes it: ISO3, ISO2, lower-case, or its name."""
    form = draw(st.sampled_from(("iso3", "iso2", "lower", "name")))
    return {"iso3": iso3, "iso2": RECORDS[iso3]["iso2"], "lower": iso3.lower(), "name": RECORDS[iso3]["name"]}[form]


@st.composite
def datasets(draw):
    """Tables (column -> text) and the facts they state."""
    ids = draw(st.lists(slugs, min_size=1, max_size=5, unique=True))
    tables: dict[str, list[dict[str, str]]] = {"practices": [], "practice_factors": [], "contexts": [],
                                               "transfers": []}
    facts = {"practices": {}, "factors": {}, "statements": {}, "transfers": {}}
    for id_ in ids:
        iso3 = draw(st.sampled_from(COUNTRIES))
        title = draw(texts.filter(bool))
        year = draw(st.one_of(st.none(), st.integers(1990, 2024)))
        maturity = draw(st.one_of(st.none(), st.sampled_from(ENUMS["maturity"])))
        themes = draw(st.lists(st.sampled_from(THEMES), max_size=3, unique=True))
        targets = draw(st.lists(st.sampled_from(TARGETS), max_size=3, unique=True))
        tables["practices"].append({
            "id": id_, "title": title, "country": draw(country_written(iso3)), "year": str(year or ""),
            "maturity": maturity or "", "themes": ";".join(themes), "sdg_targets": ";".join(targets),
            "source": f"https://example.org/{id_}"})
        facts["practices"][id_] = (title, year, maturity, iso3, frozenset(themes), frozenset(targets))
        for factor in draw(st.lists(st.sampled_from(FACTORS), max_size=3, unique=True)):
            role = draw(st.sampled_from(ENUMS["role"]))
            tables["practice_factors"].append({"practice": id_, "factor": factor, "role": role})
            facts["factors"][(id_, factor)] = role
        for importer in draw(st.lists(st.sampled_from([c for c in COUNTRIES if c != iso3]), max_size=2,
                                      unique=True)):
            transfer_id = f"{id_}-to-{importer.lower()}"
            status = draw(st.sampled_from(ENUMS["status"]))
            outcome = draw(st.one_of(st.none(), st.sampled_from(ENUMS["outcome"])))
            tables["transfers"].append({"id": transfer_id, "practice": id_, "exporter": iso3,
                                        "importer": draw(country_written(importer)), "status": status,
                                        "outcome": outcome or "", "source": "https://example.org/t"})
            facts["transfers"][transfer_id] = (id_, iso3, importer, status, outcome or "unknown")
    keys = draw(st.lists(st.tuples(st.sampled_from(COUNTRIES), st.sampled_from(FACTORS),
                                   st.one_of(st.none(), st.integers(2000, 2024))),
                         max_size=6, unique=True))
    for iso3, factor, as_of in keys:
        present = draw(st.booleans())
        tables["contexts"].append({"country": draw(country_written(iso3)), "factor": factor,
                                   "as_of": str(as_of or ""), "present": "yes" if present else "no",
                                   "source": "https://example.org/c"})
        facts["statements"][(iso3, factor, str(as_of) if as_of else None)] = present
    return {name: rows for name, rows in tables.items() if rows}, facts


def write(tables: dict[str, list[dict[str, str]]], folder: Path, form: str) -> Path:
    """Write ``tables`` in one input form; returns the path to load."""
    if form == "csv":
        for name, rows in tables.items():
            columns = sorted({c for row in rows for c in row})
            with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                writer.writerows([row.get(c, "") for c in columns] for row in rows)
        return folder
    if form == "xlsx":
        book = Workbook()
        book.remove(book.active)
        for name, rows in tables.items():
            sheet = book.create_sheet(name)
            columns = sorted({c for row in rows for c in row})
            sheet.append(columns)
            for row in rows:
                sheet.append([row.get(c, "") or None for c in columns])
        book.save(folder / "data.xlsx")
        return folder / "data.xlsx"
    records = {name: [{k: v for k, v in row.items() if v != ""} for row in rows] for name, rows in tables.items()}
    path = folder / f"data.{form}"
    path.write_text(yaml.safe_dump(records, allow_unicode=True) if form == "yaml"
                    else json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def loaded_facts(batch) -> dict:
    links: dict[tuple[str, str], list[str]] = {}
    for source, rel, target in batch.links:
        links.setdefault((source, rel), []).append(split_key(target)[1])
    facts = {"practices": {}, "factors": {}, "statements": {}, "transfers": {}}
    for key, node in batch.nodes.items():
        if node.kind == "practice":
            p = node.props
            facts["practices"][node.id] = (p["title"], p["year"], p["maturity"], links[(key, "country")][0],
                                           frozenset(links.get((key, "themes"), ())),
                                           frozenset(links.get((key, "targets"), ())))
        elif node.kind == "transfer":
            facts["transfers"][node.id] = (links[(key, "practice")][0], links[(key, "exporter")][0],
                                           links[(key, "importer")][0], node.props["status"], node.props["outcome"])
        elif node.kind == "context":
            country = links[(key, "country")][0]
            for rel in ("present", "absent"):
                for factor in links.get((key, rel), ()):
                    facts["statements"][(country, factor, node.props["as_of"])] = rel == "present"
    for link in batch.links.values():
        if link.rel == "factors":
            facts["factors"][(split_key(link.source)[1], split_key(link.target)[1])] = link.prop_dict()["role"]
    return facts


@SETTINGS
@given(data=datasets(), form=st.sampled_from(FORMS))
def test_valid_tables_round_trip(data, form):
    tables, facts = data
    with TemporaryDirectory() as folder:
        plan = prepare_load([write(tables, Path(folder), form)], bundled=False)
    assert loaded_facts(plan.batch) == facts


# Broken data: (table, column, bad value, words the message must contain)
BREAKAGES = [
    ("practices", "country", "Atlantis", "a country"),
    ("practices", "maturity", "mature", "one of prototype"),
    ("practices", "year", "20x5", "a year"),
    ("practices", "sdg_targets", "18.1", "an SDG target"),
    ("practices", "id", "Bad Id", "an id of lower-case"),
    ("practices", "title", "", "this column is required"),
    ("practice_factors", "role", "essential", "one of critical"),
    ("practice_factors", "factor", "no-such-factor", "the id of a known factor"),
    ("contexts", "present", "perhaps", "yes or no"),
    ("contexts", "as_of", "2019-13-01", "an ISO 8601 date"),
    ("transfers", "status", "done", "one of opportunity"),
    ("transfers", "practice", "no-such-practice", "the id of a known practice"),
    ("transfers", "importer", "Narnia", "a country"),
]


@SETTINGS
@given(data=datasets(), form=st.sampled_from(FORMS), breakage=st.sampled_from(BREAKAGES),
       pick=st.integers(min_value=0))
def test_broken_tables_are_refused_with_a_message(data, form, breakage, pick):
    tables, _ = data
    table, column, value, words = breakage
    assume(table in tables)
    rows = tables[table]
    rows[pick % len(rows)][column] = value
    with TemporaryDirectory() as folder:
        path = write(tables, Path(folder), form)
        try:
            prepare_load([path], bundled=False)
        except InputError as error:
            message = str(error)
        else:
            raise AssertionError(f"{table}.{column} = {value!r} was accepted ({form})")
    assert words in message, message
    assert f"column {column!r}" in message, message
    assert (path.name if form != "csv" else f"{table}.csv") in message, message


@SETTINGS
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8"))),
       name=st.sampled_from(["practices.csv", "data.xlsx", "data.yaml", "data.json", "transfers.csv",
                             "survey.csv", "book.xlsm", "data.ttl", "data.rdf", "data.jsonld"]))
def test_any_bytes_are_refused_or_loaded_never_a_crash(content, name):
    with TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            prepare_load([path], bundled=False)
        except InputError as error:
            assert error.issues and all(issue.expected for issue in error.issues)


@SETTINGS
@given(header=st.lists(st.sampled_from(["id", "title", "country", "source", "year", "maturity", "colour", ""]),
                       min_size=1, max_size=6),
       cells=st.lists(st.lists(st.one_of(st.text(max_size=12), st.integers(), st.floats(allow_nan=False),
                                         st.booleans(), st.none()), max_size=7), max_size=5),
       sheet=st.sampled_from(["practices", "Practices", "practises", "README", "transfers"]))
def test_any_workbook_is_refused_or_loaded_never_a_crash(header, cells, sheet):
    book = Workbook()
    book.active.title = sheet
    book.active.append(header)
    for row in cells:
        try:
            book.active.append(row)
        except Exception:  # openpyxl refuses some characters itself; not the loader's concern
            return
    with TemporaryDirectory() as folder:
        path = Path(folder) / "book.xlsx"
        book.save(path)
        try:
            prepare_load([path], bundled=False)
        except InputError as error:
            assert error.issues


# Mappings: whatever the mapping file and the catalogue hold, the load refuses or succeeds.
_option_values = st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none(),
                           st.lists(st.one_of(st.text(max_size=6), st.integers()), max_size=3),
                           st.dictionaries(st.text(max_size=6), st.one_of(st.none(), st.text(max_size=8)),
                                           max_size=3))
_field_specs = st.dictionaries(
    st.sampled_from(["column", "columns", "template", "value", "split", "map", "add", "year", "colum"]),
    _option_values, max_size=4)
_mappings = st.fixed_dictionaries(
    {"fields": st.dictionaries(st.sampled_from(["id", "title", "country", "year", "maturity", "themes", "source",
                                                "titel"]), _field_specs, max_size=6)},
    optional={"name": st.one_of(st.text(max_size=10), st.integers()),
              "table": st.sampled_from(["practices", "needs", "practises", 3]),
              "attribution": st.text(max_size=10), "delimiter": st.sampled_from([",", ";", "", "ab"])})


@SETTINGS
@given(mapping=_mappings,
       catalogue=st.lists(st.lists(st.sampled_from(["a", "b", "name", "KE", "Kenya", "2019-01-02", "x,y", "", '"']),
                                   max_size=5), min_size=1, max_size=5))
def test_any_mapping_and_catalogue_never_crash(mapping, catalogue):
    with TemporaryDirectory() as folder:
        (Path(folder) / "map.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
        with open(Path(folder) / "cases.csv", "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(catalogue)
        try:
            prepare_load([Path(folder) / "cases.csv"], bundled=False, mapping=Path(folder) / "map.yaml")
        except InputError as error:
            assert error.issues


# Hostile inputs (issue 17) -----------------------------------------------------------------------

HOSTILE = Path(__file__).parent / "bad_inputs"


def test_a_fifo_named_like_a_table_is_refused_without_blocking(tmp_path):
    import os

    import pytest

    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    os.mkfifo(tmp_path / "practices.csv")
    try:
        prepare_load([tmp_path], bundled=False)
    except InputError as error:
        assert "a regular file, but this is a FIFO" in str(error.issues[0])
    else:
        raise AssertionError("a FIFO was read")


def test_an_input_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    from psikg.loaders import limits

    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 100)
    (tmp_path / "practices.csv").write_text("id,title,country,source\n" + "p1,T,BGD,https://example.org\n" * 10)
    try:
        prepare_load([tmp_path], bundled=False)
    except InputError as error:
        assert "an input file of at most 100 bytes" in str(error.issues[0])
    else:
        raise AssertionError("an oversized file was read")


def test_hostile_inputs_are_refused_in_seconds_and_bounded_memory(tmp_path):
    """The bombs of tests/bad_inputs in a child process limited to 2 GB of address space and 60 s."""
    import subprocess
    import sys
    import time

    import pytest

    resource = pytest.importorskip("resource")
    cases = ["yaml-alias-bomb", "rdf-xml-entity-bomb/data.rdf", "workbook-stray-far-cell", "json-nested-too-deep",
             "yaml-nested-too-deep", "json-huge-number"]

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    for case in cases:
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "psikg.cli", "--store", str(tmp_path / "s.psikg"), "validate",
                                 "--no-bundled", str(HOSTILE / case)], capture_output=True, text=True, timeout=60,
                                preexec_fn=limit_memory)
        assert result.returncode == 2, (case, result.stderr[-2000:])
        assert "Traceback" not in result.stderr, case
        assert time.monotonic() - started < 60, case
    assert not (tmp_path / "s.psikg").exists()
