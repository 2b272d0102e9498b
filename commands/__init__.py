"""The CLI's commands, one module per group; :mod:`psikg.cli` builds the ``psikg`` group from
:data:`COMMANDS`. Shared option bundles and output helpers are in :mod:`psikg.commands.common`.

A new command goes in the module of its group (or a new module listed here): a click command
that parses its options, calls one method of :class:`psikg.api.Psikg` and formats the result.
"""

from __future__ import annotations

from . import analytics, data, databases, followup, lod, matching, viz

__all__ = ["COMMANDS"]

COMMANDS = (data.COMMANDS + analytics.COMMANDS + matching.COMMANDS + followup.COMMANDS + databases.COMMANDS
            + viz.COMMANDS + lod.COMMANDS)
