"""Parse dates as people type them, in the Gregorian or the Solar Hijri (Jalali) calendar, keeping partial dates.

The calendar of a date is told by its year: 1300-1499 is Solar Hijri, 1800-2199 Gregorian. A date is stored as the
Gregorian first day of its period, with its precision, so "Aban 1398" is never turned into an invented day.

Calendar caveat: conversions use jdatetime, whose leap years follow the arithmetic 33-year rule (a year is leap when
``year % 33`` is 1, 5, 9, 13, 17, 22, 26 or 30). Iran's official calendar is astronomical (the year starts on the
day of the March equinox as seen from Tehran), and the arithmetic rule can disagree with it in some years, mostly
far from the 1300s-1400s; around Nowruz and on Esfand 30 of such a year a conversion may then be one day off.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import jdatetime

from tollbook.text.normalize import fold_latin, normalize_persian, to_ascii_digits

Precision = Literal["day", "month", "year"]
Calendar = Literal["gregorian", "jalali"]
JALALI_YEARS = range(1300, 1500)
GREGORIAN_YEARS = range(1800, 2200)

_JALALI_MONTHS = {
    "farvardin": 1, "ordibehesht": 2, "khordad": 3, "tir": 4, "mordad": 5, "amordad": 5, "shahrivar": 6,
    "mehr": 7, "aban": 8, "azar": 9, "dey": 10, "dei": 10, "bahman": 11, "esfand": 12, "isfand": 12,
    "فروردین": 1, "اردیبهشت": 2, "خرداد": 3, "تیر": 4, "مرداد": 5, "امرداد": 5, "شهریور": 6, "مهر": 7,
    "آبان": 8, "ابان": 8, "آذر": 9, "اذر": 9, "دی": 10, "بهمن": 11, "اسفند": 12,
}  # fmt: skip
_GREGORIAN_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                    "october", "november", "december"]  # fmt: skip
_GREGORIAN_MONTHS = {
    **{name: i + 1 for i, name in enumerate(_GREGORIAN_NAMES)},
    **{name[:3]: i + 1 for i, name in enumerate(_GREGORIAN_NAMES)},
    "sept": 9,
    **{normalize_persian(k): v for k, v in {
        "ژانویه": 1, "فوریه": 2, "مارس": 3, "آوریل": 4, "مه": 5, "می": 5, "ژوئن": 6, "ژوئیه": 7, "جولای": 7,
        "اوت": 8, "آگوست": 8, "سپتامبر": 9, "اکتبر": 10, "نوامبر": 11, "دسامبر": 12}.items()},
}  # fmt: skip
_MARKERS = {"sh", "ap", "hs", "ش", "هش", "هجری", "شمسی", "ad", "ce", "م", "میلادی", "روز", "on"}
_WEEKDAY = re.compile(
    r"(?:(?:یک|دو|سه|چهار|پنج)[\s\u200c]*)?شنبه|جمعه|\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)"
    r"(?:day)?\b\.?"
)
CENTURY_PIVOT = 50  # a two-digit Solar Hijri year below it is 14xx, at or above it 13xx ("98" = 1398, "02" = 1402)
_NUMERIC = re.compile(r"^(\d{1,4})[/\-.](\d{1,4})(?:[/\-.](\d{1,4}))?$")
_WORD_SPLIT = re.compile(r"[\s,،]+")


class DateError(ValueError):
    """A date text that cannot be read; the message says what was wrong and what forms are accepted. `code` and
    `params` name the problem in a stable form, so an interface can say it in another language."""

    def __init__(self, message: str, code: str = "date.unreadable", **params: object) -> None:
        super().__init__(message)
        self.code, self.params = code, params


@dataclass(frozen=True)
class ParsedDate:
    """A date as entered: Gregorian first day of its period (`value`), precision, calendar and original text."""

    value: dt.date
    precision: Precision
    calendar: Calendar
    text: str

    @property
    def end(self) -> dt.date:
        """Last Gregorian day of the period (equal to `value` for day precision)."""
        if self.precision == "day":
            return self.value
        if self.calendar == "jalali":
            start = jdatetime.date.fromgregorian(date=self.value)
            nxt = _jalali_next(start.year, start.month if self.precision == "month" else 12)
            return nxt.togregorian() - dt.timedelta(days=1)
        nxt_month = self.value.month if self.precision == "month" else 12
        year, month = (self.value.year + 1, 1) if nxt_month == 12 else (self.value.year, nxt_month + 1)
        return dt.date(year, month, 1) - dt.timedelta(days=1)

    def jalali(self) -> str:
        """Solar Hijri text at the date's precision ("1398/08/25", "1398/08", "1398"); a partial Gregorian date
        has no single Jalali equivalent and is shown as its day span ("1398/08/10..1398/09/09")."""
        if self.calendar == "gregorian" and self.precision != "day":
            return f"{_jalali_text(self.value)}..{_jalali_text(self.end)}"
        return _jalali_text(self.value, self.precision)

    def iso(self) -> str:
        """ISO 8601 text at the date's precision ("2019-11-16", "2019-11", "2019"); a partial Jalali date is
        shown as its Gregorian day span ("2019-10-23..2019-11-21")."""
        if self.calendar == "jalali" and self.precision != "day":
            return f"{self.value.isoformat()}..{self.end.isoformat()}"
        return self.value.isoformat()[: {"day": 10, "month": 7, "year": 4}[self.precision]]


def _jalali_next(year: int, month: int) -> jdatetime.date:
    return jdatetime.date(year + 1, 1, 1) if month == 12 else jdatetime.date(year, month + 1, 1)


@lru_cache(maxsize=1 << 16)
def _jalali_text(day: dt.date, precision: Precision = "day") -> str:
    j = jdatetime.date.fromgregorian(date=day)
    text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    return text[: {"day": 10, "month": 7, "year": 4}[precision]]


def _calendar_of(year: int, text: str) -> Calendar:
    if year in JALALI_YEARS:
        return "jalali"
    if year in GREGORIAN_YEARS:
        return "gregorian"
    raise DateError(
        f"Date {text!r}: year {year} is neither Solar Hijri (1300-1499) nor Gregorian (1800-2199); "
        "write the year in full with four digits.", "date.year_range", text=text, year=year
    )


def _build(text: str, year: int, month: int | None, day: int | None) -> ParsedDate:
    calendar = _calendar_of(year, text)
    precision: Precision = "day" if day else ("month" if month else "year")
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"Date {text!r}: month {month} is not between 1 and 12 (is the day/month order right?).",
                        "date.month_range", text=text, month=month)
    try:
        if calendar == "jalali":
            value = jdatetime.date(year, month or 1, day or 1).togregorian()
        else:
            value = dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise DateError(f"Date {text!r}: no such {calendar} day ({exc}).", "date.no_such_day", text=text,
                        calendar=calendar) from None
    return ParsedDate(value, precision, calendar, text)


def hijri_year(two_digits: int, pivot: int = CENTURY_PIVOT) -> int:
    """The Solar Hijri year a two-digit year means, by the century pivot."""
    return (1400 if two_digits < pivot else 1300) + two_digits


def _numeric(text: str, match: re.Match[str], dayfirst: bool, pivot: int) -> ParsedDate:
    a, b, c = (int(g) if g else None for g in match.groups())
    first_long, last_long = len(match.group(1)) == 4, bool(match.group(3)) and len(match.group(3)) == 4
    if c is not None and len(match.group(1)) == 2 and a > 31:  # type: ignore[operator]
        return _build(text, hijri_year(a, pivot), b, c)  # "98/08/25": a Solar Hijri year in two digits
    if c is None:
        if first_long:
            return _build(text, a, b, None)  # type: ignore[arg-type]
        if len(match.group(2)) == 4:
            return _build(text, b, a, None)  # type: ignore[arg-type]
    elif first_long:
        return _build(text, a, b, c)  # type: ignore[arg-type]
    elif last_long:
        day, month = (a, b) if dayfirst else (b, a)
        return _build(text, c, month, day)
    raise DateError(f"Date {text!r}: cannot tell the year; write it with four digits (1398/08/25, 16/11/2019).",
                    "date.year_unclear", text=text)


def _worded(text: str, words: list[str], pivot: int) -> ParsedDate:
    months = [(w, _JALALI_MONTHS.get(w), _GREGORIAN_MONTHS.get(w)) for w in words if not w.isdigit()]
    numbers = [w for w in words if w.isdigit()]
    if len(months) != 1 or not 1 <= len(numbers) <= 2:
        raise DateError(
            f"Date {text!r} is not in a known form; use e.g. 1398/08/25, 25 Aban 1398, 2019-11-16 or 16 November 2019.",
            "date.form", text=text
        )
    word, jalali_month, gregorian_month = months[0]
    if jalali_month is None and gregorian_month is None:
        raise DateError(f"Date {text!r}: {word!r} is not a month name (Gregorian or Solar Hijri).",
                        "date.month_name", text=text, word=word)
    two_digit_year = numbers and not any(len(n) == 4 for n in numbers) and (len(numbers) == 2 or int(numbers[-1]) > 31)
    if jalali_month and two_digit_year:  # "۲۵ آبان ۹۸", "آبان ۹۸": a two-digit Solar Hijri year
        numbers = [*numbers[:-1], str(hijri_year(int(numbers[-1]), pivot))]
    years = [int(n) for n in numbers if len(n) == 4]
    days = [int(n) for n in numbers if len(n) <= 2]
    if len(years) != 1 or len(days) != len(numbers) - 1:
        raise DateError(f"Date {text!r}: expected a day (1-31) and a four-digit year beside the month name.",
                        "date.day_and_year", text=text)
    calendar = _calendar_of(years[0], text)
    month = jalali_month if calendar == "jalali" else gregorian_month
    if month is None:
        raise DateError(f"Date {text!r}: month {word!r} does not belong to the {calendar} calendar of {years[0]}.",
                        "date.month_calendar", text=text, word=word, calendar=calendar, year=years[0])
    return _build(text, years[0], month, days[0] if days else None)


def parse_date(text: str, dayfirst: bool = True, pivot: int = CENTURY_PIVOT) -> ParsedDate:
    """Read a Gregorian or Solar Hijri date in the forms people type (numeric, month names in English, Persian or
    romanised Persian, Persian digits, a weekday in front, a two-digit Hijri year read by `pivot`); month- and
    year-only dates keep their precision. Raises DateError. Memoised: lists repeat a few thousand date texts."""
    if not isinstance(text, str) or not text.strip():
        raise DateError("Date is empty; leave the field blank for an unknown date instead.", "date.empty")
    return _parse(text, dayfirst, pivot)


def _words(text: str) -> list[str]:
    """The date's words, folded, without weekday names, ordinal suffixes and calendar markers."""
    clean = fold_latin(to_ascii_digits(normalize_persian(text)))
    clean = _WEEKDAY.sub(" ", re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", clean))
    return [w.strip(".") for w in _WORD_SPLIT.split(clean.strip(" .")) if w.strip(".") and w not in _MARKERS]


@lru_cache(maxsize=1 << 16)
def _parse(text: str, dayfirst: bool, pivot: int) -> ParsedDate:
    words = _words(text)
    if len(words) == 1 and (match := _NUMERIC.match(words[0])):
        return _numeric(text, match, dayfirst, pivot)
    if len(words) == 1 and words[0].isdigit() and len(words[0]) == 4:
        return _build(text, int(words[0]), None, None)
    return _worded(text, words, pivot)


@dataclass(frozen=True)
class DayMonthEvidence:
    """What a column's numeric dates say about their order: rows that can only be day-first or month-first."""

    day_first: tuple[str, ...] = ()
    month_first: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()

    @property
    def order(self) -> bool | None:
        """True (day-first), False (month-first), or None when the column does not tell or contradicts itself."""
        if self.day_first and self.month_first:
            return None
        if self.day_first or self.month_first:
            return bool(self.day_first)
        return None if self.ambiguous else True


def day_month_evidence(texts: list[str]) -> DayMonthEvidence:
    """Sort a column's `a/b/yyyy` dates into day-first-only (a > 12), month-first-only (b > 12) and ambiguous."""
    found: dict[str, list[str]] = {"day": [], "month": [], "both": []}
    for text in texts:
        words = _words(text) if text and text.strip() else []
        match = _NUMERIC.match(words[0]) if len(words) == 1 else None
        if not match or not match.group(3) or len(match.group(3)) != 4:
            continue
        a, b = int(match.group(1)), int(match.group(2))
        kind = "day" if a > 12 >= b else "month" if b > 12 >= a else "both" if a != b and a <= 12 else ""
        if kind:
            found[kind].append(text)
    return DayMonthEvidence(tuple(found["day"]), tuple(found["month"]), tuple(found["both"]))


class PartialDate(dt.date):
    """A date the source gave only to its month or year: the first day of that period, carrying its precision and
    last day, so a view shows "Aban 1398 (month)" and no count mistakes it for that first day."""

    precision: str
    end: dt.date
    text: str

    def __new__(cls, start: dt.date, precision: str, end: dt.date, text: str = "") -> PartialDate:
        made = super().__new__(cls, start.year, start.month, start.day)
        made.precision, made.end, made.text = precision, end, text
        return made

    def describe(self) -> str:
        """The date as precise as the source gave it."""
        return describe_date(self, self.precision, self.text)


_JALALI_NAMES = ["Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban", "Azar", "Dey",
                 "Bahman", "Esfand"]  # fmt: skip


def describe_date(value: dt.date | None, precision: str | None, text: str | None = None) -> str:
    """A date as a reader should see it, never more precise than the source: "2019-11-16",
    "Aban 1398 (month)", "November 2019 (month)", "1398 (year)"; "" when unknown."""
    if value is None:
        return ""
    if precision in (None, "day"):
        return value.isoformat()
    calendar = _calendar_from_text(text)
    if calendar == "jalali":
        j = jdatetime.date.fromgregorian(date=value)
        shown = f"{_JALALI_NAMES[j.month - 1]} {j.year}" if precision == "month" else str(j.year)
    else:
        shown = value.strftime("%B %Y") if precision == "month" else str(value.year)
    return f"{shown} ({precision})"


def _calendar_from_text(text: str | None) -> Calendar:
    """The calendar a stored date text was written in (Gregorian when it cannot be read again)."""
    try:
        return parse_date(text).calendar if text else "gregorian"
    except DateError:
        return "gregorian"
