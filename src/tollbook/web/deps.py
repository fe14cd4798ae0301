"""The database session of one request: committed when the route succeeds, rolled back when it fails."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.orm import Session

from tollbook.store import session_scope


def db_session(request: Request) -> Iterator[Session]:
    """One session per request on the app's engine (see tollbook.store.session_scope)."""
    with session_scope(request.app.state.engine) as session:
        yield session
