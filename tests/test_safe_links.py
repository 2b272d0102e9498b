"""Outputs never turn data into script (issue 17): a source is a link only when it is an http(s) URL,
a DOI or a URN, in the worksheet, the reports and the served pages; the rest is text. The pages
are opened in headless Chromium, which says what a reader could click."""

from __future__ import annotations

import shutil
from pathlib import Path

import msgspec
import pytest

import psikg
from psikg.lod.server import ServerConfig, create_app
from psikg.queries.worksheet import worksheet
from psikg.views.links import html_link, link_target, markdown_link
from psikg.views.worksheet_render import to_html, to_markdown

from .chromium_pipe import chromium_binary, open_page
from .hand_catalog import base_parts, hand_catalog

DATA = Path(__file__).parent / "data"
HOSTILE = ("javascript:alert(document.domain)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
           "vbscript:msgbox(1)", "file:///etc/passwd", "see the 2019 annual report")
ANCHORS = {"javascript": "document.querySelectorAll('a[href^=\"javascript:\" i]').length",
           "unsafe": "[...document.querySelectorAll('a[href]')].filter(a => !/^(https?:|urn:|\\/)/i"
                     ".test(a.getAttribute('href'))).length",
           "text": "document.body.innerText"}


@pytest.mark.parametrize("source, target", [
    ("https://example.org/a?b=1", "https://example.org/a?b=1"), ("http://example.org/", "http://example.org/"),
    ("doi:10.1000/182", "https://doi.org/10.1000/182"), ("urn:isbn:0451450523", "urn:isbn:0451450523"),
    *[(source, None) for source in HOSTILE]])
def test_link_target(source, target):
    assert link_target(source) == target


def test_html_and_markdown_links():
    assert html_link("javascript:alert(1)") == '<span class="unlinked">javascript:alert(1)</span>'
    assert html_link("https://example.org/?a=1&b=2", rel="noreferrer") == (
        '<a href="https://example.org/?a=1&amp;b=2" rel="noreferrer">https://example.org/?a=1&amp;b=2</a>')
    assert html_link('https://example.org/"onmouseover=x') .startswith('<span')
    assert markdown_link("javascript:alert(1)") == "`javascript:alert(1)`"
    assert markdown_link("doi:10.1000/182") == "[doi:10.1000/182](https://doi.org/10.1000/182)"


def _hostile_sheet():
    parts = base_parts()
    main = parts["practices"][0]
    parts["practices"][0] = msgspec.structs.replace(main, sources=(*HOSTILE, "https://example.org/p-main"))
    return worksheet(hand_catalog(**parts), "p-main", "BBB")


def test_worksheet_shows_hostile_sources_as_text(tmp_path):
    sheet = _hostile_sheet()
    markdown = to_markdown(sheet)
    assert "<javascript:" not in markdown and "`javascript:alert(document.domain)`" in markdown
    page = tmp_path / "worksheet.html"
    page.write_text(to_html(sheet), encoding="utf-8")
    assert 'href="javascript:' not in page.read_text().lower()
    if chromium_binary() is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    report = open_page(page, ANCHORS)
    assert report.values["javascript"] == 0 and report.values["unsafe"] == 0
    assert "javascript:alert(document.domain)" in report.values["text"]
    assert report.errors == []


def test_served_page_shows_a_javascript_source_as_text(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA / "minimal", data)
    practices = data / "practices.csv"
    practices.write_text(practices.read_text(encoding="utf-8").replace(
        "https://example.org/one-stop", "javascript:alert(document.domain)"), encoding="utf-8")
    store = psikg.open(tmp_path / "store.psikg")
    store.load([data], bundled=False)
    from starlette.testclient import TestClient

    config = ServerConfig(base="http://example.org/kg/", mount="/kg/", workers=1, workdir=str(tmp_path / "lod"))
    with TestClient(create_app(store.store, config)) as client:
        response = client.get("/kg/doc/practice/one-stop.html")
    assert response.status_code == 200 and "javascript:alert(document.domain)" in response.text
    page = tmp_path / "practice.html"
    page.write_text(response.text, encoding="utf-8")
    if chromium_binary() is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    report = open_page(page, ANCHORS)
    assert report.values["javascript"] == 0 and report.values["unsafe"] == 0
    assert "javascript:alert(document.domain)" in report.values["text"]
