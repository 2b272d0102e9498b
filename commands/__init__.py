"""The CLI's commands, one module per group; :mod:`psikg.cli` builds the ``psikg`` group from
:data:`COMMAND_MODULES`. Shared option bundles and output helpers are in :mod:`psikg.commands.common`.

A command's module is imported only when that command runs (or when ``psikg --help`` lists them
all), so ``psikg match`` never pays for the loaders, the server or the plotting libraries. A new
command goes in the module of its group (or a new module) and gets a line in
:data:`COMMAND_MODULES`; ``tests/test_cli_imports.py`` fails when the two disagree.
"""

from __future__ import annotations

import importlib

__all__ = ["COMMAND_MODULES", "load_command"]

#: Every command's name and the module (in this package) whose ``COMMANDS`` defines it.
COMMAND_MODULES = {
    **dict.fromkeys(("load", "validate", "diff", "template", "stats", "doctor", "show", "generate"), "data"),
    **dict.fromkeys(("paths", "diffusion", "factors", "gaps", "network"), "analytics"),
    **dict.fromkeys(("match", "solutions", "matchmake", "similar", "worksheet"), "matching"),
    **dict.fromkeys(("follow-up", "partnerships", "report"), "followup"),
    **dict.fromkeys(("push", "cypher"), "databases"),
    "viz": "viz",
    **dict.fromkeys(("export", "sparql", "serve"), "lod"),
    "backtest": "backtest",
    **dict.fromkeys(("export-research", "adoption", "factor-models", "plot"), "research"),
}


def load_command(name: str):
    """The click command called ``name``, importing its module now (None for an unknown name)."""
    module_name = COMMAND_MODULES.get(name)
    if module_name is None:
        return None
    module = importlib.import_module(f"{__name__}.{module_name}")
    return next(command for command in module.COMMANDS if command.name == name)
