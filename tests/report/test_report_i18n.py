"""Persian digits, both calendars, and numbers written for each language."""

from __future__ import annotations

import datetime as dt

from tollbook.report.i18n import digits, fmt_date, fmt_number, label, partial_date, short_date, solar_hijri


def test_persian_digits_and_separators() -> None:
    assert digits("1,455 (95%)", "fa") == "۱٬۴۵۵ (۹۵٪)"
    assert digits("1,455", "en") == "1,455"
    assert fmt_number(1384.975, "fa") == "۱٬۳۸۵"
    assert fmt_number(0.7, "en") == "0.7" and fmt_number(1.000431, "en", 3) == "1.000"
    assert fmt_number(None, "en") == "—" and fmt_number(float("nan"), "fa") == "—"


def test_dates_in_both_calendars_in_each_order() -> None:
    # 16 November 2019 is 25 Aban 1398 (the first day of the protests' killings in the example).
    assert solar_hijri(dt.date(2019, 11, 16), "en") == "25 Aban 1398"
    assert fmt_date("2019-11-16", "en") == "16 November 2019 (25 Aban 1398)"
    assert fmt_date("2019-11-16", "fa") == "۲۵ آبان ۱۳۹۸ (۱۶ نوامبر ۲۰۱۹)"
    assert short_date("2020-03-20", "fa") == "۱۳۹۹/۰۱/۰۱"  # Nowruz 1399
    assert fmt_date(None, "fa") == "نامعلوم"


def test_vocabulary_words() -> None:
    assert label("fa", "cause", "gunshot_head") == "شلیک به سر"
    assert label("en", "cause", "beating") == "beating"
    assert label("en", "qualifier", "at_least") == "at least"


def test_month_and_year_only_dates_in_persian() -> None:
    assert partial_date("Aban 1398 (month)", "fa") == "آبان ۱۳۹۸ (فقط ماه)"
    assert partial_date("November 2019 (month)", "fa") == "نوامبر ۲۰۱۹ (فقط ماه)"
    assert partial_date("1398 (year)", "fa") == "۱۳۹۸ (فقط سال)"
    assert partial_date("Aban 1398 (month)", "en") == "Aban 1398 (month)"
