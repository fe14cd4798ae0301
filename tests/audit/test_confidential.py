"""Confidential values never enter the audit log nor error output, on either engine; new databases are 0600."""

from __future__ import annotations

import stat
import threading
import time
from pathlib import Path

import pytest
from audit_fixtures import MARKER
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from tollbook.cli.common import handled_errors
from tollbook.model import AuditEvent, AuditRow, Record, Source
from tollbook.records import get_record, record_row
from tollbook.store import migrate, open_engine, session_scope


def _log_text(engine) -> str:
    """Everything the audit log holds, as text."""
    with session_scope(engine) as session:
        events = [" ".join(map(str, e)) for e in session.execute(select(AuditEvent.__table__))]
        rows = [" ".join(map(str, r)) for r in session.execute(select(AuditRow.__table__))]
    return "\n".join(events + rows)


def test_revised_confidential_value_is_only_a_hash_in_the_log(audited) -> None:
    log = _log_text(audited.engine)
    assert MARKER not in log and "کوچه" not in log and "witnessed" not in log
    assert '"place_detail":{"changed":"sha256:' in log and '"age":28' in log


def test_evidence_refs_are_confidential(audited) -> None:
    with session_scope(audited.engine) as session:
        row = record_row(get_record(session, audited.record_ids[0]))
    assert "evidence_refs" not in row and "place_detail" not in row and "notes" not in row


def _duplicate_record(engine) -> None:
    """Insert a record under record 1's id carrying the marker: the primary key refuses it (two records of one
    content are allowed: distinct reports of one source may read the same)."""
    with session_scope(engine) as session:
        first = session.scalars(select(Record).order_by(Record.id)).first()
        session.add(Record(id=first.id, source_id=first.source_id, raw={"address": MARKER},
                           content_hash=first.content_hash,
                           place_detail=MARKER, notes=MARKER))
        session.flush()


def test_database_errors_hide_the_values(audited, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(IntegrityError) as caught:
        _duplicate_record(audited.engine)
    assert MARKER not in str(caught.value) and "hidden" in str(caught.value)
    with pytest.raises(Exception), handled_errors():  # noqa: B017 - typer.Exit is what the CLI raises
        _duplicate_record(audited.engine)
    err = capsys.readouterr().err
    assert "database error:" in err and MARKER not in err


@pytest.mark.postgres
def test_postgres_deadlock_traceback_hides_the_values(db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL deadlock")
    engine = open_engine(db_url)
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO sources (id, name, kind, created_at) VALUES (1, 'a', 'ngo', now()), "
                                "(2, 'b', 'ngo', now())"))
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(first: int, second: int) -> None:
        try:
            with engine.begin() as connection:
                update = text("UPDATE sources SET contact = :secret WHERE id = :id")
                connection.execute(update, {"secret": MARKER, "id": first})
                barrier.wait()
                time.sleep(0.2)
                connection.execute(update, {"secret": MARKER, "id": second})
        except DBAPIError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=pair) for pair in ((1, 2), (2, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    engine.dispose()
    assert len(errors) == 1 and "deadlock" in str(errors[0])
    assert MARKER not in str(errors[0])


def test_new_sqlite_database_is_owner_only(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path}/new.db")
    migrate(engine)
    with session_scope(engine) as session:
        session.add(Source(name="x"))
    for name in ("new.db", "new.db-wal", "new.db-shm"):
        path = tmp_path / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    engine.dispose()
    assert (tmp_path / "new.db").exists()
