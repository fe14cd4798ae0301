"""Limits on what one import reads, so a damaged or hostile file fails in one line instead of exhausting memory."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

MAX_CELL_CHARS = 32_767  # Excel's own limit on the text of one cell
MAX_COLUMNS = 1_000
MAX_ROWS = 2_000_000
MAX_JSON_DEPTH = 16
MAX_XLSX_PART_BYTES = 256 * 1024 * 1024  # one part of a workbook, unpacked (sheet XML, styles...)
# The shared-strings part is streamed (tollbook.ingest.xlsx_strings): its unpacked size bounds reading time only;
# memory is bounded by what the table keeps (each string at most a cell's length, these totals at most).
MAX_SHARED_STRINGS_BYTES = 4 * 1024 * 1024 * 1024
MAX_SHARED_STRINGS_CHARS = 128 * 1024 * 1024
MAX_SHARED_STRINGS = 4_000_000


def check_xlsx_parts(path: Path) -> str | None:
    """Why an .xlsx is too large or not a workbook, looked up in its ZIP directory before anything is unpacked."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return "not a readable .xlsx workbook (it is not a ZIP archive; an old .xls or a CSV renamed?)"
    for member in members:
        limit = MAX_SHARED_STRINGS_BYTES if member.filename.endswith("sharedStrings.xml") else MAX_XLSX_PART_BYTES
        if member.file_size > limit:
            return (f"part {member.filename} unpacks to {member.file_size / 2**20:.0f} MiB, over the "
                    f"{limit / 2**20:.0f} MiB Tollbook reads; save the sheet as CSV and import that")
    return None


def json_depth_ok(value: Any, depth: int = 0) -> bool:
    """Whether nested objects and arrays stay within MAX_JSON_DEPTH levels."""
    if depth > MAX_JSON_DEPTH:
        return False
    if isinstance(value, dict):
        return all(json_depth_ok(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return all(json_depth_ok(v, depth + 1) for v in value)
    return True


class OversizedCell(str):
    """A cell whose text is longer than a cell may hold, read from a workbook without holding that text: a short
    marker in its place in the row, with the length seen."""

    length: int

    def __new__(cls, length: int, limit: int) -> OversizedCell:
        made = super().__new__(cls, f"[text of over {limit:,} characters, not read]")
        made.length = length
        return made


def cell_problem(text: str) -> str | None:
    """Why a cell cannot be stored (too long, a NUL byte, a lone surrogate), or None."""
    found = cell_issue(text)
    return None if found is None else found[0]


def cell_issue(text: str) -> tuple[str, str, dict[str, int]] | None:
    """Why a cell cannot be stored, with its stable code and parameters, or None."""
    length = text.length if isinstance(text, OversizedCell) else len(text)
    if length > MAX_CELL_CHARS:
        return (f"cell of {length:,} characters, over the {MAX_CELL_CHARS:,} a cell may hold", "cell.too_long",
                {"length": length, "limit": MAX_CELL_CHARS})
    if "\x00" in text:
        return "cell holds a NUL byte (\\x00), which no database stores as text; remove it", "cell.nul", {}
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return ("cell holds a lone surrogate (broken UTF-16 text), which cannot be stored; fix the character",
                "cell.surrogate", {})
    return None
