"""The database session of one request: committed when the route succeeds, rolled back when it fails."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from tollbook.store import session_scope
from tollbook.web.cache import data_version


def db_session(request: Request) -> Iterator[Session]:
    """One session per request on the app's engine (see tollbook.store.session_scope: a request served from
    the caches never opens a transaction)."""
    with session_scope(request.app.state.engine) as session:
        yield session


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
