"""The audited database fixture, on each engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_fixtures import Audited, build_audited
from sqlalchemy import Engine


@pytest.fixture
def audited(engine: Engine, tmp_path: Path) -> Audited:
    """Four imported records, one revised with a confidential place detail, and a registered project key."""
    return build_audited(engine, tmp_path)
