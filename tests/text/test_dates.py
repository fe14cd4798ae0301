"""Date parsing in both calendars, partial dates, errors and round trips against jdatetime."""

import datetime as dt

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tollbook.text.dates import DateError, parse_date

NOV16 = dt.date(2019, 11, 16)


@pytest.mark.parametrize(
    "text, calendar",
    [
        ("1398/08/25", "jalali"),
        ("۱۳۹۸/۰۸/۲۵", "jalali"),
        ("١٣٩٨/٠٨/٢٥", "jalali"),
        ("1398-08-25", "jalali"),
        ("1398/8/25", "jalali"),
        ("25 Aban 1398", "jalali"),
        ("25 aban 1398 SH", "jalali"),
        ("۲۵ آبان ۱۳۹۸", "jalali"),
        ("۲۵ ابان ۱۳۹۸ ش", "jalali"),
        ("2019-11-16", "gregorian"),
        ("16/11/2019", "gregorian"),
        ("16.11.2019", "gregorian"),
        ("16 November 2019", "gregorian"),
        ("November 16th, 2019", "gregorian"),
        ("16 Nov 2019", "gregorian"),
        ("۱۶ نوامبر ۲۰۱۹", "gregorian"),
    ],
)
def test_day_forms(text, calendar):
    parsed = parse_date(text)
    assert (parsed.value, parsed.precision, parsed.calendar, parsed.text) == (NOV16, "day", calendar, text)
    assert parsed.jalali() == "1398/08/25" and parsed.iso() == "2019-11-16"


def test_month_first_when_asked():
    assert parse_date("11/16/2019", dayfirst=False).value == NOV16
    assert parse_date("11/12/2019", dayfirst=False).value == dt.date(2019, 11, 12)
    assert parse_date("11/12/2019").value == dt.date(2019, 12, 11)


@pytest.mark.parametrize("text", ["آبان ۱۳۹۸", "Aban 1398", "1398/08", "۱۳۹۸/۸"])
def test_jalali_month_precision(text):
    parsed = parse_date(text)
    assert (parsed.precision, parsed.calendar) == ("month", "jalali")
    assert parsed.value == dt.date(2019, 10, 23) and parsed.end == dt.date(2019, 11, 21)
    assert parsed.jalali() == "1398/08" and parsed.iso() == "2019-10-23..2019-11-21"


@pytest.mark.parametrize("text", ["Nov 2019", "November 2019", "11/2019", "2019-11"])
def test_gregorian_month_precision(text):
    parsed = parse_date(text)
    assert (parsed.value, parsed.end, parsed.precision) == (dt.date(2019, 11, 1), dt.date(2019, 11, 30), "month")
    assert parsed.iso() == "2019-11" and parsed.jalali() == "1398/08/10..1398/09/09"


def test_year_precision():
    jalali, gregorian = parse_date("1398"), parse_date("2019")
    assert (jalali.value, jalali.end, jalali.jalali()) == (dt.date(2019, 3, 21), dt.date(2020, 3, 19), "1398")
    assert (gregorian.value, gregorian.end, gregorian.iso()) == (dt.date(2019, 1, 1), dt.date(2019, 12, 31), "2019")
    assert parse_date("۱۳۹۸").calendar == "jalali"


def test_leap_esfand_30():
    assert parse_date("1399/12/30").value == dt.date(2021, 3, 20)
    with pytest.raises(DateError, match="no such jalali day"):
        parse_date("1398/12/30")


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("16/11/19", "four digits"),
        ("1398/13/01", "month 13"),
        ("1398/07/31", "no such jalali day"),
        ("31/02/2019", "no such gregorian day"),
        ("25 Aban 2019", "does not belong to the gregorian"),
        ("Nov 1398", "does not belong to the jalali"),
        ("yesterday", "not in a known form"),
        ("Foo 2019", "not a month name"),
        ("2500", "neither Solar Hijri"),
        ("1250/01/01", "neither Solar Hijri"),
    ],
)
def test_errors_say_why(text, reason):
    with pytest.raises(DateError, match=reason):
        parse_date(text)


def test_date_error_is_value_error():
    assert issubclass(DateError, ValueError)


_jalali_days = st.dates(dt.date(1921, 3, 21), dt.date(2120, 3, 20)).map(lambda d: jdatetime.date.fromgregorian(date=d))


@given(_jalali_days)
def test_jalali_text_round_trips(j):
    text = f"{j.year}/{j.month:02d}/{j.day:02d}"
    persian = text.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    for parsed in (parse_date(text), parse_date(persian)):
        assert parsed.value == j.togregorian() and parsed.jalali() == text


@given(st.dates(dt.date(1800, 1, 1), dt.date(2199, 12, 31)))
def test_gregorian_text_round_trips(d):
    assert parse_date(d.isoformat()).value == d
    assert parse_date(d.strftime("%d/%m/%Y")).value == d
    assert parse_date(d.strftime("%d %B %Y")).iso() == d.isoformat()


@pytest.mark.slow
def test_every_day_1300_to_1420_matches_jdatetime():
    day, stop = jdatetime.date(1300, 1, 1), jdatetime.date(1421, 1, 1)
    count = 0
    while day < stop:
        text = f"{day.year}/{day.month:02d}/{day.day:02d}"
        parsed = parse_date(text)
        assert parsed.value == day.togregorian() and parsed.jalali() == text, text
        day += jdatetime.timedelta(days=1)
        count += 1
    assert count > 121 * 365


@pytest.mark.parametrize("text", ["۲۵ آبان ۹۸", "شنبه ۲۵ آبان ۱۳۹۸", "شنبه، ۲۵ آبان ۹۸", "1398-8-25", "۹۸/۸/۲۵",
                                  "Saturday 16 November 2019", "Sat, 16 Nov 2019", "روز شنبه ۲۵ آبان ۱۳۹۸"])
def test_two_digit_hijri_years_and_weekdays(text: str) -> None:
    assert parse_date(text).value == NOV16


def test_century_pivot_is_configurable() -> None:
    assert parse_date("۱ فروردین ۰۲").value.year == 2023  # 1402
    assert parse_date("۱ فروردین ۰۲", pivot=0).value.year == 1923  # 1302


def test_day_month_order_is_inferred_from_unambiguous_rows() -> None:
    from tollbook.text.dates import day_month_evidence

    assert day_month_evidence(["05/11/2019", "16/11/2019"]).order is True
    assert day_month_evidence(["05/11/2019", "11/16/2019"]).order is False
    assert day_month_evidence(["05/11/2019", "05/05/2019"]).order is None  # nothing tells
    assert day_month_evidence(["16/11/2019", "11/16/2019"]).order is None  # contradicts itself
    assert day_month_evidence(["2019-11-05", "1398/08/25"]).order is True  # no a/b/yyyy dates: order irrelevant


def test_partial_dates_are_described_with_their_precision() -> None:
    from tollbook.text.dates import describe_date

    month = parse_date("آبان ۱۳۹۸")
    assert describe_date(month.value, month.precision, month.text) == "Aban 1398 (month)"
    november = parse_date("November 2019")
    assert describe_date(november.value, "month", "November 2019") == "November 2019 (month)"
    assert describe_date(NOV16, "day", "16/11/2019") == "2019-11-16"
    assert describe_date(parse_date("1398").value, "year", "1398") == "1398 (year)"
