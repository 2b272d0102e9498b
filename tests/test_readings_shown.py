"""Issue 15: a curator's reading shows as a reading wherever a practice's factors or targets or a
country's context statements are listed (``psikg show``, the worksheet in Markdown and HTML, the
country page), with who read it and when; a stated fact shows its source. Expectations are read
from the bundled catalog, so a row read again later does not break them."""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest

import psikg
from psikg.views.provenance import provenance_text
from psikg.views.worksheet_render import to_html, to_markdown

from .viz_browser import find_chromium

PRACTICE, IMPORTER = "kor-koneps", "VNM"


def _link(catalog, practice: str, factor: str):
    return next(pf for pf in catalog.practices[practice].factors if pf.factor == factor)


def _last_column(text: str, section: str) -> str:
    """The words of a show table's last column (its details), wrapped lines joined."""
    table = text.split(f"\n{section} (", 1)[1].split("\n\n", 1)[0]
    cells = [line.split("│")[-2] for line in table.splitlines() if line.count("│") >= 2]
    return " ".join(" ".join(cells).split())


def _decisive(catalog, country: str, factor: str):
    return max((s for s in catalog.statements if s.country == country and s.factor == factor),
               key=lambda s: s.as_of or "")


def test_provenance_words():
    assert provenance_text("reading", "psikg curators", "2026-12-04") == "reading by psikg curators, 2026-12-04"
    assert provenance_text("reading") == "reading (reader not recorded)"
    assert provenance_text("stated", sources=["https://a.example/x", "https://a.example/x"]) == \
        "stated in https://a.example/x"
    assert provenance_text("stated", sources=["https://www.a.example/x"], hosts_only=True) == "stated in a.example"
    assert provenance_text("stated") == "stated by its source"


def test_catalog_carries_the_provenance_of_links_statements_and_targets(bundled_catalog):
    link = _link(bundled_catalog, PRACTICE, "e-transactions-law")
    assert (link.basis, link.read_by) == ("reading", "psikg curators") and link.read_on
    statement = _decisive(bundled_catalog, "ISL", "e-transactions-law")
    assert (statement.basis, statement.read_by, statement.read_on) == ("stated", None, None)
    tonga = bundled_catalog.practices["ton-tongapass"]
    assert tonga.targets == ("16.9",) and tonga.targets_basis == "stated"
    xroad = bundled_catalog.practices["est-x-road"]
    assert xroad.targets_basis == "reading" and xroad.targets_read_by and xroad.targets_read_on


def test_show_marks_readings_and_stated_facts(psikg_cli, bundled_catalog):
    link = _link(bundled_catalog, PRACTICE, "e-transactions-law")
    text = psikg_cli("show", PRACTICE).output
    assert f"reading by {link.read_by}, {link.read_on}" in _last_column(text, "factors")
    assert "basis: reading" not in text  # the bare word is replaced by who read it and when

    tonga = psikg_cli("show", "ton-tongapass").output
    assert "stated in biometricupdate.com" in _last_column(tonga, "targets")

    data = json.loads(psikg_cli("show", PRACTICE, "--format", "json").output)
    found = next(x for x in data["links"]["factors"] if x["id"] == "e-transactions-law")
    assert {k: found["properties"][k] for k in ("basis", "read_by", "read_on")} == \
        {"basis": "reading", "read_by": link.read_by, "read_on": link.read_on}

    rows = psikg_cli("show", "ton-tongapass", "--format", "csv").output
    line = next(r for r in rows.splitlines() if r.startswith("targets,16.9"))
    assert "stated in https://www.biometricupdate.com/" in line  # CSV keeps whole addresses


def test_worksheet_marks_readings_beside_each_fact(bundled_graph):
    catalog = bundled_graph.catalog
    sheet = bundled_graph.worksheet(PRACTICE, IMPORTER)
    link = _link(catalog, PRACTICE, "e-transactions-law")
    reading = f"reading by {link.read_by}, {link.read_on}"
    practice = catalog.practices[PRACTICE]
    targets = f"(reading by {practice.targets_read_by}, {practice.targets_read_on})"

    markdown = to_markdown(sheet)
    precondition = next(line for line in markdown.splitlines() if "(`e-transactions-law`)" in line)
    assert precondition.endswith(f"[{reading}]")
    assert targets in next(line for line in markdown.splitlines() if line.startswith("- **SDG targets:**"))
    importer = markdown.split(f"## 3. {sheet.importer_name}'s preconditions", 1)[1].split("## 4.", 1)[0]
    row = next(line for line in importer.splitlines() if line.startswith("| Electronic transactions"))
    assert "[stated by its source]" in row and "vir.com.vn" in row  # a stated law, its sources beside it
    survey = _decisive(catalog, IMPORTER, "connectivity")
    assert f"[reading by {survey.read_by}, {survey.read_on}]" in importer

    html = to_html(sheet)
    assert f'<span class="provenance reading">{reading}</span>' in html
    assert '<span class="provenance stated">stated by its source</span>' in html


def test_country_page_marks_readings_and_links_stated_sources(bundled_graph):
    pytest.importorskip("starlette")
    pytest.importorskip("httpx")
    from starlette.testclient import TestClient

    from psikg.lod.server import ServerConfig, create_app

    config = ServerConfig(base="http://example.org/kg/", mount="/kg/", workers=1, timeout=20)
    law = _decisive(bundled_graph.catalog, "ISL", "e-transactions-law")
    with TestClient(create_app(bundled_graph.store, config)) as client:
        page = client.get("/kg/country/ISL").text
        data = client.get("/kg/country/ISL.json").json()
    item = next(li for li in re.findall(r"<li class=\"present\">.*?</li>", page, re.S)
                if "e-transactions-law" in li)
    assert '<span class="provenance stated">stated in' in item
    assert f'<a href="{law.sources[0]}" rel="noreferrer">' in item
    assert re.search(r'<span class="provenance reading">reading by [^<]+, \d{4}-\d\d-\d\d</span>', page)
    line = next(f for f in data["has"] if f["factor"] == "e-transactions-law")
    assert (line["basis"], line["provenance"]) == ("stated", "stated in neytendastofa.is")


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(bundled_store_path, tmp_path):
    """``psikg serve`` (read-only) on a copy of the bundled store, on a free loopback port."""
    store = tmp_path / "served.psikg"
    shutil.copy(bundled_store_path, store)
    port = _port()
    process = subprocess.Popen([sys.executable, "-c", "from psikg.cli import cli; cli()", "--store", str(store),
                                "serve", "--port", str(port), "--workers", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline and process.poll() is None, "the server did not start"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_readings_show_in_a_real_browser(served, bundled_catalog):
    binary, why = find_chromium()
    if binary is None:
        pytest.skip(why)
    from .screens import LocalBrowser

    link = _link(bundled_catalog, PRACTICE, "e-transactions-law")
    with LocalBrowser(binary, width=1400, height=1000) as browser:
        browser.goto(f"{served}/worksheet/{PRACTICE}/{IMPORTER}", "document.getElementById('questions')")
        readings = browser.evaluate(
            "JSON.stringify([...document.querySelectorAll('#practice .provenance.reading')].map(e => e.innerText))")
        stated = browser.evaluate("document.querySelectorAll('#importer .provenance.stated').length")
        browser.goto(f"{served}/country/ISL", "document.querySelector('h1')")
        country = browser.evaluate(
            "JSON.stringify([...document.querySelectorAll('li.present')].map(e => e.innerText))")
        errors = browser.errors()
    assert f"reading by {link.read_by}, {link.read_on}" in json.loads(readings)
    assert stated >= 1
    law = next(text for text in json.loads(country) if "e-transactions-law" in text)
    assert "stated in https://www.neytendastofa.is/" in law
    assert any(re.search(r"reading by .+, \d{4}-\d\d-\d\d", text) for text in json.loads(country))
    assert errors == []
