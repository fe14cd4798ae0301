"""Verification levels of a person, and every change of level with who, why and on which evidence.

*reported* (one source) and *corroborated* (sources of two or more independence groups) are computed from the
person's current records; *verified* is set by a reviewer on at least one evidence item of the person or its
records; *contested* and *discounted* are set by a reviewer with a reason. Every change is audited.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tollbook.audit import record_event
from tollbook.enums import Verification
from tollbook.errors import TollbookError
from tollbook.evidence.items import evidence_of_person, find_person
from tollbook.model import Person, Record, VerificationChange
from tollbook.records import current_records_query

COMPUTED = frozenset({Verification.REPORTED, Verification.CORROBORATED})
REVIEWED = frozenset({Verification.VERIFIED, Verification.CONTESTED, Verification.DISCOUNTED})
WITHDRAW = "computed"  # a reviewer's word for "take my grade back: compute it from the records again"


def computed_level(groups: Iterable[str]) -> Verification:
    """Corroborated when reports come from two or more independence groups, else reported."""
    return Verification.CORROBORATED if len(set(groups)) >= 2 else Verification.REPORTED


def person_groups(session: Session, person: Person) -> set[str]:
    """The independence groups of the sources of a person's current records."""
    query = current_records_query().where(Record.person_id == person.id).options(selectinload(Record.source))
    return {record.source.group for record in session.scalars(query)}


def parse_level(level: Verification | str) -> Verification | str:
    """A level a reviewer may set (verified, contested, discounted, or `computed` to withdraw a grade)."""
    word = str(level).strip().lower()
    if word == WITHDRAW:
        return WITHDRAW
    if word in COMPUTED:
        raise TollbookError(f"{word} is computed from the records' sources, not set by hand; to withdraw a "
                            "review give --level computed")
    try:
        return Verification(word)
    except ValueError:
        raise TollbookError(f"unknown level {level!r}: use verified, contested, discounted or computed") from None


def _checked_evidence(session: Session, person: Person, evidence_ids: Iterable[int]) -> list[int]:
    """The evidence ids, each of which must belong to the person or one of its records."""
    own = {item.id for item in evidence_of_person(session, person)}
    wanted = sorted(set(evidence_ids))
    if not wanted:
        hint = f"this person's items are {sorted(own)}" if own else "this person has none: `tollbook evidence add`"
        raise TollbookError(f"verified needs at least one evidence item (--evidence ID); {hint}")
    strangers = [eid for eid in wanted if eid not in own]
    if strangers:
        raise TollbookError(f"evidence {strangers} is not attached to {person.public_id} or its records; "
                            f"its items are {sorted(own) or 'none'}")
    return wanted


def set_level(session: Session, public_id: str, level: Verification | str, reviewer: str, reason: str,
              evidence_ids: Iterable[int] = ()) -> VerificationChange:
    """Grade a person; verified needs evidence, every level a reviewer and a reason. Audited."""
    person, wanted = find_person(session, public_id), parse_level(level)
    if not reviewer.strip():
        raise TollbookError("say who reviews (--reviewer NAME)")
    if not reason.strip():
        raise TollbookError("say why (--reason TEXT): every change of level keeps its reason")
    evidence = _checked_evidence(session, person, evidence_ids) if wanted == Verification.VERIFIED else []
    new_level = computed_level(person_groups(session, person)) if wanted == WITHDRAW else wanted
    change = VerificationChange(person_id=person.id, level=new_level, previous=person.verification,
                                reviewer=reviewer.strip(), reason=reason.strip(), evidence_ids=evidence)
    person.verification, person.verification_reason = new_level, reason.strip()
    session.add(change)
    session.flush()
    record_event(session, reviewer.strip(), "person.verify", "person", person.public_id,
                 {"level": new_level.value, "previous": change.previous.value if change.previous else None,
                  "reason": change.reason, "evidence_ids": evidence}, wrote=[change, person])
    return change


def level_of(session: Session, person: Person) -> Verification:
    """A person's level now: the reviewer's grade, or the one computed from its records."""
    if person.verification in REVIEWED:
        return person.verification
    return computed_level(person_groups(session, person))


@dataclass(frozen=True)
class LevelChange:
    """One change of level, as plain data."""

    level: str
    previous: str | None
    reviewer: str
    reason: str
    evidence_ids: list[int]
    decided_at: str


def verification_history(session: Session, public_id: str) -> list[LevelChange]:
    """Every change of a person's level, oldest first."""
    person = find_person(session, public_id)
    query = select(VerificationChange).where(VerificationChange.person_id == person.id)
    return [LevelChange(c.level.value, c.previous.value if c.previous else None, c.reviewer, c.reason,
                        list(c.evidence_ids or []), c.decided_at.isoformat())
            for c in session.scalars(query.order_by(VerificationChange.id))]


def level_counts(session: Session) -> dict[str, int]:
    """Persons with records by level, every level named (0 when none), in the order of the ladder."""
    persons = session.scalars(select(Person).where(Person.records.any()))
    counts = Counter(person.verification.value for person in persons)
    return {level.value: counts.get(level.value, 0) for level in Verification}


def level_rows(counts: dict[str, Any]) -> list[dict[str, Any]]:
    """Counts by level as table rows."""
    return [{"level": level, "persons": count} for level, count in counts.items()]


def reviewed_person_ids(session: Session) -> set[int]:
    """Persons a reviewer graded or someone classified: linkage must not delete them when they lose records."""
    from tollbook.model import ClassificationAssertion

    graded = session.scalars(select(VerificationChange.person_id))
    return set(graded) | set(session.scalars(select(ClassificationAssertion.person_id)))
