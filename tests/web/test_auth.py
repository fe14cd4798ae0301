"""Sign-in, sessions and CSRF: argon2id hashes, cookie flags, forged and ended sessions, tokens on every change,
rate limiting of failed sign-ins, and the accounts command."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from tollbook.cli import app as cli_app
from tollbook.enums import Role
from tollbook.model import AuditEvent, User
from tollbook.store import session_scope
from tollbook.users import set_active, set_role
from tollbook.web.ratelimit import LoginLimiter
from web.web_helpers import PASSWORD, USERS, csrf_of, routes, sign_in, token_of


def test_passwords_are_stored_as_argon2id(app: FastAPI) -> None:
    with session_scope(app.state.engine) as session:
        hashes = list(session.scalars(select(User.password_hash)))
        details = "".join(session.scalars(select(AuditEvent.details).where(AuditEvent.action == "user.add")))
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert PASSWORD not in details


def test_session_cookie_is_signed_httponly_and_samesite(client_for) -> None:
    client = TestClient(client_for(None).app)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"name": USERS[Role.VIEWER], "password": PASSWORD, "csrf_token": token},
                           follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "tollbook_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert response.headers["content-security-policy"].startswith("default-src 'self'")


def test_forged_or_tampered_cookie_is_anonymous(client_for) -> None:
    client = client_for(Role.ADMIN)
    value = client.cookies.get("tollbook_session")
    client.cookies.set("tollbook_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert client.get("/api/session").json()["role"] is None
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")


def test_sign_out_ends_the_session_even_for_a_copied_cookie(client_for) -> None:
    client = client_for(Role.DOCUMENTER)
    stolen = client.cookies.get("tollbook_session")
    response = client.post("/logout", data={"csrf_token": token_of(client)}, follow_redirects=False)
    assert response.status_code == 303
    thief = TestClient(client.app)
    thief.cookies.set("tollbook_session", stolen)
    assert thief.get("/api/status").status_code == 401


def test_role_change_and_disabling_end_sessions(app: FastAPI, client_for) -> None:
    client = client_for(Role.REVIEWER)
    with session_scope(app.state.engine) as session:  # below the app (as the CLI would): seen within `fresh`
        set_role(session, USERS[Role.REVIEWER], Role.VIEWER, actor="test")
    time.sleep(app.state.version.fresh)
    assert client.get("/api/session").json()["role"] is None
    sign_in(client, USERS[Role.REVIEWER])
    assert client.get("/api/session").json()["role"] == "viewer"
    with session_scope(app.state.engine) as session:
        set_active(session, USERS[Role.REVIEWER], False, actor="test")
    time.sleep(app.state.version.fresh)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"name": USERS[Role.REVIEWER], "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 401


def test_every_change_needs_the_sessions_csrf_token(app: FastAPI, client_for) -> None:
    admin, other = client_for(Role.ADMIN), client_for(Role.DOCUMENTER)
    foreign_token = token_of(other)
    unsafe = [(method, path) for method, path, _route in routes(app) if method in ("POST", "PUT", "PATCH", "DELETE")]
    assert len(unsafe) >= 10
    for method, path in unsafe:
        url = path.format(record_id=1, link_id=1, kind="link", public_id="P-none")
        for headers in ({}, {"X-CSRF-Token": "0" * 64}, {"X-CSRF-Token": foreign_token}):
            response = admin.request(method, url, headers=headers, data={"csrf_token": headers.get("X-CSRF-Token",
                                                                                                  "")},
                                     follow_redirects=False)
            assert response.status_code == 403, (method, url, headers, response.status_code)


def test_sign_in_form_itself_needs_a_token(client_for) -> None:
    client = client_for(None)
    client.get("/login")
    response = client.post("/login", data={"name": USERS[Role.ADMIN], "password": PASSWORD})
    assert response.status_code == 403
    assert "tollbook_session" not in client.cookies


def test_failed_sign_ins_are_rate_limited(app: FastAPI, client_for) -> None:
    app.state.limiter = LoginLimiter(app.state.engine, per_name=3, per_address=5)
    client = client_for(None)
    token = csrf_of(client.get("/login").text)
    name = USERS[Role.ADMIN]
    codes = [client.post("/login", data={"name": name, "password": "wrong password!", "csrf_token": token}
                         ).status_code for _ in range(3)]
    assert codes == [401, 401, 401]
    blocked = client.post("/login", data={"name": name, "password": PASSWORD, "csrf_token": token})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    for _ in range(2):  # other names from the same address count towards the address's limit
        client.post("/login", data={"name": "nobody", "password": "wrong password!", "csrf_token": token})
    other = client.post("/login", data={"name": USERS[Role.VIEWER], "password": PASSWORD, "csrf_token": token})
    assert other.status_code == 429


def test_limiter_window_passes(app: FastAPI) -> None:
    now = [1_000.0]
    limiter = LoginLimiter(app.state.engine, per_name=2, per_address=10, window=60, clock=lambda: now[0])
    for name in ("amir", "Amir"):
        attempt = limiter.attempt(name, "1.2.3.4")
        assert attempt.wait == 0
        limiter.failed(attempt)
    assert limiter.wait_seconds("amir", "1.2.3.4") > 0
    refused = limiter.attempt("AMIR", "1.2.3.4")
    assert 60 <= refused.wait <= 61 and refused.ids == ()  # not counted: it extends no wait
    now[0] = 1_061
    assert limiter.wait_seconds("amir", "1.2.3.4") == 0
    limiter.succeeded(limiter.attempt("amir", "1.2.3.4"))
    assert limiter.wait_seconds("amir", "1.2.3.4") == 0


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_next_never_leaves_the_site(client_for, target: str) -> None:
    client = client_for(None)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"name": USERS[Role.VIEWER], "password": PASSWORD, "csrf_token": token,
                                           "next": target}, follow_redirects=False)
    assert response.headers["location"] == "/"


def test_explicit_expectations_of_the_table(client_for) -> None:
    """A few rules stated outright, independent of the table they are checked by elsewhere."""
    viewer, statistician, reviewer = client_for(Role.VIEWER), client_for(Role.STATISTICIAN), client_for(
        Role.REVIEWER)
    assert viewer.get("/records/1/correct").status_code == 403
    assert viewer.get("/imports").status_code == 403
    assert statistician.get("/audit").status_code == 403
    assert reviewer.get("/audit").status_code == 200
    assert reviewer.get("/users").status_code == 403
    assert client_for(None).get("/public/persons").status_code == 200


def test_users_add_command(tmp_path: Path, db_path: Path) -> None:
    url = f"sqlite:///{db_path}"
    runner = CliRunner()
    ok = runner.invoke(cli_app, ["users", "add", "شیرین", "--role", "documenter", "--password-stdin", "--db", url],
                       input="a good long password\n")
    assert ok.exit_code == 0, ok.output
    short = runner.invoke(cli_app, ["users", "add", "bob", "--role", "viewer", "--password-stdin", "--db", url],
                          input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    bad_role = runner.invoke(cli_app, ["users", "add", "bob", "--role", "boss", "--password-stdin", "--db", url],
                             input="a good long password\n")
    assert bad_role.exit_code == 1 and "unknown role" in bad_role.output
    listed = runner.invoke(cli_app, ["users", "list", "--json", "--db", url])
    assert '"شیرین"' in listed.output and "argon2" not in listed.output


def test_pages_load_nothing_from_other_sites(client_for) -> None:
    client = client_for(Role.ADMIN)
    for page in ("/", "/records", "/persons", "/review", "/imports", "/jobs", "/public", "/login"):
        html = client.get(page).text
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html), page
    assert client.get("/api/docs").status_code == 404  # Swagger UI's page would load a CDN
    assert client.get("/api/openapi.json").json()["info"]["title"] == "Tollbook"
