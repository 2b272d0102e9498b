"""Issue 19: the workshop mode of ``psikg serve``. Writes happen only in this mode, only from this
machine, only with the session the printed token opens and the form's CSRF value; each write is the
store's atomic write with its history step. Checked in-process (every refusal) and end to end: a
real server and a real browser click through the flow with no request leaving the machine."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import psikg
from psikg.lod.server import ServerConfig, create_app
from psikg.lod.workshop import COOKIE, WorkshopConfig

from .screens import LocalBrowser, non_blank
from .viz_browser import find_chromium

pytest.importorskip("starlette")
pytest.importorskip("httpx")
from starlette.testclient import TestClient  # noqa: E402

EVENT = "ssn4psi-dhaka-2017"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "workshop"


def _free_pair(graph):
    """An opportunity of the event with no transfer recorded yet."""
    taken = {(t.practice, t.importer) for t in graph.catalog.transfers.values()}
    return next(o for o in graph.matchmake(EVENT).opportunities if (o.practice, o.importer) not in taken)


def _client(graph, tmp_path, workshop=None, host="127.0.0.1"):
    config = ServerConfig(workers=1, timeout=20, workdir=str(tmp_path / "lod"), workshop=workshop)
    return TestClient(create_app(graph.store, config), base_url="http://127.0.0.1:8000", client=(host, 50000),
                      follow_redirects=False)


def test_read_only_by_default(bundled_graph, tmp_path):
    with _client(bundled_graph, tmp_path) as client:
        assert client.get("/workshop").status_code == 404
        assert client.post("/workshop/opportunity", data={"csrf": "x"}).status_code in (404, 405)


def test_every_write_needs_loopback_token_session_and_csrf(bundled_graph, tmp_path):
    workshop = WorkshopConfig(EVENT)
    pair = _free_pair(bundled_graph)
    before = len(bundled_graph.store.catalog().transfers)
    form = {"csrf": workshop.csrf, "practice": pair.practice, "country": pair.importer}
    with _client(bundled_graph, tmp_path, workshop, host="192.0.2.7") as outsider:
        assert outsider.get(f"/workshop?token={workshop.token}").status_code == 403
    with _client(bundled_graph, tmp_path, workshop) as client:
        assert client.get("/workshop").status_code == 403  # no session yet
        assert client.get("/workshop?token=wrong").status_code == 403
        assert client.post("/workshop/opportunity", data=form).status_code == 403  # no session
        opened = client.get(f"/workshop?token={workshop.token}")
        assert opened.status_code == 303 and "token" not in opened.headers["location"]
        assert "samesite=strict" in opened.headers["set-cookie"].lower() and "httponly" in opened.headers["set-cookie"].lower()
        client.cookies.set(COOKIE, opened.cookies[COOKIE])
        assert client.get("/workshop").status_code == 200
        assert client.post("/workshop/opportunity", data={**form, "csrf": "forged"}).status_code == 403
        assert client.post("/workshop/opportunity", data=form, headers={"Origin": "http://evil.example"}).status_code == 403
        assert client.post("/workshop/opportunity", data=form, headers={"Host": "evil.example"}).status_code == 403
        assert len(bundled_graph.store.catalog().transfers) == before  # nothing written by any refusal
        done = client.post("/workshop/opportunity", data=form, headers={"Origin": "http://127.0.0.1:8000"})
        assert done.status_code == 303 and "recorded" in done.headers["location"]
        again = client.post("/workshop/opportunity", data=form)
        assert "already" in again.headers["location"]
    transfer = bundled_graph.store.catalog().transfers[pair.transfer]
    assert transfer.status == "opportunity" and transfer.basis == "matchmaking"
    assert [s.status for s in bundled_graph.history(pair.transfer)] == ["opportunity"]


def test_follow_up_steps_keep_their_history_and_refuse_bad_moves(bundled_graph, tmp_path):
    workshop = WorkshopConfig(EVENT)
    pair = _free_pair(bundled_graph)
    with _client(bundled_graph, tmp_path, workshop) as client:
        client.cookies.set(COOKIE, workshop.session)
        client.post("/workshop/opportunity", data={"csrf": workshop.csrf, "practice": pair.practice,
                                                   "country": pair.importer})
        step = {"csrf": workshop.csrf, "transfer": pair.transfer, "status": "agreed", "note": "signed at the table"}
        assert client.post("/workshop/step", data=step).status_code == 303
        refused = client.post("/workshop/step", data={**step, "status": "scaled"})
        assert refused.status_code == 400 and "scaled" in refused.text
        outside = next(t for t in bundled_graph.catalog.transfers.values() if t.event != EVENT
                       and not {t.exporter, t.importer} <= set(bundled_graph.matchmake(EVENT).participants))
        assert client.post("/workshop/step", data={**step, "transfer": outside.id}).status_code == 400
        big = client.post("/workshop/step", content=b"csrf=" + b"x" * 20_000,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert big.status_code == 400
    steps = bundled_graph.history(pair.transfer)
    assert [s.status for s in steps] == ["opportunity", "agreed"] and steps[-1].note == "signed at the table"


# End to end: a real server, a real browser -------------------------------------------------------


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served(bundled_store_path, tmp_path):
    """``psikg serve --workshop`` on a copy of the bundled store: (base URL, token, store path)."""
    store = tmp_path / "workshop.psikg"
    shutil.copy(bundled_store_path, store)
    port = _port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from psikg.cli import cli; cli()", "--store", str(store), "serve", "--port", str(port),
         "--workers", "1", "--workshop", EVENT], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        token = re.search(r"token=(\S+)", line)
        assert token, line + process.stderr.read()
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline and process.poll() is None, "the server did not start"
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}", token.group(1), store
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_workshop_flow_in_a_real_browser(served):
    binary, why = find_chromium()
    if binary is None:
        pytest.skip(why)
    url, token, store = served
    pair = _free_pair(psikg.open(store))
    with LocalBrowser(binary, width=1600, height=1000) as browser:
        browser.goto(f"{url}/workshop?token={token}", "document.getElementById('practice') !== null")
        browser.evaluate(f"document.getElementById('practice').value = {pair.practice!r};"
                         f"document.getElementById('country').value = {pair.importer!r};"
                         "document.getElementById('show').click()")
        browser.wait_for("document.getElementById('record-opportunity') !== null")
        browser.wait_for("document.getElementById('worksheet').contentDocument.querySelectorAll('section h2').length > 8")
        non_blank(browser.screenshot(ARTIFACTS / "1-pair-chosen.png"))
        browser.evaluate("document.getElementById('record-opportunity').click()")
        browser.wait_for("document.getElementById('step-form') !== null")
        assert "recorded opportunity" in browser.evaluate("document.getElementById('done').textContent")
        browser.evaluate("document.getElementById('next-status').value = 'agreed';"
                         "document.getElementById('record-step').click()")
        browser.wait_for("(document.getElementById('status') || {}).textContent === 'agreed'")
        non_blank(browser.screenshot(ARTIFACTS / "2-step-recorded.png"))
        for page, name, ready in ((f"/match/{pair.practice}", "match-page", "document.getElementById('ready')"),
                                  (f"/worksheet/{pair.practice}/{pair.importer}", "worksheet-page",
                                   "document.getElementById('questions')")):
            browser.goto(url + page, ready)
            non_blank(browser.screenshot(ARTIFACTS / f"{name}.png"))
        outside = [u for u in browser.requests() if not u.startswith(url + "/")]
        errors = browser.errors()
    assert outside == [] and errors == [], (outside, errors)
    steps = psikg.open(store).history(pair.transfer)
    assert [s.status for s in steps] == ["opportunity", "agreed"]
