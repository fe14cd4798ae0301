"""The database session of one request: committed when the route succeeds, rolled back when it fails."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from tollbook.store import session_scope


def db_session(request: Request) -> Iterator[Session]:
    """One session per request on the app's engine (see tollbook.store.session_scope)."""
    with session_scope(request.app.state.engine) as session:
        yield session


def cached(request: Request, session: Session, key: Hashable, compute: Callable[[], Any]) -> Any:
    """Page data from the app's ViewCache (valid while no audit event was added; see tollbook.web.cache)."""
    return request.app.state.cache.get(session, key, compute)
