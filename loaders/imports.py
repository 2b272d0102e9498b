"""Inputs that are not psikg tables: official reference files (recognised by content) and external
case catalogues read through a column mapping. Both end as :class:`~psikg.loaders.official.Imported`:
property updates and table rows that the usual converter checks."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputIssue
from ..graph.records import GraphBatch
from .official import Imported, import_official, recognise

__all__ = ["read_special", "one_issue_per_cell"]


def read_special(path: Path, issues: list[InputIssue], reference: GraphBatch,
                 mapping: str | Path | None = None) -> Imported | None:
    """``path`` read as an official reference file (recognised by its content), or as a mapped
    catalogue (when ``mapping`` is given and ``path`` is another CSV file); None when it is an
    ordinary input."""
    found = recognise(path)
    if found is not None:
        return import_official(path, found, issues, reference)
    if mapping is not None and path.is_file() and path.suffix.lower() in (".csv", ".tsv", ".txt"):
        from .mapping import load_mapping, map_catalogue

        spec = load_mapping(Path(mapping), issues)
        imported = Imported(f"{path.name} through the mapping {Path(mapping).name}")
        if spec is None:
            return imported
        countries = {n.id: n.props for n in reference.nodes.values() if n.kind == "country"}
        catalogue = map_catalogue(path, spec, issues, countries)
        imported.kind = f"{catalogue.name} ({path.name})"
        imported.tables[catalogue.table] = catalogue.rows
        issues.extend(catalogue.refused)
        imported.counts = catalogue.counts
        return imported
    return None


def one_issue_per_cell(issues: list[InputIssue]) -> list[InputIssue]:
    """Drop errors that only repeat an earlier error of the same cell as an empty value (a formula
    cell refused by the workbook reader is then also "missing" for the converter)."""
    seen = set()
    kept = []
    for issue in issues:
        where = (issue.file, issue.row, issue.field)
        if issue.severity == "error" and not issue.value and issue.field and where in seen:
            continue
        if issue.severity == "error":
            seen.add(where)
        kept.append(issue)
    return kept
