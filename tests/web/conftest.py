"""Fixtures of the web tests: a fresh copy of a linked database per test, the app on it, signed-in clients."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tollbook.enums import Role
from tollbook.web.app import create_app
from web.web_helpers import USERS, build_database, sign_in


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The linked database, built once."""
    return build_database(tmp_path_factory.mktemp("webdb"))


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the linked database for one test."""
    path = tmp_path / "web.db"
    shutil.copy(template_db, path)
    return path


@pytest.fixture
def app(db_path: Path) -> Iterator[FastAPI]:
    """The web app on the test's database."""
    app = create_app(f"sqlite:///{db_path}", secret="test-secret")
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client_for(app: FastAPI) -> Callable[[Role | None], TestClient]:
    """A client signed in with a role (None: anonymous)."""

    def make(role: Role | None) -> TestClient:
        client = TestClient(app)
        return sign_in(client, USERS[role]) if role is not None else client

    return make
