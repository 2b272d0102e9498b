"""The examples in docstrings are tested: every module of ``psikg.queries`` (and the loaders'
status history, the transfer lifecycle) runs its doctests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import psikg.queries
import psikg.views

QUERIES = Path(psikg.queries.__path__[0])
MODULES = sorted(f"psikg.queries.{m.name}" for m in pkgutil.iter_modules([str(QUERIES)])
                 if ">>> " in (QUERIES / f"{m.name}.py").read_text(encoding="utf-8"))
MODULES += ["psikg.loaders.history", "psikg.ontology.lifecycle", "psikg.ontology.countries"]
VIEWS = Path(psikg.views.__path__[0])
MODULES += sorted("psikg.views." + ".".join(path.relative_to(VIEWS).with_suffix("").parts)
                  for path in VIEWS.rglob("*.py") if ">>> " in path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
