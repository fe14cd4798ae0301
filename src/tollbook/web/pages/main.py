"""Dashboard, sources, the audit log and the accounts page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tollbook import sources, users
from tollbook.enums import Role
from tollbook.errors import TollbookError
from tollbook.web.auth import GUARD, Viewer
from tollbook.web.deps import cached, db_session
from tollbook.web.permissions import Perm
from tollbook.web.render import render, render_cached
from tollbook.web.views.audit import audit_page
from tollbook.web.views.dashboard import headline
from tollbook.web.views.paging import Paging, paging_params

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard(request: Request, viewer: Viewer = Depends(GUARD[Perm.READ]),
              session: Session = Depends(db_session)) -> Response:
    """The headline numbers and the team's working counts."""
    def page_context() -> dict:
        return {"data": cached(request, session, ("headline", True), lambda: headline(session, internal=True))}

    return render_cached(request, viewer, session, "dashboard.html", ("dashboard",), page_context)


@router.get("/sources")
def sources_page(request: Request, viewer: Viewer = Depends(GUARD[Perm.READ]),
                 session: Session = Depends(db_session)) -> Response:
    """Every source; contacts only for roles that may see confidential values."""
    rows = [sources.source_row(s, viewer.can(Perm.CONFIDENTIAL)) for s in sources.list_sources(session)]
    return render(request, viewer, "sources.html", {"rows": rows})


@router.get("/audit")
def audit_log(request: Request, paging: Paging = Depends(paging_params), viewer: Viewer = Depends(GUARD[Perm.AUDIT]),
              session: Session = Depends(db_session)) -> Response:
    """The audit log, newest first, with the chain's state."""
    return render(request, viewer, "audit.html", {"data": audit_page(session, paging)})


@router.get("/users")
def users_page(request: Request, viewer: Viewer = Depends(GUARD[Perm.ADMIN]),
               session: Session = Depends(db_session)) -> Response:
    """Accounts and a form to add one."""
    rows = [users.user_row(u) for u in users.list_users(session)]
    return render(request, viewer, "users.html", {"rows": rows, "roles": [r.value for r in Role], "error": None})


@router.post("/users")
def users_add(request: Request, name: str = Form(..., max_length=200), role: str = Form(...),
              password: str = Form(..., max_length=1000), viewer: Viewer = Depends(GUARD[Perm.ADMIN]),
              session: Session = Depends(db_session)) -> Response:
    """Add an account (audited; the password is kept only as its argon2id hash)."""
    try:
        users.add_user(session, name, role, password, actor=viewer.actor)
    except TollbookError as exc:
        rows = [users.user_row(u) for u in users.list_users(session)]
        return render(request, viewer, "users.html", {"rows": rows, "roles": [r.value for r in Role],
                                                      "error": str(exc)}, 400)
    return RedirectResponse("/users", status_code=303)
