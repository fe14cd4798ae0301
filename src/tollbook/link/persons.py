"""Persons by hand: a reviewer merges two persons or splits records off one. Both are binding decisions,
stored as pairwise match / non-match decisions that every later linkage run respects, applied to the
database at once, and audited with the reason. `find_persons` looks persons up by name in either script.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.enums import Verdict
from tollbook.errors import NotFoundError, TollbookError
from tollbook.link.cluster import fresh_public_id
from tollbook.link.review import decide
from tollbook.model import Person, Record
from tollbook.records import current_records_query
from tollbook.text import canonical_name


def person_by_public_id(session: Session, public_id: str) -> Person:
    """A person by public id, or a NotFoundError that says how to find one."""
    person = session.scalars(select(Person).where(Person.public_id == public_id)).first()
    if person is None:
        raise NotFoundError(f"no person with id {public_id!r}: find one with `tollbook persons find NAME`")
    return person


def current_record_ids(session: Session, person: Person) -> list[int]:
    """Ids of a person's current records (latest revisions), in id order."""
    current = current_records_query().where(Record.person_id == person.id).subquery()
    return sorted(session.scalars(select(current.c.id)))


def _reason(reason: str) -> str:
    """A reason is required: a binding decision must say why."""
    if not reason or not reason.strip():
        raise TollbookError("give a reason (--reason): a binding decision must say why it was made")
    return reason.strip()


@dataclass(frozen=True)
class HandDecision:
    """What a merge or split did: the persons involved, records moved, and pair decisions stored."""

    action: str
    persons: tuple[str, ...]
    records_moved: tuple[int, ...]
    decisions: int


def merge_persons(session: Session, keep: str, other: str, reason: str, reviewer: str) -> HandDecision:
    """Merge person `other` into `keep` (public ids): their records are one person from now on; later runs
    keep them together (must-link decisions chain the records of both)."""
    why = _reason(reason)
    first, second = person_by_public_id(session, keep), person_by_public_id(session, other)
    if first.id == second.id:
        raise TollbookError(f"{keep} and {other} are the same person: nothing to merge")
    kept, moved = current_record_ids(session, first), current_record_ids(session, second)
    if not kept or not moved:
        raise TollbookError(f"{keep if not kept else other} has no current records: nothing to merge")
    chain = kept + moved
    note = f"persons merge {other} into {keep}: {why}"
    for a, b in pairwise(chain):
        decide(session, a, b, Verdict.MATCH, reviewer, note)
    for record in session.scalars(select(Record).where(Record.id.in_(moved))):
        record.person_id = first.id
    session.flush()
    record_event(session, reviewer, "persons.merge", "person", keep,
                 {"kept": keep, "merged": other, "records_moved": moved, "reason": why}, wrote={"records": moved})
    return HandDecision("merge", (keep, other), tuple(moved), len(chain) - 1)


def split_person(session: Session, public_id: str, record_ids: Sequence[int], reason: str,
                 reviewer: str) -> HandDecision:
    """Split the given records off a person into a new person; later runs keep them apart from the rest
    (non-match decisions between every split record and every remaining one) and together (must-links)."""
    why = _reason(reason)
    person = person_by_public_id(session, public_id)
    current = current_record_ids(session, person)
    chosen = sorted(set(int(r) for r in record_ids))
    strangers = [r for r in chosen if r not in current]
    if strangers:
        raise TollbookError(f"record(s) {strangers} are not current records of {public_id} "
                            f"(its records: {current}): see `tollbook persons show {public_id}`")
    rest = [r for r in current if r not in chosen]
    if not chosen or not rest:
        raise TollbookError(f"name some but not all of {public_id}'s records {current} to split off")
    note = f"persons split {public_id}: {why}"
    decisions = 0
    for a, b in pairwise(chosen):
        decide(session, a, b, Verdict.MATCH, reviewer, note)
        decisions += 1
    for a in chosen:
        for b in rest:
            decide(session, a, b, Verdict.NON_MATCH, reviewer, note)
            decisions += 1
    new = Person(public_id=_free_id(session, fresh_public_id(chosen)))
    session.add(new)
    session.flush()
    for record in session.scalars(select(Record).where(Record.id.in_(chosen))):
        record.person_id = new.id
    session.flush()
    record_event(session, reviewer, "persons.split", "person", public_id,
                 {"from": public_id, "new": new.public_id, "records_moved": chosen, "reason": why},
                 wrote={"records": chosen, "persons": [new.id]})
    return HandDecision("split", (public_id, new.public_id), tuple(chosen), decisions)


def _free_id(session: Session, candidate: str) -> str:
    """The candidate public id, suffixed if a person already holds it."""
    taken = set(session.scalars(select(Person.public_id).where(Person.public_id.like(f"{candidate}%"))))
    suffix, pid = 1, candidate
    while pid in taken:
        suffix += 1
        pid = f"{candidate}-{suffix}"
    return pid


def _joined(column: object) -> object:
    """A canonical name key with its spaces removed, in SQL (compounds match written either way)."""
    return func.replace(column, " ", "")


def find_persons(session: Session, text: str, limit: int | None = 50) -> list[str]:
    """Public ids of persons whose current records carry the name, in either script or any romanisation
    ("Mohammad Hosseini", "محمد حسینی", "Hoseini"): one word matches a given or family name, two or more match
    the given name (first words) and the family name (last word) of one record."""
    words = [w for w in text.split() if w.strip()]
    if not words:
        raise TollbookError("give a name to find, in Persian or Latin script")
    keys = [canonical_name(w).replace(" ", "") for w in words]
    current = current_records_query().subquery()
    if len(keys) == 1:
        condition = or_(_joined(current.c.given_name_key) == keys[0], _joined(current.c.family_name_key) == keys[0])
    else:
        condition = (_joined(current.c.given_name_key) == "".join(keys[:-1])) & (
            _joined(current.c.family_name_key) == keys[-1])
    query = (select(Person.public_id).join(current, current.c.person_id == Person.id).where(condition)
             .group_by(Person.public_id).order_by(func.count().desc(), Person.public_id))
    return list(session.scalars(query.limit(limit) if limit else query))
