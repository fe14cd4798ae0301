"""Render a true person as one row of each synthetic list, with the noise real lists have.

Each renderer returns a dict keyed by canonical field names (DESIGN.md, "The canonical record CSV");
the writers turn those into each file's own headers and shape. Names are drawn from their own random stream
(`names`), so that an edit to the name data changes the name columns only.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import jdatetime
import numpy as np

from tollbook.examples import _iran2019_data as data
from tollbook.examples._iran2019_people import NameEntry, Person

FA_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})
COMPOUND_PREFIXES = ("amir", "mohammad", "ali", "abol", "seyed")
SYNTHETIC_FA = "SYNTHETIC — داده ساختگی"
SYNTHETIC_EN = "SYNTHETIC example data, not a real person"

Row = dict[str, Any]


def maybe(rng: np.random.Generator, p: float) -> bool:
    """True with probability P."""
    return bool(rng.random() < p)


def one_of(rng: np.random.Generator, options: tuple[str, ...] | list[str]) -> str:
    """One option, uniformly."""
    return options[int(rng.integers(len(options)))]


def latin_typo(text: str, rng: np.random.Generator) -> str:
    """Drop, double or swap one letter after the first, as hurried typing does."""
    if len(text) < 4:
        return text
    i = int(rng.integers(1, len(text) - 1))
    kind = int(rng.integers(3))
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def persian_typo(text: str, rng: np.random.Generator) -> str:
    """Drop one letter after the first (a dropped letter is the commonest Persian typo in lists)."""
    if len(text) < 4:
        return text
    i = int(rng.integers(1, len(text)))
    return text[:i] + text[i + 1:]


def persian_name(entry: NameEntry, rng: np.random.Generator, p_typo: float) -> str:
    """The name in Persian script: now and then another spelling, Arabic letters, ZWNJ as space or a typo."""
    text = one_of(rng, entry.persian) if len(entry.persian) > 1 and maybe(rng, 0.3) else entry.persian[0]
    if "\u200c" in text and maybe(rng, 0.3):
        text = text.replace("\u200c", " ")
    if maybe(rng, 0.05):
        text = text.translate(ARABIC_LETTERS)
    return persian_typo(text, rng) if maybe(rng, p_typo) else text


def latin_name(entry: NameEntry, rng: np.random.Generator, p_variant: float, p_typo: float) -> str:
    """The name romanised: the canonical form or another usual romanisation, compounds sometimes split."""
    text = one_of(rng, entry.variants) if entry.variants and maybe(rng, p_variant) else entry.canonical
    prefix = next((p for p in COMPOUND_PREFIXES if text.startswith(p) and len(text) > len(p) + 2), "")
    if prefix and maybe(rng, 0.35):
        text = f"{prefix} {text[len(prefix):]}"
    text = latin_typo(text, rng) if maybe(rng, p_typo) else text
    return text.title()


def fa_digits(text: str) -> str:
    """ASCII digits written as Persian digits."""
    return text.translate(FA_DIGITS)


def jalali_text(day: date, rng: np.random.Generator) -> str:
    """A Solar Hijri date in one of the forms people type, Persian or ASCII digits; some month only."""
    j = jdatetime.date.fromgregorian(date=day)
    form = float(rng.random())
    if form < 0.38:
        return fa_digits(f"{j.year}/{j.month:02d}/{j.day:02d}")
    if form < 0.70:
        return f"{j.year}/{j.month:02d}/{j.day:02d}"
    month = data.PERSIAN_MONTHS[j.month - 1]
    if form < 0.92:
        text = f"{j.day} {month} {j.year}"
        return fa_digits(text) if maybe(rng, 0.7) else text
    return fa_digits(f"{month} {j.year}")


def jitter_day(day: date, rng: np.random.Generator, p: float) -> date:
    """The date, a day early or late with probability P (lists disagree by a day)."""
    return day + timedelta(days=one_of(rng, (-1, 1))) if maybe(rng, p) else day


def jitter_age(age: int, rng: np.random.Generator, p_off: float, p_missing: float) -> int | None:
    """The age, off by one with probability P_OFF, missing with probability P_MISSING."""
    if maybe(rng, p_missing):
        return None
    return age + one_of(rng, (-1, 1)) if maybe(rng, p_off) else age


def _swap(row: Row, rng: np.random.Generator, p: float) -> Row:
    if maybe(rng, p):
        row["given_name"], row["family_name"] = row["family_name"], row["given_name"]
    return row


def network_row(person: Person, rng: np.random.Generator, names: np.random.Generator) -> Row:
    """The activist network's row: Persian script, Solar Hijri dates, Persian vocabulary."""
    age = jitter_age(person.age, rng, 0.08, 0.15)
    row: Row = {
        "given_name": persian_name(person.given, names, 0.03),
        "family_name": persian_name(person.family, names, 0.03),
        "father_name": persian_name(person.father, names, 0.0) if maybe(rng, 0.5) else "",
        "sex": "" if maybe(rng, 0.05) else ("مرد" if person.sex == "male" else "زن"),
        "age": "" if age is None else (fa_digits(str(age)) if maybe(rng, 0.6) else str(age)),
        "date_of_death": "" if maybe(rng, 0.06) else jalali_text(jitter_day(person.died, rng, 0.08), rng),
        "province": person.province.fa, "city": "" if maybe(rng, 0.05) else person.city.fa,
        "status": "کشته", "cause": data.CAUSE_FA["unknown" if maybe(rng, 0.10) else person.cause],
        "notes": SYNTHETIC_FA,
    }
    return _swap(row, rng, 0.01)


def _place_en(name: str, variants: tuple[str, ...], rng: np.random.Generator, p: float) -> str:
    return one_of(rng, variants) if variants and maybe(rng, p) else name


def ngo_row(person: Person, rng: np.random.Generator, names: np.random.Generator) -> Row:
    """The human-rights organisation's row: romanised names, dates as Excel dates or day-first text."""
    died = jitter_day(person.died, rng, 0.06)
    died_cell = died if maybe(rng, 0.6) else died.strftime("%d/%m/%Y")
    gender = "Male" if person.sex == "male" else "Female"
    row: Row = {
        "given_name": latin_name(person.given, names, 0.35, 0.03),
        "family_name": latin_name(person.family, names, 0.35, 0.03),
        "father_name": latin_name(person.father, names, 0.35, 0.0) if maybe(rng, 0.25) else "",
        "sex": gender[0] if maybe(rng, 0.3) else gender,
        "age": jitter_age(person.age, rng, 0.06, 0.10),
        "date_of_death": None if maybe(rng, 0.04) else died_cell,
        "province": _place_en(person.province.en, person.province.variants, rng, 0.10),
        "city": _place_en(person.city.en, person.city.variants, rng, 0.25),
        "cause": one_of(rng, data.CAUSE_EN["unknown" if maybe(rng, 0.05) else person.cause]),
        "perpetrator": data.PERPETRATOR_EN[person.perpetrator], "notes": SYNTHETIC_EN,
    }
    return _swap(row, rng, 0.015)


def _media_name(entry: NameEntry, names: np.random.Generator, in_persian: bool) -> str:
    return persian_name(entry, names, 0.02) if in_persian else latin_name(entry, names, 0.5, 0.05)


def media_row(person: Person, rng: np.random.Generator, names: np.random.Generator) -> Row:
    """The media aggregator's record: romanised (a few in Persian script), ISO dates, free-text cause."""
    in_persian = maybe(rng, 0.06)
    first, last = (_media_name(entry, names, in_persian) for entry in (person.given, person.family))
    row: Row = {
        "given_name": first, "family_name": last, "age": jitter_age(person.age, rng, 0.10, 0.30),
        "date_of_death": None if maybe(rng, 0.08) else jitter_day(person.died, rng, 0.10).isoformat(),
        "province": None if maybe(rng, 0.15) else person.province.en,
        "city": _place_en(person.city.en, person.city.variants, rng, 0.4),
        "cause": data.CAUSE_MEDIA[person.cause],
    }
    return _swap(row, rng, 0.02)


def _careful_name(entry: NameEntry, rng: np.random.Generator, in_persian: bool) -> str:
    return persian_name(entry, rng, 0.0) if in_persian else latin_name(entry, rng, 0.2, 0.0)


def verified_row(person: Person, rng: np.random.Generator, names: np.random.Generator) -> Row:
    """A verified case in the canonical CSV: mixed scripts, enum vocabulary and an evidence description."""
    in_persian = maybe(rng, 0.5)
    died = jitter_day(person.died, rng, 0.03)
    j = jdatetime.date.fromgregorian(date=died)
    evidence = rng.choice(len(data.EVIDENCE), size=int(rng.integers(1, 4)), replace=False)
    return {
        "given_name": _careful_name(person.given, names, in_persian),
        "family_name": _careful_name(person.family, names, in_persian),
        "father_name": "" if maybe(rng, 0.4) else _careful_name(person.father, names, in_persian),
        "sex": person.sex, "age": jitter_age(person.age, rng, 0.03, 0.05),
        "date_of_death": f"{j.year}/{j.month:02d}/{j.day:02d}" if in_persian else died.isoformat(),
        "province": person.province.fa if in_persian else person.province.en,
        "city": person.city.fa if in_persian else person.city.en,
        "status": "killed", "cause": person.cause, "perpetrator": person.perpetrator,
        "place_detail": one_of(rng, data.PLACE_DETAIL) if maybe(rng, 0.5) else "",
        "notes": "SYNTHETIC", "evidence": "; ".join(data.EVIDENCE[int(i)] for i in sorted(evidence)),
    }


RENDERERS = {"network": network_row, "ngo": ngo_row, "media": media_row, "verified": verified_row}
