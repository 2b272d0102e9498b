"""The errors psikg raises. Only the CLI turns them into exit codes (2 for bad data, 1 otherwise)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PsikgError", "QueryError", "UnknownIdError", "InputIssue", "InputError", "StoreError", "FollowUpError"]


class PsikgError(Exception):
    """Root of every error psikg raises on purpose."""

    exit_code = 1


class QueryError(PsikgError, ValueError):
    """A query's parameters refused: a count out of range, choices that exclude each other."""

    exit_code = 2


class StoreError(PsikgError):
    """The store cannot be opened, read or written."""


class FollowUpError(PsikgError):
    """A follow-up step refused (a bad value, or a move outside the documented transitions).
    Nothing was written."""

    exit_code = 2


class UnknownIdError(PsikgError, LookupError):
    """An id that is not in the graph, with the nearest known ids."""

    exit_code = 2

    def __init__(self, kind: str, id_: str, suggestions: list[str] | tuple[str, ...] = (),
                 labels: dict[str, str] | None = None):
        """``labels``: a name to show with a suggested id (``Bangladesh (BGD)``)."""
        self.kind, self.id, self.suggestions = kind, id_, tuple(suggestions)
        shown = [f"{labels[s]} ({s})" if labels and s in labels else s for s in self.suggestions]
        hint = f"; did you mean {', '.join(shown)}?" if shown else ""
        super().__init__(f"unknown {kind} {id_!r}{hint}")


@dataclass(frozen=True)
class InputIssue:
    """One problem in an input file: where it is, what was found and what was expected."""

    file: str
    row: int | None  # the line number in a CSV file (header = 1), the row in a sheet
    field: str | None
    value: str | None
    expected: str
    suggestion: str | None = None
    severity: str = "error"  # or "warning"
    cell: str | None = None  # the spreadsheet cell (``C5``) when the input is a workbook

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.cell:
            where += f", cell {self.cell}"
        if self.field:
            where += f", column {self.field!r}"
        found = "" if self.value is None else f": found {_shorten(self.value)!r}"
        hint = f" (did you mean {self.suggestion}?)" if self.suggestion else ""
        return f"{where}{found}; expected {self.expected}{hint}"


def _shorten(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[: limit - 3] + "..."


class InputError(PsikgError):
    """Input refused: every issue found, up to a limit. Nothing was written."""

    exit_code = 2

    def __init__(self, issues: list[InputIssue], truncated: int = 0):
        self.issues = list(issues)
        self.truncated = truncated
        lines = [str(issue) for issue in self.issues]
        if truncated:
            lines.append(f"... and {truncated} more")
        super().__init__(f"{len(self.issues) + truncated} error(s) in the input; nothing was written:\n"
                         + "\n".join(f"  {line}" for line in lines))
