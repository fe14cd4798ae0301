"""Fixtures of the linkage tests: the labelled lists as files and in a database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from link_fixtures import import_lists, labelled
from sqlalchemy import Engine

from tollbook.store import migrate, open_engine


@pytest.fixture
def list_files(tmp_path: Path) -> list[Path]:
    """One canonical CSV per source list, named by source."""
    paths = []
    for source, rows in labelled().groupby("source"):
        path = tmp_path / f"{source}.csv"
        rows.drop(columns=["source", "truth"]).to_csv(path, index=False)
        paths.append(path)
    return paths


@pytest.fixture
def linked_engine(sqlite_url: str, list_files: list[Path]) -> Iterator[Engine]:
    """A SQLite database holding the labelled lists, not yet linked."""
    engine = open_engine(sqlite_url)
    migrate(engine)
    import_lists(engine, list_files)
    yield engine
    engine.dispose()
