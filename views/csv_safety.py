"""The one rule that keeps a CSV cell from running as a spreadsheet formula (OWASP's advice): text
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``. A number
written as text (``-0.5``, ``-3``) is not a formula and stays as it is. The CLI, the research files
and the served CSV pages all write their cells through :func:`defuse_formula`."""

from __future__ import annotations

__all__ = ["FORMULA_START", "defuse_formula"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(text: str) -> str:
    """``text`` as a spreadsheet shows it as text: a leading ``'`` before a formula."""
    return "'" + text if text.startswith(FORMULA_START) and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
