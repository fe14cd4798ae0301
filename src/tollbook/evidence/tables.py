"""Subsets of persons by level, counted by cause, perpetrator or date, as a human-rights report prints them
("220 of 304 on 16–17 November"). Each person counts once, under its accepted value (the person view's rule)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.enums import Verification
from tollbook.errors import TollbookError
from tollbook.model import Person
from tollbook.records import display_value
from tollbook.text.dates import PartialDate

BY_FIELD = {"cause": "cause", "perpetrator": "perpetrator", "date": "date_of_death", "province": "province_code"}
NOT_GIVEN = "not given"


def parse_by(by: str) -> str:
    """The field a table is broken down by, or an error listing the choices."""
    if by not in BY_FIELD:
        raise TollbookError(f"cannot break down by {by!r}: use one of {', '.join(BY_FIELD)}")
    return by


def persons_at_level(session: Session, level: Verification | str | None) -> list[Person]:
    """Persons with records at a level (all levels when None)."""
    query = select(Person).where(Person.records.any()).order_by(Person.public_id)
    if level is not None:
        try:
            query = query.where(Person.verification == Verification(str(level)))
        except ValueError:
            raise TollbookError(f"unknown level {level!r}: use one of {', '.join(Verification)}") from None
    return list(session.scalars(query))


def accepted_values(session: Session, persons: list[Person], field: str) -> list[Any]:
    """Each person's accepted value of one field (None when no record gives it)."""
    from tollbook.link.person_view import build_view, records_with_evidence
    from tollbook.link.store import current_records_of

    records_of = current_records_of(session, [p.id for p in persons])
    evidence_ids = records_with_evidence(session)
    return [build_view(session, p, records_of.get(p.id, []), evidence_ids=evidence_ids).accepted(field)
            for p in persons]


def subset_table(session: Session, level: Verification | str | None, by: str) -> dict[str, Any]:
    """Persons of a level counted by cause, perpetrator, date or province, largest group first (dates in
    order), with each group's share of the level's total."""
    field = BY_FIELD[parse_by(by)]
    persons = persons_at_level(session, level)
    raw = accepted_values(session, persons, field)
    values = [display_value(v) for v in raw]
    counts = Counter(NOT_GIVEN if v in (None, "unknown") else v for v in values)
    order = _in_date_order(counts, raw) if by == "date" else sorted(counts, key=lambda v: (-counts[v], str(v)))
    total = len(persons)
    rows = [{by: value, "persons": counts[value], "of": total,
             "share_percent": round(100 * counts[value] / total, 1)} for value in order]
    table = {"level": str(level) if level else "all", "by": by, "total": total, "rows": rows}
    return table | {"busiest": busiest_days(counts, total)} if by == "date" else table


def _in_date_order(counts: Counter, raw: list[Any]) -> list[str]:
    """Date labels in order: days first, then month- and year-only dates (by their first day), "not given" last."""
    starts = {display_value(v): (isinstance(v, PartialDate), v) for v in raw if v is not None}
    return sorted(counts, key=lambda label: (label == NOT_GIVEN, *starts.get(label, (True, dt.date.max))))


def busiest_days(counts: Counter, total: int, days: int = 2) -> dict[str, Any] | None:
    """The run of `days` consecutive days with the most persons ("220 of 304 on 16–17 November"); a month- or
    year-only date is on no day and counts in no run."""
    dated = {dt.date.fromisoformat(d): n for d, n in counts.items() if d != NOT_GIVEN and _is_day(d)}
    if not dated:
        return None
    starts = sorted(dated)
    best = max(starts, key=lambda s: (sum(dated.get(s + dt.timedelta(i), 0) for i in range(days)), -s.toordinal()))
    persons = sum(dated.get(best + dt.timedelta(i), 0) for i in range(days))
    return {"from": best.isoformat(), "to": (best + dt.timedelta(days - 1)).isoformat(), "persons": persons,
            "of": total}


def _is_day(label: str) -> bool:
    """Whether a date label is one day (ISO form), not a described month or year."""
    try:
        dt.date.fromisoformat(label)
    except ValueError:
        return False
    return True


def classification_table(session: Session, aspect: str = "role", area: str | None = None,
                         level: Verification | str | None = None) -> dict[str, Any]:
    """Who classifies how many persons how: one row per claimant and value (persons counted once per pair), for
    the persons of a level (all when None) or of one province; with the persons nobody classifies and those the
    claimants dispute."""
    from tollbook.evidence.assertions import assertions_of_persons, summary

    persons = persons_at_level(session, level)
    if area and area.upper() != "IR":
        codes = accepted_values(session, persons, "province_code")
        persons = [p for p, code in zip(persons, codes, strict=True) if code == area.upper()]
    found = assertions_of_persons(session, [p.id for p in persons])
    pairs: Counter = Counter()
    unclassified = disputed = 0
    for items in found.values():
        values = summary(items, aspect)
        unclassified += not values
        disputed += len(values) > 1
        pairs.update({(who, value) for value, asserters in values.items() for who in asserters})
    rows = [{"claimant": who, aspect: value, "persons": n}
            for (who, value), n in sorted(pairs.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))]
    return {"aspect": aspect, "area": (area or "IR").upper(), "level": str(level) if level else "all",
            "persons": len(persons),
            "unclassified": unclassified, "disputed": disputed, "rows": rows}
