"""The JSON API under /api/: each page's data, the same permissions (one table), the same paging.

Sign in through /login (the session cookie); send X-CSRF-Token from GET /api/session with every change.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tollbook import sources
from tollbook.errors import NotFoundError, TollbookError
from tollbook.link.review import decide
from tollbook.model import Link
from tollbook.records import CONFIDENTIAL_FIELDS, PARSED_FIELDS, correct_record, get_record
from tollbook.status import database_status
from tollbook.web import api_edits
from tollbook.web.auth import GUARD, Viewer, csrf_token, set_nonce_cookie
from tollbook.web.deps import cached, db_session
from tollbook.web.forms import FORM_FIELDS, RECORD_FIELD
from tollbook.web.permissions import TABLE, Perm
from tollbook.web.views.audit import audit_page
from tollbook.web.views.claims import claims_page, timeline_data
from tollbook.web.views.dashboard import headline
from tollbook.web.views.paging import Paging, paging_params
from tollbook.web.views.persons import person_detail, persons_page, public_persons_page
from tollbook.web.views.records import record_detail, record_filter, records_page
from tollbook.web.views.review import pair_detail, queue_page
from tollbook.web.views.search import SearchForm, search_params

router = APIRouter(prefix="/api")
Json = dict[str, Any]


@router.get("/session", tags=["account"])
def session_info(request: Request, response: Response, viewer: Viewer = Depends(GUARD[Perm.PUBLIC])) -> Json:
    """Who is signed in, their role, what it allows, and the CSRF token for changes."""
    set_nonce_cookie(request, response)
    allowed = sorted(p.value for p in Perm if viewer.can(p))
    return {"name": viewer.name, "role": viewer.role.value if viewer.role else None, "permissions": allowed,
            "csrf_token": csrf_token(request, viewer)}


@router.get("/permissions", tags=["account"])
def permissions(_viewer: Viewer = Depends(GUARD[Perm.PUBLIC])) -> Json:
    """The roles table: which roles hold each permission."""
    return {perm.value: sorted(role.value for role in roles) for perm, roles in TABLE.items()}


@router.get("/status", tags=["dashboard"])
def status(_viewer: Viewer = Depends(GUARD[Perm.READ]), session: Session = Depends(db_session)) -> Json:
    """Counts of sources, records, persons, claims, review items, audit events (as `tollbook status`)."""
    return database_status(session)


@router.get("/dashboard", tags=["dashboard"])
def dashboard(request: Request, _viewer: Viewer = Depends(GUARD[Perm.READ]),
              session: Session = Depends(db_session)) -> Json:
    """The headline numbers and working counts."""
    return cached(request, session, ("headline", True), lambda: headline(session, internal=True))


@router.get("/sources", tags=["sources"])
def sources_list(viewer: Viewer = Depends(GUARD[Perm.READ]), session: Session = Depends(db_session)) -> Json:
    """Every source (contacts only for confidential roles)."""
    rows = [sources.source_row(s, viewer.can(Perm.CONFIDENTIAL)) for s in sources.list_sources(session)]
    return {"items": rows, "total": len(rows)}


@router.get("/records", tags=["records"])
def records_list(request: Request, search: SearchForm = Depends(search_params), paging: Paging = Depends(paging_params),
                 viewer: Viewer = Depends(GUARD[Perm.READ]), session: Session = Depends(db_session)) -> Json:
    """Current records matching the search, paged."""
    flt, confidential = record_filter(**search.as_dict()), viewer.can(Perm.CONFIDENTIAL)
    return cached(request, session, ("records", flt, paging.page, paging.per_page, confidential),
                  lambda: records_page(session, flt, paging, confidential))


@router.get("/records/{record_id}", tags=["records"])
def record_show(record_id: int = Path(..., ge=1, le=2**62), viewer: Viewer = Depends(GUARD[Perm.READ]),
                session: Session = Depends(db_session)) -> Json:
    """One record with revisions, source, evidence, person (audit history for confidential roles)."""
    return record_detail(session, record_id, viewer.can(Perm.CONFIDENTIAL))


class Correction(BaseModel):
    """Fields to change, as text typed in a form (names in any script, dates in either calendar), and why."""

    values: dict[str, str] = Field(description=f"Any of {', '.join(FORM_FIELDS)}; others keep their value.")
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/records/{record_id}/revisions", tags=["records"], status_code=201)
def record_correct(body: Correction, record_id: int = Path(..., ge=1, le=2**62),
                   viewer: Viewer = Depends(GUARD[Perm.EDIT_RECORDS]), session: Session = Depends(db_session)) -> Json:
    """Correct a record with tollbook.records.correct_record: a new revision supersedes it (audited)."""
    record = get_record(session, record_id)
    unknown = sorted(set(body.values) - set(FORM_FIELDS))
    if unknown:
        raise TollbookError(f"unknown field(s) {unknown}; fields are {', '.join(FORM_FIELDS)}")
    confidential = viewer.can(Perm.CONFIDENTIAL)
    changes = {name: text for name, text in body.values.items()
               if confidential or RECORD_FIELD.get(name, name) not in CONFIDENTIAL_FIELDS}
    result = correct_record(session, record_id, changes, viewer.actor, body.reason)
    changed = sorted(name for name in PARSED_FIELDS if getattr(record, name) != getattr(result.record, name))
    return {"id": result.record.id, "revision": result.record.revision, "supersedes": record_id,
            "changed": changed, "warnings": list(result.warnings)}


@router.get("/persons", tags=["persons"])
def persons_list(paging: Paging = Depends(paging_params), source: str = Query("", max_length=200),
                 _viewer: Viewer = Depends(GUARD[Perm.READ]), session: Session = Depends(db_session)) -> Json:
    """Linked persons, most reported first, paged."""
    return persons_page(session, paging, source or None)


@router.get("/persons/{public_id}", tags=["persons"])
def person_show(public_id: str, viewer: Viewer = Depends(GUARD[Perm.READ]),
                session: Session = Depends(db_session)) -> Json:
    """One person: every value with its source, the accepted one and why; records and evidence."""
    return person_detail(session, public_id, viewer.can(Perm.CONFIDENTIAL))


class Grade(BaseModel):
    """A reviewer's verification level for a person, the reason, and the evidence it rests on."""

    level: str = Field(pattern="^(verified|contested|discounted|computed)$")
    reason: str = Field(min_length=1, max_length=2000)
    evidence_ids: list[int] = Field(default_factory=list, max_length=100)


@router.post("/persons/{public_id}/verification", tags=["persons"], status_code=201)
def person_verify(body: Grade, public_id: str = Path(..., max_length=40),
                  viewer: Viewer = Depends(GUARD[Perm.VERIFY]), session: Session = Depends(db_session)) -> Json:
    """Grade a person through tollbook.evidence (verified needs evidence of that person; audited)."""
    from tollbook.evidence import set_level

    change = set_level(session, public_id, body.level, viewer.actor, body.reason, body.evidence_ids)
    return {"public_id": public_id, "level": change.level.value, "evidence_ids": list(change.evidence_ids or [])}


@router.get("/review/queue", tags=["review"])
def review_list(paging: Paging = Depends(paging_params), _viewer: Viewer = Depends(GUARD[Perm.READ]),
                session: Session = Depends(db_session)) -> Json:
    """Undecided pairs of the latest linkage run, the most uncertain first, paged."""
    return queue_page(session, paging)


@router.get("/review/pairs/{link_id}", tags=["review"])
def review_pair(link_id: int = Path(..., ge=1, le=2**62), _viewer: Viewer = Depends(GUARD[Perm.READ]),
                session: Session = Depends(db_session)) -> Json:
    """A queued pair side by side, with the fields that differ in meaning marked."""
    detail = pair_detail(session, link_id)
    if detail is None:
        raise NotFoundError("the review queue is empty")
    return detail


class Decision(BaseModel):
    """A reviewer's verdict on a queued pair."""

    link_id: int = Field(ge=1, le=2**62)
    verdict: str = Field(pattern="^(match|non_match|unsure)$")
    note: str | None = Field(default=None, max_length=2000)


@router.post("/review/decisions", tags=["review"], status_code=201)
def review_decide(body: Decision, viewer: Viewer = Depends(GUARD[Perm.REVIEW]),
                  session: Session = Depends(db_session)) -> Json:
    """Store a verdict (audited); later linkage runs respect it."""
    link = session.get(Link, body.link_id)
    if link is None:
        raise NotFoundError(f"no scored pair {body.link_id}")
    decision = decide(session, link.record_a_id, link.record_b_id, body.verdict, viewer.actor, body.note)
    return {"id": decision.id, "record_a": decision.record_a_id, "record_b": decision.record_b_id,
            "verdict": decision.verdict.value}


@router.get("/claims", tags=["claims"])
def claims_list(paging: Paging = Depends(paging_params), metric: str = Query("", max_length=40),
                area: str = Query("", max_length=40), _viewer: Viewer = Depends(GUARD[Perm.READ]),
                session: Session = Depends(db_session)) -> Json:
    """The claims ledger, paged."""
    return claims_page(session, paging, metric, area)


@router.get("/public/summary", tags=["public"])
def public_summary(request: Request, _viewer: Viewer = Depends(GUARD[Perm.PUBLIC]),
                   session: Session = Depends(db_session)) -> Json:
    """The published headline numbers (no login)."""
    return cached(request, session, ("headline", False), lambda: headline(session, internal=False))


@router.get("/public/persons", tags=["public"])
def public_persons(paging: Paging = Depends(paging_params), _viewer: Viewer = Depends(GUARD[Perm.PUBLIC]),
                   session: Session = Depends(db_session)) -> Json:
    """The published list: accepted values only, no confidential field (no login)."""
    return public_persons_page(session, paging)


@router.get("/public/timeline", tags=["public"])
def public_timeline(metric: str = Query("killed", max_length=40), area: str = Query("IR", max_length=40),
                    _viewer: Viewer = Depends(GUARD[Perm.PUBLIC]), session: Session = Depends(db_session)) -> Json:
    """Claims over time beside the documented count and the estimate (no login)."""
    return timeline_data(session, metric, area)


@router.get("/jobs", tags=["jobs"])
def jobs_list(request: Request, _viewer: Viewer = Depends(GUARD[Perm.READ])) -> Json:
    """Background jobs on this database (every worker process of the server), newest first."""
    items = request.app.state.jobs.listing()
    return {"items": items, "total": len(items)}


@router.get("/jobs/{job_id}", tags=["jobs"])
def job_show(request: Request, job_id: str, _viewer: Viewer = Depends(GUARD[Perm.READ])) -> Json:
    """One job's state and progress."""
    return request.app.state.jobs.get(job_id).as_dict()


@router.post("/jobs/{kind}", tags=["jobs"], status_code=202)
def job_start(request: Request, kind: str = Path(..., pattern="^(link|estimate)$"),
              viewer: Viewer = Depends(GUARD[Perm.RUN_JOBS])) -> Json:
    """Start linkage or estimation in the background."""
    return request.app.state.jobs.start(kind, viewer.actor).as_dict()


@router.get("/audit", tags=["audit"])
def audit_list(paging: Paging = Depends(paging_params), _viewer: Viewer = Depends(GUARD[Perm.AUDIT]),
               session: Session = Depends(db_session)) -> Json:
    """The audit log, newest first, and whether its chain verifies."""
    return audit_page(session, paging)


ROUTERS = [router, api_edits.router]
