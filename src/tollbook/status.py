"""Counts of what a database holds, for `tollbook status` and the web app."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tollbook.evidence.levels import level_counts
from tollbook.model import AuditEvent, Claim, Evidence, Link, Person, ReviewDecision, Source
from tollbook.records import current_records_query


def _count(session: Session, query) -> int:  # noqa: ANN001 - a SQLAlchemy Select
    """Row count of a query."""
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def review_queue_size(session: Session) -> int:
    """Queued pairs that no reviewer has decided yet."""
    queued = select(Link).where(Link.in_review_queue.is_(True))
    decided = select(ReviewDecision.id).where(
        ReviewDecision.record_a_id == Link.record_a_id, ReviewDecision.record_b_id == Link.record_b_id
    )
    return _count(session, queued.where(~decided.exists()))


def database_status(session: Session) -> dict[str, int]:
    """Counts of sources, current records, persons, claims, review items, audit events, evidence items, and of
    persons by verification level."""
    return {
        "sources": _count(session, select(Source)),
        "records": _count(session, current_records_query()),
        "persons": _count(session, select(Person).where(Person.records.any())),
        "claims": _count(session, select(Claim)),
        "review_items": review_queue_size(session),
        "audit_events": _count(session, select(AuditEvent)),
        "evidence_items": _count(session, select(Evidence)),
    } | {f"persons_{level}": count for level, count in level_counts(session).items()}
