"""Every route × every role against the one permissions table: allowed roles get in, others are refused.

The walk reads each route's permission from the dependency it actually runs (`need(perm)`), so a route without
one fails the test, and the HTTP answers are compared with `allowed(role, perm)` from the table.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from tollbook.enums import Role
from tollbook.link.review import review_queue
from tollbook.model import Person, Record
from tollbook.records import current_records_query
from tollbook.store import session_scope
from tollbook.web.jobs import JobRunner
from tollbook.web.pages import report as report_page
from tollbook.web.permissions import TABLE, Perm, allowed
from web.web_helpers import routes

ROLES: list[Role | None] = [None, *Role]


def route_permission(route: APIRoute) -> Perm | None:
    """The permission a route's dependencies check, found anywhere in its dependency tree."""
    pending = list(route.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        perm = getattr(dependency.call, "permission", None)
        if perm is not None:
            return perm
        pending.extend(dependency.dependencies)
    return None


def sample_params(app: FastAPI) -> dict[str, Any]:
    """A real value for each path parameter: a current record, a person, a queued pair, a job."""
    with session_scope(app.state.engine) as session:
        record = session.scalars(current_records_query().limit(1)).first()
        person = session.scalars(select(Person).where(Person.records.any()).limit(1)).first()
        link = review_queue(session)[0]
        assert isinstance(record, Record)
        params = {"record_id": record.id, "public_id": person.public_id, "link_id": link.id, "kind": "link"}
    job = app.state.jobs.start("link", "test")
    return params | {"job_id": job.id}


def quick_jobs(app: FastAPI) -> None:
    """Jobs that finish at once: this walk checks who may start them, not linkage (see test_jobs)."""
    app.state.jobs = JobRunner(app.state.engine, {"link": lambda _e, _j: {"ok": True},
                                                  "estimate": lambda _e, _j: {"ok": True}})


def refused(response: Any, role: Role | None, path: str) -> bool:
    """Whether the answer is a refusal of the kind the viewer should get."""
    if role is None and not path.startswith("/api/"):
        return response.status_code == 303 and response.headers["location"].startswith("/login")
    return response.status_code == (401 if role is None else 403)


def test_every_route_declares_a_permission(app: FastAPI) -> None:
    walked = routes(app)
    missing = [f"{method} {path}" for method, path, route in walked if route_permission(route) is None]
    assert missing == []
    assert len(walked) >= 40
    assert set(TABLE) == set(Perm)


def test_table_gives_public_pages_to_everyone_and_nothing_else_to_anonymous() -> None:
    assert all(allowed(role, Perm.PUBLIC) for role in ROLES)
    assert [perm for perm in Perm if allowed(None, perm)] == [Perm.PUBLIC]
    assert [perm for perm in Perm if allowed(Role.ADMIN, perm)] == list(Perm)
    assert not allowed(Role.VIEWER, Perm.CONFIDENTIAL) and not allowed(Role.STATISTICIAN, Perm.CONFIDENTIAL)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value if r else "anonymous")
def test_route_by_role_matches_the_table(app: FastAPI, client_for, role: Role | None,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    quick_jobs(app)
    monkeypatch.setattr(report_page, "_build", lambda _s, lang, public: f"<p>{lang} {public}</p>")  # see test_report
    params = sample_params(app)
    client: TestClient = client_for(role)
    token = client.get("/api/session").json()["csrf_token"]
    mismatches, walked = [], 0
    for method, path, route in sorted(routes(app), key=lambda item: item[1] == "/logout"):  # sign out last
        perm = route_permission(route)
        url = path.format(**params)
        response = client.request(method, url, headers={"X-CSRF-Token": token}, follow_redirects=False)
        walked += 1
        expected_in = allowed(role, perm)
        if expected_in and (refused(response, role, path) or response.status_code in (401, 403)):
            mismatches.append(f"{method} {url}: {perm} allowed, got {response.status_code}")
        if not expected_in and not refused(response, role, path):
            mismatches.append(f"{method} {url}: {perm} refused, got {response.status_code}")
        if response.status_code >= 500:
            mismatches.append(f"{method} {url}: server error {response.status_code}")
    assert mismatches == []
    assert walked >= 40
