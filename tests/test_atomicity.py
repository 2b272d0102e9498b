"""A write that is killed leaves the previous version of the store intact and no temporary file
behind (real SIGKILLs); readers go on while a writer writes."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pytest

import psikg
from psikg.graph.embedded import EmbeddedStore
from psikg.graph.records import GraphBatch

from .conftest import DATA

KILL_POINTS = {
    "while writing the tables": """
        original = sqlite_write.merge_links
        def dying_merge(*args, **kwargs):
            original(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)
        sqlite_write.merge_links = dying_merge
    """,
    "just before the commit": """
        original = embedded._write_cache
        def dying_cache(connection, catalog, generation):
            original(connection, catalog, generation)
            os.kill(os.getpid(), signal.SIGKILL)
        embedded._write_cache = dying_cache
    """,
}


def _content(path):
    store = EmbeddedStore(path)
    try:
        graph = store.graph
        return sorted(graph.nodes), sorted(graph.edges(keys=True))
    finally:
        store.close()


def _leftovers(path) -> list[str]:
    """Files beside the store once it has been opened and closed again (none expected)."""
    store = EmbeddedStore(path)
    store.catalog()
    store.close()
    return sorted(p.name for p in path.parent.iterdir()
                  if p != path and (p.name.startswith(path.name) or p.suffix in (".tmp", ".lock")))


@pytest.fixture
def previous_version(store_path):
    psikg.open(store_path).load([DATA / "minimal"], bundled=False)
    return _content(store_path)


@pytest.mark.parametrize("point", sorted(KILL_POINTS))
def test_killed_load_keeps_previous_version(point, store_path, previous_version):
    script = "import os, signal\nimport psikg\nfrom psikg.graph import embedded, sqlite_write\n"
    script += textwrap.dedent(KILL_POINTS[point])
    script += f"psikg.open({str(store_path)!r}).load(bundled=True)\n"
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert process.returncode == -signal.SIGKILL, process.stderr.decode()
    assert _content(store_path) == previous_version
    reopened = psikg.open(store_path).catalog
    assert "one-stop" in reopened.practices
    assert _leftovers(store_path) == []


def test_killed_first_load_into_a_new_store_is_rolled_back_and_back_in_wal(tmp_path):
    """A first load into a new store writes through a rollback journal (graph/embedded.py,
    _bulk_journal); killed, it leaves that journal, and the next opener rolls it back and
    returns the store to WAL."""
    path = tmp_path / "new.psikg"
    script = "import os, signal\nimport psikg\nfrom psikg.graph import embedded, sqlite_write\n"
    script += textwrap.dedent(KILL_POINTS["while writing the tables"])
    script += f"psikg.open({str(path)!r}).load(bundled=True)\n"
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert process.returncode == -signal.SIGKILL, process.stderr.decode()
    assert path.with_name(path.name + "-journal").exists()  # the load ran in rollback mode
    store = EmbeddedStore(path)
    assert store.counts()["nodes"] == 0
    assert store._open().execute("PRAGMA journal_mode").fetchone() == ("wal",)
    store.close()
    assert _leftovers(path) == []
    psikg.open(path).load([DATA / "minimal"], bundled=False)
    assert "one-stop" in psikg.open(path).catalog.practices


def test_load_killed_at_random_moments_is_old_or_new(store_path, previous_version, tmp_path):
    new_store = tmp_path / "new" / "new.psikg"
    psikg.open(new_store).load([DATA / "minimal"], bundled=True)
    expected_new = _content(new_store)
    expected_old = previous_version
    command = [sys.executable, "-m", "psikg.cli", "--store", str(store_path), "load", str(DATA / "minimal")]
    for delay in (0.2, 0.5, 0.8, 1.1, 1.4, 3.0):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert _content(store_path) in (expected_old, expected_new)
    assert _leftovers(store_path) == []


def test_readers_go_on_while_a_writer_writes(store_path, previous_version):
    writer = EmbeddedStore(store_path)
    batch = GraphBatch()
    batch.add_node("country", "ZZZ", {"name": "Zedland"})
    with writer.transaction():
        writer.apply(batch)
        reader = EmbeddedStore(store_path)  # a second process would see the same
        started = time.perf_counter()
        assert reader.node("country", "ZZZ") is None  # the write is not committed yet
        assert "one-stop" in reader.catalog().practices
        assert time.perf_counter() - started < 5
        reader.close()
    assert EmbeddedStore(store_path).node("country", "ZZZ") == {"name": "Zedland"}
    writer.close()


def test_regression_issue17_concurrent_follow_ups_are_checked_one_after_the_other(store_path, previous_version):
    """Two writers that both read the history before either wrote: the second is checked against
    the first one's step (agreed, then abandoned, then implementing is not a documented move)."""
    from psikg.errors import FollowUpError

    psikg.open(store_path).follow_up("one-stop-to-som", "agreed", date="2019-01-01", force="test setup")
    first, second = psikg.open(store_path), psikg.open(store_path)
    assert first.catalog.transfers["one-stop-to-som"].status == second.catalog.transfers["one-stop-to-som"].status
    first.follow_up("one-stop-to-som", "abandoned", date="2019-02-01")
    with pytest.raises(FollowUpError, match="abandoned"):
        second.follow_up("one-stop-to-som", "implementing", date="2019-03-01")
    steps = psikg.open(store_path).catalog.transfers["one-stop-to-som"].steps
    assert [s.status for s in steps][-1] == "abandoned"


def test_concurrent_follow_up_processes_never_both_pass(store_path, previous_version):
    psikg.open(store_path).follow_up("one-stop-to-som", "agreed", date="2019-01-01", force="test setup")
    commands = [[sys.executable, "-m", "psikg.cli", "--store", str(store_path), "follow-up", "one-stop-to-som",
                 "--status", status, "--date", date] for status, date in (("abandoned", "2019-02-01"),
                                                                           ("implementing", "2019-03-01"))]
    processes = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands]
    codes = [p.wait(timeout=120) for p in processes]
    statuses = [s.status for s in psikg.open(store_path).catalog.transfers["one-stop-to-som"].steps]
    assert not ("abandoned" in statuses and statuses[-1] == "implementing"), (codes, statuses)
    assert 0 in codes


def test_threads_sharing_one_store_read_while_one_writes(store_path, previous_version):
    """A server's threads share one store object: reads in some and a write in another never meet
    in one SQLite transaction."""
    import threading

    store = EmbeddedStore(store_path)
    failures: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        try:
            while not done.is_set():
                assert store.node("practice", "one-stop") is not None
                store.neighbours("practice", "one-stop")
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for index in range(5):
            batch = GraphBatch()
            batch.add_node("country", f"ZZ{index}", {"name": f"Test {index}"})
            store.apply(batch)
    finally:
        done.set()
        for reader in readers:
            reader.join()
    assert not failures, failures
    assert store.node("country", "ZZ4") == {"name": "Test 4"}
    store.close()
