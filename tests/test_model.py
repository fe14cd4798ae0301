"""The model's guarantees: immutable records with revisions, an append-only hash-chained audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select, text

from tollbook.audit import record_event, verify_chain
from tollbook.enums import Cause, Status
from tollbook.errors import TollbookError
from tollbook.model import AuditEvent, ImmutableError, Person, Record
from tollbook.records import content_hash, list_records, revise_record
from tollbook.sources import add_source
from tollbook.store import session_scope


def _add_record(engine: Engine, given: str = "Pouya", family: str = "Bakhtiari") -> int:
    """One record in a fresh source; returns its id."""
    with session_scope(engine) as session:
        source = add_source(session, "HRO", "ngo")
        parsed = {"given_name": given, "family_name": family, "age": 27, "date_of_death": "2019-11-16"}
        record = Record(source_id=source.id, raw={"name": f"{given} {family}"}, content_hash=content_hash(parsed),
                        given_name=given, family_name=family, age=27, date_of_death=dt.date(2019, 11, 16),
                        status=Status.KILLED, cause=Cause.GUNSHOT_HEAD)
        session.add(record)
        session.flush()
        return record.id


def test_record_fields_cannot_be_overwritten(engine: Engine) -> None:
    record_id = _add_record(engine)
    with pytest.raises(ImmutableError, match="immutable"), session_scope(engine) as session:
        session.get(Record, record_id).age = 28
        session.flush()


def test_record_can_join_a_person(engine: Engine) -> None:
    record_id = _add_record(engine)
    with session_scope(engine) as session:
        person = Person(public_id="P-1")
        session.add(person)
        session.flush()
        session.get(Record, record_id).person_id = person.id
    with session_scope(engine) as session:
        assert session.get(Record, record_id).person.public_id == "P-1"


def test_revision_supersedes_and_keeps_the_original(engine: Engine) -> None:
    record_id = _add_record(engine)
    with session_scope(engine) as session:
        new = revise_record(session, record_id, {"age": 28}, actor="reviewer", reason="family says 28")
        new_id = new.id
    with session_scope(engine) as session:
        old, new = session.get(Record, record_id), session.get(Record, new_id)
        assert (old.age, new.age, new.revision, new.supersedes_id) == (27, 28, 2, record_id)
        assert [r.id for r in list_records(session)] == [new_id]
        assert (old.raw, old.raw_hash) == (new.raw, new.raw_hash)  # the source's row stays as it gave it
        assert old.content_hash != new.content_hash
        with pytest.raises(TollbookError, match="already revised"):
            revise_record(session, record_id, {"age": 29}, actor="x", reason="y")
        with pytest.raises(TollbookError, match="unknown field"):
            revise_record(session, new_id, {"colour": "red"}, actor="x", reason="y")


def test_audit_chain_verifies(engine: Engine) -> None:
    _add_record(engine)
    with session_scope(engine) as session:
        record_event(session, "alice", "test.event", "thing", 1, {"n": 1})
        report = verify_chain(session)
    assert report.ok and report.events == 2


@pytest.mark.parametrize("column, value", [("actor", "mallory"), ("details", '{"n":99}'), ("action", "x.y")])
def test_tampering_with_an_event_is_found(engine: Engine, column: str, value: str) -> None:
    with session_scope(engine) as session:
        for n in range(4):
            record_event(session, "alice", "test.event", "thing", n, {"n": n})
        target = session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()[2]
    with engine.begin() as connection:  # an attacker editing the table directly
        connection.execute(text(f"UPDATE audit_events SET {column} = :v WHERE id = :id"), {"v": value, "id": target})
    with session_scope(engine) as session:
        report = verify_chain(session)
    assert (report.ok, report.broken_at) == (False, target)
    assert "edited" in report.reason


def test_removed_event_breaks_the_link(engine: Engine) -> None:
    with session_scope(engine) as session:
        for n in range(3):
            record_event(session, "alice", "test.event", "thing", n)
        ids = session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)).all()
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": ids[1]})
    with session_scope(engine) as session:
        report = verify_chain(session)
    assert report.broken_at == ids[2] and "removed" in report.reason


def test_audit_events_cannot_change_through_the_orm(engine: Engine) -> None:
    with session_scope(engine) as session:
        event_id = record_event(session, "alice", "a", "thing").id
    with pytest.raises(ImmutableError), session_scope(engine) as session:
        session.get(AuditEvent, event_id).actor = "bob"
        session.flush()
    with pytest.raises(ImmutableError), session_scope(engine) as session:
        session.delete(session.get(AuditEvent, event_id))
        session.flush()
