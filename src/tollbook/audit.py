"""Append-only, hash-chained audit log: each event's hash covers its fields and the previous hash.

Editing or deleting any stored event breaks the chain at that event, which :func:`verify_chain` names.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tollbook.model import AuditEvent

GENESIS = "0" * 64
CHAIN_LOCK = 7_142_019  # PostgreSQL advisory lock held while an event is appended


def canonical_json(value: object) -> str:
    """JSON with sorted keys and no spaces, so equal content always hashes equally."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(prev_hash: str, at: str, actor: str, action: str, object_type: str, object_id: str | None,
               details: str) -> str:
    """The SHA-256 that chains one event to the one before it."""
    payload = canonical_json([prev_hash, at, actor, action, object_type, object_id, details])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _last_hash(session: Session) -> str:
    """Hash of the newest event, or the genesis hash of an empty log."""
    last = session.scalars(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    return last or GENESIS


def record_event(session: Session, actor: str, action: str, object_type: str,
                 object_id: object = None, details: dict | None = None) -> AuditEvent:
    """Append one event to the chain in the caller's transaction."""
    session.flush()
    if session.get_bind().dialect.name == "postgresql":  # one writer at a time extends the chain
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})
    at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
    object_key = None if object_id is None else str(object_id)
    details_text = canonical_json(details or {})
    prev = _last_hash(session)
    digest = event_hash(prev, at, actor, action, object_type, object_key, details_text)
    audit_event = AuditEvent(at=at, actor=actor, action=action, object_type=object_type, object_id=object_key,
                             details=details_text, prev_hash=prev, hash=digest)
    session.add(audit_event)
    session.flush()
    return audit_event


@dataclass(frozen=True)
class ChainReport:
    """Outcome of walking the audit chain."""

    events: int
    broken_at: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """True when every event's hash and link checked out."""
        return self.broken_at is None


def verify_chain(session: Session) -> ChainReport:
    """Walk the log in order and name the first event whose hash or link does not check out."""
    prev = GENESIS
    count = 0
    for audit_event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        count += 1
        if audit_event.prev_hash != prev:
            return ChainReport(count, audit_event.id, "its link to the previous event is broken (event removed?)")
        expected = event_hash(prev, audit_event.at, audit_event.actor, audit_event.action,
                              audit_event.object_type, audit_event.object_id, audit_event.details)
        if expected != audit_event.hash:
            return ChainReport(count, audit_event.id, "its content does not match its hash (event edited)")
        prev = audit_event.hash
    return ChainReport(count)
