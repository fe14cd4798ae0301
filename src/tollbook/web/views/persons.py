"""Persons as pages show them: the list (most reported first), one person field by field, the public list."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tollbook.link.person_view import person_rows, person_view
from tollbook.link.store import current_records_of
from tollbook.model import Person
from tollbook.records import record_row
from tollbook.web.views.paging import Paging


def persons_total(session: Session) -> int:
    """Persons with at least one record."""
    return session.scalar(select(func.count()).select_from(Person).where(Person.records.any())) or 0


def persons_page(session: Session, paging: Paging, source: str | None = None) -> dict[str, Any]:
    """One page of persons in tollbook.link's order (most reported first)."""
    rows = person_rows(session, paging.offset + paging.per_page, source)
    total = persons_total(session) if source is None else len(person_rows(session, None, source))
    return paging.envelope(paging.slice(rows), total)


def public_persons_page(session: Session, paging: Paging) -> dict[str, Any]:
    """The published list: each person's row under tollbook.report's redaction policy, as the public export
    writes it (only the policy's columns, coarsened as it says; never a confidential field; discounted persons
    left out)."""
    from tollbook.report.export import public_rows

    rows = public_rows(session)
    return paging.envelope(paging.slice(rows), len(rows))


def person_detail(session: Session, public_id: str, confidential: bool) -> dict[str, Any]:
    """A person's accepted values with every value and its source, their records, evidence (tollbook.evidence),
    verification history and the competing assertions of role and force."""
    from tollbook.evidence import evidence_row, list_evidence, person_assertions, verification_history

    view = person_view(session, public_id)
    person = session.scalar(select(Person).where(Person.public_id == public_id))
    records = current_records_of(session, [person.id]).get(person.id, []) if person else []
    return {"person": view.to_dict(), "records": [record_row(r, confidential) for r in records],
            "evidence": [evidence_row(item, confidential) for item in list_evidence(session, public_id=public_id)],
            "verification_history": [asdict(change) for change in verification_history(session, public_id)],
            "assertions": [item.as_dict() for item in person_assertions(session, public_id)]}


def namesakes(session: Session, detail: dict[str, Any], limit: int = 20) -> list[str]:
    """Other persons whose records carry this person's accepted name (tollbook.link.persons.find_persons, as
    `tollbook persons find`): the candidates a reviewer may merge with."""
    from tollbook.errors import TollbookError
    from tollbook.link.persons import find_persons

    fields = detail["person"]["fields"]
    name = " ".join(str(fields[f]["accepted"]) for f in ("given_name", "family_name")
                    if fields.get(f, {}).get("accepted"))
    try:
        found = find_persons(session, name, limit + 1) if name else []
    except TollbookError:
        return []
    return [public_id for public_id in found if public_id != detail["person"]["public_id"]][:limit]
