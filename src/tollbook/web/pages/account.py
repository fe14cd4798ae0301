"""Signing in and out."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tollbook import users
from tollbook.model import User
from tollbook.web.auth import GUARD, Viewer, end_session, start_session
from tollbook.web.deps import db_session
from tollbook.web.i18n import persian_digits, pick_language, translate
from tollbook.web.permissions import Perm
from tollbook.web.render import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login")
def login_form(request: Request, next: str = "/", viewer: Viewer = Depends(GUARD[Perm.PUBLIC])) -> Response:
    """The sign-in form."""
    return render(request, viewer, "login.html", {"next": _safe_next(next), "error": None, "name": ""})


@router.post("/login")
def login(request: Request, name: str = Form(..., max_length=200), password: str = Form(..., max_length=1000),
          next: str = Form("/"), viewer: Viewer = Depends(GUARD[Perm.PUBLIC]),
          session: Session = Depends(db_session)) -> Response:
    """Check the password (rate limited per name and per address) and start a session."""
    limiter, address = request.app.state.limiter, request.client.host if request.client else "unknown"
    lang = pick_language(request)
    attempt = limiter.attempt(name, address)
    if attempt.wait:
        seconds = persian_digits(str(attempt.wait)) if lang == "fa" else attempt.wait
        page = render(request, viewer, "login.html", {"next": _safe_next(next), "name": name,
                                                      "error": translate(lang, "too_many", seconds=seconds)}, 429)
        page.headers["Retry-After"] = str(attempt.wait)
        return page
    user = users.authenticate(session, name, password)
    if user is None:
        limiter.failed(attempt)
        return render(request, viewer, "login.html", {"next": _safe_next(next), "name": name,
                                                      "error": translate(lang, "bad_login")}, 401)
    limiter.succeeded(attempt)
    response = RedirectResponse(_safe_next(next), status_code=303)
    start_session(request, response, user)
    return response


@router.post("/logout")
def logout(viewer: Viewer = Depends(GUARD[Perm.SIGNED_IN]), session: Session = Depends(db_session)) -> Response:
    """End every session of this account and drop the cookie."""
    user = session.get(User, viewer.user_id)
    if user is not None:
        users.end_sessions(session, user, viewer.actor)
    response = RedirectResponse("/login", status_code=303)
    end_session(response)
    return response
