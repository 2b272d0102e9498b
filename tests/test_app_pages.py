"""Issue 19: ``psikg serve`` as the secretariat's read-only web app. Each page (a practice's match,
the worksheet, an event's matchmaking and report, the partnerships, a country's profile) says what
the query says, in HTML, JSON and CSV (by suffix or Accept); unknown ids and paths get error pages
that help. Run in-process with Starlette's test client over the bundled data."""

from __future__ import annotations

import csv
import io

import pytest

import psikg
from psikg.lod.server import ServerConfig, create_app

pytest.importorskip("starlette")
pytest.importorskip("httpx")
from starlette.testclient import TestClient  # noqa: E402

EVENT = "ssn4psi-dhaka-2017"
PRACTICE = "bgd-sdg-tracker"


@pytest.fixture(scope="module")
def graph(bundled_store_path):
    return psikg.open(bundled_store_path)


@pytest.fixture(scope="module")
def client(graph, tmp_path_factory):
    config = ServerConfig(base="http://example.org/kg/", mount="/kg/", workers=1, timeout=20,
                          workdir=str(tmp_path_factory.mktemp("app-pages")))
    with TestClient(create_app(graph.store, config)) as test_client:
        yield test_client


def _csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_match_page_in_three_formats(client, graph):
    expected = graph.match(PRACTICE, top_per_tier=10)
    page = client.get(f"/kg/match/{PRACTICE}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for tier in ("ready", "unassessed", "blocked"):
        assert f'id="{tier}"' in page.text
    first = expected.candidates[0]
    assert f'href="/kg/worksheet/{PRACTICE}/{first.country}"' in page.text and first.name in page.text
    as_json = client.get(f"/kg/match/{PRACTICE}.json").json()
    assert as_json == expected.as_dict() | {"candidates": as_json["candidates"]}
    assert [c["country"] for c in as_json["candidates"]] == [c.country for c in expected.candidates]
    by_accept = client.get(f"/kg/match/{PRACTICE}", headers={"Accept": "application/json"})
    assert by_accept.json()["tier_counts"] == expected.tier_counts and "Accept" in by_accept.headers["vary"]
    rows = _csv(client.get(f"/kg/match/{PRACTICE}.csv").text)
    assert [r["country"] for r in rows] == [c.country for c in expected.candidates]
    assert rows[0]["tier"] == first.tier and float(rows[0]["score"]) == pytest.approx(first.score)


def test_worksheet_page(client, graph):
    sheet = graph.worksheet(PRACTICE, "NPL")
    page = client.get(f"/kg/worksheet/{PRACTICE}/NPL")
    assert page.status_code == 200 and "Reverse-engineering worksheet" in page.text
    assert client.get(f"/kg/worksheet/{PRACTICE}/NPL.json").json()["importer"] == "NPL"
    rows = _csv(client.get(f"/kg/worksheet/{PRACTICE}/NPL.csv").text)
    assert [r["factor"] for r in rows] == [f.factor for f in sheet.factors]


def test_event_matchmaking_and_report(client, graph):
    result = graph.matchmake(EVENT)
    page = client.get(f"/kg/event/{EVENT}")
    assert page.status_code == 200 and f'href="/kg/event/{EVENT}/report"' in page.text
    assert len(_csv(client.get(f"/kg/event/{EVENT}.csv").text)) == len(result.opportunities)
    assert client.get(f"/kg/event/{EVENT}.json").json()["participants"] == list(result.participants)
    report = client.get(f"/kg/event/{EVENT}/report")
    assert report.status_code == 200 and "<svg" in report.text
    assert client.get(f"/kg/event/{EVENT}/report.json").json()["event"] == EVENT


def test_partnerships_and_filters(client, graph):
    every = graph.partnerships()
    assert len(client.get("/kg/partnerships.json").json()["partnerships"]) == len(every.partnerships)
    some = graph.partnerships(country="BGD")
    rows = _csv(client.get("/kg/partnerships.csv", params={"country": "BGD"}).text)
    assert [r["transfer"] for r in rows] == [p.transfer for p in some.partnerships]
    assert client.get("/kg/partnerships").status_code == 200


def test_country_profile(client, graph):
    catalog = graph.catalog
    page = client.get("/kg/country/BGD")
    assert page.status_code == 200 and "Bangladesh" in page.text
    data = client.get("/kg/country/bangladesh.json").json()
    assert data["country"] == "BGD"
    exported = sorted(t.id for t in catalog.transfers.values() if t.exporter == "BGD")
    assert sorted(t["transfer"] for t in data["exported"]) == exported
    assert {r["section"] for r in _csv(client.get("/kg/country/BGD.csv").text)} >= {"present", "exported"}


def test_error_pages_help(client):
    page = client.get("/kg/match/bgd-sdg-trackr")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert 'href="/kg/match/bgd-sdg-tracker"' in page.text and "<form" in page.text
    as_json = client.get("/kg/match/bgd-sdg-trackr", headers={"Accept": "application/json"}).json()
    assert as_json["suggestions"] == [{"id": "bgd-sdg-tracker", "href": "/kg/match/bgd-sdg-tracker"}]
    assert client.get("/kg/match/x", params={"top": "-1"}).status_code == 400
    missing = client.get("/kg/no/such/page")
    assert missing.status_code == 404 and "<h1>404" in missing.text
    assert client.get("/kg/country/Atlantis").status_code == 404


def test_csv_cells_never_become_formulas():
    from psikg.lod.routes.app_common import _csv

    rows = _csv([{"a": "=HYPERLINK(1)", "b": -1.5, "c": "+x", "d": ["@y", "z"]}])
    assert rows.splitlines()[1] == "'=HYPERLINK(1),-1.5,'+x,'@y; z"
