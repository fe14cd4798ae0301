"""Bundle fixtures: keys, a registered collector and project on each engine, a sealed bundle."""

from __future__ import annotations

from pathlib import Path

import pytest
from bundle_fixtures import Keys, make_keys, sealed_bundle
from sqlalchemy import Engine

from tollbook.evidence import EvidenceStore
from tollbook.keys import register_key
from tollbook.store import session_scope


@pytest.fixture
def keys(tmp_path: Path) -> Keys:
    """Project and collector keys in a folder."""
    return make_keys(tmp_path / "keys")


@pytest.fixture
def registered(engine: Engine, keys: Keys) -> Engine:
    """The engine with the project and collector keys registered."""
    with session_scope(engine) as session:
        register_key(session, keys.project.public(), "lead")
        register_key(session, keys.collector.public(), "lead")
    return engine


@pytest.fixture
def bundle_file(keys: Keys, tmp_path: Path) -> Path:
    """A sealed bundle of three records and a photo."""
    return sealed_bundle(keys, tmp_path)


@pytest.fixture
def evidence_store(tmp_path: Path) -> EvidenceStore:
    """An empty evidence store."""
    return EvidenceStore(tmp_path / "evidence")
