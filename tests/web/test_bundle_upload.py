"""Field bundles uploaded on the imports page: imported by tollbook.bundle.import_bundle (as `tollbook bundle
import`), once, audited and checkpointed; a tampered or unknown file is refused whole and moved to quarantine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from tollbook.audit.verify import verify_audit
from tollbook.enums import Role
from tollbook.model import AuditEvent, Bundle, Evidence, Record
from tollbook.store import session_scope
from tollbook.web.bundles import BundleSetup
from web.bundle_helpers import field_setup
from web.web_helpers import token_of


@pytest.fixture
def field(app: FastAPI, tmp_path: Path) -> dict[str, Path]:
    """Project and collector keys registered in the app's database, the server holding the project key, and
    one sealed bundle of two records and a photo."""
    return field_setup(app, tmp_path)


def _counts(app: FastAPI) -> tuple[int, ...]:
    with session_scope(app.state.engine) as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Record, Evidence, Bundle,
                                                                                    AuditEvent))


def _stored(app: FastAPI) -> list[Path]:
    """The files in the evidence store."""
    root = Path(app.state.evidence.root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _upload(client, data: bytes, name: str = "میدان.tbundle", source: str = ""):  # noqa: ANN001, ANN202
    return client.post("/imports/bundle", files={"file": (name, data, "application/octet-stream")},
                       data={"source": source, "csrf_token": token_of(client)})


def _commit(client, page: str, source: str = ""):  # noqa: ANN001, ANN202
    token = re.search(r'id="bundle-commit">.*?name="token" value="([0-9a-f]{64})"', page).group(1)
    return client.post("/imports/bundle/commit", data={"token": token, "source": source,
                                                       "csrf_token": token_of(client)})


def test_a_bundle_is_checked_by_a_dry_run_then_imported_once_audited_and_checkpointed(app: FastAPI, client_for,
                                                                                       field) -> None:
    client = client_for(Role.DOCUMENTER)
    assert 'id="bundle-form"' in client.get("/imports").text
    before = _counts(app)
    dry = _upload(client, field["bundle"].read_bytes(), source="میدانی")
    assert dry.status_code == 200, dry.text
    assert "nothing was written" in dry.text and "2 ✓" in dry.text and "Collector Hidden-Name" not in dry.text
    assert _counts(app) == before and _stored(app) == []  # nothing stored, not even the photo
    assert not field["checkpoints"].exists()
    done = _commit(client, dry.text, "میدانی")
    assert done.status_code == 200, done.text
    assert "imported." in done.text and "Collector Hidden-Name" not in done.text
    assert _counts(app)[:3] == (before[0] + 2, before[1] + 1, before[2] + 1)
    with session_scope(app.state.engine) as session:
        record = session.scalars(select(Record).where(Record.source_record_id == "b1")).one()
        assert (record.source.name, record.family_name, record.province_code) == ("میدانی", "بهبودی", "IR-23")
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "bundle.import")).one()
        assert event.actor == "web:documenter-user"
        report = verify_audit(session)
        assert report.ok, report.problems()
    assert len(list(field["checkpoints"].glob("checkpoint-*.json"))) == 1
    assert len(_stored(app)) == 1
    again = _commit(client, dry.text, "میدانی")
    assert again.status_code == 200 and "imported before" in again.text
    assert _counts(app)[:3] == (before[0] + 2, before[1] + 1, before[2] + 1)


def test_a_tampered_bundle_is_refused_whole_and_quarantined(app: FastAPI, client_for, field) -> None:
    client = client_for(Role.ADMIN)
    data = bytearray(field["bundle"].read_bytes())
    data[len(data) // 2] ^= 0x01
    before = _counts(app)
    refused = _upload(client, bytes(data), name="بد.tbundle")
    assert refused.status_code == 400 and "quarantine" in refused.text
    assert _counts(app) == before
    assert [p.read_bytes() for p in field["quarantine"].iterdir()] == [bytes(data)]
    wrong = _upload(client, b"given_name\nAli\n", name="list.csv")
    assert wrong.status_code == 400 and ".tbundle" in wrong.text


def test_without_a_project_key_bundles_are_refused_with_a_clear_message(app: FastAPI, client_for,
                                                                        tmp_path: Path) -> None:
    app.state.bundles = BundleSetup(None, tmp_path / "q", tmp_path / "c")
    client = client_for(Role.DOCUMENTER)
    assert "--project-key" in client.get("/imports").text
    response = _upload(client, b"not a bundle")
    assert response.status_code == 400 and "holds no project key" in response.text
