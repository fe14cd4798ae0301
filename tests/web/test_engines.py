"""The app on both engines (SQLite and PostgreSQL, as a team runs it): sign in, search, correct a record through
the API, sign out — and the audit still verifies row by row."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from tollbook.audit.verify import verify_audit
from tollbook.ingest import import_file
from tollbook.model import Record
from tollbook.store import session_scope
from tollbook.users import add_user
from tollbook.web.app import create_app
from web.web_helpers import PASSWORD, SECRET_LIST, sign_in, token_of


def test_app_works_on_each_engine(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        assert import_file(session, SECRET_LIST, "witnesses").imported == 2
        add_user(session, "مریم", "documenter", PASSWORD)
        record_id = session.scalar(select(Record.id).where(Record.source_record_id == "s2"))
    app = create_app(engine=engine, secret="engine-test", evidence_root=tmp_path / "evidence")
    client = sign_in(TestClient(app), "مریم")
    found = client.get("/api/records", params={"name": "رضا احمدی"}).json()
    assert [r["id"] for r in found["items"]] == [record_id]
    revised = client.post(f"/api/records/{record_id}/revisions", json={"values": {"city": "آبادان"},
                                                                        "reason": "خانواده"},
                          headers={"X-CSRF-Token": token_of(client)})
    assert revised.status_code == 201, revised.text
    assert client.get(f"/api/records/{revised.json()['id']}").json()["record"]["city_code"]
    client.post("/logout", data={"csrf_token": token_of(client)})
    assert client.get("/api/status").status_code == 401
    with session_scope(engine) as session:
        report = verify_audit(session)
        assert report.ok, report.problems()
