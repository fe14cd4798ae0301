"""Helpers of the web tests: a linked SQLite database with one account per role, signing in, route lists.

The database is built once per session (the labelled lists of tests/data/link, plus a small list whose place
details and notes are confidential markers), linked with tollbook.link, then copied for each test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tollbook.enums import Role
from tollbook.ingest import import_file
from tollbook.link import link_database
from tollbook.sources import add_source
from tollbook.store import migrate, open_engine, session_scope
from tollbook.users import add_user

HERE = Path(__file__).parent
LABELLED = HERE.parent / "data" / "link" / "labelled.csv"
SECRET_LIST = HERE / "secret_list.csv"
SECRETS = ("SECRET-ADDRESS", "SECRET-NOTE", "SECRET-CONTACT")
PASSWORD = "a long test password"
USERS = {role: f"{role.value}-user" for role in Role}


def build_database(folder: Path) -> Path:
    """Import the lists, give one source a confidential contact, link, and add one account per role."""
    path = folder / "template.db"
    engine = open_engine(f"sqlite:///{path}")
    migrate(engine)
    lists = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    with session_scope(engine) as session:
        for source, rows in lists.groupby("source"):
            csv = folder / f"{source}.csv"
            rows.drop(columns=["source", "truth"]).to_csv(csv, index=False)
            assert import_file(session, csv, source).failed == 0
        add_source(session, "witnesses", "family", contact="SECRET-CONTACT +98 912 000 0000")
        assert import_file(session, SECRET_LIST, "witnesses").failed == 0
        for role, name in USERS.items():
            add_user(session, name, role, PASSWORD)
    with session_scope(engine) as session:
        link_database(session, threshold=0.9, review_lower=0.05)  # a wide review band: pairs to review
    engine.dispose()
    return path


def csrf_of(html: str) -> str:
    """The CSRF token of a rendered form."""
    match = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    """Sign a client in through the login form."""
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"name": name, "password": password, "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def token_of(client: TestClient) -> str:
    """The CSRF token of a client's session (from the API)."""
    return client.get("/api/session").json()["csrf_token"]


def api_routes(entries: list) -> list[APIRoute]:
    """Every APIRoute, also inside included routers (mounted without a prefix)."""
    found = []
    for entry in entries:
        if isinstance(entry, APIRoute):
            found.append(entry)
        elif (included := getattr(entry, "original_router", None)) is not None:
            found.extend(api_routes(included.routes))
    return found


def routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """(method, path, route) of every API route and page."""
    return [(method, route.path, route) for route in api_routes(app.routes) for method in sorted(route.methods)]
