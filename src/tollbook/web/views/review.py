"""The review queue as pages show it: the pairs, and one pair side by side with the differing fields marked."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from tollbook.errors import NotFoundError
from tollbook.link.review import review_queue, side_by_side
from tollbook.model import Link
from tollbook.web.views.paging import Paging


def link_row(link: Link) -> dict[str, Any]:
    """A queued pair as plain data."""
    return {"link_id": link.id, "record_a": link.record_a_id, "record_b": link.record_b_id,
            "match_probability": link.match_probability, "match_weight": link.match_weight, "run_id": link.run_id}


def queue_page(session: Session, paging: Paging) -> dict[str, Any]:
    """One page of undecided pairs, the most uncertain first."""
    queue = review_queue(session)
    return paging.envelope([link_row(link) for link in paging.slice(queue)], len(queue))


def pair_detail(session: Session, link_id: int | None = None) -> dict[str, Any] | None:
    """A queued pair (the first in the queue when no id is given) side by side; None when the queue is empty."""
    queue = review_queue(session)
    if not queue:
        return None
    link = queue[0] if link_id is None else next((item for item in queue if item.id == link_id), None)
    if link is None:
        raise NotFoundError(f"pair {link_id} is not waiting in the review queue (decided already, or not queued)")
    return {"pair": link_row(link), "index": queue.index(link) + 1, "total": len(queue),
            "fields": [asdict(row) for row in side_by_side(session, link)]}
