"""Schemathesis against the app's OpenAPI schema: generated requests to every /api/ operation, signed in as an
admin with a valid CSRF token (so changes get past the guard and reach the library), never a server error.

Jobs are swapped for ones that finish at once: this checks the API's input handling, not linkage or LCMCR (the
real jobs are run in test_workflow).
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tollbook.enums import Role
from tollbook.web.jobs import JobRunner
from web.web_helpers import USERS, sign_in


@pytest.fixture
def admin_credentials(app: FastAPI) -> dict[str, str]:
    """The session cookie and CSRF token of a signed-in admin."""
    client = sign_in(TestClient(app), USERS[Role.ADMIN])
    return {"cookie": client.cookies.get("tollbook_session"),
            "token": client.get("/api/session").json()["csrf_token"]}


def _exercise(operation, mode: GenerationMode, credentials: dict[str, str], examples: int) -> None:  # noqa: ANN001
    """Send generated requests of one mode to one operation; any 5xx fails with the request that caused it."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None,
              derandomize=True)
    def run(case) -> None:  # noqa: ANN001
        response = case.call(cookies={"tollbook_session": credentials["cookie"]},
                             headers={"X-CSRF-Token": credentials["token"]})
        case.validate_response(response, checks=[not_a_server_error])

    run()


def test_api_never_answers_with_a_server_error(app: FastAPI, admin_credentials: dict[str, str]) -> None:
    app.state.jobs = JobRunner(app.state.engine, {"link": lambda _e, _j: {}, "estimate": lambda _e, _j: {}})
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    without_invalid_input = []
    for operation in operations:
        _exercise(operation, GenerationMode.POSITIVE, admin_credentials, 15)
        try:
            _exercise(operation, GenerationMode.NEGATIVE, admin_credentials, 10)
        except Unsatisfiable:  # an operation without parameters has no invalid input to generate
            without_invalid_input.append(operation.label)
    assert len(without_invalid_input) < len(operations) / 2, without_invalid_input
