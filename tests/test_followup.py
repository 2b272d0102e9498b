"""Partnership follow-up (issue 9): status history with dates, documented transitions, the
status_history table, partnerships and the event report."""

from __future__ import annotations

import json

import pytest

import psikg
from psikg.api import Psikg
from psikg.cli import cli
from psikg.errors import FollowUpError, InputError
from psikg.queries.factors import factor_analysis
from psikg.ontology.lifecycle import STATUS_TRANSITIONS, transition_problem

from .chromium_pipe import chromium_binary, open_page
from .conftest import DATA

DHAKA = "ssn4psi-dhaka-2017"
A2I = "bgd-a2i-service-innovation-to-som"  # implementing, matched at Dhaka 2017


@pytest.fixture
def minimal(store_path):
    """The minimal dataset: one-stop-to-som is implementing, e-id-to-bgd an opportunity."""
    graph = psikg.open(store_path)
    graph.load([DATA / "minimal"], bundled=False)
    return graph


def _history_csv(folder, rows):
    folder.mkdir(exist_ok=True)
    lines = ["transfer,status,date,source,note,outcome,forced"] + [",".join(row) for row in rows]
    (folder / "status_history.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _statuses(graph, transfer):
    return [(s.status, s.date) for s in graph.catalog.transfers[transfer].steps]


# The rules -------------------------------------------------------------------------------------


def test_documented_transitions():
    assert STATUS_TRANSITIONS["opportunity"] == ("agreed", "stalled", "abandoned")
    assert transition_problem("stalled", "implementing") is None
    assert transition_problem("implementing", "implementing") is None  # a dated update
    assert transition_problem(None, "scaled") is None  # a new transfer starts anywhere
    for final in ("scaled", "abandoned"):
        assert "final" in transition_problem(final, "implementing")
    assert transition_problem("opportunity", "adopted") == \
        "opportunity cannot move to adopted (allowed: agreed, stalled, abandoned)"


# History ---------------------------------------------------------------------------------------


def test_loaded_transfer_has_its_status_as_first_step(minimal):
    transfer = minimal.catalog.transfers["one-stop-to-som"]
    assert [(s.id, s.status, s.date) for s in transfer.steps] == [
        ("one-stop-to-som--undated--implementing", "implementing", None)]
    assert minimal.stats().counts["status_steps"] == 2


def test_history_order_and_dates(minimal):
    minimal.follow_up("e-id-to-bgd", "agreed", date="2018-11")
    minimal.follow_up("e-id-to-bgd", "implementing", date="2020-02-01", note="second district")
    # an older step slots in between (agreed -> implementing -> implementing)
    minimal.follow_up("e-id-to-bgd", "implementing", date="2019-06-01", note="pilot")
    assert _statuses(minimal, "e-id-to-bgd") == [
        ("opportunity", None), ("agreed", "2018-11"), ("implementing", "2019-06-01"), ("implementing", "2020-02-01")]
    transfer = minimal.catalog.transfers["e-id-to-bgd"]
    assert transfer.status == "implementing"
    assert transfer.steps[2].note == "pilot"
    row = minimal.partnerships(as_of="2020-03-02").partnerships
    found = {p.transfer: p for p in row}["e-id-to-bgd"]
    assert (found.since, found.days_in_status) == ("2019-06-01", 275)  # in implementing since the first step
    assert (found.last_update, found.days_since_update) == ("2020-02-01", 30)
    assert found.steps == 4 and not found.stale


def test_a_refused_move_writes_nothing(minimal, store_path, runner):
    before = store_path.read_bytes()
    with pytest.raises(FollowUpError, match="opportunity cannot move to adopted"):
        minimal.follow_up("e-id-to-bgd", "adopted", date="2020-01-01")
    result = runner.invoke(cli, ["--store", str(store_path), "follow-up", "e-id-to-bgd", "--status", "scaled",
                                 "--date", "2020-01-01"])
    assert result.exit_code == 2, result.output
    assert "opportunity cannot move to scaled (allowed: agreed, stalled, abandoned)" in result.output
    assert "--force" in result.output and "Nothing was written" in result.output
    assert store_path.read_bytes() == before


def test_a_backfilled_step_must_fit_before_the_later_one(minimal, store_path):
    minimal.follow_up("one-stop-to-som", "stalled", date="2020-01-01")
    before = store_path.read_bytes()
    with pytest.raises(FollowUpError, match="does not follow"):  # adopted, then stalled: not allowed
        minimal.follow_up("one-stop-to-som", "adopted", date="2019-01-01")
    assert store_path.read_bytes() == before


def test_stalled_then_implementing_again(minimal):
    minimal.follow_up("one-stop-to-som", "stalled", date="2019-01-01", note="elections")
    minimal.follow_up("one-stop-to-som", "implementing", date="2019-09-01")
    assert minimal.catalog.transfers["one-stop-to-som"].status == "implementing"


def test_forced_move_keeps_its_reason(minimal, store_path, runner):
    result = runner.invoke(cli, ["--store", str(store_path), "follow-up", "e-id-to-bgd", "--status", "adopted",
                                 "--date", "2021-05-04", "--force", "adopted without a formal agreement",
                                 "--source", "https://example.org/news", "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["status"] == "adopted"
    step = answer["steps"][-1]
    assert step["forced"] == "adopted without a formal agreement"
    assert step["sources"] == ["https://example.org/news"]
    assert psikg.open(store_path).catalog.transfers["e-id-to-bgd"].status == "adopted"
    empty = runner.invoke(cli, ["--store", str(store_path), "follow-up", "e-id-to-bgd", "--status", "scaled",
                                "--force", " "])
    assert empty.exit_code == 2 and "needs a reason" in empty.output


def test_follow_up_refuses_unknown_transfer_and_bad_date(minimal, store_path, runner):
    result = runner.invoke(cli, ["--store", str(store_path), "follow-up", "one-stop-to-so", "--status", "agreed"])
    assert result.exit_code == 2 and "one-stop-to-som" in result.output
    result = runner.invoke(cli, ["--store", str(store_path), "follow-up", "one-stop-to-som", "--status",
                                 "adopted", "--date", "2019-13-01"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_follow_up_without_a_date_is_dated_today(minimal):
    import datetime

    before = datetime.date.today().isoformat()
    history = minimal.follow_up("one-stop-to-som", "implementing", note="still going")
    assert history[-1].date in {before, datetime.date.today().isoformat()}  # also across midnight


# The status_history table ----------------------------------------------------------------------


def test_status_history_table_loads_in_date_order_and_reloads_idempotently(minimal, store_path, tmp_path):
    folder = _history_csv(tmp_path / "follow", [
        ("e-id-to-bgd", "implementing", "2019-06-01", "https://example.org/a", "pilot", "", ""),
        ("e-id-to-bgd", "agreed", "2018-11-20", "https://example.org/b", "MoU", "", ""),  # earlier, given later
        ("one-stop-to-som", "adopted", "2020", "", "", "success", ""),
    ])
    minimal.load([folder], bundled=False)
    assert _statuses(minimal, "e-id-to-bgd") == [
        ("opportunity", None), ("agreed", "2018-11-20"), ("implementing", "2019-06-01")]
    assert minimal.catalog.transfers["one-stop-to-som"].outcome == "success"
    report = psikg.open(store_path).load([folder], bundled=False)
    assert (report.nodes, report.edges) == (report.nodes_before, report.edges_before)
    assert _statuses(psikg.open(store_path), "e-id-to-bgd") == _statuses(minimal, "e-id-to-bgd")
    # the transfers table loaded again does not reset the status the follow-up recorded
    psikg.open(store_path).load([DATA / "minimal", folder], bundled=False)
    again = psikg.open(store_path).catalog.transfers
    assert again["one-stop-to-som"].status == "adopted" and again["one-stop-to-som"].outcome == "success"
    assert len(again["e-id-to-bgd"].steps) == 3


def test_status_history_table_refuses_undocumented_moves(minimal, store_path, tmp_path, runner):
    folder = _history_csv(tmp_path / "bad", [
        ("e-id-to-bgd", "agreed", "2018-11-20", "", "", "", ""),
        ("e-id-to-bgd", "scaled", "2019-01-01", "", "", "", ""),  # agreed cannot move to scaled
    ])
    before = store_path.read_bytes()
    result = runner.invoke(cli, ["--store", str(store_path), "load", "--no-bundled", str(folder)])
    assert result.exit_code == 2
    assert "status_history.csv, row 3, column 'status'" in result.output
    assert "agreed cannot move to scaled" in result.output
    assert store_path.read_bytes() == before
    with pytest.raises(InputError):  # against the store: one-stop-to-som is implementing
        minimal.load([_history_csv(tmp_path / "bad2", [("one-stop-to-som", "agreed", "2021", "", "", "", "")])],
                     bundled=False)


def test_status_history_table_forced_row(minimal, tmp_path):
    folder = _history_csv(tmp_path / "forced", [
        ("one-stop-to-som", "agreed", "2021", "", "", "", "renegotiated after a change of government")])
    minimal.load([folder], bundled=False)
    transfer = minimal.catalog.transfers["one-stop-to-som"]
    assert transfer.status == "agreed"
    assert transfer.steps[-1].forced == "renegotiated after a change of government"


def test_status_history_row_needs_a_known_transfer(minimal, tmp_path):
    with pytest.raises(InputError, match="transfer"):
        minimal.load([_history_csv(tmp_path / "unknown", [("no-such-transfer", "agreed", "", "", "", "", "")])],
                     bundled=False)


# Outcomes feed matching evidence and the success-factor analysis ----------------------------------


def test_recorded_outcome_feeds_evidence_and_factor_analysis(bundled_graph):
    match = pytest.importorskip("psikg.queries.match")
    from psikg.queries.rules import is_successful

    catalog = bundled_graph.catalog
    transfer = next(
        t for t in sorted(catalog.transfers.values(), key=lambda t: t.id)
        if t.status == "implementing" and t.outcome == "unknown" and catalog.practices[t.practice].factors
        and not any(is_successful(o) for o in catalog.transfers_by_practice[t.practice]))
    practice = catalog.practices[transfer.practice]
    country = next(c for c in sorted(catalog.countries) if c not in (transfer.exporter, transfer.importer))
    before_evidence = match.score_country(catalog, practice, country).evidence
    before_n = factor_analysis(catalog).n
    assert before_evidence == 0.0

    bundled_graph.follow_up(transfer.id, "adopted", date="2020-06-30", outcome="success")

    after = bundled_graph.catalog
    assert after.transfers[transfer.id].outcome == "success"
    assert match.score_country(after, after.practices[practice.id], country).evidence > 0
    assert factor_analysis(after).n == before_n + 1


# partnerships ----------------------------------------------------------------------------------


def test_partnerships_command(bundled_graph, runner):
    store = str(bundled_graph.store.path)
    bundled_graph.follow_up(A2I, "implementing", date="2019-07-15", note="knowledge exchange")
    result = runner.invoke(cli, ["--store", store, "partnerships", "--event", DHAKA, "--as-of", "2020-01-01",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    (row,) = answer["partnerships"]
    assert (row["transfer"], row["status"], row["days_since_update"]) == (A2I, "implementing", 170)
    assert row["days_in_status"] == 170 and answer["stale"] == []
    stale = runner.invoke(cli, ["--store", store, "partnerships", "--country", "BGD", "--stale-days", "30",
                                "--as-of", "2020-01-01"])
    assert stale.exit_code == 0, stale.output
    assert "To chase" in stale.output and A2I[:20] in stale.output
    csv_out = runner.invoke(cli, ["--store", store, "partnerships", "--status", "agreed", "--format", "csv"])
    assert csv_out.exit_code == 0
    assert csv_out.stdout.splitlines()[0].startswith("transfer,practice,exporter,importer,event,status")
    assert "unknown" in csv_out.stdout  # undated: time in status unknown, and said so
    bad = runner.invoke(cli, ["--store", store, "partnerships", "--event", "ssn4psi-dhaka-201"])
    assert bad.exit_code == 2 and DHAKA in bad.output


# The event report ------------------------------------------------------------------------------


def test_report_on_dhaka_2017_states_the_record(bundled_graph, runner, tmp_path):
    store = str(bundled_graph.store.path)
    out = tmp_path / "dhaka.md"
    result = runner.invoke(cli, ["--store", store, "report", "--event", DHAKA, "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "**Participating countries**: 18 as the record states it" in text
    assert "**Partnership opportunities**: 38 as the record states it" in text
    assert "| opportunities stated | 38 |" in text
    assert f"`{A2I}`: **implementing**" in text
    assert "Bangladesh → Somalia" in text
    report = bundled_graph.event_report(DHAKA)
    assert (report.participant_count, report.opportunities, report.recorded) == (18, 38, 1)
    assert report.by_status["implementing"] == 1
    assert [(s.stage, s.count) for s in report.funnel] == [
        ("opportunity", 1), ("agreed", 1), ("implementing", 1), ("adopted", 0)]


def test_report_follows_the_history(bundled_graph):
    bundled_graph.follow_up(A2I, "adopted", date="2019-05-01", outcome="success", note="rolled out")
    report = bundled_graph.event_report(DHAKA)
    (transfer,) = report.transfers
    assert (transfer.status, transfer.outcome, transfer.reached) == ("adopted", "success", "adopted")
    assert [s.status for s in transfer.steps] == ["implementing", "adopted"]
    assert report.funnel[-1].count == 1


@pytest.fixture
def dhaka_html(bundled_graph, runner, tmp_path):
    path = tmp_path / "dhaka.html"
    result = runner.invoke(cli, ["--store", str(bundled_graph.store.path), "report", "--event", DHAKA,
                                 "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_html_report_is_self_contained(dhaka_html):
    html = dhaka_html.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "<svg" in html and "Funnel from opportunity to adopted" in html
    for marker in ("src=", "<link", "@import", "url("):
        assert marker not in html, marker
    assert "38" in html and "18 as the record states it" in html


def test_html_report_opens_in_headless_chromium_without_network(dhaka_html):
    if chromium_binary() is None:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    report = open_page(dhaka_html, {
        "bars": "document.querySelectorAll('svg rect').length",
        "heading": "document.querySelector('h1').textContent",
        "facts": "document.querySelector('dl.facts').textContent",
    }, pdf=True)
    assert report.errors == []
    assert report.requests == [dhaka_html.resolve().as_uri()], "the page must load nothing but itself"
    assert report.values["bars"] == 5  # stated opportunities, then the four stages
    assert report.values["heading"].startswith("Follow-up report: SSN4PSI first international")
    assert "18 as the record states it" in report.values["facts"]
    assert report.pdf_bytes > 5_000  # it prints


def test_report_unknown_event(bundled_graph, runner):
    result = runner.invoke(cli, ["--store", str(bundled_graph.store.path), "report", "--event", "dhaka"])
    assert result.exit_code == 2


def test_report_refuses_other_suffixes(bundled_graph, runner, tmp_path):
    result = runner.invoke(cli, ["--store", str(bundled_graph.store.path), "report", "--event", DHAKA,
                                 "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2 and ".html, .md or .json" in result.output


def test_status_history_in_yaml_records_and_workbooks(minimal, tmp_path):
    """The records and workbook formats share the table definitions."""
    from openpyxl import Workbook

    records = tmp_path / "follow.yaml"
    records.write_text("status_history:\n"
                       "  - transfer: e-id-to-bgd\n    status: agreed\n    date: 2018-11-20\n"
                       "    source: https://example.org/mou\n    note: MoU signed\n", encoding="utf-8")
    minimal.load([records], bundled=False)
    book = Workbook()
    sheet = book.active
    sheet.title = "status_history"
    sheet.append(["transfer", "status", "date", "note"])
    sheet.append(["e-id-to-bgd", "implementing", "2019-04", "pilot"])
    book.save(tmp_path / "follow.xlsx")
    minimal.load([tmp_path / "follow.xlsx"], bundled=False)
    assert _statuses(minimal, "e-id-to-bgd") == [
        ("opportunity", None), ("agreed", "2018-11-20"), ("implementing", "2019-04")]
    assert minimal.catalog.transfers["e-id-to-bgd"].steps[1].note == "MoU signed"


def test_follow_up_on_every_backend(any_store):
    """The same history, current status and refusal on the embedded store and the graph databases."""
    graph = Psikg(any_store)
    graph.load([DATA / "minimal"], bundled=False)
    graph.follow_up("e-id-to-bgd", "agreed", date="2018-11-20", note="MoU")
    graph.follow_up("e-id-to-bgd", "implementing", date="2019-06-01")
    graph.follow_up("e-id-to-bgd", "implementing", date="2019-06-01")  # again: nothing new
    with pytest.raises(FollowUpError):
        graph.follow_up("e-id-to-bgd", "opportunity", date="2020-01-01")
    graph.load([DATA / "minimal"], bundled=False)  # the transfers table again: the history stays
    transfer = any_store.catalog().transfers["e-id-to-bgd"]
    assert transfer.status == "implementing"
    assert [(s.status, s.date, s.seq) for s in transfer.steps] == [
        ("opportunity", None, 0), ("agreed", "2018-11-20", 1), ("implementing", "2019-06-01", 2)]
    assert any_store.counts()["nodes_by_kind"]["status_step"] == 4  # and one-stop-to-som's


@pytest.mark.parametrize("doc", ["follow-up.md", "input-format.md"])
def test_documented_moves_are_the_rules(doc):
    """The tables of allowed moves in the docs say what queries/rules.py enforces."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / doc).read_text(encoding="utf-8")
    documented = {}
    for source, targets in re.findall(r"^\| (opportunity|agreed|implementing|adopted|stalled|scaled, abandoned) "
                                      r"\| ([^|]+) \|$", text, flags=re.M):
        moves = () if targets.startswith("none") else tuple(t.strip() for t in targets.split(","))
        for status in source.split(", "):
            documented[status] = moves
    assert documented == STATUS_TRANSITIONS


# The transfers table and the history ------------------------------------------------------------


def _minimal_copy(tmp_path, name, status_of=None, history=()):
    """A copy of the minimal dataset with some transfers' status changed and status_history rows."""
    import csv
    import shutil

    folder = tmp_path / name
    shutil.copytree(DATA / "minimal", folder)
    if status_of:
        path = folder / "transfers.csv"
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        for row in rows:
            row["status"] = status_of.get(row["id"], row["status"])
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    if history:
        _history_csv(folder, history)
    return folder


def test_transfers_row_with_its_dated_history_in_one_load(empty_graph, tmp_path):
    """The current status in transfers.csv and the dated path to it in status_history.csv."""
    folder = _minimal_copy(tmp_path, "new", {"e-id-to-bgd": "adopted"}, [
        ("e-id-to-bgd", "opportunity", "2017-12-10", "", "", "", ""),
        ("e-id-to-bgd", "agreed", "2018-05", "", "", "", ""),
        ("e-id-to-bgd", "implementing", "2019", "", "", "", ""),
        ("e-id-to-bgd", "adopted", "2021-02-01", "", "", "success", ""),
    ])
    report = empty_graph.load([folder], bundled=False)
    assert report.warnings == []
    transfer = empty_graph.catalog.transfers["e-id-to-bgd"]
    assert (transfer.status, transfer.outcome) == ("adopted", "success")
    assert [s.status for s in transfer.steps] == ["opportunity", "agreed", "implementing", "adopted"]


def test_edited_transfers_status_is_a_new_step(minimal, tmp_path):
    minimal.load([_minimal_copy(tmp_path, "edited", {"e-id-to-bgd": "agreed"})], bundled=False)
    assert _statuses(minimal, "e-id-to-bgd") == [("opportunity", None), ("agreed", None)]
    assert minimal.catalog.transfers["e-id-to-bgd"].status == "agreed"
    with pytest.raises(InputError, match="agreed cannot move to scaled"):
        minimal.load([_minimal_copy(tmp_path, "jump", {"e-id-to-bgd": "scaled"})], bundled=False)


def test_history_wins_over_a_transfers_row_behind_or_ahead_of_it(minimal, tmp_path):
    """The bundled record may lag behind the follow-up, or say more than its dated history: the
    dated history keeps the current status, and a warning says so when they disagree."""
    minimal.follow_up("one-stop-to-som", "stalled", date="2019-03-01")
    report = minimal.load([_minimal_copy(tmp_path, "ahead", {"one-stop-to-som": "adopted"})], bundled=False)
    transfer = minimal.catalog.transfers["one-stop-to-som"]
    assert transfer.status == "stalled"
    assert [s.status for s in transfer.steps] == ["implementing", "stalled"]
    (warning,) = [w for w in report.warnings if w.field == "status"]
    assert "one-stop-to-som" in warning.expected and "stays the current status" in warning.expected
    quiet = minimal.load([DATA / "minimal"], bundled=False)  # the original row: its own first step
    assert [w for w in quiet.warnings if w.field == "status"] == []
    assert minimal.catalog.transfers["one-stop-to-som"].status == "stalled"


def test_follow_ups_written_at_the_same_time_keep_both_steps(minimal, store_path):
    first, second = psikg.open(store_path), psikg.open(store_path)
    assert first.catalog and second.catalog  # both read the store before either writes
    first.follow_up("one-stop-to-som", "implementing", date="2019-01-01", note="first")
    second.follow_up("one-stop-to-som", "implementing", date="2019-02-01", note="second")
    steps = psikg.open(store_path).catalog.transfers["one-stop-to-som"].steps
    assert [s.date for s in steps] == [None, "2019-01-01", "2019-02-01"]


def test_report_as_json_for_scripts(bundled_graph, runner):
    result = runner.invoke(cli, ["--store", str(bundled_graph.store.path), "report", "--event", DHAKA,
                                 "--format", "json", "--as-of", "2020-01-01"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert (answer["participant_count"], answer["opportunities"], answer["recorded"]) == (18, 38, 1)
    assert answer["transfers"][0]["transfer"] == A2I and answer["transfers"][0]["status"] == "implementing"
    assert answer["funnel"][0] == {"stage": "opportunity", "label": "opportunity", "count": 1}


def test_country_report(bundled_graph, runner, tmp_path):
    catalog = bundled_graph.catalog
    bundled_graph.follow_up(A2I, "adopted", date="2019-05-01", outcome="success")
    report = bundled_graph.country_report("bgd")
    mine = [t for t in catalog.transfers.values() if "BGD" in (t.exporter, t.importer)]
    assert report.recorded == len(mine) > 0
    assert report.exported == sum(1 for t in mine if t.exporter == "BGD")
    assert report.imported == sum(1 for t in mine if t.importer == "BGD")
    assert DHAKA in [id_ for id_, _ in report.events]
    assert {t.transfer: t.status for t in report.transfers}[A2I] == "adopted"
    assert sum(report.by_status.values()) == report.recorded
    path = tmp_path / "bgd.html"
    result = runner.invoke(cli, ["--store", str(bundled_graph.store.path), "report", "--country", "BGD",
                                 "-o", str(path)])
    assert result.exit_code == 0, result.output
    html = path.read_text(encoding="utf-8")
    assert "Follow-up report: Bangladesh" in html and "<svg" in html and "<script" not in html
    for wrong in ([], ["--event", DHAKA, "--country", "BGD"]):
        usage = runner.invoke(cli, ["--store", str(bundled_graph.store.path), "report", *wrong])
        assert usage.exit_code == 2 and "one of --event and --country" in usage.output
    unknown = runner.invoke(cli, ["--store", str(bundled_graph.store.path), "report", "--country", "XXX"])
    assert unknown.exit_code == 2


def test_follow_up_without_status_shows_the_history(minimal, store_path, runner):
    minimal.follow_up("one-stop-to-som", "adopted", date="2020-02-02", note="national roll-out")
    before = store_path.read_bytes()
    result = runner.invoke(cli, ["--store", str(store_path), "follow-up", "one-stop-to-som", "--format", "json"])
    assert result.exit_code == 0, result.output
    steps = json.loads(result.stdout)["steps"]
    assert [(s["status"], s["date"], s["note"]) for s in steps] == [
        ("implementing", None, None), ("adopted", "2020-02-02", "national roll-out")]
    assert store_path.read_bytes() == before
    lone = runner.invoke(cli, ["--store", str(store_path), "follow-up", "one-stop-to-som", "--note", "x"])
    assert lone.exit_code == 2 and "give --status too" in lone.output
