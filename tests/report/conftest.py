"""Fixtures of the report tests: the canary database (see report_canary.py), and the bundled example built once
(import, link, estimate) for the report, the export and the browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from report_canary import fill_canary
from sqlalchemy import Engine

from tollbook.demo import DemoSummary, build_demo
from tollbook.store import migrate, open_engine


@pytest.fixture(scope="session")
def canary_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The canary database built once (import and linkage take a few seconds)."""
    folder = tmp_path_factory.mktemp("canary")
    engine = open_engine(f"sqlite:///{folder}/canary.db")
    try:
        migrate(engine)
        fill_canary(engine, folder)
    finally:
        engine.dispose()
    return folder / "canary.db"


@pytest.fixture
def canary_engine(canary_file: Path, tmp_path: Path) -> Iterator[Engine]:
    """A copy of the canary database for one test: linked, every confidential field holding a marker."""
    copy = tmp_path / "canary.db"
    shutil.copyfile(canary_file, copy)
    engine = open_engine(f"sqlite:///{copy}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSummary:
    """The bundled example built once: lists, claims, linkage, LCMCR by province, checks and the report."""
    return build_demo(tmp_path_factory.mktemp("report") / "demo")


@pytest.fixture
def demo_engine(demo: DemoSummary) -> Iterator[Engine]:
    """An engine on the demo's database."""
    engine = open_engine(demo.database_url)
    yield engine
    engine.dispose()
