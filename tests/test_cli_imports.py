"""Issue 22: a command imports only what it uses. ``psikg match`` on the bundled data must not pay
for the loaders, the server, RDF or the plotting and data-frame libraries; the lazy group still
lists every command. Checked by the modules a real ``psikg`` process ends with, not by timing."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

import psikg.commands
from psikg.cli import cli
from psikg.commands import COMMAND_MODULES

#: Modules ``psikg match`` must not import: each is heavy and none is needed to score and print.
HEAVY = ("pandas", "matplotlib", "scipy", "statsmodels", "pyarrow", "pyoxigraph", "rdflib", "pyshacl",
         "starlette", "uvicorn", "networkx", "jinja2", "pyvis", "rich", "yaml", "openpyxl", "pycountry",
         "country_converter", "psikg.loaders", "psikg.lod", "psikg.views")

#: Prints, after the command has run, the top-level names of the modules the process imported.
MODULES_AFTER = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
from psikg.cli import main
main()
"""


def _modules_after(*args: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", MODULES_AFTER, *args], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_match_imports_nothing_heavy(bundled_store_path):
    modules = _modules_after("--store", str(bundled_store_path), "match", "bgd-sdg-tracker", "--format", "json")
    assert "psikg.queries.match" in modules  # the check sees what ran
    assert not _heavy(modules), f"psikg match imported {_heavy(modules)}: import them where they are used"


def test_only_the_command_run_is_imported(bundled_store_path):
    modules = _modules_after("--store", str(bundled_store_path), "match", "bgd-sdg-tracker", "--format", "json")
    commands = sorted(m for m in modules if m.startswith("psikg.commands."))
    assert commands == ["psikg.commands.common", "psikg.commands.matching"]


#: What a query of a store with a good cache does without: the write path, the rebuild from the
#: tables, and OpenSSL (the cache's checksum is a CRC-32).
WRITE_PATH = ("psikg.graph.records", "psikg.graph.sqlite_write", "psikg.graph.sqlite_origins", "psikg.graph.catalog",
              "hashlib", "_hashlib")


def test_match_reads_the_store_without_its_write_path(bundled_store_path):
    modules = _modules_after("--store", str(bundled_store_path), "match", "bgd-sdg-tracker", "--format", "json")
    assert "psikg.graph.catalog_cache" in modules  # the catalog came from the cache
    assert not sorted(set(WRITE_PATH) & modules)


def test_the_check_can_fail(bundled_store_path):
    """A command that needs a heavy library shows up: ``sparql`` imports pyoxigraph."""
    modules = _modules_after("--store", str(bundled_store_path), "sparql", "SELECT (1 AS ?x) {}", "--format", "json")
    assert "pyoxigraph" in _heavy(modules)


def _defined_commands() -> dict[str, str]:
    """Every command each module of psikg.commands defines, with that module's short name."""
    found = {}
    for info in pkgutil.iter_modules(psikg.commands.__path__):
        module = importlib.import_module(f"psikg.commands.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            found[command.name] = info.name
    return found


def test_the_lazy_group_lists_every_command_defined():
    assert COMMAND_MODULES == _defined_commands(), "add the command to COMMAND_MODULES in commands/__init__.py"
    assert cli.list_commands(None) == sorted(COMMAND_MODULES)


@pytest.mark.parametrize("name", sorted(COMMAND_MODULES))
def test_every_listed_command_loads(name):
    command = cli.get_command(None, name)
    assert command is not None and command.name == name


def test_an_unknown_command_is_refused(runner):
    result = runner.invoke(cli, ["mach"])
    assert result.exit_code == 2
    assert "No such command" in result.output


#: Counts the cyclic collector's runs from the start of the process to the end of the command.
COLLECTIONS = """
import atexit, gc, sys
runs = []
gc.callbacks.append(lambda phase, info: phase == "start" and runs.append(info["generation"]))
atexit.register(lambda: print(len(runs), gc.isenabled(), file=sys.stderr))
from psikg.__main__ import main
main()
"""


def test_the_program_seldom_runs_the_cycle_collector(bundled_store_path):
    """What a command makes lives until it ends: the collector runs a few times in a match, not the
    sixty of Python's default threshold, and it is still on."""
    done = subprocess.run([sys.executable, "-c", COLLECTIONS, "--store", str(bundled_store_path), "match",
                           "bgd-sdg-tracker", "--format", "json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    runs, enabled = done.stderr.strip().splitlines()[-1].split()
    assert int(runs) <= 5 and enabled == "True"


def test_importing_the_command_line_leaves_the_collector_as_it_was():
    """Only the program sets the threshold: a process that imports psikg.cli (these tests) keeps
    its own, so that the cycles it makes are collected as it expects."""
    code = "import gc; before = gc.get_threshold(); import psikg.cli; print(before == gc.get_threshold())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "True", done.stderr


def test_python_dash_m_psikg_runs_the_program(bundled_store_path):
    done = subprocess.run([sys.executable, "-m", "psikg", "--store", str(bundled_store_path), "match",
                           "bgd-sdg-tracker", "--top", "1", "--format", "json"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["practice"] == "bgd-sdg-tracker"
