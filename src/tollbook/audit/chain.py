"""The append-only, hash-chained audit log: each event's hash covers its fields, the hashes of the rows it
wrote and the previous event's hash.

Editing or deleting a stored event breaks the chain at that event, which :func:`verify_chain` names; a row
edited below the application no longer matches the hash its event holds (:mod:`tollbook.audit.rows`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from tollbook.audit.canonical import canonical_json
from tollbook.audit.redact import redact
from tollbook.audit.rows import Wrote, hashes_for, rows_digest
from tollbook.model import AuditEvent, AuditRow

GENESIS = "0" * 64
CHAIN_LOCK = 7_142_019  # PostgreSQL advisory lock held while an event is appended


def event_hash(prev_hash: str, at: str, actor: str, action: str, object_type: str, object_id: str | None,
               details: str, rows_hash: str | None = None) -> str:
    """The SHA-256 that chains one event to the one before it (events without rows hash as they always did)."""
    fields = [prev_hash, at, actor, action, object_type, object_id, details]
    payload = canonical_json(fields if rows_hash is None else [*fields, rows_hash])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _last_hash(session: Session) -> str:
    """Hash of the newest event, or the genesis hash of an empty log."""
    last = session.scalars(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    return last or GENESIS


def record_event(session: Session, actor: str, action: str, object_type: str,
                 object_id: object = None, details: dict | None = None, *, wrote: Wrote | None = None,
                 removed: Mapping[str, Iterable[int]] | None = None) -> AuditEvent:
    """Append one event to the chain in the caller's transaction, covering the rows it wrote.

    Call it after the last change of the write: `wrote` names the rows written (table name -> ids, or the ORM
    objects), `removed` the rows deleted; each is hashed as stored now. Confidential values in `details`
    (see :mod:`tollbook.confidential`) are kept only as "changed" and a hash.
    """
    session.flush()
    if session.get_bind().dialect.name == "postgresql":  # one writer at a time extends the chain
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    object_key = None if object_id is None else str(object_id)
    details_text = canonical_json(redact(details or {}))
    entries = hashes_for(session, wrote, removed)
    digest_of_rows = rows_digest(entries) if entries else None
    prev = _last_hash(session)
    digest = event_hash(prev, at, actor, action, object_type, object_key, details_text, digest_of_rows)
    audit_event = AuditEvent(at=at, actor=actor, action=action, object_type=object_type, object_id=object_key,
                             details=details_text, rows_hash=digest_of_rows, prev_hash=prev, hash=digest)
    session.add(audit_event)
    session.flush()
    if entries:
        rows = [{"event_id": audit_event.id, "table_name": name, "row_id": row_id, "row_hash": row}
                for name, row_id, row in entries]
        for start in range(0, len(rows), 5_000):
            session.execute(insert(AuditRow.__table__), rows[start:start + 5_000])  # Core: no ORM bulk overhead
    return audit_event


@dataclass(frozen=True)
class ChainReport:
    """Outcome of walking the audit chain."""

    events: int
    broken_at: int | None = None
    reason: str | None = None
    head_id: int | None = None
    head_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        """True when every event's hash and link checked out."""
        return self.broken_at is None


def _stored_row_digests(session: Session) -> dict[int, str]:
    """Event id -> the digest of the row entries stored for it now (streamed one event at a time)."""
    digests: dict[int, str] = {}
    query = (select(AuditRow.event_id, AuditRow.table_name, AuditRow.row_id, AuditRow.row_hash)
             .order_by(AuditRow.event_id).execution_options(yield_per=20_000))
    current, entries = None, []
    for event_id, name, row_id, row in session.execute(query):
        if event_id != current and entries:
            digests[current] = rows_digest(entries)  # type: ignore[index]
            entries = []
        current = event_id
        entries.append((name, row_id, row))
    if entries:
        digests[current] = rows_digest(entries)  # type: ignore[index]
    return digests


def _event_problem(audit_event: AuditEvent, prev: str, stored_rows: str | None) -> str | None:
    """Why one event does not check out, or None."""
    if audit_event.prev_hash != prev:
        return "its link to the previous event is broken (event removed?)"
    if stored_rows != audit_event.rows_hash:
        return "the row hashes stored for it were edited, added or removed"
    expected = event_hash(prev, audit_event.at, audit_event.actor, audit_event.action, audit_event.object_type,
                          audit_event.object_id, audit_event.details, audit_event.rows_hash)
    return None if expected == audit_event.hash else "its content does not match its hash (event edited)"


def verify_chain(session: Session) -> ChainReport:
    """Walk the log in order and name the first event whose hash, rows or link does not check out."""
    stored = _stored_row_digests(session)
    prev, count, head_id = GENESIS, 0, None
    for audit_event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        count += 1
        problem = _event_problem(audit_event, prev, stored.pop(audit_event.id, None))
        if problem:
            return ChainReport(count, audit_event.id, problem, head_id, prev)
        prev, head_id = audit_event.hash, audit_event.id
    if stored:
        orphan = min(stored)
        return ChainReport(count, orphan, "row hashes are stored for an event the log does not hold", head_id, prev)
    return ChainReport(count, head_id=head_id, head_hash=prev)
