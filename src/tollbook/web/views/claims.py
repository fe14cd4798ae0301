"""Claims as pages show them: the ledger, and the timeline of a metric beside the documented count and estimate."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tollbook import claims
from tollbook.claims.fields import claim_row, figure
from tollbook.web.views.paging import Paging


def claims_page(session: Session, paging: Paging, metric: str | None = None, area: str | None = None
                ) -> dict[str, Any]:
    """One page of current claims in the order they were made."""
    found = claims.list_claims(session, metric or None, None, area or None, False)
    return paging.envelope([claim_row(c) | {"figure": figure(c)} for c in paging.slice(found)], len(found))


def timeline_data(session: Session, metric: str = "killed", area: str = "IR") -> dict[str, Any]:
    """Each source's series against the documented count and the latest saved estimate."""
    from tollbook.estimate.database import saved_estimates

    result = claims.timeline(session, metric, area, saved_estimates(session))
    return result.as_dict() | {"rows": [row | {"date": row["date"].isoformat()} for row in result.rows()]}
