"""The review queue as pages show it: the pairs, and one pair side by side with the differing fields marked."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from tollbook.errors import NotFoundError
from tollbook.link.review import decision_rows, review_queue, side_by_side
from tollbook.link.waterfall import link_waterfall
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
            "fields": [asdict(row) for row in side_by_side(session, link)],
            "waterfall": waterfall_data(session, link)}


def waterfall_data(session: Session, link: Link) -> dict[str, Any] | None:
    """The pair's score waterfall (tollbook.link's own terms: the prior and each comparison's match weight),
    with each bar's share of the widest for drawing; None for a link stored without its terms."""
    found = link_waterfall(session, link)
    if found is None:
        return None
    data = found.to_dict()
    widest = max([abs(step["weight"]) for step in data["steps"]] + [abs(data["prior"]), 1.0])
    for step in data["steps"]:
        step["share"] = round(abs(step["weight"]) / widest, 3)
    data["prior_share"] = round(abs(data["prior"]) / widest, 3)
    return data


def recent_decisions(session: Session, limit: int = 10) -> list[dict[str, Any]]:
    """The newest stored decisions (tollbook.link.review's rows), any of which a reviewer may undo."""
    return decision_rows(session, limit)
