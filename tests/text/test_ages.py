"""Ages as people write them: units, approximate words, ranges, months, Persian digits."""

from __future__ import annotations

import pytest

from tollbook.text.ages import AgeError, ParsedAge, parse_age


@pytest.mark.parametrize(("text", "low", "high", "approximate"), [
    ("23", 23, 23, False), ("۲۳", 23, 23, False), ("۲۳ ساله", 23, 23, False), ("23 years", 23, 23, False),
    ("23 years old", 23, 23, False), ("23.0", 23, 23, False), ("حدود ۳۰", 30, 30, True),
    ("حدوداً ۲۰ ساله", 20, 20, True),
    ("~30", 30, 30, True), ("about 30", 30, 30, True), ("c. 40", 40, 40, True), ("45?", 45, 45, True),
    ("30-35", 30, 35, False), ("30 – 35", 30, 35, False), ("۳۰ تا ۳۵", 30, 35, False), ("~30-35", 30, 35, True),
    ("30s", 30, 39, True), ("6 ماهه", 0, 0, False), ("8 months", 0, 0, False), ("نوزاد", 0, 0, False),
    ("Age: 19", 19, 19, False), ("35-30", 30, 35, False),
])
def test_ages_as_written(text: str, low: int, high: int, approximate: bool) -> None:
    assert parse_age(text) == ParsedAge(low, high, approximate)


@pytest.mark.parametrize("text", ["thirty", "بیست", "-3", "150", "20-130", "young", "3 4"])
def test_unreadable_ages_say_why(text: str) -> None:
    with pytest.raises(AgeError, match="age"):
        parse_age(text)


def test_age_text_round_trips() -> None:
    for text in ("30", "~30", "30-35", "~30-35"):
        assert parse_age(parse_age(text).text()).text() == text
    assert parse_age("30-35").value == 32
