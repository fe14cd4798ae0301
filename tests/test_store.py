"""The store: opening URLs, migrations forward on both engines, refusing newer schemas."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, inspect, text

from tollbook.errors import StoreError
from tollbook.model import Source
from tollbook.store import head_revision, migrate, open_engine, require_current, schema_revision, session_scope


def test_migrate_creates_every_table(engine: Engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {"sources", "records", "persons", "links", "review_decisions", "claims", "evidence", "users",
            "audit_events", "import_batches", "bundles", "alembic_version"} <= tables
    assert schema_revision(engine) == head_revision()


def test_migrate_again_keeps_data(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(Source(name="Amnesty"))
    before, after = migrate(engine)
    assert before == after == head_revision()
    with session_scope(engine) as session:
        assert session.query(Source).one().name == "Amnesty"


def test_newer_schema_is_refused(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(StoreError, match="newer than this Tollbook"):
        migrate(engine)
    with pytest.raises(StoreError, match="9999_future"):
        require_current(engine)


def test_foreign_database_is_refused(db_url: str) -> None:
    engine = open_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE someone_elses (id integer)"))
    with pytest.raises(StoreError, match="not Tollbook's"):
        migrate(engine)
    engine.dispose()


def test_uninitialised_database_is_named(db_url: str) -> None:
    engine = open_engine(db_url)
    with pytest.raises(StoreError, match="not initialised"):
        require_current(engine)
    engine.dispose()


def test_unreachable_url_masks_password() -> None:
    with pytest.raises(StoreError) as caught:
        open_engine("postgresql+psycopg://alice:s3cret@127.0.0.1:1/nowhere")
    assert "s3cret" not in str(caught.value)
    assert "alice:***@127.0.0.1:1/nowhere" in str(caught.value)


def test_bad_url_is_one_clear_error() -> None:
    with pytest.raises(StoreError, match="cannot open database"):
        open_engine("nonsense://x")


def test_missing_sqlite_folder(tmp_path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_engine(f"sqlite:///{tmp_path}/no/such/dir/t.db")


def test_missing_sqlite_file_not_created(tmp_path) -> None:
    with pytest.raises(StoreError, match="tollbook init"):
        open_engine(f"sqlite:///{tmp_path}/t.db", create=False)
    assert not (tmp_path / "t.db").exists()


def test_sqlite_pragmas(sqlite_url: str) -> None:
    engine = open_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_upgrade_from_the_first_revision_keeps_data(db_url: str) -> None:
    from alembic import command

    from tollbook.store import alembic_config

    engine = open_engine(db_url)
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO sources (name, kind, created_at) VALUES ('Old', 'ngo', '2019-12-01')"))
    before, after = migrate(engine)
    assert (before, after) == ("0001", head_revision()) and "estimates" in inspect(engine).get_table_names()
    with session_scope(engine) as session:
        assert session.query(Source).one().name == "Old"
    engine.dispose()


def test_upgrade_with_records_keeps_them_and_their_references(db_url: str) -> None:
    """A database holding records (rows other tables point at) upgrades: SQLite rebuilds tables to alter them."""
    from alembic import command

    from tollbook.store import alembic_config

    engine = open_engine(db_url)
    command.upgrade(alembic_config(engine), "0006_i10")
    record = ("INSERT INTO records (id, source_id, revision, raw, content_hash, sex, status, cause, perpetrator, "
              "created_at, supersedes_id) VALUES (:id, 1, :revision, '{}', :hash, 'unknown', 'killed', 'unknown', "
              "'unknown', '2019-12-01', :supersedes)")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO sources (id, name, kind, created_at) "
                                "VALUES (1, 'Old', 'ngo', '2019-12-01')"))
        connection.execute(text(record), {"id": 1, "revision": 1, "hash": "a" * 64, "supersedes": None})
        connection.execute(text(record), {"id": 2, "revision": 2, "hash": "b" * 64, "supersedes": 1})
    migrate(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, supersedes_id FROM records ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [(1, None), (2, 1)]
        if engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    engine.dispose()
