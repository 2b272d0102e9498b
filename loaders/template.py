"""Empty, documented input templates: a folder of CSV files or an ``.xlsx`` workbook.

Each table gets its header row and one example row. The example row is a *comment*: its first
cell starts with ``#``, so the template loads back without adding anything; delete the ``#`` to
turn the example into data. The workbook also has a ``README`` sheet (what each column means,
which are required), a ``lists`` sheet with the allowed values, drop-down lists (data validation)
on the enumerated columns and a note on every header cell. A CSV folder gets a ``README.md``.
"""

from __future__ import annotations

from pathlib import Path

from ..ontology.model import ENUMS
from .tables import TABLES

__all__ = ["COLUMN_DOCS", "EXAMPLES", "write_template", "write_csv_template", "write_workbook_template"]

# column -> (meaning, enum name or None), by table; "*" columns are the required ones (TABLES).
COLUMN_DOCS: dict[str, dict[str, tuple[str, str | None]]] = {
    "practices": {
        "id": ("a stable slug: lower-case letters, digits and hyphens", None),
        "title": ("name of the practice", None),
        "country": ("originating country (the exporter): ISO3, ISO2 or an English name", None),
        "organization": ("id of the organization that runs or developed it", None),
        "year": ("start year, YYYY", None),
        "themes": ("theme ids, separated by ;", None),
        "maturity": ("how far it has grown", "maturity"),
        "sdg_targets": ("SDG targets such as 16.6 or 1.a, separated by ; (type them as text)", None),
        "description": ("what it is", None),
        "source": ("URLs or references, separated by ;", None),
        "problem": ("the problem it solved", None),
        "components": ("the solution's components, separated by ;", None),
        "evidence": ("evidence of impact, as stated by the source", None),
    },
    "practice_factors": {
        "practice": ("practice id", None),
        "factor": ("success-factor id (ontology/success_factors.yaml or the factors table)", None),
        "role": ("how much the practice depended on it", "role"),
        "kind": ("precondition (default: the importer must have it), component (the transfer builds it) "
                 "or outcome (a result to measure)", "factor_kind"),
        "basis": ("stated (a source says so) or reading (the curator's reading of the sources)", None),
        "note": ("the source's specifics", None),
        "source": ("URLs, separated by ;", None),
    },
    "contexts": {
        "country": ("the country described", None),
        "factor": ("success-factor id", None),
        "source": ("URLs, separated by ;", None),
        "as_of": ("YYYY or YYYY-MM-DD; empty = undated", None),
        "present": ("yes (default) or no", "present"),
        "note": ("what the source says", None),
    },
    "needs": {
        "id": ("a stable slug", None),
        "country": ("the country that has the need", None),
        "title": ("the challenge", None),
        "themes": ("theme ids, separated by ;", None),
        "sdg_targets": ("SDG targets or goals, separated by ;", None),
        "priority": ("priority", "priority"),
        "event": ("id of the event where it was expressed", None),
        "description": ("details", None),
        "source": ("URLs, separated by ;", None),
    },
    "transfers": {
        "id": ("a stable slug, by convention {practice}-to-{importer iso3}", None),
        "practice": ("practice id", None),
        "exporter": ("a country, or the id of an organization", None),
        "importer": ("a country", None),
        "status": ("current status of the partnership", "status"),
        "facilitator": ("organization ids, separated by ;", None),
        "event": ("id of the event where it was matched", None),
        "outcome": ("outcome where known (default unknown)", "outcome"),
        "start_year": ("YYYY", None),
        "note": ("what the source says happened", None),
        "source": ("URLs, separated by ;", None),
    },
    "factors": {
        "id": ("a stable slug", None),
        "label": ("label", None),
        "broader": ("id of the broader factor (empty = a new top-level group)", None),
        "description": ("definition", None),
    },
    "organizations": {
        "id": ("a stable slug", None),
        "name": ("name", None),
        "country": ("where it is based (empty for international organizations)", None),
        "kind": ("what kind of body it is", "organization_kind"),
        "source": ("URLs, separated by ;", None),
    },
    "networks": {
        "id": ("a stable slug", None),
        "name": ("name", None),
        "members": ("countries or organization ids, separated by ;", None),
        "founded": ("YYYY or YYYY-MM-DD", None),
        "place": ("where it was founded", None),
        "description": ("what it does", None),
        "source": ("URLs, separated by ;", None),
    },
    "events": {
        "id": ("a stable slug", None),
        "name": ("name", None),
        "place": ("city", None),
        "country": ("host country", None),
        "start_date": ("YYYY-MM-DD", None),
        "end_date": ("YYYY-MM-DD", None),
        "participants": ("countries that took part, separated by ;", None),
        "opportunities": ("number of partnership opportunities it produced", None),
        "participant_count": ("number of participating countries as the source states it", None),
        "organizers": ("organization or network ids, separated by ;", None),
        "source": ("URLs, separated by ;", None),
    },
    "status_history": {
        "transfer": ("id of the transfer (partnership) followed up", None),
        "status": ("the status it reached; only documented moves (docs/input-format.md)", "status"),
        "date": ("when: YYYY, YYYY-MM or YYYY-MM-DD; empty = undated (the oldest)", None),
        "source": ("URLs, separated by ;", None),
        "note": ("what happened", None),
        "outcome": ("the outcome, once known", "outcome"),
        "forced": ("the reason, to record a move outside the documented transitions", None),
    },
}

ALLOWED = dict(ENUMS, present=("yes", "no"))

EXAMPLES: dict[str, dict[str, str]] = {
    "practices": {"id": "example-one-stop", "title": "One-stop service centres", "country": "BGD",
                  "organization": "example-agency", "year": "2010",
                  "themes": "one-stop-services;digital-government", "maturity": "institutionalized",
                  "sdg_targets": "16.6;16.10", "description": "Citizens get many services at one place.",
                  "source": "https://example.org/one-stop", "problem": "Long journeys to district offices",
                  "components": "front office;call centre", "evidence": "Visits fell by half (source)."},
    "practice_factors": {"practice": "example-one-stop", "factor": "political-champion", "role": "critical",
                         "kind": "precondition", "basis": "stated", "note": "Prime Minister's initiative", "source": "https://example.org/one-stop"},
    "contexts": {"country": "Somalia", "factor": "political-champion", "source": "https://example.org/ctx",
                 "as_of": "2018", "present": "yes", "note": "Minister backs the reform"},
    "needs": {"id": "example-need", "country": "SOM", "title": "Faster access to services",
              "themes": "one-stop-services", "sdg_targets": "16.6;16", "priority": "high",
              "event": "example-workshop", "description": "", "source": "https://example.org/need"},
    "transfers": {"id": "example-one-stop-to-som", "practice": "example-one-stop", "exporter": "BGD",
                  "importer": "SOM", "status": "agreed", "facilitator": "example-agency",
                  "event": "example-workshop", "outcome": "unknown", "start_year": "2018",
                  "note": "Matched at the workshop", "source": "https://example.org/transfer"},
    "factors": {"id": "example-factor", "label": "Queue management", "broader": "service-points",
                "description": "Tickets and waiting-time targets"},
    "organizations": {"id": "example-agency", "name": "Example Agency", "country": "Bangladesh",
                      "kind": "government", "source": "https://example.org/agency"},
    "networks": {"id": "example-network", "name": "Example Network", "members": "BGD;SOM;example-agency",
                 "founded": "2017", "place": "Dhaka", "description": "Peer learning",
                 "source": "https://example.org/network"},
    "events": {"id": "example-workshop", "name": "Example workshop", "place": "Dhaka", "country": "BGD",
               "start_date": "2017-12-09", "end_date": "2017-12-12", "participants": "BGD;SOM",
               "opportunities": "3", "participant_count": "2", "organizers": "example-network",
               "source": "https://example.org/workshop"},
    "status_history": {"transfer": "example-one-stop-to-som", "status": "implementing", "date": "2019-03-01",
                       "source": "https://example.org/follow-up", "note": "Pilot in two districts",
                       "outcome": "", "forced": ""},
}

COMMENT_NOTE = ("Rows whose first cell starts with # are comments and are not loaded: delete the # "
                "of the example row to use it, or overwrite it.")


def _example_row(table: str) -> list[str] | None:
    """The table's example row as a comment (its first cell starts with #), None without one."""
    example = EXAMPLES.get(table)
    if not example:
        return None
    values = [example.get(column, "") for column in TABLES[table].columns]
    values[0] = "# " + values[0]
    return values


def _doc(table: str, column: str) -> str:
    meaning, enum = COLUMN_DOCS.get(table, {}).get(column, ("", None))
    required = "required" if column in TABLES[table].required else "optional"
    allowed = f"; one of: {', '.join(ALLOWED[enum])}" if enum else ""
    return f"{column} ({required}): {meaning}{allowed}"


def write_template(target: Path) -> list[Path]:
    """Write a template to ``target``: an ``.xlsx`` workbook when it ends in .xlsx, YAML records
    when it ends in .yaml or .yml, else a folder of CSV files. Returns the files written."""
    target = Path(target)
    suffix = target.suffix.lower()
    if suffix == ".xlsx":
        return [write_workbook_template(target)]
    if suffix in (".yaml", ".yml"):
        return [write_yaml_template(target)]
    if suffix in (".json", ".csv", ".xls", ".txt"):
        raise ValueError(f"a template is an .xlsx workbook, a .yaml file or a folder, not {suffix} "
                         "(JSON has no comments to document it: write YAML and convert)")
    return write_csv_template(target)


def write_yaml_template(path: Path) -> Path:
    """YAML records: every table as an empty list, with its documented example record as comments."""
    lines = ["# psikg input records: a mapping of table name -> list of records.",
             "# Multi-valued fields may be lists. Countries: ISO3, ISO2 or an English name; quote SDG",
             "# targets (\"16.10\"). Uncomment an example (and replace [] by it) to use it.",
             "# Check with: psikg validate FILE.yaml", ""]
    for name, table in TABLES.items():
        example = EXAMPLES.get(name, {})
        lines.append(f"{name}: []")
        for index, column in enumerate(table.columns):
            value = example.get(column, "")
            if not value:
                continue
            shown = _yaml_value(column, value)
            lines.append(f"#   {'- ' if index == 0 else '  '}{column}: {shown}    # {_doc(name, column)}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _yaml_value(column: str, value: str) -> str:
    import json

    parts = [p for p in value.split(";") if p]
    if len(parts) > 1 or column in ("themes", "sdg_targets", "participants", "members", "components",
                                      "organizers", "facilitator"):
        return "[" + ", ".join(json.dumps(p, ensure_ascii=False) for p in parts) + "]"
    return json.dumps(value, ensure_ascii=False)


def write_csv_template(folder: Path) -> list[Path]:
    """One CSV file per table (header and a commented example row) and a README.md."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, table in TABLES.items():
        path = folder / f"{name}.csv"
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(table.columns)
            if _example_row(name):
                writer.writerow(_example_row(name))
        written.append(path)
    readme = folder / "README.md"
    readme.write_text(_readme_markdown(), encoding="utf-8")
    return written + [readme]


def _readme_markdown() -> str:
    lines = ["# psikg input template", "",
             "One UTF-8 CSV file per table; multi-valued cells are separated by `;`. Countries may be",
             "ISO3, ISO2 or an English name; SDG targets `16.6`, goals `16`. " + COMMENT_NOTE,
             "Check with `psikg validate FOLDER` before `psikg load FOLDER`.", ""]
    for name in TABLES:
        lines += [f"## {name}", "", "| column | meaning |", "|---|---|"]
        for column in TABLES[name].columns:
            lines.append(f"| {column}{'*' if column in TABLES[name].required else ''} | "
                         f"{_doc(name, column).split(': ', 1)[1]} |")
        lines.append("")
    lines.append("Columns marked * are required.")
    return "\n".join(lines) + "\n"


def write_workbook_template(path: Path) -> Path:
    """A workbook with one sheet per table, a README sheet and a lists sheet of allowed values."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    readme = book.active
    readme.title = "README"
    readme.append(["psikg input workbook"])
    readme["A1"].font = Font(bold=True, size=14)
    for text in ("One sheet per table; the sheet name is the table name. The first row is the header.",
                 "Multi-valued cells are separated by ;. Countries: ISO3, ISO2 or an English name.",
                 "Type SDG targets as text (16.10, not the number 16.1). No formulas: values only.",
                 COMMENT_NOTE,
                 "Check with: psikg validate FILE.xlsx   then load with: psikg load FILE.xlsx", ""):
        readme.append([text])
    readme.append(["table", "column", "required", "meaning", "allowed values"])
    for cell in readme[readme.max_row]:
        cell.font = Font(bold=True)
    for name, table in TABLES.items():
        for column in table.columns:
            meaning, enum = COLUMN_DOCS.get(name, {}).get(column, ("", None))
            readme.append([name, column, "yes" if column in table.required else "no", meaning,
                           ", ".join(ALLOWED[enum]) if enum else ""])
    readme.column_dimensions["A"].width = 18
    readme.column_dimensions["B"].width = 18
    readme.column_dimensions["D"].width = 70

    lists = book.create_sheet("lists")
    ranges = {}
    for index, (enum, values) in enumerate(ALLOWED.items(), start=1):
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=enum).font = Font(bold=True)
        for offset, value in enumerate(values, start=2):
            lists.cell(row=offset, column=index, value=value)
        ranges[enum] = f"lists!${letter}$2:${letter}${len(values) + 1}"

    required_fill = PatternFill("solid", fgColor="FFE699")
    for name, table in TABLES.items():
        sheet = book.create_sheet(name)
        sheet.append(list(table.columns))
        if _example_row(name):
            sheet.append(_example_row(name))
        for index, column in enumerate(table.columns, start=1):
            header = sheet.cell(row=1, column=index)
            header.font = Font(bold=True)
            if column in table.required:
                header.fill = required_fill
            header.comment = Comment(_doc(name, column), "psikg")
            sheet.cell(row=2, column=index).font = Font(italic=True, color="808080")
            sheet.cell(row=2, column=index).number_format = "@"
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column) + 4)
            enum = COLUMN_DOCS.get(name, {}).get(column, ("", None))[1]
            if enum:
                letter = get_column_letter(index)
                validation = DataValidation(type="list", formula1=ranges[enum], allow_blank=True,
                                            showErrorMessage=True, errorTitle=f"{column}",
                                            error=f"One of: {', '.join(ALLOWED[enum])}")
                validation.add(f"{letter}3:{letter}5000")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
