"""The JSON API's record, review and person changes beyond corrections: a new record, a retraction, undoing a
review decision, merging and splitting persons. Each calls the library function the CLI calls, under the same
permissions table; the library's errors come back as 400 with their message."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tollbook import records
from tollbook.link.persons import merge_persons, split_person
from tollbook.link.review import undo_decision
from tollbook.web.auth import GUARD, Viewer
from tollbook.web.deps import db_session
from tollbook.web.forms import FORM_FIELDS
from tollbook.web.permissions import Perm

router = APIRouter(prefix="/api")
Json = dict[str, Any]
RecordId = Annotated[int, Field(ge=1, le=2**62)]


class NewRecord(BaseModel):
    """One report typed by hand: field texts as an import reads them (names in any script, dates in either
    calendar), the source it comes from, and an optional note for the audit log."""

    source: str = Field(min_length=1, max_length=200)
    values: dict[str, Annotated[str, Field(max_length=5000)]] = Field(
        max_length=len(FORM_FIELDS), description=f"Any of {', '.join(FORM_FIELDS)}.")
    reason: str | None = Field(default=None, max_length=2000)


@router.post("/records", tags=["records"], status_code=201)
def record_add(body: NewRecord, viewer: Viewer = Depends(GUARD[Perm.EDIT_RECORDS]),
               session: Session = Depends(db_session)) -> Json:
    """Add a record with tollbook.records.add_record (audited); values kept as unknown come back as warnings."""
    result = records.add_record(session, body.source.strip(), body.values, viewer.actor, body.reason)
    return {"id": result.record.id, "revision": result.record.revision, "warnings": list(result.warnings)}


class Reason(BaseModel):
    """Why: kept with the change and in the audit log."""

    reason: str = Field(min_length=1, max_length=2000)


@router.post("/records/{record_id}/retraction", tags=["records"], status_code=201)
def record_retract(body: Reason, record_id: int = Path(..., ge=1, le=2**62),
                   viewer: Viewer = Depends(GUARD[Perm.EDIT_RECORDS]), session: Session = Depends(db_session)) -> Json:
    """Retract a record with tollbook.records.retract_record: it stays stored, and leaves linkage and estimates."""
    retraction = records.retract_record(session, record_id, viewer.actor, body.reason)
    return {"record": record_id, "reason": retraction.reason, "by": retraction.retracted_by}


class Undo(BaseModel):
    """The decision to withdraw (none: the caller's latest)."""

    decision: RecordId | None = None


@router.post("/review/undo", tags=["review"])
def review_undo(body: Undo, viewer: Viewer = Depends(GUARD[Perm.REVIEW]),
                session: Session = Depends(db_session)) -> Json:
    """Withdraw a decision with tollbook.link.review.undo_decision (audited)."""
    gone = undo_decision(session, viewer.actor, body.decision)
    return {"undone": gone.id, "record_a": gone.record_a_id, "record_b": gone.record_b_id,
            "verdict": gone.verdict.value}


class Merge(Reason):
    """The person whose records join this one."""

    other: str = Field(min_length=1, max_length=40)


class Split(Reason):
    """The records that become a new person."""

    records: list[RecordId] = Field(min_length=1, max_length=10_000)


def _hand(done: Any) -> Json:
    """What a merge or split did."""
    return {"action": done.action, "persons": list(done.persons), "records_moved": list(done.records_moved),
            "decisions": done.decisions}


@router.post("/persons/{public_id}/merge", tags=["persons"])
def person_merge(body: Merge, public_id: str = Path(..., max_length=40), viewer: Viewer = Depends(GUARD[Perm.REVIEW]),
                 session: Session = Depends(db_session)) -> Json:
    """Merge person `other` into this one with tollbook.link.persons.merge_persons (binding, audited)."""
    return _hand(merge_persons(session, public_id, body.other.strip(), body.reason, viewer.actor))


@router.post("/persons/{public_id}/split", tags=["persons"])
def person_split(body: Split, public_id: str = Path(..., max_length=40), viewer: Viewer = Depends(GUARD[Perm.REVIEW]),
                 session: Session = Depends(db_session)) -> Json:
    """Split records off into a new person with tollbook.link.persons.split_person (binding, audited)."""
    return _hand(split_person(session, public_id, body.records, body.reason, viewer.actor))
