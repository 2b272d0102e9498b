"""Official reference files, recognised by their content (never by their name) and imported by
``psikg load FILE``.

=====================================  ==========================================================
file                                   what it updates
=====================================  ==========================================================
UN M49 "overview" CSV (UNSD)           country ``m49``, ``region``, ``subregion``,
                                       ``intermediate_region``, ``ldc``, ``lldc``, ``sids``
World Bank CLASS workbook              country ``income_group``, ``lending_category``,
                                       ``income_as_of`` (the fiscal year, e.g. ``FY2026``)
UN SDG KOS Turtle dump                 goal, target and indicator ``labels`` in every language
                                       (``text@lang``); indicators keyed by permanent code
UN E-Government Survey data (EGDI)     dated context statements: OSI, TII and HCI mapped to the
                                       success factors they measure (see ``EGDI_FACTORS``),
                                       each marked as the project's reading of the index
=====================================  ==========================================================

Property updates become a :class:`GraphBatch` merged over the reference data; the survey becomes
rows of the ``contexts`` table, so the table converter checks them like any curated statement.
Everything that cannot be imported is reported: errors refuse the load, warnings (an economy code
that is not ISO 3166, such as the World Bank's ``XKX`` for Kosovo) are skipped and listed.
The bundled survey table (``loaders/bundled/egov-survey/contexts.csv``) is derived here too
(:func:`survey_contexts_csv`). See docs/reference-data.md and docs/data.md.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, InputIssue
from ..graph.records import GraphBatch, node_key
from .reference import reference_batch
from .tables import Row
from .values import BadValue, CountryResolver

__all__ = ["Imported", "recognise", "import_official", "EGDI_FACTORS", "EGDI_THRESHOLD", "M49", "WB_CLASS",
           "SDG_KOS", "EGDI", "survey_context_rows", "survey_contexts_csv"]

M49, WB_CLASS, SDG_KOS, EGDI = "UN M49 overview", "World Bank CLASS", "UN SDG KOS", "UN E-Government Survey"

# Sub-index of the UN E-Government Survey -> the success factor it measures (docs/reference-data.md).
EGDI_FACTORS = {
    "osi": ("online-services", "Online Service Index"),
    "tii": ("connectivity", "Telecommunication Infrastructure Index"),
    "hci": ("digital-literacy", "Human Capital Index"),
}
EGDI_THRESHOLD = 0.5  # index >= 0.5: the factor is present; below: absent
# Each survey statement is the project's reading of an index, not something the survey states:
# it names the rule that made it and the date the rule was last changed (docs/data.md).
EGDI_READ_BY = f"psikg survey rule: index >= {EGDI_THRESHOLD} present, below absent"
EGDI_READ_ON = "2026-12-04"
EGDI_SOURCE = "https://publicadministration.un.org/egovkb/en-us/Data-Center"

_M49_COLUMNS = {"ISO-alpha3 Code", "M49 Code", "Region Name", "Sub-region Name",
                "Least Developed Countries (LDC)", "Land Locked Developing Countries (LLDC)",
                "Small Island Developing States (SIDS)"}
# EGDI file layouts: column -> role (country code or name, index values, year)
_EGDI_LAYOUTS = (
    {"country-code": "iso3", "country-name": "name", "osi": "osi", "hci": "hci", "tii": "tii",
     "e-gov-index": "egdi"},
    {"Survey Year": "year", "Country Name": "name", "Online Service Index": "osi",
     "Human Capital Index": "hci", "Telecommunication Infrastructure Index": "tii",
     "E-Government Index": "egdi"},
    {"Survey Year": "year", "Country": "name", "Online_Service": "osi", "Human_Capital": "hci",
     "Tele_Infra": "tii", "E_Index": "egdi"},
)
_SDGO = "http://metadata.un.org/sdg/ontology#"


@dataclass
class Imported:
    """What an official file contributes: property updates, table rows and a summary."""

    kind: str
    batch: GraphBatch = field(default_factory=GraphBatch)
    tables: dict[str, list[Row]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return f"{self.kind}: " + ", ".join(f"{v} {k}" for k, v in self.counts.items())


def _head(path: Path, size: int = 262_144) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


def _csv_header(data: bytes) -> list[str] | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    first = text.splitlines()[0] if text.strip() else ""
    try:
        return [h.strip() for h in next(csv.reader([first]))]
    except (csv.Error, StopIteration):
        return None


def recognise(path: Path) -> tuple[str, dict] | None:
    """The official file ``path`` holds, with its layout, or None (an ordinary input)."""
    if not path.is_file():
        return None
    data = _head(path)
    if data.startswith(b"PK\x03\x04"):
        return _recognise_workbook(path)
    if (b"metadata.un.org/sdg/ontology#" in data and (b"sdgo:Goal" in data or b"ontology#Goal>" in data)
            and b"psikg" not in data):  # psikg's own exports type goals as sdgo:Goal too
        return SDG_KOS, {}
    header = _csv_header(data)
    if not header:
        return None
    if _M49_COLUMNS <= set(header):
        return M49, {}
    for layout in _EGDI_LAYOUTS:
        if set(layout) <= set(header):
            return EGDI, layout
    return None


def _recognise_workbook(path: Path) -> tuple[str, dict] | None:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # not a readable workbook: the ordinary workbook reader reports it
        return None
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows(min_row=1, max_row=5, values_only=True):
                cells = [str(c).strip() for c in row if c is not None]
                if {"Economy", "Code", "Income group", "Lending category"} <= set(cells):
                    return WB_CLASS, {"sheet": sheet.title}
    finally:
        book.close()
    return None


def import_official(path: Path, found: tuple[str, dict], issues: list[InputIssue],
                    reference: GraphBatch) -> Imported:
    """Import the recognised official file ``path`` against the reference data."""
    kind, layout = found
    countries = {n.id: n.props for n in reference.nodes.values() if n.kind == "country"}
    if kind == M49:
        return _import_m49(path, issues, countries)
    if kind == WB_CLASS:
        return _import_wb_class(path, layout["sheet"], issues, countries)
    if kind == SDG_KOS:
        return _import_kos(path, issues, reference)
    return _import_egdi(path, layout, issues, countries)


def _read_csv(path: Path, issues: list[InputIssue]) -> list[tuple[int, dict[str, str]]] | None:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        issues.append(InputIssue(str(path), None, None, None, f"UTF-8 text ({error})"))
        return None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        issues.append(InputIssue(str(path), reader.line_num, None, None, f"valid CSV ({error})"))
        return None


# UN M49 ------------------------------------------------------------------------------------------


def _import_m49(path: Path, issues: list[InputIssue], countries: dict) -> Imported:
    imported = Imported(M49)
    rows = _read_csv(path, issues)
    if rows is None:
        return imported
    flags = {"ldc": "Least Developed Countries (LDC)", "lldc": "Land Locked Developing Countries (LLDC)",
             "sids": "Small Island Developing States (SIDS)"}
    counts = dict.fromkeys(("countries", "LDC", "LLDC", "SIDS"), 0)
    for line, row in rows:
        iso3 = (row.get("ISO-alpha3 Code") or "").strip().upper()
        if iso3 not in countries:
            issues.append(InputIssue(str(path), line, "ISO-alpha3 Code", iso3,
                                     "an ISO 3166-1 alpha-3 code of a known country (row skipped)",
                                     severity="warning"))
            continue
        props = {"m49": (row.get("M49 Code") or "").strip().zfill(3) or None,
                 "region": (row.get("Region Name") or "").strip() or None,
                 "subregion": (row.get("Sub-region Name") or "").strip() or None,
                 "intermediate_region": (row.get("Intermediate Region Name") or "").strip() or None}
        for prop, column in flags.items():
            value = (row.get(column) or "").strip().lower()
            if value not in ("", "x"):
                issues.append(InputIssue(str(path), line, column, value, "x or an empty cell"))
                continue
            props[prop] = value == "x"
            counts[prop.upper()] += props[prop]
        imported.batch.add_node("country", iso3, props)
        counts["countries"] += 1
    imported.counts = counts
    return imported


# World Bank CLASS --------------------------------------------------------------------------------


def _fiscal_year(book) -> str | None:
    """``FY2026`` from the notes of a CLASS workbook ("... remain in effect until July 1, 2026")."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                text = str(value or "")
                match = re.search(r"remain in effect until July 1, (\d{4})", text)
                if match:
                    return f"FY{match.group(1)}"
                match = re.search(r"according to (\d{4}) gross national income", text)
                if match:
                    return f"FY{int(match.group(1)) + 2}"
    return None


def _import_wb_class(path: Path, sheet_name: str, issues: list[InputIssue], countries: dict) -> Imported:
    import openpyxl

    imported = Imported(WB_CLASS)
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        fiscal_year = _fiscal_year(book)
        if fiscal_year is None:
            match = re.search(r"FY\s*(\d{4})", path.name, re.IGNORECASE)
            fiscal_year = f"FY{match.group(1)}" if match else None
        if fiscal_year is None:
            issues.append(InputIssue(str(path), None, None, None,
                                     "a fiscal year in the notes sheet (\"... remain in effect until July 1, "
                                     "YYYY\") or in the file name (FY2026)"))
            return imported
        rows = list(book[sheet_name].iter_rows(values_only=True))
    finally:
        book.close()
    label = f"{path}[{sheet_name}]"
    header_at = next(i for i, row in enumerate(rows)
                     if {"Economy", "Code", "Income group"} <= {str(c).strip() for c in row if c is not None})
    header = [str(c).strip() if c is not None else "" for c in rows[header_at]]
    column = {name: header.index(name) for name in ("Economy", "Code", "Region", "Income group",
                                                       "Lending category") if name in header}
    counts = {"economies": 0, "with an income group": 0, "unclassified": 0, "countries updated": 0,
              "skipped (not ISO 3166)": 0}
    for offset, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cells = {name: (str(row[i]).strip() if i < len(row) and row[i] is not None else "")
                 for name, i in column.items()}
        if not cells.get("Code"):
            continue
        if not cells.get("Region"):
            continue  # an aggregate (region or income group) listed below the economies
        counts["economies"] += 1
        income = cells.get("Income group") or None
        counts["with an income group" if income else "unclassified"] += 1
        code = cells["Code"].upper()
        if code not in countries:
            issues.append(InputIssue(label, offset, "Code", code,
                                     f"an ISO 3166-1 alpha-3 code; {cells['Economy']} is a World Bank code "
                                     "without an ISO 3166 country (skipped)", severity="warning"))
            counts["skipped (not ISO 3166)"] += 1
            continue
        counts["countries updated"] += 1
        imported.batch.add_node("country", code, {"income_group": income,
                                                  "lending_category": cells.get("Lending category") or None,
                                                  "income_as_of": fiscal_year})
    imported.counts = counts
    return imported


# UN SDG KOS --------------------------------------------------------------------------------------


def _import_kos(path: Path, issues: list[InputIssue], reference: GraphBatch) -> Imported:
    import rdflib
    from rdflib.namespace import RDF, SKOS

    imported = Imported(SDG_KOS)
    graph = rdflib.Graph()
    try:
        graph.parse(path, format=rdflib.util.guess_format(str(path)) or "turtle")
    except Exception as error:  # rdflib raises many parser-specific errors
        issues.append(InputIssue(str(path), None, None, None, f"valid RDF ({type(error).__name__}: {error})"))
        return imported
    sdgo = rdflib.Namespace(_SDGO)
    counts = {"goals": 0, "targets": 0, "indicators": 0, "labels": 0, "languages": 0}
    languages: set[str] = set()
    for rdf_class, kind in ((sdgo.Goal, "goal"), (sdgo.Target, "target"), (sdgo.Indicator, "indicator")):
        for concept in sorted(set(graph.subjects(RDF.type, rdf_class)), key=str):
            notations = {str(n.datatype).rsplit("#", 1)[-1]: str(n) for n in graph.objects(concept, SKOS.notation)}
            compact = [str(n) for n in graph.objects(concept, SKOS.notation)
                       if str(n.datatype).endswith("SDGCodeCompact")]
            id_ = notations.get("SDGCodePerm") if kind == "indicator" else notations.get("SDGCodeCompact")
            id_ = id_ or str(concept).rsplit("/", 1)[-1]
            node = reference.nodes.get(node_key(kind, id_))
            if node is None:
                issues.append(InputIssue(str(path), None, kind, f"{id_} ({', '.join(sorted(compact))})",
                                         f"{'an' if kind == 'indicator' else 'a'} {kind} of the SDG framework shipped with psikg; this KOS "
                                         "concept is not in it (e.g. an indicator deleted or renumbered in the "
                                         "2020 review): skipped",
                                         severity="warning"))
                continue
            labels = {f"{node.props['title']}@en"} if node.props.get("title") else set()
            for label in graph.objects(concept, SKOS.prefLabel):
                lang = label.language or "und"
                languages.add(lang)
                if lang != "en" or not node.props.get("title"):
                    labels.add(f"{' '.join(str(label).split())}@{lang}")
            imported.batch.add_node(kind, id_, {"labels": sorted(labels)})
            counts[kind + "s"] += 1
            counts["labels"] += len(labels)
    counts["languages"] = len(languages)
    imported.counts = counts
    return imported


# UN E-Government Survey --------------------------------------------------------------------------


def _survey_year(path: Path, rows, layout: dict) -> int | None:
    year_column = next((c for c, role in layout.items() if role == "year"), None)
    years = {(row.get(year_column) or "").strip() for _, row in rows} if year_column else set()
    if len(years) == 1 and re.fullmatch(r"\d{4}", next(iter(years))):
        return int(next(iter(years)))
    match = re.search(r"(20\d\d)", path.name)
    return int(match.group(1)) if match and not years else None


def _country_name(text: str) -> str:
    """A survey country name as the resolver knows it: without trailing spaces or "(Country)"."""
    return re.sub(r"\s*\(Country\)\s*$", "", text.strip())


def _import_egdi(path: Path, layout: dict, issues: list[InputIssue], countries: dict) -> Imported:
    imported = Imported(EGDI)
    rows = _read_csv(path, issues)
    if rows is None:
        return imported
    year = _survey_year(path, rows, layout)
    if year is None:
        issues.append(InputIssue(str(path), None, None, None,
                                 "one survey year: a 'Survey Year' column, or a year in the file name "
                                 "(egdi-2018.csv)"))
        return imported
    if "Region" in (_csv_header(_head(path)) or []):
        issues.append(InputIssue(str(path), 1, "Region", None, "UN data only: the 'Region' column is not "
                                 "part of the survey and is ignored", severity="warning"))
    by_role = {role: column for column, role in layout.items()}
    resolve = CountryResolver(countries)
    source = f"{EGDI_SOURCE}; https://publicadministration.un.org/egovkb/en-us/Reports/UN-E-Government-Survey-{year}"
    statements: list[Row] = []
    seen: dict[str, int] = {}
    counts = {"countries": 0, "without values": 0, "statements": 0, "present": 0, "absent": 0}
    for line, row in rows:
        written = (row.get(by_role.get("iso3", "")) or row.get(by_role["name"]) or "").strip()
        try:
            iso3 = resolve(written if "iso3" in by_role else _country_name(written))
        except BadValue as bad:
            issues.append(InputIssue(str(path), line, by_role.get("iso3") or by_role["name"], written,
                                     bad.expected, bad.suggestion))
            continue
        if iso3 in seen:
            issues.append(InputIssue(str(path), line, by_role["name"], written,
                                     f"each country once per survey (also in row {seen[iso3]})"))
            continue
        seen[iso3] = line
        counts["countries"] += 1
        if not any((row.get(by_role[role]) or "").strip() for role in EGDI_FACTORS):
            counts["without values"] += 1
        for role, (factor, index_name) in EGDI_FACTORS.items():
            text = (row.get(by_role[role]) or "").strip()
            if not text:
                continue
            try:
                value = float(text)
                if not 0 <= value <= 1:
                    raise ValueError
            except ValueError:
                issues.append(InputIssue(str(path), line, by_role[role], text, "an index between 0 and 1"))
                continue
            present = value >= EGDI_THRESHOLD
            counts["statements"] += 1
            counts["present" if present else "absent"] += 1
            statements.append(Row(str(path), line, {
                "country": iso3, "factor": factor, "as_of": str(year), "present": "yes" if present else "no",
                "source": source,
                "note": f"UN E-Government Survey {year}: {index_name} {round(value, 4)} "
                        f"({'>=' if present else '<'} {EGDI_THRESHOLD})",
                "basis": "reading", "read_by": EGDI_READ_BY, "read_on": EGDI_READ_ON}))
    imported.tables["contexts"] = statements
    imported.kind = f"{EGDI} {year}"
    imported.counts = counts
    return imported


# The bundled survey table ---------------------------------------------------------------------

SURVEY_COLUMNS = ("country", "factor", "as_of", "present", "source", "note", "basis", "read_by", "read_on")


def survey_context_rows(paths: list[Path]) -> list[dict[str, str]]:
    """The context statements the survey files ``paths`` give, as table rows in a stable order
    (year, country, factor). Raises InputError when a file cannot be imported cleanly."""
    reference = reference_batch()
    rows: list[dict[str, str]] = []
    for path in paths:
        issues: list[InputIssue] = []
        found = recognise(Path(path))
        if found is None or found[0] != EGDI:
            issues.append(InputIssue(str(path), None, None, None, "a UN E-Government Survey data file"))
        else:
            imported = import_official(Path(path), found, issues, reference)
            rows += [dict(row.cells) for row in imported.tables.get("contexts", ())]
        errors = [i for i in issues if i.severity == "error"]
        if errors:
            raise InputError(errors)
    return sorted(rows, key=lambda r: (r["as_of"], r["country"], r["factor"]))


def survey_contexts_csv(paths: list[Path]) -> str:
    """The bundled ``egov-survey/contexts.csv``, derived from the survey files ``paths``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, SURVEY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({c: row.get(c, "") for c in SURVEY_COLUMNS} for row in survey_context_rows(paths))
    return buffer.getvalue()


if __name__ == "__main__":  # python -m psikg.loaders.official OUT.csv SURVEY.csv... (docs/data.md)
    import sys

    out, *inputs = sys.argv[1:]
    Path(out).write_text(survey_contexts_csv([Path(p) for p in inputs]), encoding="utf-8")
