"""Sign-in for the web app: signed session cookies, the permission check every route declares, CSRF tokens.

The session cookie holds the user id, the account's session version and a random nonce, signed with the app's
secret (itsdangerous); it is HttpOnly and SameSite=Lax. Bumping the account's session version (sign-out, a new
password or role) ends every cookie issued before. A CSRF token is an HMAC of the nonce; anonymous visitors get a
nonce cookie of their own so that the sign-in form is protected too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.responses import Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tollbook.enums import Role
from tollbook.model import User
from tollbook.web.cache import MISSING
from tollbook.web.deps import cached, db_session
from tollbook.web.permissions import Perm, allowed

SESSION_COOKIE = "tollbook_session"
NONCE_COOKIE = "tollbook_nonce"
SESSION_SECONDS = 12 * 3600
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class LoginRequired(Exception):
    """The route needs a signed-in user and there is none."""


class Forbidden(Exception):
    """The signed-in user's role lacks the route's permission."""

    def __init__(self, perm: Perm) -> None:
        super().__init__(perm.value)
        self.perm = perm


class CsrfFailed(Exception):
    """An unsafe request came without the CSRF token of its session."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking: a signed-in user (name, role) or an anonymous visitor (role None), and their nonce."""

    name: str | None
    role: Role | None
    nonce: str
    user_id: int | None = None

    def can(self, perm: Perm) -> bool:
        """Whether this viewer holds `perm` (by the permission table)."""
        return allowed(self.role, perm)

    @property
    def actor(self) -> str:
        """The name written on audit events."""
        return f"web:{self.name}" if self.name else "web:anonymous"


def _serializer(request: Request) -> URLSafeTimedSerializer:
    """The signer of session cookies, keyed by the app's secret."""
    return URLSafeTimedSerializer(request.app.state.secret, salt="tollbook-session")


def _anonymous(request: Request) -> Viewer:
    """An anonymous viewer with the nonce from its cookie (or a new one, set on the response later)."""
    nonce = request.cookies.get(NONCE_COOKIE) or ""
    if len(nonce) != 32 or not nonce.isalnum():
        nonce = secrets.token_hex(16)
        request.state.new_nonce = nonce
    return Viewer(None, None, nonce)


def viewer_of(request: Request, session: Session) -> Viewer:
    """The viewer of a request, from its session cookie when that is valid and current."""
    cached = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached
    viewer = _from_cookie(request, session) or _anonymous(request)
    request.state.viewer = viewer
    return viewer


def _from_cookie(request: Request, session: Session) -> Viewer | None:
    """The signed-in viewer, or None when the cookie is missing, forged, expired or ended."""
    data = _cookie_data(request)
    if data is None:
        return None
    account = cached(request, session, ("account", data[0]), lambda: _account(session, data[0]))
    return _checked(account, *data)


def _cookie_data(request: Request) -> tuple[int, int, str] | None:
    """(user id, session version, nonce) of a valid session cookie, or None when it is missing, forged or
    expired."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        data = _serializer(request).loads(cookie, max_age=SESSION_SECONDS)
        return int(data["u"]), int(data["v"]), str(data["n"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def _checked(account: _Account | None, user_id: int, version: int, nonce: str) -> Viewer | None:
    """The viewer of a cookie whose account still exists, is active and issued this session version."""
    if account is None or not account.active or account.session_version != version:
        return None
    return Viewer(account.name, account.role, nonce, user_id)


@dataclass(frozen=True)
class _Account:
    """What a session check needs of a user row (cached per data version: every account change is audited)."""

    name: str
    role: Role
    active: bool
    session_version: int


def _account(session: Session, user_id: int) -> _Account | None:
    """The account of a user id, or None."""
    user = session.get(User, user_id)
    return None if user is None else _Account(user.name, user.role, user.active, user.session_version)


def start_session(request: Request, response: Response, user: User) -> None:
    """Set a fresh session cookie for `user` (a new nonce: tokens of the anonymous page stop working)."""
    value = _serializer(request).dumps({"u": user.id, "v": user.session_version, "n": secrets.token_hex(16)})
    response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_SECONDS, httponly=True, samesite="lax",
                        secure=_secure(request), path="/")


def end_session(response: Response) -> None:
    """Remove the session cookie from the browser (the account's version bump ends it everywhere)."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def _secure(request: Request) -> bool:
    """Mark cookies Secure when the app is reached over HTTPS."""
    return request.url.scheme == "https"


def set_nonce_cookie(request: Request, response: Response) -> None:
    """Give an anonymous visitor the nonce cookie its CSRF tokens are bound to."""
    nonce = getattr(request.state, "new_nonce", None)
    if nonce:
        response.set_cookie(NONCE_COOKIE, nonce, max_age=SESSION_SECONDS, httponly=True, samesite="lax",
                            secure=_secure(request), path="/")


def csrf_token(request: Request, viewer: Viewer) -> str:
    """The CSRF token of a viewer's session: an HMAC of its nonce under the app's secret."""
    key = hashlib.sha256(b"csrf" + request.app.state.secret.encode()).digest()
    return hmac.new(key, viewer.nonce.encode(), hashlib.sha256).hexdigest()


async def _submitted_token(request: Request) -> str:
    """The token a request carries: the X-CSRF-Token header, else the form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


async def current_viewer(request: Request, session: Session = Depends(db_session)) -> Viewer:
    """The request's viewer: on the event loop when a reading request's account is in the cache at a fresh data
    version (no database needed), else looked up in a worker thread."""
    viewer = _viewer_from_caches(request) if request.method not in UNSAFE else None
    return viewer if viewer is not None else await run_in_threadpool(viewer_of, request, session)


def _viewer_from_caches(request: Request) -> Viewer | None:
    """The viewer of a reading request when no query is needed to know it (None: ask the database). The data
    version it used becomes the request's, as tollbook.web.deps.request_version would have made it."""
    if not request.cookies.get(SESSION_COOKIE):
        viewer = request.state.viewer = _anonymous(request)
        return viewer
    version = getattr(request.state, "data_version", None) or request.app.state.version.peek()
    data = _cookie_data(request) if version is not None else None
    if data is None:
        return None
    account = request.app.state.cache.peek(version, ("account", data[0]))
    if account is MISSING:
        return None
    request.state.data_version = version
    viewer = request.state.viewer = _checked(account, *data)
    return viewer


def need(perm: Perm):  # noqa: ANN201 - a FastAPI dependency
    """The dependency a route declares: its permission (checked by the table) and, for unsafe methods, CSRF."""

    async def check(request: Request, viewer: Viewer = Depends(current_viewer)) -> Viewer:
        if not viewer.can(perm):
            raise LoginRequired() if viewer.role is None else Forbidden(perm)
        if request.method in UNSAFE:
            token = await _submitted_token(request)
            if not hmac.compare_digest(token, csrf_token(request, viewer)):
                raise CsrfFailed()
        return viewer

    check.permission = perm  # type: ignore[attr-defined] - read by the route walk in the tests
    return check


GUARD = {perm: need(perm) for perm in Perm}  # one dependency per permission: routes use Depends(GUARD[perm])
