"""External case catalogues through a small declarative column mapping.

``psikg load cases.csv --mapping map.yaml`` reads a CSV export of someone else's catalogue and
turns each row into a row of one of psikg's tables (``practices`` by default) as the mapping says.
A mapping names, for each target column, where its value comes from::

    name: EU JRC Innovative Public Services Explorer
    table: practices
    attribution: "European Commission, Joint Research Centre: Innovative Public Services Explorer"
    fields:
      id:       {template: "jrc-ips-{id}"}          # built from columns; made a valid slug
      title:    {column: name}
      country:  {columns: [geocoverage_codes, geocoverage], split: ","}   # first non-empty column
      year:     {column: start_date, year: true}   # the first YYYY in the cell (a date is fine)
      maturity: {column: status, map: {Pilot: pilot, Planned: null}}   # null: no value
      themes:   {column: primary_sector, map: {Health: health}, add: [digital-government]}
      source:   {column: url, add: ["https://github.com/ipsoeu/ips-explorer"]}

Field options: ``column`` or ``columns`` (the first non-empty), ``template`` (``{column}``
placeholders), ``value`` (a constant), ``split`` (a separator for multi-valued cells), ``map``
(a value map: every value found must be listed; ``null`` maps to nothing), ``add`` (constant values
appended), ``year`` (take the first four-digit year). The ``attribution`` is added to every row's
sources. Country cells may hold any code or name and several countries (``split``): the first
becomes the practice's country.

Every row is accounted for: converted, or refused with its reason as a warning in the load report
(a row without a country, a value the map does not list, a duplicate id). Converted rows are then
checked by the table converter like any other input.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import yaml

from ..errors import InputIssue
from .tables import TABLES, Row
from .values import BadValue, CountryResolver, nearest, parse_slug

__all__ = ["MAPPINGS_DIR", "load_mapping", "map_catalogue", "MappedCatalogue"]

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
FIELD_OPTIONS = ("column", "columns", "template", "value", "split", "map", "add", "year")
MAPPING_KEYS = ("name", "table", "attribution", "description", "fields", "delimiter")
COUNTRY_COLUMNS = {"country", "importer", "exporter"}


def _scalar(value) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def _scalars(value) -> bool:
    return isinstance(value, list) and all(_scalar(v) for v in value)


# option -> (check, what is expected)
OPTION_TYPES = {
    "column": (lambda v: isinstance(v, str), "a column name"),
    "columns": (lambda v: isinstance(v, list) and all(isinstance(c, str) for c in v), "a list of column names"),
    "template": (lambda v: isinstance(v, str), "text with {column} placeholders"),
    "value": (_scalar, "a constant value"),
    "split": (lambda v: isinstance(v, str) and v != "", "a separator, e.g. ','"),
    "map": (lambda v: isinstance(v, dict) and all(x is None or _scalar(x) or _scalars(x) for x in v.values()),
            "a value map: {found value: psikg value, or a list of them, or null}"),
    "add": (_scalars, "a list of constant values"),
    "year": (lambda v: isinstance(v, bool), "true or false"),
}


class MappedCatalogue:
    """The rows a mapping produced and the account of every input row."""

    def __init__(self, name: str, table: str):
        self.name, self.table = name, table
        self.rows: list[Row] = []
        self.refused: list[InputIssue] = []
        self.total = 0

    @property
    def counts(self) -> dict[str, int]:
        return {"rows": self.total, "converted": len(self.rows), "refused": len(self.refused)}


def load_mapping(path: Path, issues: list[InputIssue]) -> dict | None:
    """Read and check a mapping file; None (with issues) when it is unusable."""
    path = Path(path)
    if not path.exists() and (MAPPINGS_DIR / f"{path.name}.yaml").exists():
        path = MAPPINGS_DIR / f"{path.name}.yaml"  # a shipped mapping by name: jrc-ips-explorer
    if not path.exists():
        shipped = sorted(p.stem for p in MAPPINGS_DIR.glob("*.yaml"))
        issues.append(InputIssue(str(path), None, None, None,
                                 f"a mapping file, or a shipped mapping: {', '.join(shipped)}",
                                 nearest(path.stem, shipped)))
        return None
    try:
        mapping = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        issues.append(InputIssue(str(path), None, None, None, f"a valid YAML mapping ({error})"))
        return None
    before = len(issues)

    def bad(field, value, expected, suggestion=None):
        issues.append(InputIssue(str(path), None, field, None if value is None else str(value), expected, suggestion))

    if not isinstance(mapping, dict) or not isinstance(mapping.get("fields"), dict):
        bad(None, None, "a mapping with a 'fields' section (see docs/input-format.md)")
        return None
    for key in mapping:
        if key not in MAPPING_KEYS:
            bad(key, key, f"a mapping key: {', '.join(MAPPING_KEYS)}", nearest(str(key), MAPPING_KEYS))
    table = TABLES.get(str(mapping.get("table", "practices")))
    if table is None:
        bad("table", mapping.get("table"), f"a table: {', '.join(TABLES)}", nearest(str(mapping.get("table")), TABLES))
        return None
    for target, spec in mapping["fields"].items():
        if target not in table.columns:
            bad(f"fields.{target}", target, f"a column of {table.name}: {', '.join(table.columns)}",
                nearest(str(target), table.columns))
            continue
        if not isinstance(spec, dict):
            bad(f"fields.{target}", spec, "a field mapping such as {column: name}")
            continue
        for option, value in spec.items():
            if option not in FIELD_OPTIONS:
                bad(f"fields.{target}.{option}", option, f"a field option: {', '.join(FIELD_OPTIONS)}",
                    nearest(str(option), FIELD_OPTIONS))
            elif not OPTION_TYPES[option][0](value):
                bad(f"fields.{target}.{option}", value, OPTION_TYPES[option][1])
        if not any(k in spec for k in ("column", "columns", "template", "value", "add")):
            bad(f"fields.{target}", spec, "one of column, columns, template, value or add")
    for key in ("name", "attribution", "delimiter"):
        if key in mapping and not isinstance(mapping[key], str):
            bad(key, mapping[key], "text")
    if isinstance(mapping.get("delimiter"), str) and len(mapping["delimiter"]) != 1:
        bad("delimiter", mapping["delimiter"], "one character, e.g. ';'")
    if len(issues) > before:
        return None
    mapping["table"] = table.name
    mapping["_path"] = str(path)
    return mapping


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.strip().lower()).strip("-")


def map_catalogue(path: Path, mapping: dict, issues: list[InputIssue], countries: dict) -> MappedCatalogue:
    """Map every row of the CSV catalogue at ``path``; problems of the file itself are issues."""
    result = MappedCatalogue(mapping.get("name") or Path(mapping["_path"]).stem, mapping["table"])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        issues.append(InputIssue(str(path), None, None, None, f"UTF-8 text ({error})"))
        return result
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=mapping.get("delimiter") or ",")
    header = reader.fieldnames or []
    used = set()
    for target, spec in mapping["fields"].items():
        used |= {spec["column"]} if "column" in spec else set()
        used |= set(spec.get("columns") or ())
        used |= set(re.findall(r"\{([^{}]+)\}", spec.get("template") or ""))
    missing = sorted(c for c in used if c not in header)
    for column in missing:
        issues.append(InputIssue(str(path), 1, column, None,
                                 f"a column {column!r}, which the mapping {mapping['_path']} uses",
                                 nearest(column, header)))
    if missing:
        return result
    resolve = CountryResolver(countries)
    table = TABLES[mapping["table"]]
    attribution = mapping.get("attribution")
    seen: dict[str, int] = {}
    try:
        for row in reader:
            line = reader.line_num
            extra = row.pop(None, None)  # cells beyond the header
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)) and not extra:
                continue
            result.total += 1

            def refuse(field, value, reason):
                result.refused.append(InputIssue(str(path), line, field, value,
                                                 f"{reason} (row not loaded)", severity="warning"))

            if extra:
                refuse(None, ",".join(extra), f"{len(header)} cells like the header (a value with a comma "
                                              "needs quotes)")
                continue

            cells, reason = _map_row(row, mapping, resolve)
            if reason:
                refuse(*reason)
                continue
            if attribution and "source" in table.columns:
                cells["source"] = ";".join(filter(None, [cells.get("source"), attribution]))
            missing_required = [c for c in table.required if not cells.get(c)]
            if missing_required:
                refuse(missing_required[0], "", f"a value for {', '.join(missing_required)}")
                continue
            if table.name == "practices" and not (cells.get("country") or cells.get("organization")):
                refuse("country", "", "a country or an organization")
                continue
            id_ = cells.get("id")
            if id_ and id_ in seen:
                refuse("id", id_, f"a unique id (already made from row {seen[id_]})")
                continue
            if id_:
                seen[id_] = line
            result.rows.append(Row(str(path), line, cells))
    except csv.Error as error:
        issues.append(InputIssue(str(path), reader.line_num, None, None, f"valid CSV ({error})"))
    return result


def _map_row(row: dict, mapping: dict, resolve: CountryResolver) -> tuple[dict, tuple | None]:
    """The target cells of one row, or the reason (field, value, why) it is refused."""
    cells: dict[str, str] = {}
    for target, spec in mapping["fields"].items():
        values, written = _values(row, spec)
        if "map" in spec:
            mapped = []
            value_map = {str(k): v for k, v in spec["map"].items()}
            for value in values:
                if value not in value_map:
                    return cells, (target, value, f"a value listed in the mapping's map for {target}: "
                                                  f"{', '.join(str(k) for k in spec['map'])}")
                if value_map[value] is not None:
                    mapped.extend(value_map[value] if isinstance(value_map[value], list) else [value_map[value]])
            values = [str(v) for v in mapped]
        if spec.get("year"):
            years = [m.group(0) for v in values if (m := re.search(r"\b(1[89]|20)\d\d\b", v))]
            if values and not years:
                return cells, (target, written, "a year (YYYY) or a date")
            values = years[:1]
        if target == "id":
            values = [_slug(v) for v in values]
            try:
                values = [parse_slug(v) for v in values if v]
            except BadValue:
                return cells, (target, written, "an id that can be made a slug")
        if target in COUNTRY_COLUMNS and values:
            resolved = []
            for value in values:
                try:
                    resolved.append(resolve(value))
                except BadValue as bad:
                    return cells, (target, value, bad.expected + (f" (did you mean {bad.suggestion}?)"
                                                                  if bad.suggestion else ""))
            values = resolved[:1]  # a practice has one originating country: the first
        values += [str(v) for v in spec.get("add") or ()]
        seen = []
        for value in values:
            if value and value not in seen:
                seen.append(value)
        cells[target] = ";".join(seen)
    return cells, None


def _values(row: dict, spec: dict) -> tuple[list[str], str]:
    """The raw values a field spec takes from a row, and the text they came from."""
    if "value" in spec:
        text = str(spec["value"])
    elif "template" in spec:
        text = re.sub(r"\{([^{}]+)\}", lambda m: (row.get(m.group(1)) or "").strip(), spec["template"])
    elif "columns" in spec:
        text = next(((row.get(c) or "").strip() for c in spec["columns"] if (row.get(c) or "").strip()), "")
    elif "column" in spec:
        text = (row.get(spec["column"]) or "").strip()
    else:
        text = ""
    if not text:
        return [], text
    parts = [p.strip() for p in text.split(spec["split"])] if spec.get("split") else [text]
    return [p for p in parts if p], text
