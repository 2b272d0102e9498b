"""The example SPARQL queries shipped with psikg: the landing page links each, and ``psikg sparql
NAME`` runs one by name."""

from __future__ import annotations

from pathlib import Path

__all__ = ["SPARQL_DIR", "example_queries"]

#: the folder of ``*.rq`` example queries
SPARQL_DIR = Path(__file__).resolve().parents[1] / "queries" / "sparql"


def example_queries() -> list[Path]:
    """The example queries, by file name."""
    return sorted(SPARQL_DIR.glob("*.rq"))
