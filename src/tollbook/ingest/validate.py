"""Turn one mapped raw row into the parsed fields of a Record, with an issue for every field it cannot read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from tollbook.enums import Cause, Perpetrator, Sex, Status
from tollbook.ingest.mapping import ColumnMapping
from tollbook.ingest.report import ERROR, WARNING, ImportIssue
from tollbook.ingest.vocab import allowed_words, parse_vocab
from tollbook.places import resolve_city, resolve_province
from tollbook.text import canonical_name, normalize_persian, to_ascii_digits
from tollbook.text.dates import DateError, parse_date

VOCAB_FIELDS = {"sex": (Sex, Sex.UNKNOWN), "status": (Status, Status.KILLED), "cause": (Cause, Cause.UNKNOWN),
                "perpetrator": (Perpetrator, Perpetrator.UNKNOWN)}
TEXT_FIELDS = ("record_id", "place_detail", "notes", "evidence")


@dataclass
class RowContext:
    """Where a row came from, so each issue can name file, row and column."""

    file: str
    row: int
    mapping: ColumnMapping
    values: dict[str, str]
    issues: list[ImportIssue] = field(default_factory=list)

    def raw(self, canonical: str) -> str:
        """The row's raw text for a canonical field."""
        return self.mapping.value(self.values, canonical)

    def flag(self, canonical: str, reason: str, severity: str = ERROR) -> None:
        """Record an issue against the file's column for this field."""
        column = self.mapping.columns.get(canonical, canonical)
        self.issues.append(ImportIssue(self.file, self.row, column, self.raw(canonical), reason, severity))


def clean_name(text: str) -> str | None:
    """A name as written, with Persian letters unified and spaces tidied; None when empty."""
    text = " ".join(normalize_persian(text).split())
    return text or None


def parse_names(ctx: RowContext) -> dict[str, Any]:
    """Names as written and their script-independent keys; a row needs at least one name."""
    parsed: dict[str, Any] = {}
    for part in ("given_name", "family_name", "father_name"):
        name = clean_name(ctx.raw(part))
        parsed[part] = name
        parsed[f"{part}_key"] = canonical_name(name) if name else None
    if not parsed["given_name"] and not parsed["family_name"]:
        ctx.flag("given_name", "no given name and no family name: a record needs a name")
    return parsed


def parse_age(ctx: RowContext) -> int | None:
    """Age in whole years, 0–120, in any digits."""
    text = to_ascii_digits(ctx.raw("age")).strip()
    if not text:
        return None
    try:
        age = int(float(text))
    except ValueError:
        ctx.flag("age", "age is not a number")
        return None
    if not 0 <= age <= 120:
        ctx.flag("age", "age must be between 0 and 120")
        return None
    return age


def parse_death_date(ctx: RowContext, today: dt.date) -> dict[str, Any]:
    """Gregorian date of death with its precision, from any accepted form and calendar."""
    text = ctx.raw("date_of_death")
    empty = {"date_of_death": None, "date_precision": None, "date_text": text or None}
    if not text:
        return empty
    try:
        parsed = parse_date(text, dayfirst=ctx.mapping.dayfirst)
    except DateError as exc:
        ctx.flag("date_of_death", str(exc))
        return empty
    if parsed.value > today:
        ctx.flag("date_of_death", f"date {parsed.iso()} is in the future")
        return empty
    return {"date_of_death": parsed.value, "date_precision": parsed.precision, "date_text": text}


def parse_place(ctx: RowContext) -> dict[str, Any]:
    """Province and city as written plus their codes; unknown or ambiguous places are flagged, not guessed."""
    province_text, city_text = ctx.raw("province"), ctx.raw("city")
    province = resolve_province(province_text) if province_text else None
    if province_text and province is None:
        ctx.flag("province", "unknown province: kept as written, not resolved", WARNING)
    place = {"province": province_text or None, "province_code": province.code if province else None,
             "city": city_text or None, "city_code": None}
    if city_text:
        place |= _resolve_city(ctx, city_text, place["province_code"])
    return place


def _resolve_city(ctx: RowContext, city_text: str, province_code: str | None) -> dict[str, Any]:
    """City code (and the province when the row lacks one) from the gazetteer."""
    match = resolve_city(city_text, province_hint=province_code)
    if match.status == "ambiguous":
        names = ", ".join(f"{c.name_en} ({c.province_code})" for c in match.candidates)
        ctx.flag("city", f"ambiguous city: could be {names}; give the province", WARNING)
        return {}
    if match.status != "ok" or match.city is None:
        ctx.flag("city", "unknown city: kept as written, not resolved", WARNING)
        return {}
    if province_code and match.city.province_code != province_code:
        ctx.flag("city", f"city is in {match.city.province_code}, not in the row's province {province_code}", WARNING)
        return {}
    return {"city_code": str(match.city.id), "province_code": match.city.province_code}


def parse_vocab_fields(ctx: RowContext) -> dict[str, Any]:
    """Sex, status, cause and perpetrator from English or Persian words."""
    parsed = {}
    for name, (enum, default) in VOCAB_FIELDS.items():
        text = ctx.raw(name)
        value = parse_vocab(enum, text) if text else default
        if value is None and hasattr(enum, "UNKNOWN"):
            ctx.flag(name, f"unknown {name} word, read as unknown; words are {allowed_words(enum)}", WARNING)
            value = enum.UNKNOWN
        elif value is None:  # a status cannot be unknown: guessing it would count the wrong thing
            ctx.flag(name, f"unknown {name} word; use one of {allowed_words(enum)}")
        parsed[name] = value
    return parsed


def parse_row(ctx: RowContext, today: dt.date | None = None) -> dict[str, Any] | None:
    """Parsed record fields of one row, or None when an error keeps it out; issues land in ctx.issues."""
    parsed = parse_names(ctx)
    parsed["age"] = parse_age(ctx)
    parsed |= parse_death_date(ctx, today or dt.date.today())
    parsed |= parse_place(ctx)
    parsed |= parse_vocab_fields(ctx)
    parsed |= {name: ctx.raw(name) or None for name in TEXT_FIELDS}
    parsed["source_record_id"] = parsed.pop("record_id")
    parsed["evidence_refs"] = parsed.pop("evidence")
    return None if any(issue.severity == ERROR for issue in ctx.issues) else parsed
