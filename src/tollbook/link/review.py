"""The review queue: uncertain pairs shown to a reviewer, whose decisions become must-link / cannot-link.

A pair's latest decision counts: match → must-link, non-match → cannot-link, unsure → neither (the pair stays
scored as the model says, but leaves the queue). Every decision is stored and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.enums import Verdict
from tollbook.errors import TollbookError
from tollbook.model import Link, Record, ReviewDecision
from tollbook.records import display_value, get_record, plain_value, record_value
from tollbook.text import canonical_name

SHOWN_FIELDS = ("person", "source", "source_record_id", "given_name", "family_name", "father_name", "sex", "age",
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


def review_queue(session: Session, limit: int | None = None, unsure: bool = False) -> list[Link]:
    """Undecided queued pairs of the latest run, the most uncertain (closest to 0.5) first; with `unsure`,
    instead the latest run's pairs whose latest decision is 'unsure', to decide them again."""
    run_id = latest_run_id(session)
    if run_id is None:
        return []
    decided = latest_decisions(session)
    if unsure:
        wanted = {pair for pair, verdict in decided.items() if verdict == Verdict.UNSURE}
        query = select(Link).where(Link.run_id == run_id).order_by(func.abs(Link.match_probability - 0.5), Link.id)
        links = [link for link in session.scalars(query) if ordered(link.record_a_id, link.record_b_id) in wanted]
        return links[:limit] if limit else links
    query = (select(Link).where(Link.run_id == run_id, Link.in_review_queue.is_(True))
             .order_by(func.abs(Link.match_probability - 0.5), Link.id))
    links = [link for link in session.scalars(query) if ordered(link.record_a_id, link.record_b_id) not in decided]
    return links[:limit] if limit else links


def scored_pairs(session: Session, run_id: str | None = None) -> list[tuple[int, int, float]]:
    """(record a, record b, match probability) of every pair a linkage run stored (the latest run by
    default): what a linkage-uncertainty draw needs. Pairs below the run's review threshold were not stored."""
    run_id = run_id or latest_run_id(session)
    if run_id is None:
        return []
    rows = session.execute(select(Link.record_a_id, Link.record_b_id, Link.match_probability)
                           .where(Link.run_id == run_id).order_by(Link.id))
    return [(int(a), int(b), float(p)) for a, b, p in rows]


def _requeue(session: Session, pair: tuple[int, int]) -> list[int]:
    """Put an undecided pair of the latest run back in the queue if it scored in that run's review band; returns
    the ids of the links it changed (the audit event covers them)."""
    import json

    from tollbook.model import AuditEvent

    run_id = latest_run_id(session)
    details = session.scalars(select(AuditEvent.details).where(AuditEvent.action == "link.run",
                                                              AuditEvent.object_id == run_id)).first()
    if not details:
        return []
    run = json.loads(details)
    in_band = (Link.run_id == run_id, Link.record_a_id == pair[0], Link.record_b_id == pair[1],
               Link.match_probability >= run["review_lower"], Link.match_probability < run["threshold"])
    changed = list(session.scalars(select(Link.id).where(*in_band)))
    session.execute(update(Link).where(*in_band).values(in_review_queue=True))
    return changed


def decisions(session: Session, limit: int | None = 50, reviewer: str | None = None) -> list[ReviewDecision]:
    """Stored decisions, the newest first (optionally one reviewer's)."""
    query = select(ReviewDecision).order_by(ReviewDecision.decided_at.desc(), ReviewDecision.id.desc())
    if reviewer:
        query = query.where(ReviewDecision.reviewer == reviewer)
    return list(session.scalars(query.limit(limit) if limit else query))


def decision_rows(session: Session, limit: int | None = 50, reviewer: str | None = None) -> list[dict[str, Any]]:
    """Decisions as plain rows for tables, JSON and the web app: who, what, when, why, and the public ids of
    the persons the two records belong to now."""
    from tollbook.model import Person

    found = decisions(session, limit, reviewer)
    ids = {i for d in found for i in (d.record_a_id, d.record_b_id)}
    person_of = dict(session.execute(select(Record.id, Person.public_id).join(Person, Person.id == Record.person_id)
                                     .where(Record.id.in_(ids))).all()) if ids else {}
    return [{"decision": d.id, "record_a": d.record_a_id, "person_a": person_of.get(d.record_a_id, ""),
             "record_b": d.record_b_id, "person_b": person_of.get(d.record_b_id, ""), "verdict": d.verdict.value,
             "reviewer": d.reviewer, "decided_at": str(d.decided_at)[:19], "note": d.note or ""} for d in found]


def stored_link(session: Session, record_a_id: int, record_b_id: int, run_id: str | None = None) -> Link:
    """The stored link of a pair in a run (the latest by default), or a TollbookError saying it was not kept."""
    a, b = ordered(record_a_id, record_b_id)
    run_id = run_id or latest_run_id(session)
    link = session.scalars(select(Link).where(Link.run_id == run_id, Link.record_a_id == a,
                                              Link.record_b_id == b)).first()
    if link is None:
        raise TollbookError(f"records {a} and {b} were not scored as a pair in the latest run (they share no "
                            "blocking key, or scored below the review threshold)")
    return link


def undo_decision(session: Session, reviewer: str, decision_id: int | None = None) -> ReviewDecision:
    """Withdraw a decision (by default the reviewer's latest): the pair goes back to what it was before it
    (an earlier decision, or the model). The withdrawn decision is kept whole in the audit trail."""
    if decision_id is None:
        found = decisions(session, 1, reviewer)
        if not found:
            raise TollbookError(f"{reviewer} has no decision to undo")
        decision = found[0]
    else:
        decision = session.get(ReviewDecision, decision_id)
        if decision is None:
            raise TollbookError(f"no decision with id {decision_id}: list them with `tollbook review decisions`")
    details = {"decision": decision.id, "record_a": decision.record_a_id, "record_b": decision.record_b_id,
               "verdict": decision.verdict.value, "by": decision.reviewer, "note": decision.note,
               "decided_at": str(decision.decided_at)}
    session.delete(decision)
    session.flush()
    pair = ordered(decision.record_a_id, decision.record_b_id)
    requeued = _requeue(session, pair) if pair not in latest_decisions(session) else []
    record_event(session, reviewer, "review.undo", "review_decision", decision.id, details,
                 wrote={"links": requeued}, removed={"review_decisions": [decision.id]})
    return decision


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


IDENTIFIERS = {"person", "source", "source_record_id"}
CODED = {"province": "province_code", "city": "city_code"}


def _shown(record: Record, field: str) -> str:
    """A record's value of one shown field as text ('' when unknown); a name not in Latin script is followed
    by its Latin key (محمد · mohammad), so a reviewer who reads one script can compare both."""
    if field == "person":
        return record.person.public_id if record.person is not None else ""
    value: Any = record.source.name if field == "source" else display_value(record_value(record, field))
    text = "" if value is None or value == "unknown" else str(value)
    if field.endswith("_name") and text and not text.isascii():
        return f"{text} · {canonical_name(text)}"
    return text


def _meaning(record: Record, field: str) -> str:
    """What a value means, for comparison: canonical names, place codes, values as text otherwise."""
    if field in CODED and getattr(record, CODED[field]):
        return str(getattr(record, CODED[field]))
    value = plain_value(getattr(record, field)) if field.endswith("_name") else None
    if value:
        return canonical_name(str(value)).replace(" ", "")
    return _shown(record, field).casefold()


def _row(left: Record, right: Record, field: str) -> FieldRow:
    """One field of both records; identifiers never count as differing, nor does a value missing on one side."""
    a, b = _meaning(left, field), _meaning(right, field)
    differs = field not in IDENTIFIERS and bool(a and b) and a != b
    return FieldRow(field, _shown(left, field), _shown(right, field), differs)


def side_by_side(session: Session, link: Link) -> list[FieldRow]:
    """The two records of a queued pair, field by field."""
    left, right = get_record(session, link.record_a_id), get_record(session, link.record_b_id)
    return [_row(left, right, field) for field in SHOWN_FIELDS]
