"""Headline numbers: what the database holds, persons by verification, and the latest saved estimate."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tollbook.model import Person
from tollbook.status import database_status

TOTAL_STRATA = (None, "total")


def verification_counts(session: Session) -> dict[str, int]:
    """Linked persons by verification level."""
    query = select(Person.verification, func.count()).where(Person.records.any()).group_by(Person.verification)
    return {level.value: count for level, count in session.execute(query)}


def latest_total(session: Session) -> dict[str, Any] | None:
    """The whole-population row of the latest saved estimation run (LCMCR preferred), or None."""
    from tollbook.estimate.database import saved_estimates

    rows = saved_estimates(session) or []
    for row in rows:
        if row.stratum in TOTAL_STRATA:
            return {"method": row.method, "observed": row.observed, "estimate": row.estimate, "lower": row.lower,
                    "upper": row.upper, "stratified_by": row.stratified_by, "run_id": row.run_id,
                    "at": row.created_at.isoformat() if row.created_at else None}
    return None


def headline(session: Session, internal: bool) -> dict[str, Any]:
    """Documented persons, the estimate and its interval; `internal` adds the team's working counts."""
    counts = database_status(session)
    numbers: dict[str, Any] = {"documented": counts["persons"], "estimate": latest_total(session),
                               "by_verification": verification_counts(session)}
    if internal:
        numbers["status"] = counts
    return numbers
