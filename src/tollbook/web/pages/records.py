"""Records: search and list, one record with everything known of it, the new-record and correction forms and
retraction. Each form calls the tollbook.records function the CLI calls (`records add|correct|retract`); the
library's validation issues are shown beside their fields."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from tollbook import records
from tollbook.enums import Status, Verification
from tollbook.errors import TollbookError
from tollbook.places import cities
from tollbook.sources import list_sources
from tollbook.web.auth import GUARD, Viewer
from tollbook.web.deps import cached, db_session
from tollbook.web.forms import FORM_FIELDS, Messages, form_values, messages_of, submitted, typed_changes
from tollbook.web.i18n import pick_language
from tollbook.web.permissions import Perm
from tollbook.web.render import render, render_cached
from tollbook.web.views.paging import Paging, paging_params
from tollbook.web.views.records import LIST_COLUMNS, record_detail, record_filter, records_page
from tollbook.web.views.search import SearchForm, search_params

router = APIRouter(include_in_schema=False)


@router.get("/records")
def records_list(request: Request, search: SearchForm = Depends(search_params), paging: Paging = Depends(paging_params),
                 viewer: Viewer = Depends(GUARD[Perm.READ]), session: Session = Depends(db_session)) -> Response:
    """Current records matching the search, a page at a time (the page is rendered once per data version)."""
    context = {"search": search, "columns": LIST_COLUMNS, "statuses": [s.value for s in Status],
               "levels": [v.value for v in Verification], "error": None, "data": None}
    confidential = viewer.can(Perm.CONFIDENTIAL)
    try:
        flt = record_filter(**search.as_dict())
        key = ("records", flt, paging.page, paging.per_page, confidential)

        def page_context() -> dict:
            return context | {"data": cached(request, session, key, lambda: records_page(session, flt, paging,
                                                                                         confidential))}

        shown = (key, tuple(search.as_dict().items()))  # the form echoes the search as typed
        return render_cached(request, viewer, session, "records.html", shown, page_context)
    except TollbookError as exc:
        context["error"] = str(exc)
    return render(request, viewer, "records.html", context, 400)


@router.get("/records/new")
def new_form(request: Request, viewer: Viewer = Depends(GUARD[Perm.EDIT_RECORDS]),
             session: Session = Depends(db_session)) -> Response:
    """The empty new-record form."""
    return render(request, viewer, "new_record.html", _new_context(session, dict.fromkeys(FORM_FIELDS, ""), {}))


@router.post("/records/new")
async def new_record(request: Request, viewer: Viewer = Depends(GUARD[Perm.EDIT_RECORDS]),
                     session: Session = Depends(db_session)) -> Response:
    """Check the fields with the library's validation; when they hold only errors-free values (and any warning
    was seen and accepted) add the record with tollbook.records.add_record (audited)."""
    form = await request.form()
    return await run_in_threadpool(_add, request, viewer, session, form)  # database work off the event loop


def _add(request: Request, viewer: Viewer, session: Session, form: FormData) -> Response:
    """The new-record form's work (see new_record)."""
    values, source = submitted(form), str(form.get("source", "")).strip()[:200]
    reason, confirmed = str(form.get("reason", "")).strip()[:2000], form.get("confirm") == "1"
    entered = {name: text.strip() for name, text in values.items() if text.strip()}
    messages: Messages = {}
    problem = "source_needed" if not source else ("empty_record" if not entered else None)
    if problem is None:
        parsed, issues = records.check_input(entered)
        messages = messages_of(issues, pick_language(request))
        problem = "fix_fields" if parsed is None else ("confirm_warnings" if issues and not confirmed else None)
    if problem is None:
        try:
            added = records.add_record(session, source, entered, viewer.actor, reason or None)
        except TollbookError as exc:  # e.g. the source already holds this record id
            session.rollback()  # nor the source it may have created
            problem = str(exc)
        else:
            return RedirectResponse(f"/records/{added.record.id}?added=1", status_code=303)
    context = _new_context(session, values, messages, problem, reason) | {"source": source}
    return render(request, viewer, "new_record.html", context, 400)


def _new_context(session: Session, values: dict[str, str], messages: Messages, error: str | None = None,
                 reason: str = "") -> dict:
    """What the new-record form template needs."""
    return _form_context(None, values, messages, error, reason) | {
        "source": "", "sources": [s.name for s in list_sources(session)]}


@router.get("/records/{record_id}")
def record_page(request: Request, record_id: int, viewer: Viewer = Depends(GUARD[Perm.READ]),
                session: Session = Depends(db_session)) -> Response:
    """One record: every revision, source, evidence, person; raw row and audit history for confidential roles."""
    detail = record_detail(session, record_id, viewer.can(Perm.CONFIDENTIAL))
    done = next((key for key in ("saved", "added", "retracted") if request.query_params.get(key)), None)
    return render(request, viewer, "record.html", {"d": detail, "done": done, "error": None})


def _form_context(record_id: int | None, values: dict[str, str], messages: Messages, error: str | None,
                  reason: str = "") -> dict:
    """What the record form templates need."""
    return {"record_id": record_id, "values": values, "messages": messages, "error": error, "reason": reason,
            "fields": FORM_FIELDS, "cities": cities()}


@router.get("/records/{record_id}/correct")
def correct_form(request: Request, record_id: int, viewer: Viewer = Depends(GUARD[Perm.EDIT_RECORDS]),
                 session: Session = Depends(db_session)) -> Response:
    """The correction form, filled with the record's values."""
    record = records.get_record(session, record_id)
    return render(request, viewer, "correct.html", _form_context(record_id, form_values(record), {}, None))


@router.post("/records/{record_id}/correct")
async def correct(request: Request, record_id: int, viewer: Viewer = Depends(GUARD[Perm.EDIT_RECORDS]),
                  session: Session = Depends(db_session)) -> Response:
    """Correct the fields the user changed with tollbook.records.correct_record (a new audited revision); the
    library's errors stay beside their fields."""
    form = await request.form()
    return await run_in_threadpool(_correct, request, record_id, viewer, session, form)


def _correct(request: Request, record_id: int, viewer: Viewer, session: Session, form: FormData) -> Response:
    """The correction form's work (see correct), in a worker thread."""
    values, reason = submitted(form), str(form.get("reason", "")).strip()[:2000]
    record = records.get_record(session, record_id)
    records.require_current(session, record)
    changes = typed_changes(record, values, viewer.can(Perm.CONFIDENTIAL))
    messages: Messages = {}
    problem = "no_change" if not changes else ("reason_needed" if not reason else None)
    if problem is None:
        try:
            new = records.correct_record(session, record_id, changes, viewer.actor, reason).record
        except records.InputError as exc:
            messages, problem = messages_of(exc.issues, pick_language(request)), "fix_fields"
        except TollbookError as exc:
            problem = str(exc)
        else:
            return RedirectResponse(f"/records/{new.id}?saved=1", status_code=303)
    return render(request, viewer, "correct.html", _form_context(record_id, values, messages, problem, reason), 400)


@router.post("/records/{record_id}/retract")
def retract(request: Request, record_id: int, reason: str = Form("", max_length=2000),
                  viewer: Viewer = Depends(GUARD[Perm.EDIT_RECORDS]),
                  session: Session = Depends(db_session)) -> Response:
    """Withdraw a record with a reason (tollbook.records.retract_record, audited): it stays stored and shown,
    and leaves linkage and estimates."""
    if not reason.strip():
        detail = record_detail(session, record_id, viewer.can(Perm.CONFIDENTIAL))
        context = {"d": detail, "done": None, "error": "retract_reason_needed"}
        return render(request, viewer, "record.html", context, 400)
    records.retract_record(session, record_id, viewer.actor, reason)
    return RedirectResponse(f"/records/{record_id}?retracted=1", status_code=303)
