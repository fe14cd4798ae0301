"""Records as pages show them: searched and paged lists, and one record with its revisions, source, evidence,
person and audit history. Confidential values appear only when the caller says the viewer may see them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.enums import Status, Verification
from tollbook.errors import TollbookError
from tollbook.model import AuditEvent, Record
from tollbook.records import get_record, record_row, retraction_of
from tollbook.search import RecordFilter, search_records
from tollbook.sources import source_row
from tollbook.text.dates import DateError, parse_date
from tollbook.web.views.paging import Paging

LIST_COLUMNS = ("id", "source", "source_record_id", "given_name", "family_name", "age", "date_of_death",
                "province", "city", "status", "person_id")


def _date(text: str | None, label: str) -> dt.date | None:
    """A search date typed in either calendar (Persian or Latin digits), or a clear error."""
    if not text or not text.strip():
        return None
    try:
        return parse_date(text.strip()).value
    except DateError as exc:
        raise TollbookError(f"{label}: {exc}") from None


def _choice(enum: type[Status] | type[Verification], text: str | None, label: str) -> Any:
    """An enum value from a search field ('' or None: any)."""
    if not text:
        return None
    try:
        return enum(text)
    except ValueError:
        raise TollbookError(f"{label}: unknown value {text!r}; use one of {', '.join(e.value for e in enum)}") from None


def record_filter(name: str | None = None, province: str | None = None, died_from: str | None = None,
                  died_to: str | None = None, status: str | None = None, verification: str | None = None,
                  source: str | None = None) -> RecordFilter:
    """A RecordFilter from the search form's text fields."""
    return RecordFilter(name=(name or "").strip() or None, province=(province or "").strip() or None,
                        died_from=_date(died_from, "died from"), died_to=_date(died_to, "died to"),
                        status=_choice(Status, status, "status"),
                        verification=_choice(Verification, verification, "verification"),
                        source=(source or "").strip() or None)


def records_page(session: Session, flt: RecordFilter, paging: Paging, confidential: bool) -> dict[str, Any]:
    """One page of matching current records."""
    found = search_records(session, flt, paging.page, paging.per_page)
    return paging.envelope([record_row(r, confidential) for r in found.items], found.total)


def revision_chain(session: Session, record: Record) -> list[Record]:
    """Every revision of the record, the first import first and the current one last."""
    first = record
    while first.supersedes_id is not None:
        first = get_record(session, first.supersedes_id)
    chain = [first]
    while (newer := session.scalar(select(Record).where(Record.supersedes_id == chain[-1].id))) is not None:
        chain.append(newer)
    return chain


def evidence_rows(session: Session, record_ids: list[int], confidential: bool) -> list[dict[str, Any]]:
    """Evidence attached to any revision (tollbook.evidence's rows); who captured it only for confidential viewers."""
    from tollbook.evidence import evidence_row, list_evidence

    return [evidence_row(item, confidential) for record_id in record_ids
            for item in list_evidence(session, record_id=record_id)]


def audit_rows(session: Session, object_type: str, object_ids: list[Any]) -> list[dict[str, Any]]:
    """Audit events about some objects, oldest first (details may hold confidential values)."""
    keys = [str(i) for i in object_ids]
    query = (select(AuditEvent).where(AuditEvent.object_type == object_type, AuditEvent.object_id.in_(keys))
             .order_by(AuditEvent.id))
    return [event_row(e) for e in session.scalars(query)]


def event_row(event: AuditEvent) -> dict[str, Any]:
    """An audit event as plain data."""
    return {"id": event.id, "at": event.at, "actor": event.actor, "action": event.action,
            "object_type": event.object_type, "object_id": event.object_id, "details": json.loads(event.details),
            "hash": event.hash}


def record_detail(session: Session, record_id: int, confidential: bool) -> dict[str, Any]:
    """One record with every revision, its source, evidence, linked person and (confidential) audit history."""
    record = get_record(session, record_id)
    chain = revision_chain(session, record)
    ids = [r.id for r in chain]
    person = record.person
    detail = {"record": record_row(record, confidential, retraction_of(session, record.id)),
              "current_id": chain[-1].id,
              "revisions": [record_row(r, confidential) for r in chain],
              "source": source_row(record.source, confidential),
              "evidence": evidence_rows(session, ids, confidential),
              "person": {"public_id": person.public_id, "verification": person.verification.value} if person
              else None}
    if confidential:
        detail["audit"] = audit_rows(session, "record", ids)
    return detail
