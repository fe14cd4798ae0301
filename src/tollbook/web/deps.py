"""The database session of one request: committed when the route succeeds, rolled back when it fails."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Hashable
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tollbook.store import new_session
from tollbook.web.cache import data_version


async def db_session(request: Request) -> AsyncIterator[Session]:
    """One session per request on the app's engine, committed when the route succeeds and rolled back when it
    fails, as tollbook.store.session_scope does. It is made on the event loop (a session holds no connection
    until its first query) and ended in a worker thread only when it opened a transaction, so a request served
    from the caches, which never opens one, makes no thread hop for its session."""
    session = new_session(request.app.state.engine)
    try:
        yield session
        if session.in_transaction():
            await run_in_threadpool(session.commit)
    except BaseException:
        if session.in_transaction():
            await run_in_threadpool(session.rollback)
        raise
    finally:
        session.close()  # no transaction is left open, so this gives back no connection: no I/O


SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


def request_version(request: Request, session: Session) -> int:
    """The data version a request reads at: the app's DataVersion, once per reading request (a request that
    writes looks it up at each use, so what it wrote is never cached under the version before)."""
    if request.method not in SAFE:
        return data_version(session)
    version = getattr(request.state, "data_version", None)
    if version is None:
        version = request.state.data_version = request.app.state.version.get(lambda: data_version(session))
    return version


def cached(request: Request, session: Session, key: Hashable, compute: Callable[[], Any]) -> Any:
    """Page data from the app's ViewCache (valid while no audit event was added; see tollbook.web.cache)."""
    return request.app.state.cache.get(request_version(request, session), key, compute)
