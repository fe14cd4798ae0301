"""The report's counts of persons, as pure functions of `PersonFacts`: each returns rows for a chart or table
and registers every number it prints in the `NumberBook` with how it was computed and who it counts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from tollbook.documented import RULE, left_out_reason
from tollbook.enums import Cause, Perpetrator, Verification
from tollbook.places import Province, province_by_code
from tollbook.records import display_value
from tollbook.report.facts import PersonFacts
from tollbook.report.numbers import NumberBook, number_id
from tollbook.text.dates import PartialDate

UNKNOWN = "unknown"
COUNTED = RULE


def counted(facts: Iterable[PersonFacts]) -> list[PersonFacts]:
    """The persons the report counts as documented deaths (the estimate's capture histories count the same)."""
    return [f for f in facts if left_out_reason(f.value("status"), f.verification) is None]


def _ids(facts: Iterable[PersonFacts]) -> list[str]:
    return [f.public_id for f in facts]


def grouped(facts: Iterable[PersonFacts], key: Callable[[PersonFacts], Any]) -> dict[Any, list[PersonFacts]]:
    """Persons grouped by a key (None becomes "unknown"), groups in first-seen order."""
    groups: dict[Any, list[PersonFacts]] = defaultdict(list)
    for fact in facts:
        value = key(fact)
        groups[UNKNOWN if value in (None, "") else value].append(fact)
    return dict(groups)


def headline_counts(book: NumberBook, facts: Sequence[PersonFacts]) -> dict[str, int]:
    """Documented deaths, and how many of them are corroborated, verified, contested; registered in the book."""
    deaths = counted(facts)
    book.add("documented", len(deaths), f"unique linked persons: {COUNTED}", _ids(deaths))
    counts = {"documented": len(deaths)}
    for level, how in (("corroborated", "named by lists of at least two independence groups"),
                       ("verified", "graded verified by a reviewer on reviewed evidence"),
                       ("contested", "graded contested by a reviewer")):
        members = [f for f in deaths if f.verification == level]
        book.add(f"documented.{level}", len(members), f"documented deaths {how}", _ids(members))
        counts[level] = len(members)
    discounted = [f for f in facts if f.verification == Verification.DISCOUNTED]
    book.add("discounted", len(discounted), "persons a reviewer discounted (left out of every count)",
             _ids(discounted))
    return counts


def by_day(book: NumberBook, facts: Sequence[PersonFacts]) -> list[dict[str, Any]]:
    """Documented deaths per accepted date of death: days in order, then month- and year-only dates under their
    own label ("Aban 1398 (month)", never their first day), unknown dates last; each count registered."""
    groups = grouped(counted(facts), lambda f: display_value(f.date))
    first = {label: members[0].date for label, members in groups.items()}
    labels = sorted((k for k in groups if k != UNKNOWN), key=lambda k: (isinstance(first[k], PartialDate), first[k]))
    rows = []
    for label in [*labels, *([UNKNOWN] if UNKNOWN in groups else [])]:
        number = book.add(number_id("day", label), len(groups[label]),
                          f"documented deaths whose accepted date of death is {label}", _ids(groups[label]))
        precision = None if label == UNKNOWN else getattr(first[label], "precision", "day")
        rows.append({"date": label, "precision": precision, "count": number.value, "id": number.id})
    return rows


def cumulative(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Running totals of the rows dated to a day (unknown, month- and year-only dates left out): the documented
    count as days pass."""
    total, out = 0, []
    for row in rows:
        if row.get("precision", "day") == "day" and row["date"] != UNKNOWN:
            total += row["count"]
            out.append({"date": row["date"], "documented": total})
    return out


def by_province(book: NumberBook, facts: Sequence[PersonFacts]) -> list[dict[str, Any]]:
    """Documented deaths per accepted province (ISO 3166-2 code), largest first, with English and Persian names."""
    groups = grouped(counted(facts), lambda f: f.value("province_code"))
    rows = []
    for code, members in sorted(groups.items(), key=lambda item: (item[0] == UNKNOWN, -len(item[1]), item[0])):
        province = _province(code)
        number = book.add(number_id("province", code), len(members),
                          f"documented deaths whose accepted province is {code}", _ids(members))
        rows.append({"code": code, "name_en": province.name_en if province else UNKNOWN,
                     "name_fa": province.name_fa if province else "نامعلوم", "count": number.value,
                     "id": number.id})
    return rows


def _province(code: str) -> Province | None:
    """The province of a code, or None for "unknown" or a code the gazetteer does not know."""
    try:
        return province_by_code(code)
    except KeyError:
        return None


def by_field(book: NumberBook, facts: Sequence[PersonFacts], name: str) -> list[dict[str, Any]]:
    """Documented deaths per accepted value of one field (cause, perpetrator), in the vocabulary's order."""
    order = {"cause": [c.value for c in Cause], "perpetrator": [p.value for p in Perpetrator]}[name]
    groups = grouped(counted(facts), lambda f: f.value(name))
    rows = []
    for value in sorted(groups, key=lambda v: order.index(v) if v in order else len(order)):
        number = book.add(number_id(name, value), len(groups[value]),
                          f"documented deaths whose accepted {name} is {value}", _ids(groups[value]))
        rows.append({"value": value, "count": number.value, "id": number.id})
    return rows


def by_verification(book: NumberBook, facts: Sequence[PersonFacts]) -> list[dict[str, Any]]:
    """Persons of status killed per verification level (discounted ones included here, and only here)."""
    groups = grouped([f for f in facts if f.killed], lambda f: f.verification)
    rows = []
    for level in [v.value for v in Verification]:
        members = groups.get(level, [])
        number = book.add(number_id("verification", level), len(members),
                          f"persons of accepted status killed graded {level}", _ids(members))
        rows.append({"level": level, "count": number.value, "id": number.id})
    return rows


def overlap(book: NumberBook, facts: Sequence[PersonFacts]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The overlap of the source lists (UpSet): documented deaths per exact combination of lists naming them,
    largest first, and each list's size."""
    deaths = counted(facts)
    combos = grouped(deaths, lambda f: f.sources)
    rows = []
    for lists, members in sorted(combos.items(), key=lambda item: (-len(item[1]), item[0])):
        number = book.add(number_id("overlap", "+".join(lists)), len(members),
                          f"documented deaths named by exactly these lists: {', '.join(lists)}", _ids(members))
        rows.append({"lists": list(lists), "count": number.value, "id": number.id})
    sizes = []
    for source in sorted({s for f in deaths for s in f.sources}):
        members = [f for f in deaths if source in f.sources]
        number = book.add(number_id("list", source), len(members),
                          f"documented deaths named by the list {source!r} (alone or with others)", _ids(members))
        sizes.append({"list": source, "count": number.value, "id": number.id})
    return rows, sizes
