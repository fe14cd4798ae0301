"""One full day from text in any form the importer reads (ISO, day-first, Solar Hijri, Persian digits)."""

from __future__ import annotations

import datetime as dt

from tollbook.text.dates import DateError, parse_date


def full_day(text: str, today: dt.date | None = None) -> dt.date:
    """The Gregorian day a text names ("2019-12-04", "1398/09/13", "۱۳ آذر ۱۳۹۸"); a month or a year alone,
    or a day after today, is a DateError that says so."""
    parsed = parse_date(text.strip())
    if parsed.precision != "day":
        raise DateError(f"{text!r} names a {parsed.precision}, not a day: give the full date", "date.not_a_day",
                        text=text, precision=parsed.precision)
    if parsed.value > (today or dt.date.today()):
        raise DateError(f"{text!r} is {parsed.value.isoformat()}, in the future", "date.future", text=text,
                        iso=parsed.value.isoformat())
    return parsed.value
