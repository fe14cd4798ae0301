"""The Tollbook web app: server-rendered pages and a JSON API over the same library calls as the CLI.

`create_app(url)` opens the database (which must be initialised and current), picks the session secret
(TOLLBOOK_SECRET_KEY, else a random one: sign-ins then end when the server restarts) and mounts the routes.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from tollbook import __version__
from tollbook.errors import NotFoundError, TollbookError
from tollbook.evidence import store_for
from tollbook.records import InputError
from tollbook.store import mask_url, open_engine, require_current, session_scope
from tollbook.web.auth import CsrfFailed, Forbidden, LoginRequired, viewer_of
from tollbook.web.bundles import BundleSetup, bundle_setup
from tollbook.web.cache import DataVersion, ViewCache
from tollbook.web.deps import SAFE
from tollbook.web.error_words import shown_error
from tollbook.web.i18n import pick_language, translate
from tollbook.web.issue_words import shown_issue
from tollbook.web.jobs import JobRunner
from tollbook.web.ratelimit import LoginLimiter
from tollbook.web.render import render

UPLOADS_ENV = "TOLLBOOK_UPLOADS"
POOL_SIZE = 20  # requests inside the app at once, each with its connection (as many again for jobs and spare)
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                                 b"form-action 'self'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Pure ASGI middleware adding a strict content security policy and friends to every response."""

    def __init__(self, app) -> None:  # noqa: ANN001 - an ASGI app
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001 - ASGI
        async def send_with_headers(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _value in headers}
                message["headers"] = headers + [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


class InFlightLimit:
    """Pure ASGI middleware letting at most `limit` requests into the app at once; the rest wait their turn on
    the event loop. A request holds a database connection from its first query to its end, across worker-thread
    hops, so without this bound a burst of readers could take every pooled connection and starve each other.
    After a request that may have written, the app's DataVersion is told so."""

    def __init__(self, app, limit: int) -> None:  # noqa: ANN001 - an ASGI app
        self.app, self.limit = app, limit
        self._gate: asyncio.Semaphore | None = None

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001 - ASGI
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self._gate = self._gate or asyncio.Semaphore(self.limit)
        try:
            async with self._gate:
                await self.app(scope, receive, send)
        finally:
            if scope.get("method") not in SAFE:  # it may have written: readers look the data version up again
                scope["app"].state.version.changed()


def _is_api(request: Request) -> bool:
    """Whether a request is for the JSON API (errors then come back as JSON)."""
    return request.url.path.startswith("/api/")


async def _error(request: Request, status: int, key: str, detail: str | None = None,
                 error: TollbookError | None = None) -> Response:
    """An error as JSON for the API (English, with the error's code) and as a page for browsers (in the page's
    language where the error's code has words in it)."""
    lang = pick_language(request)
    if _is_api(request):
        body = {"error": key, "detail": str(error) if error is not None else detail or translate(lang, key)}
        return JSONResponse(body | ({"code": error.code} if error is not None and error.code else {}),
                            status_code=status)
    shown = shown_error(lang, error) if error is not None else None
    message = shown.text if shown else detail or translate(lang, key)
    said = {"message": message, "status": status, "message_lang": shown.lang if shown else lang,
            "code": shown.code if shown else key}
    return await run_in_threadpool(_error_page, request, said)


def _error_page(request: Request, said: dict[str, object]) -> Response:
    """The error page for this viewer (in a worker thread: it reads the session's user)."""
    with session_scope(request.app.state.engine) as session:
        viewer = viewer_of(request, session)
        return render(request, viewer, "error.html", said, status_code=int(said["status"]))


def _handlers(app: FastAPI) -> None:
    """Turn sign-in, permission, CSRF and library errors into clear answers."""

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if _is_api(request):
            return JSONResponse({"error": "login_required", "detail": "sign in first"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return await _error(request, 403, "forbidden", None if not _is_api(request) else f"your role lacks {exc.perm}")

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, _exc: CsrfFailed) -> Response:
        return await _error(request, 403, "csrf")

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return await _error(request, 404, "not_found", error=exc)

    @app.exception_handler(TollbookError)
    async def bad_request(request: Request, exc: TollbookError) -> Response:
        return await _error(request, 400, "bad_request", error=exc)

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> Response:
        if not _is_api(request):
            return await _error(request, 400, "bad_request", str(exc))
        lang = pick_language(request)  # each issue's code and parameters beside its English reason
        issues = [{"field": i.field, "severity": i.severity, "code": i.code, "params": i.params, "reason": i.reason,
                   "message": shown_issue(lang, i).text} for i in exc.issues]
        return JSONResponse(jsonable_encoder({"error": "bad_request", "detail": str(exc), "issues": issues}),
                            status_code=400)


def _secret() -> str:
    """The session-signing secret: TOLLBOOK_SECRET_KEY, else a fresh random one."""
    return os.environ.get("TOLLBOOK_SECRET_KEY") or secrets.token_urlsafe(32)


def _uploads_folder() -> Path:
    """Where uploads wait for their import: TOLLBOOK_UPLOADS (one folder all worker processes share), else a
    fresh private temporary folder."""
    shared = os.environ.get(UPLOADS_ENV)
    return Path(shared) if shared else Path(tempfile.mkdtemp(prefix="tollbook-uploads-"))


def app_from_environment() -> FastAPI:
    """The app of one worker process of `tollbook serve --workers N`: database, secret, uploads folder and
    bundle setup all come from the environment the command set for its workers."""
    return create_app(os.environ["TOLLBOOK_DB"])


def create_app(url: str | None = None, secret: str | None = None, engine: Engine | None = None,
               limiter: LoginLimiter | None = None, evidence_root: Path | None = None,
               bundles: BundleSetup | None = None) -> FastAPI:
    """The app over the database at `url` (or an open `engine`); evidence files go to tollbook.evidence's store
    (`evidence_root`, else TOLLBOOK_EVIDENCE, else beside a SQLite file); field bundles are opened with the
    project key of `bundles` (else tollbook.web.bundles.bundle_setup's, from the environment)."""
    from tollbook.web import api, pages

    engine = engine or open_engine(url, create=False, pool_size=POOL_SIZE, max_overflow=POOL_SIZE)
    require_current(engine)
    app = FastAPI(title="Tollbook", version=__version__, docs_url=None, redoc_url=None,  # their pages load a CDN
                  openapi_url="/api/openapi.json",
                  description="Tollbook's JSON API: the same data and permissions as the pages. Sign in on "
                              "/login; send the session's X-CSRF-Token (GET /api/session) with every change.")
    app.state.engine = engine
    app.state.db_label = mask_url(str(engine.url))
    app.state.secret = secret or _secret()
    app.state.limiter = limiter or LoginLimiter(engine)
    app.state.jobs = JobRunner(engine)
    app.state.cache = ViewCache()
    app.state.version = DataVersion()
    app.state.uploads = _uploads_folder()
    app.state.evidence = store_for(str(engine.url), evidence_root)
    app.state.bundles = bundles or bundle_setup()
    _handlers(app)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static")
    for router in pages.ROUTERS + api.ROUTERS:
        app.include_router(router)
    app.add_middleware(InFlightLimit, limit=POOL_SIZE)
    app.add_middleware(SecurityHeaders)
    return app

