"""Read a small CSV file into text columns with the standard library (no pandas: it costs more to import than
the estimate of a pattern file takes), keeping each row's line number for error messages."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

__all__ = ["read_table"]


def read_table(path: Path, error: type[Exception]) -> tuple[list[str], dict[str, list[str]], list[int]]:
    """(header, cells of each column by name, file line of each row) of a UTF-8 CSV file; raises ``error`` with
    the file, the line and what is wrong for an unreadable file, a missing or repeated column name, or a row
    with more cells than the header. Blank lines are skipped; a short row's missing cells are empty."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _rows(csv.reader(handle), path, error)
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start : exc.start + 1]
        raise error(f"{path}: cannot read as CSV (not UTF-8 text: byte {exc.start} is {byte!r}); save the file as "
                    "UTF-8") from exc
    except csv.Error as exc:
        raise error(f"{path}: cannot read as CSV ({exc})") from exc
    except OSError as exc:
        raise error(f"{path}: cannot read as CSV ({exc})") from exc


def _rows(reader: Any, path: Path, error: type[Exception]) -> tuple[list[str], dict[str, list[str]], list[int]]:
    header = next((row for row in reader if row), None)
    if header is None:
        raise error(f"{path}: cannot read as CSV (the file is empty: no header line)")
    _check_header(header, path, reader.line_num, error)
    width = len(header)
    cells: list[list[str]] = [[] for _ in header]
    lines: list[int] = []
    for row in reader:
        if not row:
            continue
        if len(row) > width:
            raise error(f"{path}, row {reader.line_num}: {len(row)} cells, but the header names {width} columns")
        row += [""] * (width - len(row))
        for column, value in zip(cells, row, strict=True):
            column.append(value)
        lines.append(reader.line_num)
    return header, dict(zip(header, cells, strict=True)), lines


def _check_header(header: list[str], path: Path, line: int, error: type[Exception]) -> None:
    """Refuse a header with an unnamed or repeated column (which column would the numbers be?)."""
    seen: set[str] = set()
    for position, name in enumerate(header, start=1):
        if not name.strip():
            raise error(f"{path}, row {line}: column {position} of the header has no name; name every column")
        if name in seen:
            raise error(f"{path}, row {line}: column {name!r} is named twice in the header; rename one")
        seen.add(name)
