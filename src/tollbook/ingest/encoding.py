"""Tell what a text file's bytes are: UTF-8 (with or without BOM), UTF-16, Windows-1256, or not text at all.

A UTF-8 file with a damaged byte is reported with its line and byte offset, never decoded as another encoding
(that turns every Persian name into mojibake without a word). Windows-1256 is used only for files with no UTF-8
multi-byte sequences to speak of.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from io import BytesIO
from pathlib import Path

_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")  # bytes no text table holds (tab, newlines and form feed can)
SNIFF = 8192


def sniff_binary(data: bytes) -> str | None:
    """Why bytes named as a text table are not one (an XLSX, ODS, ZIP, XLS, PDF or binary file), or None."""
    if data.startswith(b"PK\x03\x04"):
        return f"is {_zip_kind(data)}, not CSV text; give it its proper extension (.xlsx, .ods) and import again"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "is an old Office file (an Excel .xls?), not CSV text; rename it to .xls or save it as .xlsx or CSV"
    if data.startswith(b"%PDF"):
        return "is a PDF document, not CSV text; Tollbook imports tables (CSV, XLSX, ODS, JSON)"
    head = data[:SNIFF]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_without_bom(head):
        return None
    if len(_CONTROL.findall(head)) > max(8, len(head) // 100):
        return "is a binary file, not CSV text"
    return None


_WORKBOOK_SUFFIXES = {"an Excel workbook (XLSX)": (".xlsx", ".xlsm"), "an OpenDocument spreadsheet (ODS)": (".ods",),
                      "an old Excel workbook (XLS)": (".xls",)}


def workbook_mismatch(path: Path) -> str | None:
    """Why a file named as a workbook (.xlsx, .ods, .xls) is another kind (an XLSX renamed .xls, a web page or CSV
    saved as .xls), or None when its content is the kind its name says."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(path)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        kind = "an old Excel workbook (XLS)"
    else:
        return (f"is not a readable {path.suffix} workbook: it holds text or another kind of file (a web page or "
                "CSV saved under that name?); save it as .xlsx or CSV")
    proper = _WORKBOOK_SUFFIXES.get(kind)
    if proper is None:
        return f"is {kind}, not a {path.suffix} workbook"
    if path.suffix.lower() not in proper:
        return f"is {kind}, not a {path.suffix} workbook; rename it to {proper[0]} and import again"
    return None


def _zip_kind(data: bytes | Path) -> str:
    """What a ZIP container (its bytes, or a file) holds, by its member names."""
    try:
        names = set(zipfile.ZipFile(BytesIO(data) if isinstance(data, bytes) else data).namelist())
    except zipfile.BadZipFile:
        return "a damaged ZIP archive"
    if "xl/workbook.xml" in names:
        return "an Excel workbook (XLSX)"
    if "content.xml" in names and "mimetype" in names:
        return "an OpenDocument spreadsheet (ODS)"
    return "a ZIP archive"


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the high bytes of the 16-bit units are those of ASCII, Arabic-script and
    punctuation characters (0x00, 0x06, 0x20) and the low bytes are not NUL, else None."""
    if len(head) < 4:
        return None
    for low, high, name in ((head[0::2], head[1::2], "utf-16-le"), (head[1::2], head[0::2], "utf-16-be")):
        text_like = sum(high.count(b) for b in (0x00, 0x06, 0x20, 0xFE, 0xFB))
        if high.count(0) > 0.1 * len(high) and text_like > 0.9 * len(high) and low.count(0) < 0.05 * len(low):
            return name
    return None


def decode(data: bytes) -> str:
    """The text of a file; ValueError with line and byte offset for damaged UTF-8 or UTF-16."""
    return decode_named(data)[0]


def decode_named(data: bytes) -> tuple[str, str]:
    """The text of a file and the encoding it was read in ('utf-16', 'utf-8', 'cp1256', …), so a report can say
    when a file without UTF-8 was read as Windows-1256."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), "utf-16"
    if kind := _utf16_without_bom(data[:SNIFF]):
        return _strict(data, kind), kind
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        if _mostly_utf8(data):
            raise ValueError(f"not valid UTF-8 at line {_line(data, exc.start)}, byte offset {exc.start} "
                             f"(byte 0x{data[exc.start]:02x}); the file is UTF-8 with a damaged byte: fix that "
                             "byte or save the file again as UTF-8 (it is not read as another encoding)") from None
    return data.decode("cp1256", errors="strict"), "cp1256"


def _strict(data: bytes, encoding: str) -> str:
    """Decode in one encoding, naming where it breaks."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ValueError(f"not valid {encoding.upper()} at byte offset {exc.start}: {exc.reason}") from None
    return text.removeprefix("\ufeff")


def _mostly_utf8(data: bytes) -> bool:
    """Whether most non-ASCII bytes form UTF-8 sequences (a UTF-8 file, perhaps with a bad byte)."""
    high = len(_HIGH_BYTE.findall(data))
    in_sequences = sum(len(m) for m in _UTF8_SEQUENCE.findall(data))
    return high > 0 and in_sequences >= 0.8 * high


def _line(data: bytes, offset: int) -> int:
    """1-based line number of a byte offset."""
    return data.count(b"\n", 0, offset) + 1
