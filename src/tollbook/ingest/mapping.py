"""Column mapping: which column of a file holds which canonical field.

A mapping is read from a small TOML file (`[columns] given_name = "First name"`), or detected from known English
and Persian headers. The canonical CSV of DESIGN.md maps onto itself.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from tollbook.errors import TollbookError
from tollbook.text.dates import CENTURY_PIVOT

CANONICAL_FIELDS = (
    "record_id", "given_name", "family_name", "father_name", "sex", "age", "date_of_death", "province", "city",
    "status", "cause", "perpetrator", "place_detail", "notes", "evidence", "role", "reported_on",
)

# Known headers, compared after folding (lower case, Persian letters unified, no spaces/punctuation).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "record_id": ("record_id", "id", "ref", "reference", "no", "number", "case id", "شناسه", "کد", "ردیف", "شماره"),
    "given_name": ("given_name", "first name", "firstname", "given name", "forename", "name", "نام", "اسم"),
    "family_name": ("family_name", "last name", "lastname", "surname", "family name", "نام خانوادگی", "فامیلی",
                    "نام‌خانوادگی"),
    "father_name": ("father_name", "father's name", "fathers name", "father name", "father", "نام پدر"),
    "sex": ("sex", "gender", "جنسیت", "جنس", "m f", "مرد زن"),
    "age": ("age", "age at death", "age years", "years old", "سن", "سن فوت", "سن هنگام مرگ", "سن هنگام فوت"),
    "date_of_death": ("date_of_death", "date of death", "date", "died", "death date", "date killed", "تاریخ فوت",
                      "تاریخ جانباختن", "تاریخ جان‌باختن", "تاریخ کشته شدن", "تاریخ", "تاریخ مرگ"),
    "province": ("province", "state", "region", "ostan", "استان", "province of death", "استان محل فوت"),
    "city": ("city", "town", "place", "location", "shahr", "place of death", "city of death", "county", "شهر",
             "محل", "محل فوت", "شهر محل فوت", "محل جانباختن", "شهرستان", "محل کشته شدن", "شهر محل جانباختن"),
    "status": ("status", "وضعیت"),
    "cause": ("cause", "cause of death", "how", "علت", "علت مرگ", "علت فوت", "نحوه جانباختن"),
    "perpetrator": ("perpetrator", "perpetrator force", "force", "responsible", "ضارب", "عامل", "نیروی ضارب"),
    "place_detail": ("place_detail", "place detail", "address", "location detail", "نشانی", "آدرس", "محل دقیق"),
    "notes": ("notes", "note", "comments", "remarks", "توضیحات", "یادداشت"),
    "evidence": ("evidence", "evidence description", "sources", "مدارک", "مستندات", "شواهد"),
    "role": ("role", "victim role", "protester or bystander", "نقش", "وضعیت در اعتراضات"),
    "reported_on": ("reported_on", "reported on", "date reported", "report date", "published", "date published",
                    "تاریخ گزارش", "تاریخ انتشار"),
}


class MappingError(TollbookError):
    """A mapping that does not fit the file."""


@dataclass(frozen=True)
class ColumnMapping:
    """Canonical field → the file's column name, plus where the data sits and how to read its values.

    `dayfirst` None means: inferred per file from the dates that can only be read one way."""

    columns: dict[str, str]
    records_path: str | None = None
    dayfirst: bool | None = None
    unmapped: tuple[str, ...] = field(default=())
    header_row: int | None = None
    sheet: str | None = None
    century_pivot: int = CENTURY_PIVOT
    event_window: tuple[dt.date, dt.date] | None = None

    def value(self, values: dict[str, str], canonical: str) -> str:
        """The raw text of a canonical field in one row ('' when absent)."""
        column = self.columns.get(canonical)
        return values.get(column, "").strip() if column else ""

    def fitted(self, columns: dict[str, str], unmapped: tuple[str, ...]) -> ColumnMapping:
        """The same options with the columns of one file (or sheet)."""
        return replace(self, columns=columns, unmapped=unmapped)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form, stored with the import batch so a re-parse knows how the rows were read."""
        window = [d.isoformat() for d in self.event_window] if self.event_window else None
        return {"columns": self.columns, "unmapped": list(self.unmapped), "records_path": self.records_path,
                "dayfirst": self.dayfirst, "header_row": self.header_row, "sheet": self.sheet,
                "century_pivot": self.century_pivot, "event_window": window}


_BRACKETS = re.compile(r"[(\[{（][^)\]}）]*[)\]}）]")
_ALTERNATIVES = re.compile(r"\s*(?:/|\||\\|\bor\b|\s\u06cc\u0627\s)\s*")


def fold_header(header: str) -> str:
    """A header reduced for comparison: lower case, Arabic letters as Persian, no spaces, ZWNJ or punctuation."""
    header = header.lower().replace("ي", "ی").replace("ك", "ک").replace("\u200c", "")
    return re.sub(r"[\s_\-.:'’()\[\]?*#،؛]+", "", header)


def header_forms(header: str) -> list[str]:
    """Folded forms a header is matched by, best first: as written, without units in brackets ("Age (years)"),
    and each side of a slash ("City/Town")."""
    bare = _BRACKETS.sub(" ", header).strip()
    forms = [header, bare, *_ALTERNATIVES.split(bare)]
    return [f for f in dict.fromkeys(fold_header(form) for form in forms) if f]


FOLDED = {fold_header(s): canonical for canonical, names in SYNONYMS.items() for s in names}


def canonical_of(header: str) -> str | None:
    """The canonical field a header names, or None."""
    return next((FOLDED[form] for form in header_forms(header) if form in FOLDED), None)


def header_score(cells: list[str]) -> int:
    """How many cells of a row are known headers (to find the header row below title lines)."""
    return len({canonical_of(c) for c in cells if c and len(c) < 100} - {None})


def detect_mapping(headers: list[str], options: ColumnMapping | None = None, where: str = "") -> ColumnMapping:
    """Map known headers to canonical fields; a file needs at least a name column. `where` names the file (and
    sheet and header row) in the error."""
    columns: dict[str, str] = {}
    for header in headers:
        canonical = canonical_of(header) if header else None
        if canonical and canonical not in columns:
            columns[canonical] = header
    if "given_name" not in columns and "family_name" not in columns:
        raise MappingError(
            f"{where + ': ' if where else ''}no name column among the headers {headers}; name them as the canonical "
            "CSV does (given_name, family_name, …) or pass --mapping FILE.toml"
        )
    unmapped = tuple(h for h in headers if h and h not in columns.values())
    return (options or ColumnMapping({})).fitted(columns, unmapped)


MAPPING_KEYS = {"columns", "records_path", "dayfirst", "header_row", "sheet", "century_pivot", "event_window"}


def load_mapping(path: Path) -> ColumnMapping:
    """Read a TOML mapping: a [columns] table of canonical field = column name, and options; every key is either
    honoured or refused by name."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"mapping {path}: cannot read it ({exc})") from exc
    unknown_keys = sorted(set(data) - MAPPING_KEYS)
    if unknown_keys:
        raise MappingError(f"mapping {path}: unknown key(s) {unknown_keys}; keys are {', '.join(sorted(MAPPING_KEYS))}")
    columns = data.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise MappingError(f"mapping {path}: [columns] must map fields to column names, e.g. given_name = \"Name\"")
    unknown = sorted(set(columns) - set(CANONICAL_FIELDS))
    if unknown:
        raise MappingError(f"mapping {path}: unknown field(s) {unknown}; fields are {', '.join(CANONICAL_FIELDS)}")
    return ColumnMapping(dict(columns), **_options(data, path))


def _options(data: dict, path: Path) -> dict[str, object]:
    """The reading options of a mapping file, each checked for its type."""
    checks = {"records_path": str, "dayfirst": bool, "header_row": int, "sheet": str, "century_pivot": int,
              "event_window": str}
    for key, kind in checks.items():
        if key in data and (not isinstance(data[key], kind) or (kind is int and isinstance(data[key], bool))):
            raise MappingError(f"mapping {path}: {key} must be a {kind.__name__}, not {data[key]!r}")
    if "header_row" in data and data["header_row"] < 1:
        raise MappingError(f"mapping {path}: header_row counts from 1 (the first row of the sheet)")
    if "century_pivot" in data and not 0 <= data["century_pivot"] <= 99:
        raise MappingError(f"mapping {path}: century_pivot must be between 0 and 99")
    options = {key: data[key] for key in checks if key in data and key != "event_window"}
    if "event_window" in data:
        options["event_window"] = parse_window(data["event_window"], f"mapping {path}: event_window")
    return options


def parse_window(text: str, where: str = "--event-window") -> tuple[dt.date, dt.date]:
    """An event window 'START:END' of ISO dates (inclusive)."""
    try:
        start, end = (dt.date.fromisoformat(part.strip()) for part in text.split(":"))
    except ValueError:
        raise MappingError(f"{where}: {text!r} is not START:END in ISO dates, e.g. 2019-11-15:2020-01-31") from None
    if end < start:
        raise MappingError(f"{where}: {text!r} ends before it starts")
    return start, end


def check_mapping(mapping: ColumnMapping, headers: list[str], source: str) -> ColumnMapping:
    """Every mapped column must exist in the file; the unmapped ones are recorded (kept in raw). A mapping without
    columns is detected from the headers with its options kept."""
    if not mapping.columns:
        return detect_mapping(headers, mapping, source)
    missing = [f"{field}={column!r}" for field, column in mapping.columns.items() if column not in headers]
    if missing:
        raise MappingError(f"{source}: mapped column(s) not in the file: {', '.join(missing)}; headers are {headers}")
    unmapped = tuple(h for h in headers if h and h not in mapping.columns.values())
    return mapping.fitted(mapping.columns, unmapped)
