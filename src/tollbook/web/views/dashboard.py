"""Headline numbers: what the database holds, persons by verification, and the latest saved estimate."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tollbook.evidence import level_counts
from tollbook.status import database_status

TOTAL_STRATA = (None, "total")


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
    """Documented deaths (counted as the report and the estimate count them), the estimate and its interval;
    `internal` adds the team's working counts."""
    from tollbook.documented import documented_count

    counts = database_status(session)
    numbers: dict[str, Any] = {"documented": documented_count(session)[0], "estimate": latest_total(session),
                               "by_verification": level_counts(session)}
    if internal:
        numbers["status"] = counts
    return numbers
