"""Read CSV, XLSX and JSON files into raw rows, numbered as a spreadsheet shows them (header = row 1).

Raw values are kept as text exactly as the file gave them (Excel dates as ISO text), so the record's `raw`
column can hold the row verbatim.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tollbook.errors import TollbookError

ENCODINGS = ("utf-8-sig", "cp1256")


class ReadError(TollbookError):
    """A file that cannot be read at all (as opposed to a bad row in it)."""


@dataclass(frozen=True)
class RawRow:
    """One row as read: its spreadsheet row number (JSON: item number) and its values by header."""

    number: int
    values: dict[str, str]


@dataclass(frozen=True)
class RawTable:
    """The headers and rows of one file."""

    path: Path
    headers: list[str]
    rows: list[RawRow]


def read_table(path: Path, records_path: str | None = None) -> RawTable:
    """Read a CSV, XLSX or JSON file by its extension."""
    if not path.exists():
        raise ReadError(f"{path}: no such file")
    suffix = path.suffix.lower()
    readers = {".csv": _read_csv, ".tsv": _read_csv, ".txt": _read_csv, ".xlsx": _read_xlsx, ".json": _read_json}
    if suffix not in readers:
        raise ReadError(f"{path}: unknown file type {suffix!r}; Tollbook reads .csv, .tsv, .xlsx and .json")
    if suffix == ".json":
        return _read_json(path, records_path)
    return readers[suffix](path)


def decode(data: bytes, path: Path) -> str:
    """Text of a file in UTF-8 (with or without BOM) or, failing that, Windows-1256 (Arabic/Persian)."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(f"{path}: not UTF-8 or Windows-1256 text; save it as UTF-8 and import again")


def _read_csv(path: Path) -> RawTable:
    """CSV or TSV (delimiter sniffed among comma, semicolon, tab)."""
    text = decode(path.read_bytes(), path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ReadError(f"{path}: the file is empty; row 1 must hold the column headers") from None
    numbered = enumerate(reader, start=2)
    rows = [_row(number, headers, cells) for number, cells in numbered if any(c.strip() for c in cells)]
    return RawTable(path, headers, rows)


def _row(number: int, headers: list[str], cells: list[Any]) -> RawRow:
    """A RawRow from a header list and cells; extra cells keep a positional name so nothing is lost."""
    values = {}
    for index, cell in enumerate(cells):
        name = headers[index] if index < len(headers) and headers[index] else f"column_{index + 1}"
        values[name if name not in values else f"{name}_{index + 1}"] = _text(cell)  # a repeated header
    return RawRow(number, values)


def _text(value: Any) -> str:
    """A cell as text: dates in ISO form, whole floats without '.0', None as empty."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(path: Path) -> RawTable:
    """The first sheet of an Excel workbook."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ReadError(f"{path}: not a readable .xlsx workbook ({exc})") from exc
    try:
        sheet_rows = workbook.worksheets[0].iter_rows(values_only=True)
        headers = [_text(h) for h in next(sheet_rows, ())]
        if not any(headers):
            raise ReadError(f"{path}: row 1 of the first sheet must hold the column headers")
        numbered = enumerate(sheet_rows, start=2)
        rows = [_row(n, headers, list(cells)) for n, cells in numbered if any(_text(c) for c in cells)]
    finally:
        workbook.close()
    return RawTable(path, headers, rows)


def _read_json(path: Path, records_path: str | None = None) -> RawTable:
    """An array of objects (or one found at `records_path`); nested objects become dotted names."""
    try:
        data = json.loads(decode(path.read_bytes(), path))
    except json.JSONDecodeError as exc:
        raise ReadError(f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
    items = _records_at(data, records_path, path)
    rows, headers = [], {}
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ReadError(f"{path}: item {number} is not an object")
        values = {key: _text(value) for key, value in flatten(item)}
        headers |= dict.fromkeys(values)
        rows.append(RawRow(number, values))
    return RawTable(path, list(headers), rows)


def _records_at(data: Any, records_path: str | None, path: Path) -> list[Any]:
    """The list of records in a JSON document: the document itself or the array at `records_path`."""
    if records_path:
        for key in records_path.split("."):
            data = data.get(key) if isinstance(data, dict) else None
    elif isinstance(data, dict):
        arrays = [value for value in data.values() if isinstance(value, list)]
        data = arrays[0] if len(arrays) == 1 else data
    if not isinstance(data, list):
        where = f"at {records_path!r}" if records_path else "at the top level (or in its only array)"
        raise ReadError(f"{path}: expected an array of records {where}; set records_path in the mapping")
    return data


def flatten(item: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Dotted names for nested objects: {"name": {"first": "Ali"}} gives ("name.first", "Ali")."""
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from flatten(value, f"{name}.")
        elif isinstance(value, list):
            yield name, "; ".join(_text(v) for v in value)
        else:
            yield name, value
