"""The team's work through the app: deciding a review pair, importing a list after its dry run, and linkage and
estimation as background jobs — each through the library, each an audit event."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tollbook.audit import verify_chain
from tollbook.audit.verify import verify_audit
from tollbook.enums import Role
from tollbook.link.review import review_queue
from tollbook.model import AuditEvent, Estimate, ImportBatch, Record, ReviewDecision
from tollbook.store import session_scope
from web.web_helpers import token_of

LIST = ("شناسه,نام,نام خانوادگی,نام پدر,سن,تاریخ فوت,استان,شهر\n"
        "w1,امیر,رضایی,حسن,۲۳,۱۳۹۸/۰۸/۲۵,تهران,تهران\n"
        "w2,سارا,محمدی,,۳۰,۱۳۹۸/۰۸/۲۶,اصفهان,اصفهان\n"
        "w3,,,,۴۰,۱۳۹۸/۰۸/۲۶,اصفهان,اصفهان\n")


def _count(app: FastAPI, model: type) -> int:
    with session_scope(app.state.engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_reviewer_decides_the_most_uncertain_pair(app: FastAPI, client_for) -> None:
    client = client_for(Role.REVIEWER)
    with session_scope(app.state.engine) as session:
        queue = review_queue(session)
    page = client.get("/review").text
    assert f'name="link_id" value="{queue[0].id}"' in page and "match probability" in page
    response = client.post("/review/decide", data={"link_id": queue[0].id, "verdict": "non_match", "note": "دو نفر",
                                                    "csrf_token": token_of(client)}, follow_redirects=False)
    assert response.status_code == 303
    with session_scope(app.state.engine) as session:
        decision = session.scalars(select(ReviewDecision)).one()
        assert (decision.verdict.value, decision.reviewer) == ("non_match", "web:reviewer-user")
        assert decision.note == "دو نفر"
        assert len(review_queue(session)) == len(queue) - 1
        assert verify_chain(session).ok and verify_audit(session).ok
    bad = client.post("/api/review/decisions", json={"link_id": queue[1].id, "verdict": "maybe"},
                      headers={"X-CSRF-Token": token_of(client)})
    assert bad.status_code == 422


def test_import_shows_a_dry_run_then_imports_once(app: FastAPI, client_for, tmp_path: Path) -> None:
    client = client_for(Role.DOCUMENTER)
    before = (_count(app, Record), _count(app, AuditEvent))
    files = {"file": ("فهرست.csv", LIST.encode("utf-8"), "text/csv")}
    dry = client.post("/imports", files=files, data={"source": "شبکه", "csrf_token": token_of(client)})
    assert dry.status_code == 200 and "nothing was written" in dry.text
    assert "a record needs a name" in dry.text
    assert (_count(app, Record), _count(app, AuditEvent)) == before
    token = dry.text.split('name="token" value="')[1].split('"')[0]
    done = client.post("/imports/commit", data={"token": token, "source": "شبکه", "csrf_token": token_of(client)})
    assert done.status_code == 200 and "Imported." in done.text
    assert _count(app, Record) == before[0] + 2
    with session_scope(app.state.engine) as session:
        batch = session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
        assert (batch.imported_by, batch.rows_failed) == ("web:documenter-user", 1)
    again = client.post("/imports/commit", data={"token": token, "source": "شبکه", "csrf_token": token_of(client)})
    assert "already imported" in again.text and _count(app, Record) == before[0] + 2
    with session_scope(app.state.engine) as session:
        assert verify_audit(session).ok


@pytest.mark.parametrize("name", ["../../etc/passwd", "list.exe", "a.csv/../../b.json"])
def test_uploads_are_kept_inside_the_upload_folder(client_for, name: str) -> None:
    client = client_for(Role.DOCUMENTER)
    response = client.post("/imports", files={"file": (name, b"given_name\nAli\n", "text/csv")},
                           data={"source": "x", "csrf_token": token_of(client)})
    assert response.status_code in (200, 400)
    forged = client.post("/imports/commit", data={"token": "../" * 5, "source": "x", "csrf_token": token_of(client)})
    assert forged.status_code == 400


def _wait(client: TestClient, job_id: str, seconds: float) -> dict:
    """Poll a job until it ends."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still running after {seconds} s")


def test_linkage_runs_as_a_background_job(app: FastAPI, client_for) -> None:
    client = client_for(Role.STATISTICIAN)
    response = client.post("/jobs/link", data={"csrf_token": token_of(client)}, follow_redirects=False)
    job_id = response.headers["location"].rsplit("/", 1)[1]
    job = _wait(client, job_id, 120)
    assert job["state"] == "done", job
    assert job["result"]["records"] >= 35 and job["result"]["persons"] >= 10
    with session_scope(app.state.engine) as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (event.action, event.actor) == ("link.run", "web:statistician-user")
    assert 'http-equiv="refresh"' not in client.get(f"/jobs/{job_id}").text


@pytest.mark.slow
def test_estimation_runs_as_a_background_job_with_progress(app: FastAPI, client_for) -> None:
    client = client_for(Role.STATISTICIAN)
    job_id = client.post("/api/jobs/estimate", headers={"X-CSRF-Token": token_of(client)}).json()["id"]
    busy = client.post("/api/jobs/link", headers={"X-CSRF-Token": token_of(client)})
    assert busy.status_code == 400 and "still running" in busy.json()["detail"]
    job = _wait(client, job_id, 600)
    assert job["state"] == "done", job
    assert job["total"] > 0 and job["done"] == job["total"]
    assert _count(app, Estimate) == job["result"]["results"]
    assert client.get("/api/dashboard").json()["estimate"]["estimate"] == job["result"]["total"]


def test_evidence_upload_then_verification_by_a_reviewer(app: FastAPI, client_for) -> None:
    from tollbook.model import Person

    documenter, reviewer, viewer = client_for(Role.DOCUMENTER), client_for(Role.REVIEWER), client_for(Role.VIEWER)
    with session_scope(app.state.engine) as session:
        public_id = session.scalars(select(Person.public_id).where(Person.records.any())).first()
    upload = documenter.post(f"/persons/{public_id}/evidence",
                             files={"file": ("گواهی فوت.pdf", b"%PDF-1.4 death certificate", "application/pdf")},
                             data={"kind": "death_certificate", "description": "گواهی فوت",
                                   "captured_by": "SECRET-NOTE cousin", "csrf_token": token_of(documenter)},
                             follow_redirects=False)
    assert upload.status_code == 303, upload.text
    detail = reviewer.get(f"/api/persons/{public_id}").json()
    (item,) = detail["evidence"]
    assert item["kind"] == "death_certificate" and item["captured_by"] == "SECRET-NOTE cousin"
    assert (Path(app.state.evidence.path_of(item["sha256"]))).read_bytes() == b"%PDF-1.4 death certificate"
    assert "SECRET-NOTE" not in viewer.get(f"/persons/{public_id}").text
    no_evidence = reviewer.post(f"/persons/{public_id}/verify", data={"level": "verified", "reason": "گواهی",
                                                                       "csrf_token": token_of(reviewer)})
    assert no_evidence.status_code == 400 and "needs at least one evidence item" in no_evidence.text
    done = reviewer.post(f"/persons/{public_id}/verify", data={"level": "verified", "reason": "گواهی فوت دیده شد",
                                                                "evidence": str(item["id"]),
                                                                "csrf_token": token_of(reviewer)},
                         follow_redirects=False)
    assert done.status_code == 303
    refused = viewer.post(f"/api/persons/{public_id}/verification", json={"level": "discounted", "reason": "x"},
                          headers={"X-CSRF-Token": token_of(viewer)})
    assert refused.status_code == 403
    detail = viewer.get(f"/api/persons/{public_id}").json()
    assert detail["person"]["verification"] == "verified"
    assert detail["verification_history"][-1]["evidence_ids"] == [item["id"]]
    with session_scope(app.state.engine) as session:
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(2)))
        assert actions == ["person.verify", "evidence.add"]
    contested = reviewer.post(f"/api/persons/{public_id}/verification",
                              json={"level": "contested", "reason": "شاهد دیگری خلاف آن را گفت"},
                              headers={"X-CSRF-Token": token_of(reviewer)})
    assert contested.status_code == 201 and contested.json()["level"] == "contested"
    with session_scope(app.state.engine) as session:
        report = verify_audit(session)  # every row the app wrote is covered by the events that wrote it
        assert report.ok, report.problems()
