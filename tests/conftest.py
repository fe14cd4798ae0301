"""Shared fixtures: a fresh database on every engine the suite is asked to cover.

`db_url` runs a test on SQLite and on PostgreSQL. The PostgreSQL URL comes from TOLLBOOK_TEST_PG_URL
(`.ci/start-postgres.sh` starts a server and prints one). Outside CI an unreachable server skips those tests with
the reason; in CI (CI=true) it fails them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from tollbook.store import migrate, open_engine

PG_URL = os.environ.get("TOLLBOOK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:55432/postgres")


def _reset_postgres(url: str) -> None:
    """Drop everything in the public schema so each test starts empty."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: os.PathLike) -> str:
    """A URL of an empty database: a SQLite file, or a wiped PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/test.db"
    try:
        _reset_postgres(PG_URL)
    except OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI but unreachable at {PG_URL}: {exc.orig}")
        pytest.skip(f"no PostgreSQL server reachable at {PG_URL} (start one with .ci/start-postgres.sh)")
    return PG_URL


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated engine on each backend."""
    engine = open_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: os.PathLike) -> str:
    """A SQLite URL for tests that concern one engine only."""
    return f"sqlite:///{tmp_path}/test.db"
