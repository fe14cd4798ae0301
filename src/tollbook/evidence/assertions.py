"""Competing assertions of a person's role (protester, bystander, …) and of the force responsible.

Nothing is overwritten: a list's own words sit on its records (`role`, `perpetrator`) and count as the source's
assertion on the day it reported them; assertions added by hand (a source, a claim, a reviewer) sit in their
own table. A person's classification is the set of all of them, with who, when and on what basis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.claims.ledger import get_claim
from tollbook.enums import AsserterKind, Perpetrator, VictimRole
from tollbook.errors import TollbookError
from tollbook.evidence.items import find_person
from tollbook.model import ClassificationAssertion, Person, Record, Source

ASPECTS = {"role": VictimRole, "force": Perpetrator}
UNSTATED = frozenset({"unknown", ""})


@dataclass(frozen=True)
class Assertion:
    """One assertion: of which aspect, which value, by whom (and what kind of asserter), when, on what basis."""

    aspect: str
    value: str
    asserted_by: str
    asserter_kind: str
    asserted_on: dt.date | None
    basis: str | None
    record_id: int | None = None
    assertion_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self) | {"asserted_on": self.asserted_on.isoformat() if self.asserted_on else None}


def parse_value(aspect: str, value: str) -> str:
    """A role or force value, or an error listing the allowed ones."""
    if aspect not in ASPECTS:
        raise TollbookError(f"unknown aspect {aspect!r}: classify a person's role or force")
    word = value.strip().lower().replace(" ", "_").replace("-", "_")
    if word not in set(ASPECTS[aspect]):
        raise TollbookError(f"unknown {aspect} {value!r}: use one of {', '.join(ASPECTS[aspect])}")
    return word


def record_assertions(records: Iterable[Record]) -> list[Assertion]:
    """What each record's source says of role and force (unknown is not an assertion)."""
    found = []
    for record in records:
        basis = f"list {record.source.name}, record {record.source_record_id or record.id}"
        for aspect, value in (("role", record.role), ("force", record.perpetrator)):
            text = getattr(value, "value", value) or ""
            if text not in UNSTATED:
                found.append(Assertion(aspect, text, record.source.name, AsserterKind.SOURCE.value,
                                       record.reported_on, basis, record_id=record.id))
    return found


def stored_assertions(session: Session, person_ids: Iterable[int]) -> dict[int, list[Assertion]]:
    """Assertions added by hand, by person id, oldest first."""
    ids = list(person_ids)
    grouped: dict[int, list[Assertion]] = {pid: [] for pid in ids}
    query = select(ClassificationAssertion).where(ClassificationAssertion.person_id.in_(ids))
    for row in session.scalars(query.order_by(ClassificationAssertion.id)):
        grouped[row.person_id].append(Assertion(row.aspect, row.value, row.asserted_by, row.asserter_kind.value,
                                                row.asserted_on, row.basis, assertion_id=row.id))
    return grouped


def person_assertions(session: Session, public_id: str) -> list[Assertion]:
    """Every assertion about one person: its records' and those added by hand."""
    from tollbook.link.store import current_records_of

    person = find_person(session, public_id)
    records = current_records_of(session, [person.id]).get(person.id, [])
    return record_assertions(records) + stored_assertions(session, [person.id])[person.id]


def _asserter(session: Session, by: str, kind: AsserterKind, basis: str | None) -> tuple[str, str | None]:
    """The asserter's name and the basis: a source must exist; a claim is named by its key."""
    if kind is AsserterKind.SOURCE and session.scalar(select(Source.id).where(Source.name == by)) is None:
        raise TollbookError(f"no source named {by!r}: list them with `tollbook sources list`, or give "
                            "--kind reviewer (a person) or --kind claim (a claim key)")
    if kind is AsserterKind.CLAIM:
        claim = get_claim(session, by)
        return claim.source, basis or f"claim {claim.claim_key}: {claim.quote or ''}".strip()
    return by, basis


def classify(session: Session, public_id: str, aspect: str, value: str, by: str,
             kind: AsserterKind | str = AsserterKind.SOURCE, basis: str | None = None,
             asserted_on: dt.date | None = None, actor: str = "system") -> ClassificationAssertion:
    """Add one assertion about a person (the same assertion twice is kept once). Audited."""
    person, word = find_person(session, public_id), parse_value(aspect, value)
    if not by.strip():
        raise TollbookError("say who asserts it (--by SOURCE, claim key or reviewer)")
    kind = AsserterKind(str(kind).strip().lower())
    name, basis = _asserter(session, by.strip(), kind, basis.strip() if basis else None)
    existing = _same(session, person, aspect, word, name, basis)
    if existing is not None:
        return existing
    row = ClassificationAssertion(person_id=person.id, aspect=aspect, value=word, asserted_by=name,
                                  asserter_kind=kind, asserted_on=asserted_on, basis=basis, created_by=actor)
    session.add(row)
    session.flush()
    record_event(session, actor, "person.classify", "person", person.public_id,
                 {"aspect": aspect, "value": word, "by": name, "kind": kind.value, "basis": basis,
                  "asserted_on": asserted_on}, wrote=[row])
    return row


def _same(session: Session, person: Person, aspect: str, value: str, by: str,
          basis: str | None) -> ClassificationAssertion | None:
    """A stored assertion saying the same thing on the same basis."""
    query = select(ClassificationAssertion).where(
        ClassificationAssertion.person_id == person.id, ClassificationAssertion.aspect == aspect,
        ClassificationAssertion.value == value, ClassificationAssertion.asserted_by == by)
    return next((row for row in session.scalars(query) if row.basis == basis), None)


def summary(assertions: Iterable[Assertion], aspect: str) -> dict[str, list[str]]:
    """Value → the asserters who say it, for one aspect; more than one key means the classification is contested."""
    found: dict[str, list[str]] = {}
    for item in assertions:
        if item.aspect == aspect and item.asserted_by not in found.setdefault(item.value, []):
            found[item.value].append(item.asserted_by)
    return found


def assertions_of_persons(session: Session, person_ids: Iterable[int]) -> dict[int, list[Assertion]]:
    """Every assertion about each of many persons (their current records' and those added by hand)."""
    from tollbook.link.store import current_records_of

    ids = list(person_ids)
    records_of = current_records_of(session, ids)
    stored = stored_assertions(session, ids)
    return {pid: record_assertions(records_of.get(pid, [])) + stored.get(pid, []) for pid in ids}
