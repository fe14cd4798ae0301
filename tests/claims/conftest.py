"""Fixtures of the claims tests: a fresh, migrated SQLite database per test, and the example's claims file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tollbook.store import migrate, open_engine, session_scope

EXAMPLE_CLAIMS = Path(__file__).parents[2] / "examples" / "iran-2019" / "claims.csv"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database brought to the current schema."""
    engine = open_engine(f"sqlite:///{tmp_path}/t.db")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session committed at the end of the test."""
    with session_scope(engine) as session:
        yield session
