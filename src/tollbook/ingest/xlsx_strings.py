"""The shared-strings table of an .xlsx, streamed: a workbook holds each distinct text once in
xl/sharedStrings.xml and its cells point into that table, so one hostile or damaged string (hundreds of MB) must
not be read into memory whole. The part is parsed in blocks (expat); a string longer than a cell may hold is kept
only as an `OversizedCell` marker, which the row checks turn into a one-line error naming file, row and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from tollbook.ingest.limits import MAX_CELL_CHARS, MAX_SHARED_STRINGS, MAX_SHARED_STRINGS_CHARS, OversizedCell

BLOCK = 1 << 20  # bytes parsed at a time


class SharedStringsError(Exception):
    """The table is too large to hold, or not readable XML (not a ValueError: openpyxl would re-word those)."""


class _Table:
    """Parser state: the strings so far and the one being read."""

    def __init__(self, cell_limit: int, total_limit: int, count_limit: int) -> None:
        self.cell_limit, self.total_limit, self.count_limit = cell_limit, total_limit, count_limit
        self.strings: list[str] = []
        self.pieces: list[str] = []
        self.length = 0  # characters of the current string, counted even when no longer kept
        self.kept = 0  # characters held in `strings`
        self.in_si = self.skip = self.in_t = 0  # depths: inside <si>, inside <rPh> (phonetic: not text), in <t>

    def start(self, name: str, _attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]
        if local == "si":
            self.in_si += 1
            self.pieces, self.length = [], 0
        elif local == "rPh" and self.in_si:
            self.skip += 1
        elif local == "t" and self.in_si and not self.skip:
            self.in_t += 1

    def end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        if local == "t" and self.in_t:
            self.in_t -= 1
        elif local == "rPh" and self.skip:
            self.skip -= 1
        elif local == "si" and self.in_si:
            self.in_si -= 1
            self._finish()

    def text(self, data: str) -> None:
        if not self.in_t:
            return
        self.length += len(data)
        if self.length <= self.cell_limit:
            self.pieces.append(data)
        else:
            self.pieces = []  # over the limit: count on, keep nothing

    def _finish(self) -> None:
        if len(self.strings) >= self.count_limit:
            raise SharedStringsError(f"more than {self.count_limit:,} shared strings")
        if self.length > self.cell_limit:
            self.strings.append(OversizedCell(self.length, self.cell_limit))
            return
        text = "".join(self.pieces).replace("x005F_", "")  # as openpyxl reads the _x005F_ escape
        self.kept += len(text)
        if self.kept > self.total_limit:
            raise SharedStringsError(f"more than {self.total_limit:,} characters of shared strings")
        self.strings.append(text)


def read_shared_strings(source: IO[bytes], cell_limit: int = MAX_CELL_CHARS,
                        total_limit: int = MAX_SHARED_STRINGS_CHARS,
                        count_limit: int = MAX_SHARED_STRINGS) -> list[str]:
    """Every string of the table in order; one longer than `cell_limit` characters as an OversizedCell. Raises
    SharedStringsError when the table holds more than `count_limit` strings or `total_limit` characters, or
    declares entities (no DTD is expected here: refusing it rules out entity expansion)."""
    table = _Table(cell_limit, total_limit, count_limit)
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = table.start, table.end
    parser.CharacterDataHandler = table.text
    parser.StartDoctypeDeclHandler = _no_doctype
    try:
        while block := source.read(BLOCK):
            parser.Parse(block, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise SharedStringsError(f"not readable XML ({exc})") from None
    return table.strings


def _no_doctype(*_args: object) -> None:
    raise SharedStringsError("declares a DTD, which a workbook's shared strings never do")


def open_workbook(path: Path) -> Any:  # noqa: ANN401 - an openpyxl Workbook, imported late
    """An .xlsx opened read-only for its values, as openpyxl's load_workbook does, but with the shared strings
    read by `read_shared_strings` (openpyxl would hold every string whole, however long)."""
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader

    class StreamingReader(ExcelReader):
        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as source:
                    self.shared_strings = read_shared_strings(source)

    reader = StreamingReader(path, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def uncomputed_formulas(source: IO[bytes], block: int = 1 << 20) -> int:
    """How many cells of a worksheet part hold a formula but no saved value: a program that wrote the file did
    not compute them (no ``<v>``, or an empty one outside a text cell), so a reader of values sees them as
    empty. Streamed, never held whole."""
    cell = {"formula": False, "value": False, "text": False, "in_value": False}
    count = [0]

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = name.rsplit(":", 1)[-1]
        if tag == "c":
            cell.update(formula=False, value=False, text=attrs.get("t") == "str", in_value=False)
        elif tag == "f":
            cell["formula"] = True
        elif tag == "v":
            cell["in_value"] = True
            cell["value"] = cell["value"] or cell["text"]  # an empty text result is a computed value
        elif tag == "is":
            cell["value"] = True

    def data(chunk: str) -> None:
        if cell["in_value"] and chunk.strip():
            cell["value"] = True

    def end(name: str) -> None:
        tag = name.rsplit(":", 1)[-1]
        if tag == "v":
            cell["in_value"] = False
        elif tag == "c" and cell["formula"] and not cell["value"]:
            count[0] += 1

    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, data
    parser.StartDoctypeDeclHandler = _no_doctype
    try:
        while chunk := source.read(block):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        return 0  # openpyxl reports a damaged sheet itself
    return count[0]
