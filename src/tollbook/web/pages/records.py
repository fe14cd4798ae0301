"""Records: search and list, one record with everything known of it, and the correction form."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tollbook.enums import Status, Verification
from tollbook.errors import TollbookError
from tollbook.places import cities, provinces
from tollbook.records import get_record, revise_record, superseded_ids
from tollbook.web.auth import GUARD, Viewer
from tollbook.web.deps import cached, db_session
from tollbook.web.forms import FORM_FIELDS, changes_of, form_values, read_form
from tollbook.web.permissions import Perm
from tollbook.web.render import render
from tollbook.web.views.paging import Paging
from tollbook.web.views.records import LIST_COLUMNS, record_detail, record_filter, records_page
from tollbook.web.views.search import SearchForm

router = APIRouter(include_in_schema=False)


@router.get("/records")
def records_list(request: Request, search: SearchForm = Depends(), paging: Paging = Depends(),
                 viewer: Viewer = Depends(GUARD[Perm.READ]), session: Session = Depends(db_session)) -> Response:
    """Current records matching the search, a page at a time."""
    context = {"search": search, "columns": LIST_COLUMNS, "statuses": [s.value for s in Status],
               "levels": [v.value for v in Verification], "error": None, "data": None}
    try:
        flt = record_filter(**search.as_dict())
        confidential = viewer.can(Perm.CONFIDENTIAL)
        context["data"] = cached(request, session, ("records", flt, paging.page, paging.per_page, confidential),
                                 lambda: records_page(session, flt, paging, confidential))
    except TollbookError as exc:
        context["error"] = str(exc)
    return render(request, viewer, "records.html", context, 200 if context["error"] is None else 400)


@router.get("/records/{record_id}")
def record_page(request: Request, record_id: int, viewer: Viewer = Depends(GUARD[Perm.READ]),
                session: Session = Depends(db_session)) -> Response:
    """One record: every revision, source, evidence, person; raw row and audit history for confidential roles."""
    detail = record_detail(session, record_id, viewer.can(Perm.CONFIDENTIAL))
    return render(request, viewer, "record.html", {"d": detail, "saved": request.query_params.get("saved")})


def _form_context(record_id: int, values: dict[str, str], messages: dict, error: str | None,
                  reason: str = "") -> dict:
    """What the correction form template needs."""
    return {"record_id": record_id, "values": values, "messages": messages, "error": error, "reason": reason,
            "fields": FORM_FIELDS, "provinces": provinces(), "cities": cities()}


@router.get("/records/{record_id}/correct")
def correct_form(request: Request, record_id: int, viewer: Viewer = Depends(GUARD[Perm.EDIT_RECORDS]),
                 session: Session = Depends(db_session)) -> Response:
    """The correction form, filled with the record's values."""
    record = get_record(session, record_id)
    return render(request, viewer, "correct.html", _form_context(record_id, form_values(record), {}, None))


@router.post("/records/{record_id}/correct")
async def correct(request: Request, record_id: int, viewer: Viewer = Depends(GUARD[Perm.EDIT_RECORDS]),
                  session: Session = Depends(db_session)) -> Response:
    """Validate the form as an import would and store a new revision (audited); errors stay beside fields."""
    form = await request.form()
    values = {name: str(form.get(name, "")) for name in FORM_FIELDS}
    reason = str(form.get("reason", "")).strip()
    record = get_record(session, record_id)
    if record_id in superseded_ids(session):
        raise TollbookError(f"record {record_id} was already revised: correct its latest revision instead")
    parsed, messages = read_form(values)
    problem = "fix_fields" if parsed is None else ("reason_needed" if not reason else None)
    changes = changes_of(record, parsed, viewer.can(Perm.CONFIDENTIAL)) if parsed else {}
    if problem is None and not changes:
        problem = "no_change"
    if problem:
        return render(request, viewer, "correct.html", _form_context(record_id, values, messages, problem, reason),
                      400)
    new = revise_record(session, record_id, changes, viewer.actor, reason)
    return RedirectResponse(f"/records/{new.id}?saved=1", status_code=303)
