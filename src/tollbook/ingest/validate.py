"""Turn one mapped raw row into the parsed fields of a Record, with an issue for every field it cannot read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from tollbook.enums import Cause, Perpetrator, Sex, Status, VictimRole
from tollbook.ingest.limits import cell_issue
from tollbook.ingest.mapping import ColumnMapping
from tollbook.ingest.report import ERROR, WARNING, ImportIssue
from tollbook.ingest.vocab import allowed_words, parse_vocab
from tollbook.model import Record
from tollbook.places import resolve_city, resolve_province
from tollbook.places.gazetteer import ON_CHANGE as PLACE_CACHES
from tollbook.places.gazetteer import province_by_code
from tollbook.text import canonical_name, normalize_persian
from tollbook.text.ages import AgeError, ParsedAge
from tollbook.text.ages import parse_age as read_age
from tollbook.text.dates import DateError, ParsedDate, parse_date

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
    codes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # each issue's (code, params), in step
    dayfirst: bool | None = None  # the file's day/month order when inferred; else the mapping's (day-first)
    texts: dict[str, str] = field(init=False, repr=False)  # canonical field -> raw text, looked up once

    def __post_init__(self) -> None:
        self.texts = {canonical: self.mapping.value(self.values, canonical) for canonical in self.mapping.columns}

    def raw(self, canonical: str) -> str:
        """The row's raw text for a canonical field ('' when the file has no column for it)."""
        return self.texts.get(canonical, "")

    def flag(self, canonical: str, reason: str, severity: str = ERROR, code: str = "", **params: Any) -> None:
        """Record an issue against the file's column for this field; `code` and `params` name it stably
        (tollbook.ingest.codes), so an interface can say it in another language."""
        column = self.mapping.columns.get(canonical, canonical)
        self.add(ImportIssue(self.file, self.row, column, self.raw(canonical), reason, severity), code, params)

    def add(self, issue: ImportIssue, code: str, params: dict[str, Any]) -> None:
        """Keep an issue with its code and parameters."""
        self.issues.append(issue)
        self.codes.append((code, params))


@lru_cache(maxsize=262_144)
def clean_name(text: str) -> str | None:
    """A name as written, with Persian letters unified and spaces tidied; None when empty."""
    text = " ".join(normalize_persian(text).split())
    return text or None


NAME_LIMIT = Record.__table__.c["given_name"].type.length


def parse_names(ctx: RowContext) -> dict[str, Any]:
    """Names as written and their script-independent keys; a row needs at least one name."""
    parsed: dict[str, Any] = {}
    for part in ("given_name", "family_name", "father_name"):
        name = clean_name(ctx.raw(part))
        parsed[part] = name
        parsed[f"{part}_key"] = name_key_of(name) if name and len(name) <= NAME_LIMIT else None
    if not parsed["given_name"] and not parsed["family_name"]:
        ctx.flag("given_name", "no given name and no family name: a record needs a name", code="name.missing")
    return parsed


@lru_cache(maxsize=262_144)
def name_key_of(name: str) -> str:
    """The canonical Latin key of a name part (cached: names repeat)."""
    return canonical_name(name)


def parse_age(ctx: RowContext) -> int | None:
    """Age in whole years (the middle of a range), or None when absent or unreadable (a warning)."""
    age = read_row_age(ctx)
    return age.value if age else None


def read_row_age(ctx: RowContext) -> ParsedAge | None:
    """The row's age as a range; an unreadable age is a warning and the victim is kept."""
    text = ctx.raw("age")
    if not text:
        return None
    try:
        return read_age(text)
    except AgeError as exc:
        ctx.flag("age", f"{exc}: kept as unknown", WARNING, exc.code, **exc.params, kept="unknown")
        return None


def parse_age_fields(ctx: RowContext) -> dict[str, Any]:
    """Age, its range and whether it is approximate, as record fields."""
    age = read_row_age(ctx)
    if age is None:
        return {"age": None, "age_low": None, "age_high": None, "age_approximate": False}
    return {"age": age.value, "age_low": age.low, "age_high": age.high, "age_approximate": age.approximate}


def parse_death_date(ctx: RowContext, today: dt.date) -> dict[str, Any]:
    """Gregorian date of death with its precision, from any accepted form and calendar."""
    text = ctx.raw("date_of_death")
    empty = {"date_of_death": None, "date_of_death_end": None, "date_precision": None, "date_text": text or None}
    if not text:
        return empty
    dayfirst = ctx.dayfirst if ctx.dayfirst is not None else ctx.mapping.dayfirst
    try:
        parsed = cached_date(text, True if dayfirst is None else dayfirst, ctx.mapping.century_pivot)
    except DateError as exc:
        ctx.flag("date_of_death", str(exc), ERROR, exc.code, **exc.params)
        return empty
    if parsed.value > today:
        ctx.flag("date_of_death", f"date {parsed.iso()} is in the future", ERROR, "date.future", text=text,
                 iso=parsed.iso())
        return empty
    window = ctx.mapping.event_window
    if window and (parsed.end < window[0] or parsed.value > window[1]):
        ctx.flag("date_of_death", f"date {parsed.iso()} is outside the event window "
                 f"{window[0].isoformat()}:{window[1].isoformat()}", WARNING, "date.outside_window", text=text,
                 iso=parsed.iso(), start=window[0].isoformat(), end=window[1].isoformat())
    return {"date_of_death": parsed.value, "date_of_death_end": parsed.end, "date_precision": parsed.precision,
            "date_text": text}


Flags = tuple[tuple[str, str, str, tuple[tuple[str, Any], ...]], ...]  # (field, reason, code, params) warnings


@lru_cache(maxsize=65_536)
def cached_date(text: str, dayfirst: bool, pivot: int) -> ParsedDate:
    """parse_date, cached: a list holds few distinct dates."""
    return parse_date(text, dayfirst=dayfirst, pivot=pivot)


def parse_place(ctx: RowContext) -> dict[str, Any]:
    """Province and city as written plus their codes; unknown or ambiguous places are flagged, not guessed."""
    place, flags = resolve_place(ctx.raw("province"), ctx.raw("city"))
    for name, reason, code, params in flags:
        ctx.flag(name, reason, WARNING, code, **dict(params))
    return dict(place)


@lru_cache(maxsize=65_536)
def resolve_place(province_text: str, city_text: str) -> tuple[tuple[tuple[str, Any], ...], Flags]:
    """Codes for a (province, city) pair as written, with the warnings; cached since lists repeat places."""
    province = resolve_province(province_text) if province_text else None
    flags: list[tuple[str, str, str, tuple[tuple[str, Any], ...]]] = []
    if province_text and province is None:
        flags.append(("province", "unknown province: kept as written, not resolved", "province.unknown", ()))
    place = {"province": province_text or None, "province_code": province.code if province else None,
             "city": city_text or None, "city_code": None}
    if city_text:
        city_codes, why = _resolve_city(city_text, place["province_code"])
        place |= city_codes
        flags += [("city", *why)] if why else []
    return tuple(place.items()), tuple(flags)


CityProblem = tuple[str, str, tuple[tuple[str, Any], ...]]  # reason, code, params


def _resolve_city(city_text: str, province_code: str | None) -> tuple[dict[str, Any], CityProblem | None]:
    """City code (and the province when the row lacks one) from the gazetteer, or why not (reason, code,
    params; the params name provinces by code and candidates as (English name, Persian name, province code))."""
    match = resolve_city(city_text, province_hint=province_code)
    candidates = tuple((c.name_en, c.name_fa, c.province_code) for c in match.candidates or ())
    if match.status == "ambiguous" and province_code and all(c.province_code != province_code
                                                              for c in match.candidates):
        where = " or ".join(dict.fromkeys(province_label(c.province_code) for c in match.candidates))
        return {}, (f"city contradicts the row's province {province_label(province_code)}: {city_text} is in "
                    f"{where}; kept unresolved", "city.contradicts_province",
                    (("city", city_text), ("province", province_code), ("candidates", candidates)))
    if match.status == "ambiguous":
        names = ", ".join(f"{c.name_en} in {province_label(c.province_code)}" for c in match.candidates)
        return {}, (f"ambiguous city: could be {names}; give the province", "city.ambiguous",
                    (("city", city_text), ("candidates", candidates)))
    if match.status != "ok" or match.city is None:
        return {}, ("unknown city: kept as written, not resolved", "city.unknown", (("city", city_text),))
    if province_code and match.city.province_code != province_code:
        return {}, (f"city is in {province_label(match.city.province_code)}, not in the row's province "
                    f"{province_label(province_code)}", "city.other_province",
                    (("city", city_text), ("city_province", match.city.province_code), ("province", province_code)))
    return {"city_code": str(match.city.id), "province_code": match.city.province_code}, None


def province_label(code: str) -> str:
    """A province as a message names it: "Alborz (IR-30)"."""
    try:
        return f"{province_by_code(code).name_en} ({code})"
    except KeyError:
        return code


def parse_vocab_fields(ctx: RowContext) -> dict[str, Any]:
    """Sex, status, cause and perpetrator from English or Persian words."""
    parsed = {}
    for name, (enum, default) in VOCAB_FIELDS.items():
        text = ctx.raw(name)
        value = parse_vocab(enum, text) if text else default
        if value is None and hasattr(enum, "UNKNOWN"):
            ctx.flag(name, f"unknown {name} word, read as unknown; words are {allowed_words(enum)}", WARNING,
                     "vocab.unknown", field=name, text=text, words=[m.value for m in enum])
            value = enum.UNKNOWN
        elif value is None:  # a status cannot be unknown: guessing it would count the wrong thing
            ctx.flag(name, f"unknown {name} word; use one of {allowed_words(enum)}", ERROR, "vocab.required",
                     field=name, text=text, words=[m.value for m in enum])
        parsed[name] = value
    return parsed


def parse_row(ctx: RowContext, today: dt.date | None = None) -> dict[str, Any] | None:
    """Parsed record fields of one row, or None when an error keeps it out; issues land in ctx.issues."""
    if not cells_storable(ctx):
        return None
    parsed = parse_names(ctx)
    parsed |= parse_age_fields(ctx)
    parsed |= parse_death_date(ctx, today or dt.date.today())
    parsed |= parse_place(ctx)
    parsed |= parse_vocab_fields(ctx)
    parsed |= {name: ctx.raw(name) or None for name in TEXT_FIELDS}
    parsed |= parse_report_fields(ctx, today or dt.date.today())
    if parsed["reported_on"] and parsed["date_of_death"] and parsed["reported_on"] < parsed["date_of_death"]:
        ctx.flag("reported_on", "reported before the date of death: report date left unknown", WARNING,
                 "report_date.before_death")
        parsed["reported_on"] = None
    parsed["source_record_id"] = parsed.pop("record_id")
    parsed["evidence_refs"] = parsed.pop("evidence")
    check_lengths(ctx, parsed)
    return None if any(issue.severity == ERROR for issue in ctx.issues) else parsed


def cells_storable(ctx: RowContext) -> bool:
    """Every cell of the raw row can be stored on every engine (length, NUL bytes, lone surrogates)."""
    ok = True
    for column, text in ctx.values.items():
        if found := cell_issue(text) or header_problem(column):
            shown = text[:60].encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")
            problem, code, params = found
            ctx.add(ImportIssue(ctx.file, ctx.row, column, shown, f"{problem}; the row is not imported"), code,
                    params)
            ok = False
    return ok


@lru_cache(maxsize=4_096)
def header_problem(column: str) -> tuple[str, str, dict[str, int]] | None:
    """Why a column name cannot be stored, with its code (checked once per name, not once per row)."""
    return cell_issue(column)


def parse_report_fields(ctx: RowContext, today: dt.date) -> dict[str, Any]:
    """The source's assertion of the victim's role (None when it says nothing) and the day it reported the
    death (None when the row does not say: the batch's date, if given, fills it in at import)."""
    role_text, reported_text = ctx.raw("role"), ctx.raw("reported_on")
    role = parse_vocab(VictimRole, role_text) if role_text else None
    if role_text and role is None:
        ctx.flag("role", f"unknown role word, not read as an assertion; words are {allowed_words(VictimRole)}",
                 WARNING, "vocab.role", field="role", text=role_text, words=[m.value for m in VictimRole])
    return {"role": role, "reported_on": _report_day(ctx, reported_text, today) if reported_text else None}


def _report_day(ctx: RowContext, text: str, today: dt.date) -> dt.date | None:
    """A full report date (any accepted form and calendar); partial or future dates are flagged and left out."""
    try:
        dayfirst = ctx.mapping.dayfirst
        parsed = cached_date(text, True if dayfirst is None else dayfirst, ctx.mapping.century_pivot)
    except DateError as exc:
        ctx.flag("reported_on", f"{exc}: report date left unknown", WARNING, exc.code, **exc.params,
                 kept="report_unknown")
        return None
    if parsed.precision != "day" or parsed.value > today:
        why = "in the future" if parsed.value > today else "not a full day"
        ctx.flag("reported_on", f"report date {why}: left unknown", WARNING, "report_date.not_a_day"
                 if why == "not a full day" else "report_date.future", text=text)
        return None
    return parsed.value


FIELD_OF_COLUMN = {"source_record_id": "record_id", "date_text": "date_of_death", "given_name_key": "given_name",
                   "family_name_key": "family_name", "father_name_key": "father_name"}


COLUMN_LIMITS = {c.name: length for c in Record.__table__.columns if (length := getattr(c.type, "length", None))}
_LIMITED = tuple(COLUMN_LIMITS.items())


def check_lengths(ctx: RowContext, parsed: dict[str, Any]) -> None:
    """Flag text longer than its column holds (PostgreSQL would refuse the whole import, SQLite would not)."""
    for key, limit in _LIMITED:
        value = parsed.get(key)
        if isinstance(value, str) and len(value) > limit:
            ctx.flag(FIELD_OF_COLUMN.get(key, key), f"longer than the {limit} characters a record holds", ERROR,
                     "text.too_long", limit=limit)


PLACE_CACHES.append(resolve_place.cache_clear)  # a places file applied later must reach cached rows
