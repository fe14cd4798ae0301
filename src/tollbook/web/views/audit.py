"""The audit log as a page shows it: newest first, with whether the chain still verifies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tollbook.audit import verify_chain
from tollbook.model import AuditEvent
from tollbook.web.views.paging import Paging
from tollbook.web.views.records import event_row


def audit_page(session: Session, paging: Paging) -> dict[str, Any]:
    """One page of audit events (newest first) and the chain check."""
    total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).offset(paging.offset).limit(paging.per_page)
    page = paging.envelope([event_row(e) for e in session.scalars(query)], total)
    chain = verify_chain(session)
    return page | {"chain": {"ok": chain.ok, "events": chain.events, "broken_at": chain.broken_at,
                             "reason": chain.reason}}
