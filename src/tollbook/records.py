"""Victim records: listing, showing and correcting them by revision (never by overwrite)."""

from __future__ import annotations

import datetime as dt
import hashlib
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.confidential import RECORD_CONFIDENTIAL
from tollbook.errors import NotFoundError, TollbookError
from tollbook.model import Record

PARSED_FIELDS = (
    "source_record_id", "given_name", "family_name", "father_name", "given_name_key", "family_name_key",
    "father_name_key", "sex", "age", "date_of_death", "date_precision", "date_text", "province", "province_code",
    "city", "city_code", "place_detail", "status", "cause", "perpetrator", "evidence_refs", "notes", "role",
    "reported_on",
)
CONFIDENTIAL_FIELDS = RECORD_CONFIDENTIAL


def content_hash(parsed: dict[str, Any]) -> str:
    """SHA-256 of a record's parsed content: the same report hashes the same whatever file carried it."""
    parts = ("" if (value := parsed.get(key)) is None else str(value) for key in PARSED_FIELDS[1:])
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def stored_content(row: Any) -> dict[str, Any]:
    """The parsed fields of a stored record (an ORM object or a row mapping), to re-derive its content hash."""
    get = row.get if isinstance(row, dict) or hasattr(row, "keys") else lambda key: getattr(row, key)
    return {key: get(key) for key in PARSED_FIELDS}


def superseded_ids(session: Session) -> set[int]:
    """Ids of records that a later revision replaces."""
    return set(session.scalars(select(Record.supersedes_id).where(Record.supersedes_id.is_not(None))))


def current_records_query(source_id: int | None = None):  # noqa: ANN201 - a SQLAlchemy Select
    """A query for the records no revision replaces, optionally of one source."""
    newer = select(Record.supersedes_id).where(Record.supersedes_id.is_not(None))
    query = select(Record).where(Record.id.not_in(newer)).order_by(Record.id)
    return query if source_id is None else query.where(Record.source_id == source_id)


def list_records(session: Session, source_id: int | None = None, limit: int | None = None) -> list[Record]:
    """Current records (latest revisions), oldest first."""
    query = current_records_query(source_id)
    return list(session.scalars(query.limit(limit) if limit else query))


def get_record(session: Session, record_id: int) -> Record:
    """One record by id, or a NotFoundError."""
    record = session.get(Record, record_id)
    if record is None:
        raise NotFoundError(f"no record with id {record_id}: list them with `tollbook records list`")
    return record


def revise_record(session: Session, record_id: int, changes: dict[str, Any], actor: str, reason: str) -> Record:
    """Correct a record by adding a revision that supersedes it; the old one stays as it was."""
    old = get_record(session, record_id)
    if record_id in superseded_ids(session):
        raise TollbookError(f"record {record_id} was already revised: revise its latest revision instead")
    unknown = set(changes) - set(PARSED_FIELDS)
    if unknown:
        raise TollbookError(f"cannot revise unknown field(s) {sorted(unknown)}; fields are {list(PARSED_FIELDS)}")
    parsed = {key: getattr(old, key) for key in PARSED_FIELDS} | changes
    new = Record(source_id=old.source_id, batch_id=old.batch_id, revision=old.revision + 1, supersedes_id=old.id,
                 raw=old.raw, content_hash=content_hash(parsed), person_id=old.person_id,
                 created_by=actor, **parsed)
    session.add(new)
    session.flush()
    record_event(session, actor, "record.revise", "record", new.id,
                 {"supersedes": old.id, "reason": reason, "changes": _plain(changes)}, wrote=[new])
    return new


def plain_value(value: Any) -> Any:
    """A value as JSON-ready data: enums by value, dates in ISO form."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Every value of a mapping made JSON-ready."""
    return {key: plain_value(value) for key, value in values.items()}


def record_row(record: Record, confidential: bool = False) -> dict[str, Any]:
    """A record as a plain dict; confidential fields only when asked for."""
    row: dict[str, Any] = {"id": record.id, "source": record.source.name, "revision": record.revision,
                           "supersedes": record.supersedes_id, "person_id": record.person_id}
    row |= _plain({key: getattr(record, key) for key in PARSED_FIELDS})
    if confidential:
        row |= {"raw": record.raw, "created_by": record.created_by}
    else:
        row = {key: value for key, value in row.items() if key not in CONFIDENTIAL_FIELDS}
    return row
