"""Login rate limiting: a few failed sign-ins per name and per address in a window, then a wait.

The counts live in the database (login_attempts), so every worker process of `tollbook serve --workers N`
counts the same attempts. An attempt is written (and committed) before it is counted, so attempts racing in
different workers see each other: at most the limit of passwords are tried per window, however they arrive.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from tollbook.model import LoginAttempt
from tollbook.store import session_scope

PER_NAME = 5  # failures per account name in the window
PER_ADDRESS = 20  # failures per client address in the window
WINDOW_SECONDS = 15 * 60


@dataclass(frozen=True)
class Attempt:
    """One sign-in attempt as counted: its rows (name, address), and the wait when it is over a limit."""

    name: str
    ids: tuple[int, ...]
    wait: int


class LoginLimiter:
    """Sliding-window counts of sign-in attempts in the database, keyed by account name and by client address."""

    def __init__(self, engine: Engine, per_name: int = PER_NAME, per_address: int = PER_ADDRESS,
                 window: float = WINDOW_SECONDS, clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self.limits = {"name": per_name, "address": per_address}
        self.window = window
        self.clock = clock

    @staticmethod
    def _keys(name: str, address: str) -> tuple[tuple[str, str], ...]:
        """The (scope, key) pairs an attempt counts under."""
        return ("name", name.casefold()[:200]), ("address", address[:200])

    def attempt(self, name: str, address: str) -> Attempt:
        """Count one attempt for this name from this address. Over a limit, its wait is the seconds until the
        oldest attempt leaves the window, and it is not counted (a refused attempt tries no password)."""
        now = self.clock()
        with session_scope(self.engine) as session:
            rows = [LoginAttempt(scope=scope, key=key, at=now) for scope, key in self._keys(name, address)]
            session.add_all(rows)
            session.flush()
            ids = tuple(row.id for row in rows)
        with session_scope(self.engine) as session:
            wait = max(self._wait(session, scope, key, now) for scope, key in self._keys(name, address))
            if wait:
                session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(ids)))
        return Attempt(name, () if wait else ids, wait)

    def _wait(self, session: Session, scope: str, key: str, now: float, extra: int = 0) -> int:
        """Seconds until the oldest attempt of a key leaves the window, when the key's attempts (and `extra`
        more) are over its limit."""
        count, oldest = session.execute(
            select(func.count(), func.min(LoginAttempt.at)).where(
                LoginAttempt.scope == scope, LoginAttempt.key == key, LoginAttempt.at > now - self.window)).one()
        if count + extra <= self.limits[scope]:
            return 0
        return max(1, int(oldest + self.window - now) + 1)

    def wait_seconds(self, name: str, address: str) -> int:
        """Seconds until another attempt would be allowed for this name from this address (0: allowed now)."""
        now = self.clock()
        with session_scope(self.engine) as session:  # as if one more attempt were counted
            return max(self._wait(session, scope, key, now, 1) for scope, key in self._keys(name, address))

    def failed(self, attempt: Attempt) -> None:
        """A wrong password: the attempt stays counted; attempts out of the window are dropped."""
        with session_scope(self.engine) as session:
            session.execute(delete(LoginAttempt).where(LoginAttempt.at <= self.clock() - self.window))

    def succeeded(self, attempt: Attempt) -> None:
        """A correct password clears the name's attempts, and this attempt from the address's."""
        scope, key = self._keys(attempt.name, "")[0]
        with session_scope(self.engine) as session:
            session.execute(delete(LoginAttempt).where(
                (LoginAttempt.id.in_(attempt.ids)) | ((LoginAttempt.scope == scope) & (LoginAttempt.key == key))))
