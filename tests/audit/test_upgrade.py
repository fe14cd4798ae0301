"""A database written by an older Tollbook and upgraded by `tollbook init` verifies intact; an edit made below
the application, before the upgrade or after it, is still named."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, Table, inspect, text

import tollbook.audit.rows as audit_rows
from tollbook.audit.chain import record_event
from tollbook.audit.legacy import ADDITIONS
from tollbook.audit.rows import covered_tables
from tollbook.audit.verify import baseline, verify_audit
from tollbook.errors import TollbookError
from tollbook.records import HASHED_FIELDS
from tollbook.store import MIGRATIONS, alembic_config, migrate, open_engine, session_scope

RECORD = ("INSERT INTO records (id, source_id, revision, raw, content_hash, given_name, family_name, sex, age, "
          "date_of_death, date_precision, status, cause, perpetrator, created_at) VALUES (:id, 1, 1, :raw, :hash, "
          ":given, :family, 'male', :age, :died, :precision, 'killed', 'unknown', 'unknown', '2019-12-01')")
ROWS = [  # an exact day with an age, a month without one, a day without an age
    {"id": 1, "given": "Pouya", "family": "Bakhtiari", "age": 27, "died": dt.date(2019, 11, 16), "precision": "day"},
    {"id": 2, "given": "Mohsen", "family": "Mohammadpour", "age": None, "died": dt.date(2019, 11, 1),
     "precision": "month"},
    {"id": 3, "given": "Nikta", "family": "Esfandani", "age": None, "died": dt.date(2019, 11, 17),
     "precision": "day"},
]


def old_content_hash(row: dict, fields: tuple[str, ...]) -> str:
    """A record's content hash as the Tollbook of that schema computed it (its own field list)."""
    values = {"given_name": row["given"], "family_name": row["family"], "sex": "male", "age": row["age"],
              "date_of_death": row["died"], "date_precision": row["precision"], "status": "killed",
              "cause": "unknown", "perpetrator": "unknown"}
    parts = ["" if values.get(name) is None else str(values[name]) for name in fields]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def write_old_records(engine: Engine, fields: tuple[str, ...]) -> None:
    """A source and three records, written as that revision's code wrote them (raw row kept, hash of its fields)."""
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO sources (id, name, kind, created_at) "
                                "VALUES (1, 'Old list', 'ngo', '2019-12-01')"))
        for row in ROWS:
            raw = json.dumps({"name": f"{row['given']} {row['family']}", "age": str(row["age"] or "")})
            connection.execute(text(RECORD), {**row, "raw": raw, "hash": old_content_hash(row, fields)})


def tables_as_of(engine: Engine) -> dict[str, Table]:
    """The covered tables with only the columns the database has now: the model an older Tollbook had."""
    present = inspect(engine)
    metadata = MetaData()
    old = {}
    for name, table in covered_tables().items():
        if present.has_table(name):
            columns = {column["name"] for column in present.get_columns(name)}
            old[name] = Table(name, metadata, *[c._copy() for c in table.columns if c.name in columns])
    return old


def below(engine: Engine, sql: str, **params: object) -> None:
    """SQL straight on the database, as someone with the file or a database login would run it."""
    with engine.begin() as connection:
        connection.execute(text(sql), params)


def problems(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return verify_audit(session).problems()


def test_every_column_a_migration_adds_to_a_covered_table_is_listed(sqlite_url: str) -> None:
    """A migration that adds a column to a covered table must say in ADDITIONS what it gave older rows."""
    engine = open_engine(sqlite_url)
    head = {name: set(table.c.keys()) for name, table in covered_tables().items()}
    revisions = [script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()][::-1]
    for index, revision in enumerate(revisions):
        command.upgrade(alembic_config(engine), revision)
        present = inspect(engine)
        later = revisions[index + 1:]
        for name in head:
            if not present.has_table(name):
                continue
            missing = head[name] - {column["name"] for column in present.get_columns(name)}
            listed = {c for a in ADDITIONS if a.table == name and a.revision in later for c in a.columns}
            assert missing == listed, (revision, name)
    engine.dispose()


def test_audited_rows_written_before_0007_verify_after_the_upgrade(db_url: str, monkeypatch) -> None:
    engine = open_engine(db_url)
    command.upgrade(alembic_config(engine), "0006_i10")
    write_old_records(engine, HASHED_FIELDS[1:])  # 0006_i10 hashed today's fields
    with monkeypatch.context() as patch, session_scope(engine) as session:
        patch.setattr(audit_rows, "covered_tables", lambda: tables_as_of(engine))  # hashed as 0006_i10 did
        record_event(session, "importer", "import", "source", 1, wrote={"sources": [1], "records": [1, 2, 3]})
    below(engine, "UPDATE records SET given_name = 'Someone Else' WHERE id = 2")  # tampered before the upgrade
    migrate(engine)
    found = problems(engine)
    assert found == ["record 2: its content_hash does not match its fields (edited below the application)",
                     "record 2 differs from what audit event 1 holds (edited below the application)"]
    below(engine, "UPDATE records SET age_low = 20 WHERE id = 1")  # an added column, edited after the upgrade
    below(engine, "UPDATE records SET age = 31, age_low = 31, age_high = 31 WHERE id = 3")  # old and new alike
    found = problems(engine)
    assert [line.split(" differs")[0] for line in found if " differs" in line] == ["record 1", "record 2", "record 3"]
    engine.dispose()


def test_records_hashed_before_role_was_hashed_are_baselined(db_url: str) -> None:
    engine = open_engine(db_url)
    command.upgrade(alembic_config(engine), "0002")
    write_old_records(engine, tuple(f for f in HASHED_FIELDS[1:] if f not in ("role", "reported_on")))
    migrate(engine)
    with session_scope(engine) as session:
        assert baseline(session, "lead") == 4  # three records and their source, from before row coverage
    assert problems(engine) == []
    below(engine, "UPDATE records SET role = 'protester' WHERE id = 3")  # a field 0002 did not hash, set later
    assert problems(engine) == [
        "record 3: its content_hash does not match its fields (edited below the application)",
        "record 3 differs from what audit event 1 holds (edited below the application)"]
    engine.dispose()


def test_init_says_how_to_cover_rows_from_before_row_coverage(sqlite_url: str) -> None:
    from typer.testing import CliRunner

    from tollbook.cli import app

    engine = open_engine(sqlite_url)
    command.upgrade(alembic_config(engine), "0002")
    engine.dispose()
    result = CliRunner().invoke(app, ["init", "--db", sqlite_url])
    assert result.exit_code == 0, result.output
    assert "migrated from 0002" in result.output and "tollbook audit baseline" in result.output
    again = CliRunner().invoke(app, ["init", "--db", sqlite_url])
    assert "already current" in again.output and "baseline" not in again.output


def test_a_record_edited_before_the_upgrade_is_never_baselined(db_url: str) -> None:
    engine = open_engine(db_url)
    command.upgrade(alembic_config(engine), "0002")
    write_old_records(engine, tuple(f for f in HASHED_FIELDS[1:] if f not in ("role", "reported_on")))
    below(engine, "UPDATE records SET date_of_death = '2019-11-20' WHERE id = 1")
    migrate(engine)
    with session_scope(engine) as session, pytest.raises(TollbookError, match="record 1: its content_hash"):
        baseline(session, "lead")
    engine.dispose()
