"""The house rules of docs/architecture.md, read from the package's own imports (ast): every import
points down a layer, there is no import circle, and modules and functions stay small.

Every import counts, also one inside a function: an import run on first use is still a dependency.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOT_PACKAGE = {"tests", "benchmarks", "docs", ".venv", ".git", ".ci"}

#: The layers, lowest first: a module may import its own layer and any layer below it.
LAYERS = (
    ("errors", "config", "version"),  # what everything may use
    ("ontology",),  # the model: kinds, vocabularies, the domain dataclasses, the lifecycle, countries
    ("graph",),  # stores: the Store protocol, its opener, the catalog builder, the backends
    ("loaders",),  # every write: input files, follow-up steps, saved opportunities
    ("queries",),  # reads: pure functions of a catalog
    ("views",),  # presentation of query results
    ("lod",),  # linked data: the RDF mapping, the SPARQL store, the server
    ("api",),  # the Python API
    ("commands",),  # the CLI's commands
    ("cli", "__init__", "__main__"),  # the psikg program and command line, and the package's entry point (psikg.open)
)

#: Imports allowed to point up a layer (at most two), each with the reason it is there.
ALLOWED_UPWARD = {
    # The model page (docs/model.md) quotes the rules every query shares, which are written once,
    # in queries/rules.py.
    ("psikg.ontology.docs", "psikg.queries.rules"),
    # RDF input reads through the one RDF mapping, which lives with the rest of linked data.
    ("psikg.loaders.rdf_input", "psikg.lod.rdf"),
}

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80

#: Modules and functions still over the limits, each with the reason; none may be added (none left).
ALLOWED_LONG: set[str] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(["psikg"] + (parts if parts != ["__init__"] else []))


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))
            if not NOT_PACKAGE & set(p.relative_to(ROOT).parts)}


MODULES = _modules()


def _imported(module: str, node: ast.AST, is_package: bool) -> list[str]:
    """The package's modules an import statement names (the nearest enclosing module for a name
    that is not a module itself)."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    elif node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
        names = [f"{target}.{a.name}" if f"{target}.{a.name}" in MODULES else target for a in node.names]
    else:
        target = node.module or ""
        names = [f"{target}.{a.name}" if f"{target}.{a.name}" in MODULES else target for a in node.names]
    found = []
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name.startswith("psikg") and name != module:
            found.append(name)
    return found


@lru_cache(maxsize=1)
def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for module, path in MODULES.items():
        graph.add_node(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _imported(module, node, path.name == "__init__.py"):
                    graph.add_edge(module, target)
    return graph


def layer(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    for rank, names in enumerate(LAYERS):
        if top in names:
            return rank
    raise AssertionError(f"{module} is in no layer: add its folder to LAYERS and to docs/architecture.md")


def test_every_module_has_a_layer():
    for module in MODULES:
        layer(module)


def test_no_import_circles():
    circles = [sorted(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1]
    assert not circles, f"import circles: {circles}"


def test_imports_point_down():
    upward = {(a, b) for a, b in import_graph().edges if layer(b) > layer(a)}
    assert upward <= ALLOWED_UPWARD, f"imports up a layer: {sorted(upward - ALLOWED_UPWARD)}"
    assert len(ALLOWED_UPWARD) <= 2


def test_nothing_imports_the_cli_back():
    """Only the program (``psikg.__main__``) starts the command line; nothing imports the program."""
    assert list(import_graph().predecessors("psikg.cli")) == ["psikg.__main__"]
    assert not list(import_graph().predecessors("psikg.__main__"))


@lru_cache(maxsize=1)
def _long_parts() -> dict[str, int]:
    """Modules over MAX_MODULE_LINES and functions over MAX_FUNCTION_LINES, with their lengths."""
    found = {}
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > MAX_MODULE_LINES:
            found[module] = len(text.splitlines())
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found[f"{module}.{node.name}"] = length
    return found


def test_modules_and_functions_stay_small():
    too_long = {name: n for name, n in _long_parts().items() if name not in ALLOWED_LONG}
    assert not too_long, (f"over {MAX_MODULE_LINES} lines (module) or {MAX_FUNCTION_LINES} (function): {too_long}; "
                          "split by job (docs/architecture.md)")


@pytest.mark.parametrize("name", sorted(ALLOWED_LONG))
def test_allowed_long_parts_are_still_long(name):
    """An allowance is removed as soon as it is no longer needed."""
    assert name in _long_parts(), f"{name} is within the limits now: remove it from ALLOWED_LONG"


def test_the_checks_can_fail():
    """The analysis sees what it must: the CLI's group imports its commands, a backend its records."""
    graph = import_graph()
    assert graph.has_edge("psikg.cli", "psikg.commands")
    assert graph.has_edge("psikg.graph.embedded", "psikg.graph.records")
    assert graph.has_edge("psikg.queries.lookup", "psikg.ontology.domain")
    assert layer("psikg.graph.store") < layer("psikg.queries.match") < layer("psikg.api")


if __name__ == "__main__":  # the figures: python tests/test_architecture.py
    graph = import_graph()
    sizes = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in MODULES.items()}
    largest = max(sizes, key=sizes.get)
    print(f"{len(MODULES)} modules, {sum(sizes.values())} lines, {graph.number_of_edges()} imports")
    print("import circles:", [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1])
    print("upward imports:", sorted((a, b) for a, b in graph.edges if layer(b) > layer(a)))
    print(f"largest module: {largest} ({sizes[largest]} lines, {sizes[largest] / sum(sizes.values()):.0%} of the code)")
    print("over the limits:", _long_parts())
