"""Limits that keep hostile or broken input files from hurting psikg (documented in
docs/input-format.md, "What happens to bad input").

Every reader opens its files through :func:`read_input_bytes` (regular files only, so a FIFO or
a device never blocks a load; at most :data:`MAX_INPUT_BYTES`), and checks what it parsed with
the helpers here: nesting depth and number size of JSON / YAML records, text that is not valid
Unicode, YAML alias expansion, XML entity expansion in RDF/XML, and the size of workbooks. Each
limit is a clear :class:`~psikg.errors.InputIssue`, found in seconds and bounded memory.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path

from ..errors import InputIssue

__all__ = ["MAX_INPUT_BYTES", "MAX_NESTING", "MAX_NUMBER_DIGITS", "MAX_SHEET_CELLS",
           "MAX_UNPACKED_BYTES", "MAX_EXPANSION", "read_input_bytes", "regular_file_problem",
           "structure_problem", "workbook_problem", "xml_entity_problem"]

MAX_INPUT_BYTES = int(os.environ.get("PSIKG_MAX_INPUT_BYTES", 1 << 30))  # one input file
MAX_NESTING = 32  # levels of lists and mappings in JSON / YAML records (a record needs 4)
MAX_NUMBER_DIGITS = 30  # digits of one number in JSON / YAML
MAX_SHEET_CELLS = 5_000_000  # rows x columns of one worksheet
MAX_UNPACKED_BYTES = 512 << 20  # a workbook's unpacked XML (a zip bomb is refused before it is read)
MAX_EXPANSION = 10  # YAML aliases / XML entities may make a document at most this many times bigger
_KIND = {stat.S_ISDIR: "a directory", stat.S_ISFIFO: "a FIFO (named pipe)", stat.S_ISCHR: "a character device",
         stat.S_ISBLK: "a block device", stat.S_ISSOCK: "a socket"}


def regular_file_problem(path: Path) -> str | None:
    """Why ``path`` is not a regular file psikg may read (None when it is one): checked with
    ``stat``, which never blocks, before anything opens it."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return f"a readable file ({error.strerror})"
    if stat.S_ISREG(mode):
        return None
    what = next((name for test, name in _KIND.items() if test(mode)), "not a regular file")
    return f"a regular file, but this is {what}"


def read_input_bytes(path: Path, issues: list[InputIssue], limit: int | None = None) -> bytes | None:
    """The bytes of the input file ``path``, or None after an issue saying why it is not read."""
    limit = MAX_INPUT_BYTES if limit is None else limit
    problem = regular_file_problem(path)
    if problem is None:
        try:
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        except OSError as error:
            problem = f"a readable file ({error.strerror})"
    if problem is not None:
        issues.append(InputIssue(str(path), None, None, None, problem))
        return None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since the check
            issues.append(InputIssue(str(path), None, None, None, "a regular file"))
            return None
        data = handle.read(limit + 1)
    if len(data) > limit:
        issues.append(InputIssue(str(path), None, None, f"more than {limit:,} bytes",
                                 f"an input file of at most {limit:,} bytes (PSIKG_MAX_INPUT_BYTES); "
                                 "split it into several files"))
        return None
    return data


def structure_problem(document) -> str | None:
    """What makes parsed JSON / YAML unfit to read (None when nothing does): nesting deeper than
    :data:`MAX_NESTING`, a number of more than :data:`MAX_NUMBER_DIGITS` digits, or text that is
    not valid Unicode (a lone surrogate such as ``\\ud800``). Walks without recursion."""
    stack = [(document, 1)]
    seen: set[int] = set()
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError as error:
                    return (f"text that is valid Unicode, not {value[error.start:error.end]!r} (a lone surrogate) "
                            f"in {value[:40]!r}")
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if value.bit_length() > MAX_NUMBER_DIGITS * 3.33:
                return f"numbers of at most {MAX_NUMBER_DIGITS} digits"
        elif isinstance(value, (list, tuple, dict)):
            if depth > MAX_NESTING:
                return f"records nested at most {MAX_NESTING} levels deep"
            if id(value) in seen:  # shared by YAML aliases: checked once
                continue
            seen.add(id(value))
            items = list(value.keys()) + list(value.values()) if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
    return None


def workbook_problem(data: bytes) -> str | None:
    """What makes an .xlsx workbook unfit to open (None when nothing does): unpacked parts larger
    than :data:`MAX_UNPACKED_BYTES` (a zip bomb), or a sheet dimension larger than
    :data:`MAX_SHEET_CELLS` cells as the sheet itself declares it."""
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None  # the workbook reader reports a broken file in its own words
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        return (f"a workbook of at most {MAX_UNPACKED_BYTES >> 20} MB unpacked (this one unpacks to "
                f"{unpacked >> 20:,} MB); save the tables as CSV files instead")
    for member in members:
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            with archive.open(member) as sheet:
                head = sheet.read(4096).decode("utf-8", "replace")
            found = re.search(r'<(?:\w+:)?dimension ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"', head)
            if found and found.group(3) and found.group(4):
                cells = _column_number(found.group(3)) * int(found.group(4))
                if cells > MAX_SHEET_CELLS:
                    return (f"sheets of at most {MAX_SHEET_CELLS:,} cells (rows x columns); "
                            f"{member.filename.rsplit('/', 1)[-1]} spans {found.group(3)}{found.group(4)}: "
                            "delete the stray cell far from the table, or save the tables as CSV files")
    return None


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


_ENTITY = re.compile(rb"<!ENTITY\s+(%\s*)?([^\s>]+)\s+(SYSTEM|PUBLIC|\"[^\"]*\"|'[^']*')", re.IGNORECASE)


def xml_entity_problem(data: bytes) -> str | None:
    """What makes XML entity declarations unsafe to expand (None when they are safe): external or
    parameter entities, entities that refer to other entities, or references that would make the
    document more than :data:`MAX_EXPANSION` times bigger (the "billion laughs")."""
    if b"<!ENTITY" not in data and b"<!entity" not in data:
        return None
    declared = _ENTITY.findall(data)
    if len(declared) != data.upper().count(b"<!ENTITY"):
        return "XML entity declarations of the form <!ENTITY name \"value\">"
    growth = 0
    for parameter, name, value in declared:
        if parameter or value.upper() in (b"SYSTEM", b"PUBLIC"):
            return f"no external or parameter XML entities (found <!ENTITY {(parameter + name).decode(errors='replace')}>)"
        if b"&" in value or b"%" in value:
            return (f"XML entities that do not refer to other entities (<!ENTITY {name.decode(errors='replace')}> "
                    "does: an entity expansion bomb?)")
        growth += data.count(b"&" + name + b";") * (len(value) - 2)
    if growth > MAX_EXPANSION * len(data):
        return f"XML entities that expand the document at most {MAX_EXPANSION} times"
    return None
