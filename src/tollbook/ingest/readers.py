"""Read CSV, XLSX, ODS/XLS and JSON files into raw rows, numbered as a spreadsheet shows them.

Raw values are kept as text exactly as the file gave them (Excel dates as ISO text), so the record's `raw`
column can hold the row verbatim. The header row is found below any title lines (or given), every sheet is
named, and a file whose bytes are not what its name says is refused in one line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tollbook.errors import TollbookError
from tollbook.ingest.encoding import decode, decode_named, sniff_binary, workbook_mismatch
from tollbook.ingest.limits import MAX_COLUMNS, MAX_ROWS, OversizedCell, check_xlsx_parts, json_depth_ok

HEADER_SCAN = 20  # rows searched for the header below title lines
csv.field_size_limit(1 << 27)  # long cells reach the per-row limit check (one error for that row) instead
Cells = list[Any]
HeaderScore = Callable[[list[str]], int]


class ReadError(TollbookError):
    """A file that cannot be read at all (as opposed to a bad row in it)."""


@dataclass(frozen=True)
class ReadOptions:
    """Where the data sits in a file: sheet name (or "all"), 1-based header row, JSON records path."""

    sheet: str | None = None
    header_row: int | None = None
    records_path: str | None = None


@dataclass(frozen=True)
class RawRow:
    """One row as read: its spreadsheet row number (JSON: item number) and its values by header."""

    number: int
    values: dict[str, str]


@dataclass(frozen=True)
class RawTable:
    """The headers and rows of one file or sheet, and the title lines skipped above the header."""

    path: Path
    headers: list[str]
    rows: list[RawRow]
    sheet: str | None = None
    header_row: int = 1
    skipped: tuple[str, ...] = field(default=())
    other_sheets: tuple[str, ...] = field(default=())  # sheets left out because no row of them has known headers
    encoding: str | None = None  # a text file's encoding as read
    uncomputed_formulas: int = 0  # workbook cells holding a formula with no saved value, read as empty

    @property
    def label(self) -> str:
        """How issues name where a row came from: the file, and the sheet when there is one."""
        return f"{self.path} [{self.sheet}]" if self.sheet else str(self.path)


def read_tables(path: Path, options: ReadOptions | None = None, score: HeaderScore | None = None) -> list[RawTable]:
    """Read every table the options select: one for CSV/JSON, one per chosen sheet of a workbook."""
    options = options or ReadOptions()
    if not path.is_file():
        raise ReadError(f"{path}: no such file" if not path.exists() else f"{path}: is a folder, not a file")
    suffix = path.suffix.lower()
    score = score or (lambda cells: 0)
    if suffix in (".csv", ".tsv", ".txt"):
        return [_read_csv(path, options, score)]
    if suffix == ".json":
        return [_read_json(path, options.records_path)]
    if suffix in (".xlsx", ".xlsm", ".ods", ".xls") and (problem := workbook_mismatch(path)):
        raise ReadError(f"{path}: {problem}")
    if suffix in (".xlsx", ".xlsm"):
        return _read_workbook(path, options, score, _xlsx_sheets)
    if suffix in (".ods", ".xls"):
        return _read_workbook(path, options, score, _calamine_sheets)
    raise ReadError(f"{path}: unknown file type {suffix!r}; Tollbook reads .csv, .tsv, .xlsx, .ods, .xls and .json")


def read_table(path: Path, records_path: str | None = None) -> RawTable:
    """The one table of a file (the first sheet of a workbook with one); kept for callers of one table."""
    return read_tables(path, ReadOptions(records_path=records_path))[0]


def _read_csv(path: Path, options: ReadOptions, score: HeaderScore) -> RawTable:
    """CSV or TSV (delimiter sniffed among comma, semicolon, tab), in UTF-8, UTF-16 or Windows-1256."""
    data = path.read_bytes()
    if problem := sniff_binary(data):
        raise ReadError(f"{path}: {problem}")
    try:
        text, encoding = decode_named(data)
    except ValueError as exc:
        raise ReadError(f"{path}: {exc}") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return replace(_table(path, None, enumerate(reader, start=1), options, score), encoding=encoding)
    except csv.Error as exc:
        raise ReadError(f"{path}: not readable as CSV ({exc})") from None


def _table(path: Path, sheet: str | None, numbered: Iterator[tuple[int, Cells]], options: ReadOptions,
           score: HeaderScore) -> RawTable:
    """Find the header row (given, or the best-scoring of the first rows), then read the rows below it."""
    head: list[tuple[int, list[str]]] = []
    for number, cells in numbered:
        head.append((number, [_text(c) for c in cells]))
        if len(head) >= max(HEADER_SCAN, options.header_row or 0):
            break
    header_at = _header_index(path, sheet, head, options.header_row, score)
    if header_at is None:
        where = f"sheet {sheet!r} of {path}" if sheet else str(path)
        raise ReadError(f"{where}: the file is empty; one row must hold the column headers")
    header_number, headers = head[header_at][0], _headers(head[header_at][1], path)
    skipped = tuple(" ".join(c for c in cells if c) for _, cells in head[:header_at] if any(cells))
    rest = ((n, cells) for n, cells in head[header_at + 1:])
    rows = _rows(path, headers, _chain(rest, numbered))
    return RawTable(path, headers, rows, sheet, header_number, skipped)


def _header_index(path: Path, sheet: str | None, head: list[tuple[int, list[str]]], header_row: int | None,
                  score: HeaderScore) -> int | None:
    """Index in `head` of the header: the row asked for, else the row with most known headers (first on ties)."""
    if header_row is not None:
        found = [i for i, (number, _) in enumerate(head) if number == header_row]
        if not found:
            raise ReadError(f"{path}{f' [{sheet}]' if sheet else ''}: no row {header_row} (--header-row)")
        return found[0]
    filled = [i for i, (_, cells) in enumerate(head) if any(cells)]
    if not filled:
        return None
    best = max(filled, key=lambda i: (score(head[i][1]), -i))
    return best if score(head[best][1]) > 0 else filled[0]


def _headers(cells: list[str], path: Path) -> list[str]:
    """Header names, trimmed; too many columns is refused (a runaway or damaged sheet)."""
    headers = [" ".join(c.split()) for c in cells]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise ReadError(f"{path}: {len(headers)} columns, more than the {MAX_COLUMNS} Tollbook reads")
    return headers


def _chain(first: Iterable[tuple[int, Any]], then: Iterator[tuple[int, Any]]) -> Iterator[tuple[int, Any]]:
    yield from first
    yield from then


def _rows(path: Path, headers: list[str], numbered: Iterable[tuple[int, Cells]]) -> list[RawRow]:
    """Non-empty rows as RawRows; more than MAX_ROWS is refused."""
    rows = []
    for number, cells in numbered:
        texts = [c.strip() if type(c) is str else _text(c) for c in cells]  # CSV cells are text already
        if any(texts):
            rows.append(_row(number, headers, texts))
            if len(rows) > MAX_ROWS:
                raise ReadError(f"{path}: more than {MAX_ROWS:,} rows; split the file")
    return rows


def _row(number: int, headers: list[str], cells: list[str]) -> RawRow:
    """A RawRow from a header list and cells; extra cells keep a positional name so nothing is lost."""
    values: dict[str, str] = {}
    for index, cell in enumerate(cells):
        name = headers[index] if index < len(headers) and headers[index] else f"column_{index + 1}"
        if index >= len(headers) and not cell:
            continue
        values[name if name not in values else f"{name}_{index + 1}"] = cell  # a repeated header
    return RawRow(number, values)


def _text(value: Any) -> str:
    """A cell as text: dates in ISO form, whole floats without '.0', None as empty."""
    if value is None:
        return ""
    if isinstance(value, OversizedCell):  # kept as the marker: the row check names it
        return value
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# each sheet's name, its numbered rows, and its count of formula cells with no saved value
SheetReader = Callable[[Path], Iterator[tuple[str, Iterator[tuple[int, Cells]], int]]]


def _read_workbook(path: Path, options: ReadOptions, score: HeaderScore, sheets: SheetReader) -> list[RawTable]:
    """The chosen sheet(s) of a workbook; several sheets with data and no choice is refused, naming them."""
    tables, names = [], []
    for name, numbered, uncomputed in sheets(path):
        names.append(name)
        if options.sheet not in (None, "all") and name != options.sheet:
            continue
        try:
            tables.append(replace(_table(path, name, numbered, options, score), uncomputed_formulas=uncomputed))
        except ReadError:
            if options.sheet not in (None, "all"):
                raise
    if options.sheet not in (None, "all") and not tables:
        raise ReadError(f"{path}: no sheet named {options.sheet!r}; sheets are {', '.join(map(repr, names))}")
    if not tables:
        raise ReadError(f"{path}: every sheet is empty; one row must hold the column headers")
    if options.sheet is None and len(tables) > 1:
        return [_only_data_sheet(path, tables, score)]
    return tables


def _only_data_sheet(path: Path, tables: list[RawTable], score: HeaderScore) -> RawTable:
    """The one sheet whose header row has known column names, the others (notes, "About") named as left out;
    several such sheets are refused, naming them."""
    with_headers = [t for t in tables if score(t.headers) > 0]
    if len(with_headers) != 1:
        listed = ", ".join(repr(t.sheet) for t in (with_headers or tables))
        raise ReadError(f"{path}: {len(with_headers or tables)} sheets hold data ({listed}); choose one with "
                        "--sheet NAME, or import them all with --sheet all")
    others = tuple(t.sheet or "" for t in tables if t is not with_headers[0])
    return replace(with_headers[0], other_sheets=others)


def _xlsx_sheets(path: Path) -> Iterator[tuple[str, Iterator[tuple[int, Cells]], int]]:
    """Each sheet of an .xlsx, streamed row by row (openpyxl read-only, the shared strings streamed by
    xlsx_strings); parts too large are refused first."""
    from tollbook.ingest.xlsx_strings import SharedStringsError, open_workbook

    if problem := check_xlsx_parts(path):
        raise ReadError(f"{path}: {problem}")
    try:
        workbook = open_workbook(path)
    except SharedStringsError as exc:
        raise ReadError(f"{path}: shared strings (xl/sharedStrings.xml): {exc}; save the sheet as CSV and import "
                        "that") from None
    except Exception as exc:  # openpyxl raises many kinds for a damaged file, some over several lines
        cause = exc.__cause__ or exc
        why = " ".join(str(cause).split())
        raise ReadError(f"{path}: not a readable .xlsx workbook ({type(cause).__name__}: {why})") from None
    try:
        for sheet in workbook.worksheets:
            yield sheet.title, enumerate(sheet.iter_rows(values_only=True), start=1), _uncomputed(workbook, sheet)
    finally:
        workbook.close()


def _uncomputed(workbook: Any, sheet: Any) -> int:  # noqa: ANN401 - openpyxl's read-only workbook and sheet
    """Formula cells of the sheet with no saved value (read as empty), counted so the import can say so."""
    from tollbook.ingest.xlsx_strings import SharedStringsError, uncomputed_formulas

    part = getattr(sheet, "_worksheet_path", None)
    archive = getattr(workbook, "_archive", None)
    if not part or archive is None:
        return 0
    try:
        with archive.open(part) as source:
            return uncomputed_formulas(source)
    except (KeyError, SharedStringsError):
        return 0


def _calamine_sheets(path: Path) -> Iterator[tuple[str, Iterator[tuple[int, Cells]], int]]:
    """Each sheet of an .ods or .xls workbook, read by python-calamine."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            yield name, enumerate(rows, start=1), 0
    except ReadError:
        raise
    except Exception as exc:  # calamine raises its own kinds for damaged files
        raise ReadError(f"{path}: not a readable {path.suffix} workbook ({type(exc).__name__}: {exc})") from None


def _read_json(path: Path, records_path: str | None = None) -> RawTable:
    """An array of objects (or one found at `records_path`); nested objects become dotted names."""
    try:
        data = json.loads(decode(path.read_bytes()))
    except ValueError as exc:
        where = f" at line {exc.lineno}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        raise ReadError(f"{path}: invalid JSON{where}: {getattr(exc, 'msg', exc)}") from None
    except RecursionError:
        raise ReadError(f"{path}: JSON nested too deeply to read") from None
    items = _records_at(data, records_path, path)
    rows, headers = [], {}
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ReadError(f"{path}: item {number} is not an object")
        if not json_depth_ok(item):
            raise ReadError(f"{path}: item {number} is nested too deeply (objects within objects)")
        values = {key: _text(value) for key, value in flatten(item)}
        headers |= dict.fromkeys(values)
        rows.append(RawRow(number, values))
    if len(headers) > MAX_COLUMNS:
        raise ReadError(f"{path}: {len(headers)} distinct fields, more than the {MAX_COLUMNS} Tollbook reads")
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
