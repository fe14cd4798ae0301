"""One linkage run at a time per database, held until the run's transaction ends: a PostgreSQL advisory
transaction lock, or on SQLite an exclusive lock on a file beside the database. A second run is told so in one
line instead of failing later on a unique constraint.
"""

from __future__ import annotations

import fcntl
import os

from sqlalchemy import event, text
from sqlalchemy.orm import Session

from tollbook.errors import TollbookError

ADVISORY_KEY = 0x7011_B00C  # this application's advisory lock id for linkage runs
BUSY = "another `tollbook link` run is linking this database now; wait for it to finish and run again"


class LinkRunningError(TollbookError):
    """Another linkage run holds the database."""


def hold_link_lock(session: Session) -> None:
    """Take the database's linkage lock until the session's transaction commits or rolls back; raises
    LinkRunningError at once if another run holds it. In-memory SQLite needs no lock."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        if not session.execute(text("select pg_try_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY}).scalar():
            raise LinkRunningError(BUSY)
        return
    database = bind.url.database
    if bind.dialect.name == "sqlite" and database and database != ":memory:":
        session.execute(text("select 1"))  # begin the transaction whose end releases the lock
        _hold_file_lock(session, database + ".link-lock")


def _hold_file_lock(session: Session, path: str) -> None:
    """Lock `path` exclusively (non-blocking) until the session's transaction ends or the process dies."""
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(handle)
        raise LinkRunningError(BUSY) from None

    held = [True]

    def release(*_args: object) -> None:
        if held.pop() if held else False:
            fcntl.flock(handle, fcntl.LOCK_UN)
            os.close(handle)

    event.listen(session, "after_commit", release)
    event.listen(session, "after_rollback", release)
