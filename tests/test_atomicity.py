"""A load that is killed leaves the previous version of the store intact (real SIGKILLs)."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import psikg

from .conftest import DATA

KILL_POINTS = {
    "while writing the new file": """
        def dying_dump(obj, handle, protocol=None):
            handle.write(b"half a store")
            handle.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        embedded.pickle.dump = dying_dump
    """,
    "just before the rename": """
        def dying_replace(src, dst):
            os.kill(os.getpid(), signal.SIGKILL)
        embedded.os.replace = dying_replace
    """,
}


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def previous_version(store_path):
    psikg.open(store_path).load([DATA / "minimal"], bundled=False)
    return _digest(store_path)


@pytest.mark.parametrize("point", sorted(KILL_POINTS))
def test_killed_load_keeps_previous_version(point, store_path, previous_version):
    script = "import os, signal\nimport psikg\nfrom psikg.graph import embedded\n"
    script += textwrap.dedent(KILL_POINTS[point])
    script += f"psikg.open({str(store_path)!r}).load(bundled=True)\n"
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert process.returncode == -signal.SIGKILL, process.stderr.decode()
    assert _digest(store_path) == previous_version
    reopened = psikg.open(store_path).catalog
    assert "one-stop" in reopened.practices


def test_load_killed_at_random_moments_is_old_or_new(store_path, previous_version, tmp_path):
    new_store = tmp_path / "new.psikg"
    psikg.open(new_store).load([DATA / "minimal"], bundled=True)
    expected_new = _content(new_store)
    expected_old = _content(store_path)
    command = [sys.executable, "-m", "psikg.cli", "--store", str(store_path), "load", str(DATA / "minimal")]
    spare = tmp_path / "spare.psikg"
    spare.write_bytes(store_path.read_bytes())
    completed = subprocess.run([*command[:4], str(spare), *command[5:]], capture_output=True, timeout=120)
    assert completed.returncode == 0, completed.stderr.decode()  # the command works when left alone
    assert _content(spare) == expected_new
    for delay in (0.2, 0.5, 0.8, 1.1, 1.4):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert _content(store_path) in (expected_old, expected_new)


def _content(path):
    graph = psikg.open(path).store.graph
    return sorted(graph.nodes), sorted(graph.edges(keys=True))
