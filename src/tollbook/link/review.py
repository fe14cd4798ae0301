"""The review queue: uncertain pairs shown to a reviewer, whose decisions become must-link / cannot-link.

A pair's latest decision counts: match → must-link, non-match → cannot-link, unsure → neither (the pair stays
scored as the model says, but leaves the queue). Every decision is stored and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.enums import Verdict
from tollbook.errors import TollbookError
from tollbook.model import Link, Record, ReviewDecision
from tollbook.records import get_record, plain_value
from tollbook.text import canonical_name

SHOWN_FIELDS = ("source", "source_record_id", "given_name", "family_name", "father_name", "sex", "age",
                "date_of_death", "province", "city", "status", "cause")  # fmt: skip


def ordered(a: int, b: int) -> tuple[int, int]:
    """A pair of record ids, smaller first, so (a, b) and (b, a) are one pair."""
    return (a, b) if a <= b else (b, a)


def latest_decisions(session: Session) -> dict[tuple[int, int], Verdict]:
    """The latest verdict on each decided pair."""
    rows = session.execute(select(ReviewDecision.record_a_id, ReviewDecision.record_b_id, ReviewDecision.verdict)
                           .order_by(ReviewDecision.decided_at, ReviewDecision.id))
    return {ordered(a, b): verdict for a, b, verdict in rows}


def latest_revisions(session: Session) -> dict[int, int]:
    """Record id -> the id of its latest revision, for every record that was revised."""
    newer = {old: new for old, new in session.execute(select(Record.supersedes_id, Record.id)
                                                      .where(Record.supersedes_id.is_not(None)))}
    latest = {}
    for old in newer:
        current = old
        while current in newer:
            current = newer[current]
        latest[old] = current
    return latest


def constraints(session: Session) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(must-link pairs, cannot-link pairs) from reviewers' latest decisions; a decision on a record that was
    revised since holds for its latest revision."""
    latest = latest_revisions(session)
    decisions = {ordered(latest.get(a, a), latest.get(b, b)): v for (a, b), v in latest_decisions(session).items()}
    must = [pair for pair, verdict in decisions.items() if verdict == Verdict.MATCH]
    cannot = [pair for pair, verdict in decisions.items() if verdict == Verdict.NON_MATCH]
    return must, cannot


def latest_run_id(session: Session) -> str | None:
    """The run id of the newest linkage run that stored links."""
    newest = session.scalars(select(Link.run_id).order_by(Link.id.desc()).limit(1)).first()
    return newest


def review_queue(session: Session, limit: int | None = None) -> list[Link]:
    """Undecided queued pairs of the latest run, the most uncertain (closest to 0.5) first."""
    run_id = latest_run_id(session)
    if run_id is None:
        return []
    decided = latest_decisions(session)
    query = (select(Link).where(Link.run_id == run_id, Link.in_review_queue.is_(True))
             .order_by(func.abs(Link.match_probability - 0.5), Link.id))
    links = [link for link in session.scalars(query) if ordered(link.record_a_id, link.record_b_id) not in decided]
    return links[:limit] if limit else links


def decide(session: Session, record_a_id: int, record_b_id: int, verdict: Verdict | str, reviewer: str,
           note: str | None = None) -> ReviewDecision:
    """Store and audit a reviewer's verdict on a pair; later runs respect it."""
    try:
        verdict = Verdict(verdict)
    except ValueError:
        raise TollbookError(f"unknown verdict {verdict!r}: use match, non_match or unsure") from None
    if record_a_id == record_b_id:
        raise TollbookError(f"a record cannot be compared with itself (record {record_a_id})")
    a, b = ordered(get_record(session, record_a_id).id, get_record(session, record_b_id).id)
    decision = ReviewDecision(record_a_id=a, record_b_id=b, verdict=verdict, reviewer=reviewer, note=note)
    session.add(decision)
    session.flush()
    record_event(session, reviewer, "review.decide", "review_decision", decision.id,
                 {"record_a": a, "record_b": b, "verdict": verdict.value, "note": note}, wrote=[decision])
    return decision


@dataclass(frozen=True)
class FieldRow:
    """One line of the side-by-side view: a field, both values as written, and whether they differ in meaning
    (names by canonical form, places by code: محمد and Mohammad, تهران and Tehran do not differ)."""

    field: str
    left: str
    right: str
    differs: bool


IDENTIFIERS = {"source", "source_record_id"}
CODED = {"province": "province_code", "city": "city_code"}


def _shown(record: Record, field: str) -> str:
    """A record's value of one shown field as text ('' when unknown)."""
    value: Any = record.source.name if field == "source" else plain_value(getattr(record, field))
    return "" if value is None or value == "unknown" else str(value)


def _meaning(record: Record, field: str) -> str:
    """What a value means, for comparison: canonical names, place codes, values as text otherwise."""
    if field in CODED and getattr(record, CODED[field]):
        return str(getattr(record, CODED[field]))
    shown = _shown(record, field)
    return canonical_name(shown) if field.endswith("_name") and shown else shown.casefold()


def _row(left: Record, right: Record, field: str) -> FieldRow:
    """One field of both records; identifiers never count as differing, nor does a value missing on one side."""
    a, b = _meaning(left, field), _meaning(right, field)
    differs = field not in IDENTIFIERS and bool(a and b) and a != b
    return FieldRow(field, _shown(left, field), _shown(right, field), differs)


def side_by_side(session: Session, link: Link) -> list[FieldRow]:
    """The two records of a queued pair, field by field."""
    left, right = get_record(session, link.record_a_id), get_record(session, link.record_b_id)
    return [_row(left, right, field) for field in SHOWN_FIELDS]
