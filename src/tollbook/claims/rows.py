"""One claim row from a file or the command line: parse and validate it into a `ClaimDraft`, or say why not.

Pure functions only; every error names the field, the value and the reason; the importer adds file and row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import pycountry

from tollbook.enums import Cause, ClaimMetric, Perpetrator, Qualifier, VictimRole
from tollbook.errors import TollbookError
from tollbook.places import resolve_province
from tollbook.text.dates import DateError, parse_date

COLUMNS = (
    "claim_key",
    "source",
    "date_stated",
    "date_inferred",
    "date_basis",
    "metric",
    "qualifier",
    "value",
    "value_high",
    "share_percent",
    "scope_area",
    "scope_start",
    "scope_end",
    "subset",
    "quote",
    "citation",
    "url",
    "notes",
)
REQUIRED = ("source", "date_stated", "metric")
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")
TRUE_WORDS = frozenset({"true", "yes", "1", "y"})
FALSE_WORDS = frozenset({"false", "no", "0", "n", ""})


@dataclass(frozen=True)
class ClaimDraft:
    """A validated claim, not yet stored: what someone said, when, of what."""

    source: str
    date_stated: dt.date
    metric: ClaimMetric
    qualifier: Qualifier = Qualifier.EXACTLY
    value: float | None = None
    value_high: float | None = None
    share_percent: float | None = None
    scope_area: str = "IR"
    scope_start: dt.date | None = None
    scope_end: dt.date | None = None
    subset: str | None = None
    date_inferred: bool = False
    date_basis: str | None = None
    quote: str | None = None
    citation: str | None = None
    url: str | None = None
    notes: str | None = None
    claim_key: str | None = None

    def content(self) -> tuple:
        """Everything but the key: two drafts with equal content are the same claim."""
        return tuple(getattr(self, f.name) for f in fields(self) if f.name != "claim_key")


@dataclass(frozen=True)
class RowError:
    """Why one field of one row was refused; `row` counts as a spreadsheet does (header = row 1)."""

    file: str
    row: int
    field: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, field {self.field!r} = {self.value!r}: {self.reason}"


class FieldError(ValueError):
    """A single field's value is unusable; the message is the reason."""


def _text(value: str) -> str | None:
    """Stripped text, or None when empty."""
    value = value.strip()
    return value or None


def _date(value: str) -> dt.date | None:
    """A full day, as imports read it: ISO, day-first, or Solar Hijri (1398/09/13, ۱۳ آذر ۱۳۹۸); None when empty."""
    if not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        pass
    try:
        parsed = parse_date(value.strip())
    except DateError as exc:
        raise FieldError(f"not a date: {exc}") from None
    if parsed.precision != "day":
        raise FieldError(f"names a {parsed.precision}, not a day: give the full date (YYYY-MM-DD or 1398/09/13)")
    return parsed.value


def _number(value: str) -> float | None:
    """A non-negative number (thousands separators allowed), or None when empty."""
    text = value.strip().replace(",", "").replace("_", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise FieldError("not a number") from None
    if number < 0 or number != number:
        raise FieldError("a count cannot be negative")
    return number


def _boolean(value: str) -> bool:
    """true/false, yes/no, 1/0; empty means false."""
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise FieldError("write true or false")


def _choice(enum: type[ClaimMetric] | type[Qualifier]) -> Callable[[str], Any]:
    """A parser for one of an enum's values (None when empty), listing the allowed ones when wrong."""

    def parse(value: str) -> Any:
        if not value.strip():
            return None
        try:
            return enum(value.strip().lower().replace(" ", "_"))
        except ValueError:
            raise FieldError(
                f"unknown {enum.__name__}: use one of {', '.join(m.value for m in enum)}"
            ) from None

    return parse


COUNTRY_WORDS = frozenset({"ir", "iran", "ایران", "country", "whole country", "all"})


def scope_area(value: str) -> str:
    """`IR` for the whole country, or a province's ISO 3166-2 code (IR-23) from the code or its name in Persian
    or any usual romanisation ("Tehran", "تهران", "Tehran Province")."""
    code = (value.strip() or "IR").upper()
    if code.lower() in COUNTRY_WORDS or value.strip() in COUNTRY_WORDS:
        return "IR"
    if code.startswith("IR-") and pycountry.subdivisions.get(code=code) is not None:
        return code
    province = resolve_province(value.strip())
    if province is not None:
        return province.code
    raise FieldError("not IR nor an Iranian province (its name, or its ISO 3166-2 code such as IR-23 for Tehran)")


SUBSET_VALUES = {"cause": Cause, "role": VictimRole, "force": Perpetrator, "perpetrator": Perpetrator}


def _subset(value: str) -> str | None:
    """A sub-population as name=value or name!=value (role!=protester); a cause, role or force must be one of
    Tollbook's words for it."""
    text = value.strip()
    if not text:
        return None
    sign = "!=" if "!=" in text else "="
    name, found, item = (part.strip() for part in text.partition(sign))
    if not found or not name or not item:
        raise FieldError("write a subset as name=value or name!=value, e.g. cause=beating or role!=protester")
    name = name.lower()
    allowed = SUBSET_VALUES.get(name)
    if allowed is not None and item.lower() not in set(allowed):
        raise FieldError(f"unknown {name}: use one of {', '.join(c.value for c in allowed)}")
    return f"{name}{sign}{item.lower() if allowed else item}"


def _key(value: str) -> str | None:
    """A claim key: letters, digits and . _ : - only, at most 100 characters."""
    key = value.strip()
    if key and not KEY_PATTERN.match(key):
        raise FieldError("a claim key holds letters, digits and . _ : - only (at most 100)")
    return key or None


PARSERS: dict[str, Callable[[str], Any]] = {
    "claim_key": _key,
    "source": _text,
    "date_stated": _date,
    "date_inferred": _boolean,
    "date_basis": _text,
    "metric": _choice(ClaimMetric),
    "qualifier": _choice(Qualifier),
    "value": _number,
    "value_high": _number,
    "share_percent": _number,
    "scope_area": scope_area,
    "scope_start": _date,
    "scope_end": _date,
    "subset": _subset,
    "quote": _text,
    "citation": _text,
    "url": _text,
    "notes": _text,
}


def _parse_fields(raw: Mapping[str, Any], file: str, row: int) -> tuple[dict[str, Any], list[RowError]]:
    """Each known field parsed on its own, collecting every error rather than stopping at the first."""
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for name, parse in PARSERS.items():
        text = "" if raw.get(name) is None else str(raw.get(name))
        try:
            values[name] = parse(text)
        except FieldError as exc:
            errors.append(RowError(file, row, name, text, str(exc)))
    values["qualifier"] = values.get("qualifier") or Qualifier.EXACTLY
    return values, errors


def _rule_errors(values: dict[str, Any], today: dt.date) -> list[tuple[str, Any, str]]:
    """Checks across fields: what is required, ranges the right way round, no dates from the future."""
    problems = [(name, "", "required: a claim needs it") for name in REQUIRED if values.get(name) is None]
    stated = values.get("date_stated")
    if stated and stated > today:
        problems.append(("date_stated", stated, f"in the future (today is {today.isoformat()})"))
    low, high = values.get("value"), values.get("value_high")
    if low is not None and high is not None and high < low:
        problems.append(("value_high", high, f"range inverted: value_high is below value {low:g}"))
    if high is not None and low is None:
        problems.append(("value_high", high, "a range needs its low end in value"))
    if low is None and values.get("share_percent") is None:
        problems.append(
            ("value", "", "required: give a value, or a share_percent for a share without a total")
        )
    share = values.get("share_percent")
    if share is not None and share > 100:
        problems.append(("share_percent", share, "a share is at most 100 percent"))
    start, end = values.get("scope_start"), values.get("scope_end")
    if start and end and end < start:
        problems.append(("scope_end", end, "scope period inverted: scope_end is before scope_start"))
    if values.get("date_inferred") and not values.get("date_basis"):
        problems.append(("date_basis", "", "an inferred date must say what it was inferred from"))
    return problems


def parse_row(
    raw: Mapping[str, Any], file: str = "<input>", row: int = 2, today: dt.date | None = None
) -> ClaimDraft | list[RowError]:
    """A draft from one raw row of text values, or every error found in it."""
    values, errors = _parse_fields(raw, file, row)
    failed = {error.field for error in errors}
    for name, value, reason in _rule_errors(values, today or dt.date.today()):
        if name not in failed:
            errors.append(RowError(file, row, name, "" if value is None else str(value), reason))
    if errors:
        return errors
    return ClaimDraft(**values)


def parse_metric(metric: ClaimMetric | str) -> ClaimMetric:
    """A claim metric from its value (as typed on the command line), or a TollbookError listing the metrics."""
    if isinstance(metric, ClaimMetric):
        return metric
    try:
        return ClaimMetric(metric.strip().lower().replace(" ", "_"))
    except ValueError:
        allowed = ", ".join(m.value for m in ClaimMetric)
        raise TollbookError(f"unknown metric {metric!r}: use one of {allowed}") from None
