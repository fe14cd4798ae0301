"""Persons: the list and one person field by field."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tollbook.web.auth import GUARD, Viewer
from tollbook.web.deps import cached, db_session
from tollbook.web.permissions import Perm
from tollbook.web.render import render
from tollbook.web.uploads import MAX_BYTES, keep_evidence
from tollbook.web.views.paging import Paging, paging_params
from tollbook.web.views.persons import namesakes, person_detail, persons_page

router = APIRouter(include_in_schema=False)
DONE_KEYS = ("verified", "evidence", "merged", "split_from")


@router.get("/persons")
def persons_list(request: Request, paging: Paging = Depends(paging_params), source: str = Query("", max_length=200),
                 viewer: Viewer = Depends(GUARD[Perm.READ]), session: Session = Depends(db_session)) -> Response:
    """Linked persons, most reported first."""
    data = cached(request, session, ("persons", paging.page, paging.per_page, source),
                  lambda: persons_page(session, paging, source or None))
    return render(request, viewer, "persons.html", {"data": data, "source": source})


@router.get("/persons/{public_id}")
def person_page(request: Request, public_id: str, viewer: Viewer = Depends(GUARD[Perm.READ]),
                session: Session = Depends(db_session)) -> Response:
    """Every value of each field with its source, the accepted value and why; the person's records."""
    from tollbook.enums import EvidenceKind

    detail = person_detail(session, public_id, viewer.can(Perm.CONFIDENTIAL))
    return render(request, viewer, "person.html",
                  {"d": detail, "namesakes": namesakes(session, detail) if viewer.can(Perm.REVIEW) else [],
                   "kinds": [k.value for k in EvidenceKind], "levels": ["verified", "contested", "discounted",
                                                                        "computed"],
                   "done": next(((key, request.query_params[key]) for key in DONE_KEYS
                                 if request.query_params.get(key)), None)})


@router.post("/persons/{public_id}/evidence")
async def evidence_upload(request: Request, public_id: str, file: UploadFile = File(...),
                          kind: str = Form(..., max_length=40), description: str = Form("", max_length=2000),
                          captured_by: str = Form("", max_length=200),
                          viewer: Viewer = Depends(GUARD[Perm.EVIDENCE]),
                          session: Session = Depends(db_session)) -> Response:
    """Keep an uploaded file in the evidence store (sha256) and attach it to the person (audited)."""
    from tollbook.evidence import add_evidence
    from tollbook.evidence.items import EvidenceInput

    path = keep_evidence(request.app.state.uploads, file.filename or "evidence", await file.read(MAX_BYTES + 1))
    info = EvidenceInput(kind, description.strip() or None, None, captured_by.strip() or None)
    add_evidence(session, request.app.state.evidence, path, info, public_id=public_id, actor=viewer.actor)
    return RedirectResponse(f"/persons/{public_id}?evidence=1", status_code=303)


@router.post("/persons/{public_id}/verify")
async def verify(request: Request, public_id: str, level: str = Form(..., max_length=40),
                 reason: str = Form("", max_length=2000), viewer: Viewer = Depends(GUARD[Perm.VERIFY]),
                 session: Session = Depends(db_session)) -> Response:
    """Grade the person (verified needs evidence ticked; every grade a reason), through tollbook.evidence."""
    from tollbook.evidence import set_level

    form = await request.form()
    evidence_ids = [int(value) for value in form.getlist("evidence") if str(value).isdigit()]
    set_level(session, public_id, level, viewer.actor, reason, evidence_ids)
    return RedirectResponse(f"/persons/{public_id}?verified={level}", status_code=303)


@router.post("/persons/{public_id}/merge")
def merge(public_id: str, other: str = Form(..., max_length=40), reason: str = Form("", max_length=2000),
          viewer: Viewer = Depends(GUARD[Perm.REVIEW]), session: Session = Depends(db_session)) -> Response:
    """Merge person `other` into this one with tollbook.link.persons.merge_persons (as `tollbook persons merge`):
    binding on later linkage runs, with the reason (audited)."""
    from tollbook.link.persons import merge_persons

    merge_persons(session, public_id, other.strip(), reason, viewer.actor)
    return RedirectResponse(f"/persons/{public_id}?merged={other.strip()}", status_code=303)


@router.post("/persons/{public_id}/split")
async def split(request: Request, public_id: str, reason: str = Form("", max_length=2000),
                viewer: Viewer = Depends(GUARD[Perm.REVIEW]), session: Session = Depends(db_session)) -> Response:
    """Split the ticked records off into a new person with tollbook.link.persons.split_person (as `tollbook
    persons split`): binding on later linkage runs, with the reason (audited)."""
    from tollbook.link.persons import split_person

    form = await request.form()
    record_ids = [int(value) for value in form.getlist("record") if str(value).isdigit() and len(str(value)) < 19]
    done = await run_in_threadpool(split_person, session, public_id, record_ids, reason, viewer.actor)
    return RedirectResponse(f"/persons/{done.persons[1]}?split_from={public_id}", status_code=303)
