"""Ages as people write them: `23`, `۲۳ ساله`, `23 years`, `حدود ۳۰`, `~30`, `30-35`, `۳۰ تا ۳۵`, `6 ماهه`.

An age is kept as a range (low, high) in whole years with an approximate flag, so `حدود ۳۰` is not turned into an
exact 30 and `30-35` is not turned into one number. Ages in months or weeks (`6 ماهه`, `8 months`) are 0 years.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tollbook.text.normalize import normalize_persian, to_ascii_digits

MAX_AGE = 120
_APPROX = ("about", "around", "approx", "approximately", "circa", "ca", "c", "roughly", "almost", "nearly",
           "حدود", "حدودا", "حدوداً", "تقریبا", "تقریباً", "قریب", "نزدیک", "در حدود", "حدود سن")
_YEARS = ("years old", "years", "year", "yrs", "yr", "yo", "y", "ans", "ساله", "سالە", "سال", "سالش", "yaşında")
_MONTHS = ("months old", "months", "month", "mo", "weeks", "week", "days", "day", "ماهه", "ماه", "ماهش",
           "هفته", "روزه", "روز")
_NEWBORN = {"newborn", "infant", "baby", "نوزاد", "شیرخوار"}
_RANGE = re.compile(r"^(\d{1,3})\s*(?:-|–|—|to|تا|الی|/|_)\s*(\d{1,3})$")
_DECADE = re.compile(r"^(\d)0\s*(?:s|'s|ies)$")
_NUMBER = re.compile(r"^(\d{1,3})(?:\.0+)?$")


class AgeError(ValueError):
    """An age text that cannot be read; the message says why, `code` and `params` say it in a stable form."""

    def __init__(self, message: str, code: str = "age.unreadable", **params: object) -> None:
        super().__init__(message)
        self.code, self.params = code, params


@dataclass(frozen=True)
class ParsedAge:
    """An age in whole years as a range; low == high for an exact age."""

    low: int
    high: int
    approximate: bool = False

    @property
    def value(self) -> int:
        """One number for comparisons: the middle of the range, rounded down."""
        return (self.low + self.high) // 2

    def text(self) -> str:
        """A readable form that round-trips through parse_age: "30", "~30", "30-35"."""
        core = str(self.low) if self.low == self.high else f"{self.low}-{self.high}"
        return f"~{core}" if self.approximate else core


def _strip_words(text: str, words: tuple[str, ...]) -> tuple[str, bool]:
    """Text without one of the words at its start or end (longest first), and whether one was there."""
    for word in sorted(words, key=len, reverse=True):
        for pattern in (rf"^{re.escape(word)}(?:\.|\s|$)", rf"(?:^|\s|(?<=\d)){re.escape(word)}\.?$"):
            stripped, count = re.subn(pattern, " ", text)
            if count:
                return stripped.strip(), True
    return text, False


def parse_age(text: str) -> ParsedAge:
    """Read an age in years (any digits, with units, approximate words or a range); raises AgeError."""
    if not isinstance(text, str) or not text.strip():
        raise AgeError("age is empty", "age.empty")
    return _parse(text)


@lru_cache(maxsize=4096)
def _parse(text: str) -> ParsedAge:
    clean = to_ascii_digits(normalize_persian(text)).lower().replace("\u200c", " ").strip(" .")
    clean = re.sub(r"^age\s*:?\s*", "", clean)
    if clean in _NEWBORN:
        return ParsedAge(0, 0)
    approximate = clean[:1] in "~≈±" or clean.endswith("?")
    clean = clean.strip("~≈±? ")
    clean, found = _strip_words(clean, _APPROX)
    approximate |= found
    clean, in_months = _strip_words(clean, _MONTHS)
    if not in_months:
        clean, _ = _strip_words(clean, _YEARS)
    clean, found = _strip_words(clean, _APPROX)  # "30 years approx"
    approximate |= found
    clean = clean.strip(" ?.+")
    age = _numbers(clean, text)
    if in_months:
        return ParsedAge(0, 0, approximate) if age.high < 24 else ParsedAge(age.low // 12, age.high // 12, True)
    return ParsedAge(age.low, age.high, approximate or age.approximate)


def _numbers(clean: str, text: str) -> ParsedAge:
    """The number or range left once words are removed."""
    if match := _NUMBER.match(clean):
        low = high = int(match.group(1))
        approximate = False
    elif match := _RANGE.match(clean):
        low, high = sorted((int(match.group(1)), int(match.group(2))))
        approximate = False
    elif match := _DECADE.match(clean):
        low, high, approximate = int(match.group(1)) * 10, int(match.group(1)) * 10 + 9, True
    else:
        raise AgeError(f"age {text!r} is not a number of years (forms: 23, ۲۳ ساله, حدود ۳۰, 30-35, 6 ماهه)",
                       "age.unreadable", text=text)
    if high > MAX_AGE:
        raise AgeError(f"age {text!r} is over {MAX_AGE}", "age.over", text=text, limit=MAX_AGE)
    return ParsedAge(low, high, approximate)
