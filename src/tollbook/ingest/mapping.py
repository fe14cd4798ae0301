"""Column mapping: which column of a file holds which canonical field.

A mapping is read from a small TOML file (`[columns] given_name = "First name"`), or detected from known English
and Persian headers. The canonical CSV of DESIGN.md maps onto itself.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from tollbook.errors import TollbookError

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
    "sex": ("sex", "gender", "جنسیت", "جنس"),
    "age": ("age", "age at death", "سن"),
    "date_of_death": ("date_of_death", "date of death", "date", "died", "death date", "date killed", "تاریخ فوت",
                      "تاریخ جانباختن", "تاریخ جان‌باختن", "تاریخ کشته شدن", "تاریخ", "تاریخ مرگ"),
    "province": ("province", "state", "region", "ostan", "استان"),
    "city": ("city", "town", "place", "location", "shahr", "شهر", "محل"),
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
    """Canonical field → the file's column name, plus reading options."""

    columns: dict[str, str]
    records_path: str | None = None
    dayfirst: bool = True
    unmapped: tuple[str, ...] = field(default=())

    def value(self, values: dict[str, str], canonical: str) -> str:
        """The raw text of a canonical field in one row ('' when absent)."""
        column = self.columns.get(canonical)
        return values.get(column, "").strip() if column else ""


def fold_header(header: str) -> str:
    """A header reduced for comparison: lower case, Arabic letters as Persian, no spaces, ZWNJ or punctuation."""
    header = header.lower().replace("ي", "ی").replace("ك", "ک").replace("\u200c", "")
    return re.sub(r"[\s_\-.:'’()]+", "", header)


FOLDED = {fold_header(s): canonical for canonical, names in SYNONYMS.items() for s in names}


def detect_mapping(headers: list[str], dayfirst: bool = True) -> ColumnMapping:
    """Map known headers to canonical fields; a file needs at least a name column."""
    columns: dict[str, str] = {}
    for header in headers:
        canonical = FOLDED.get(fold_header(header))
        if canonical and canonical not in columns:
            columns[canonical] = header
    if "given_name" not in columns and "family_name" not in columns:
        raise MappingError(
            f"no name column among the headers {headers}; name them as the canonical CSV does "
            "(given_name, family_name, …) or pass --mapping FILE.toml"
        )
    unmapped = tuple(h for h in headers if h not in columns.values())
    return ColumnMapping(columns, dayfirst=dayfirst, unmapped=unmapped)


def load_mapping(path: Path) -> ColumnMapping:
    """Read a TOML mapping: a [columns] table of canonical field = column name, and options."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"mapping {path}: cannot read it ({exc})") from exc
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise MappingError(f"mapping {path}: needs a [columns] table such as given_name = \"First name\"")
    unknown = sorted(set(columns) - set(CANONICAL_FIELDS))
    if unknown:
        raise MappingError(f"mapping {path}: unknown field(s) {unknown}; fields are {', '.join(CANONICAL_FIELDS)}")
    return ColumnMapping({k: str(v) for k, v in columns.items()}, data.get("records_path"),
                         bool(data.get("dayfirst", True)))


def check_mapping(mapping: ColumnMapping, headers: list[str], source: Path) -> ColumnMapping:
    """Every mapped column must exist in the file; the unmapped ones are recorded (kept in raw)."""
    missing = [f"{field}={column!r}" for field, column in mapping.columns.items() if column not in headers]
    if missing:
        raise MappingError(f"{source}: mapped column(s) not in the file: {', '.join(missing)}; headers are {headers}")
    unmapped = tuple(h for h in headers if h not in mapping.columns.values())
    return ColumnMapping(mapping.columns, mapping.records_path, mapping.dayfirst, unmapped)
