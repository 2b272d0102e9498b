"""Issue 18: psikg runs on Windows, so no module of the package locks with POSIX-only ``fcntl``;
the SPARQL store's build lock (``filelock``) still lets concurrent callers build it once."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pyoxigraph as ox

import psikg
from psikg.lod.sparql import prepare_sparql_store

PACKAGE = Path(psikg.__file__).resolve().parent
MINIMAL = Path(__file__).parent / "data" / "minimal"


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_regression_issue18_no_module_of_the_package_imports_fcntl():
    sources = [p for p in PACKAGE.rglob("*.py")
               if not {"tests", ".venv", "build", "benchmarks"} & set(p.relative_to(PACKAGE).parts)]
    assert sources
    assert [str(p.relative_to(PACKAGE)) for p in sources if "fcntl" in imported_modules(p)] == []


def test_concurrent_callers_get_one_sparql_store(tmp_path):
    graph = psikg.open(tmp_path / "store.psikg")
    graph.load([MINIMAL], bundled=False)
    paths, errors = [], []

    def build():
        try:
            paths.append(prepare_sparql_store(graph.store, "https://w3id.org/psikg/", tmp_path / "lod"))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=build) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(paths)) == 1
    built = Path(paths[0]).parent
    assert sorted(p.name for p in built.iterdir()) == [".lock", "oxigraph", "stamp.json"]
    assert len(ox.Store.read_only(paths[0])) > 0
