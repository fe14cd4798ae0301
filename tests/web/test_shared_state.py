"""What every worker process of `tollbook serve --workers N` must share lives in the database: background jobs
(any worker shows a job's progress and refuses a second one; a job whose process died shows as abandoned) and
the sign-in rate limit (it holds however the attempts are spread over workers). Two app instances on one
database stand for two workers, on SQLite and on PostgreSQL; a real `serve --workers 2` is tried too."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tollbook.enums import Role
from tollbook.model import LoginAttempt, WebJob
from tollbook.store import migrate, open_engine, session_scope
from tollbook.users import add_user
from tollbook.web.app import create_app
from tollbook.web.jobs import STALE_SECONDS, Job, JobRunner, _process_start, owner_alive, this_process
from tollbook.web.ratelimit import LoginLimiter
from web.web_helpers import PASSWORD, csrf_of, sign_in, token_of

RELEASE = threading.Event()


def slow_link(_engine: Any, job: Job) -> dict[str, Any]:
    """A stand-in for linkage that reports progress, then waits to be let go (this file tests the sharing of
    jobs, not linkage: tests/web/test_workflow runs the real one)."""
    for step in range(1, 4):
        job.done, job.total, job.message = step, 3, f"step {step} of 3"
    if not RELEASE.wait(30):
        raise TimeoutError("never released")
    return {"persons": 7}


@pytest.fixture
def two_workers(db_url: str) -> Iterator[tuple[FastAPI, FastAPI]]:
    """Two app instances on one migrated database with an admin and a viewer, as two worker processes."""
    engine = open_engine(db_url)
    migrate(engine)
    with session_scope(engine) as session:
        add_user(session, "admin-user", Role.ADMIN, PASSWORD)
        add_user(session, "viewer-user", Role.VIEWER, PASSWORD)
    engine.dispose()
    apps = create_app(db_url, secret="shared-secret"), create_app(db_url, secret="shared-secret")
    for app in apps:
        app.state.jobs = JobRunner(app.state.engine, {"link": slow_link, "estimate": slow_link}, heartbeat=0.05)
    RELEASE.clear()
    yield apps
    RELEASE.set()
    for app in apps:
        app.state.engine.dispose()


def _until(check: Callable[[], Any], seconds: float = 10) -> Any:
    """Poll until `check` returns something true, or fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.05)
    raise AssertionError(f"not so after {seconds} s: {check.__doc__ or check}")


def test_any_worker_shows_a_jobs_progress_and_refuses_a_second(two_workers) -> None:
    first, second = (sign_in(TestClient(app), "admin-user") for app in two_workers)
    started = first.post("/api/jobs/link", headers={"X-CSRF-Token": token_of(first)})
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]

    def progressed() -> dict | None:
        shown = second.get(f"/api/jobs/{job_id}").json()
        return shown if shown["state"] == "running" and shown["done"] == 3 else None

    shown = _until(progressed)
    assert shown["message"] == "step 3 of 3" and shown["total"] == 3 and shown["actor"] == "web:admin-user"
    page = second.get("/jobs?lang=fa")
    assert job_id in page.text and "در حال اجرا" in page.text and "نمونه‌گیری ۳ از ۳" in page.text
    busy = second.post("/api/jobs/estimate", headers={"X-CSRF-Token": token_of(second)})
    assert busy.status_code == 400 and busy.json()["code"] == "job.busy" and job_id in busy.json()["detail"]
    assert "هنوز در حال اجراست" in second.post("/jobs/estimate?lang=fa", data={"csrf_token": token_of(second)}).text
    RELEASE.set()
    finished = _until(lambda: (j := second.get(f"/api/jobs/{job_id}").json())["state"] == "done" and j)
    assert finished["result"] == {"persons": 7} and finished["finished"] >= finished["started"]
    assert "انجام شد" in second.get(f"/jobs/{job_id}?lang=fa").text
    again = second.post("/api/jobs/estimate", headers={"X-CSRF-Token": token_of(second)})
    assert again.status_code == 202
    listed = [job["id"] for job in first.get("/api/jobs").json()["items"]]
    assert listed == [again.json()["id"], job_id]


KILLED = """
import sys, time
from tollbook.store import open_engine
from tollbook.web.jobs import JobRunner
runner = JobRunner(open_engine(sys.argv[1], create=False), {"link": lambda engine, job: time.sleep(600) or {}})
print(runner.start("link", "web:admin-user").id, flush=True)
time.sleep(600)
"""


def test_a_job_whose_process_was_killed_shows_as_abandoned(two_workers, db_url: str) -> None:
    client = sign_in(TestClient(two_workers[1]), "admin-user")
    worker = subprocess.Popen([sys.executable, "-c", KILLED, db_url], stdout=subprocess.PIPE, text=True,
                              env=os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        job_id = worker.stdout.readline().strip()
        assert job_id, "the worker started no job"
        assert client.get(f"/api/jobs/{job_id}").json()["state"] == "running"  # its process is alive
        assert client.post("/api/jobs/link", headers={"X-CSRF-Token": token_of(client)}).status_code == 400
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    shown = client.get(f"/api/jobs/{job_id}").json()
    assert shown["state"] == "abandoned" and "stopped before it finished" in shown["error"]
    assert shown["finished"] is not None
    assert "فرایند سروری که این کار را اجرا می‌کرد" in client.get(f"/jobs/{job_id}?lang=fa").text
    assert client.post("/api/jobs/link", headers={"X-CSRF-Token": token_of(client)}).status_code == 202


def test_jobs_of_another_machine_are_judged_by_their_heartbeat() -> None:
    now = time.time()
    assert owner_alive("elsewhere.example:4242:777", now - 5, now)
    assert not owner_alive("elsewhere.example:4242:777", now - STALE_SECONDS - 1, now)
    assert owner_alive(this_process(), 0, now)  # this process, however old its heartbeat
    host = socket.gethostname()
    assert not owner_alive(f"{host}:{os.getpid()}:1", now, now)  # the same id, but a process started earlier
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1)"])
    owner = f"{host}:{child.pid}:{_process_start(child.pid)}"
    assert owner_alive(owner, 0, now)
    _until(lambda: Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z")
    assert not owner_alive(owner, now, now)  # dead, though not yet reaped by its parent
    child.wait()
    assert not owner_alive(owner, now, now)


def test_a_stuck_slot_of_a_dead_process_does_not_block_the_next_job(two_workers) -> None:
    app = two_workers[0]
    with session_scope(app.state.engine) as session:  # as a crash mid-job leaves it
        session.add(WebJob(id="deadbeef0001", kind="estimate", actor="web:x", state="running", slot=1,
                           owner="elsewhere.example:1:1", message="", done=0, total=0, started_at=1.0,
                           heartbeat_at=1.0))
    assert app.state.jobs.running() is None
    assert app.state.jobs.get("deadbeef0001").state == "abandoned"
    assert app.state.jobs.start("link", "web:y").state in ("queued", "running")


def _login(client: TestClient, name: str, password: str) -> int:
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token},
                       follow_redirects=False).status_code


def test_the_sign_in_limit_holds_across_workers(two_workers) -> None:
    for app in two_workers:
        app.state.limiter = LoginLimiter(app.state.engine, per_name=3, per_address=100)
    first, second = TestClient(two_workers[0]), TestClient(two_workers[1])
    assert [_login(first, "admin-user", "wrong"), _login(second, "Admin-User", "wrong"),
            _login(first, "admin-user", "wrong")] == [401, 401, 401]
    assert _login(second, "admin-user", PASSWORD) == 429  # the third failure was counted in the other worker
    assert _login(first, "admin-user", PASSWORD) == 429
    assert _login(second, "viewer-user", PASSWORD) == 303  # another name is not held up


def test_racing_attempts_over_two_workers_try_no_more_passwords_than_the_limit(two_workers) -> None:
    for app in two_workers:
        app.state.limiter = LoginLimiter(app.state.engine, per_name=4, per_address=100)
    clients = [TestClient(two_workers[n % 2]) for n in range(12)]
    tokens = [csrf_of(client.get("/login").text) for client in clients]
    gate, codes = threading.Barrier(len(clients)), []

    def attempt(client: TestClient, token: str) -> None:
        gate.wait()
        codes.append(client.post("/login", data={"name": "admin-user", "password": "wrong", "csrf_token": token},
                                 follow_redirects=False).status_code)

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(clients, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(codes) == 12 and set(codes) <= {401, 429}
    assert codes.count(401) <= 4, codes  # every password tried was counted before it was tried
    with session_scope(two_workers[0].state.engine) as session:  # a refused attempt leaves no count behind
        counted = session.scalar(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.scope == "name", LoginAttempt.key == "admin-user"))
    assert counted == codes.count(401)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_serve_with_two_workers_shares_jobs_and_the_limit(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/served.db"
    engine = open_engine(url)
    migrate(engine)
    with session_scope(engine) as session:
        add_user(session, "admin-user", Role.ADMIN, PASSWORD)
    engine.dispose()
    port = _free_port()
    environment = os.environ | {"TOLLBOOK_SECRET_KEY": "smoke", "PYTHONPATH": os.pathsep.join(sys.path)}
    server = subprocess.Popen([sys.executable, "-m", "tollbook", "serve", "--db", url, "--workers", "2", "--port",
                               str(port)], cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env=environment)
    base = f"http://127.0.0.1:{port}"
    try:
        _until(lambda: _answers(base), 60)

        def fresh() -> httpx.Client:  # a new connection: uvicorn's workers take turns at accepting them
            return httpx.Client(base_url=base, cookies=cookies, timeout=30)

        cookies = httpx.Cookies()
        with fresh() as browser:
            token = csrf_of(browser.get("/login").text)
            assert browser.post("/login", data={"name": "admin-user", "password": PASSWORD, "csrf_token": token}
                                ).status_code == 303
            cookies.update(browser.cookies)
            csrf = browser.get("/api/session").json()["csrf_token"]
            job = browser.post("/api/jobs/link", headers={"X-CSRF-Token": csrf}).json()
        states = set()
        for _ in range(16):
            with fresh() as browser:
                answer = browser.get(f"/api/jobs/{job['id']}")
                assert answer.status_code == 200, answer.text  # whichever worker took the connection knows it
                states.add(answer.json()["state"])
        assert states <= {"queued", "running", "failed"}  # an empty database: linkage says so and fails
        anonymous = httpx.Cookies()
        codes = []
        for _ in range(7):
            with httpx.Client(base_url=base, cookies=anonymous, timeout=30) as browser:
                token = csrf_of(browser.get("/login").text)
                codes.append(browser.post("/login", data={"name": "admin-user", "password": "wrong",
                                                          "csrf_token": token}).status_code)
                anonymous.update(browser.cookies)
        assert codes == [401] * 5 + [429] * 2, codes  # five per name, counted over both workers
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)


def _answers(base: str) -> bool:
    """Whether the server answers yet."""
    try:
        return httpx.get(f"{base}/login", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
