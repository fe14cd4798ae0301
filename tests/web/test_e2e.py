"""End to end in a real headless Chromium (Debian's, driven by Playwright) against a real server on loopback:
sign in, import part of the example's Persian list, correct a record, add a new one in Persian (an error beside
its field first), decide a review pair beside its score waterfall and undo it, attach evidence and verify a
person with it, open the published pages in Persian. Screenshots go to build/e2e/.

Runs when a Chromium is installed (.ci/run installs Debian's); in CI (CI=true) a missing browser fails the test.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from headless import browser_or_skip

from tollbook.enums import Role
from tollbook.web.app import create_app
from web.web_helpers import PASSWORD, USERS

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "e2e"
EXAMPLE = ROOT / "examples" / "iran-2019" / "network_fa.csv"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(db_path: Path) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread."""
    app = create_app(f"sqlite:///{db_path}", secret="e2e-secret")
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    app.state.engine.dispose()


@pytest.fixture
def browser():  # noqa: ANN201 - a Playwright Browser
    """Headless Debian Chromium through Playwright (Playwright's own browsers are never downloaded)."""
    path = browser_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield browser
        browser.close()


def _sign_in(browser, base: str, role: Role):  # noqa: ANN001, ANN202 - Playwright objects
    """A new browser context signed in with a role through the form."""
    page = browser.new_context(locale="en-GB").new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=name]", USERS[role])
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def _shot(page, name: str) -> None:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_team_workflow_in_a_real_browser(server: str, browser, tmp_path: Path) -> None:  # noqa: ANN001
    sample = tmp_path / "network_fa_sample.csv"
    sample.write_text("\n".join(EXAMPLE.read_text(encoding="utf-8").splitlines()[:21]) + "\n", encoding="utf-8")
    documenter = _sign_in(browser, server, Role.DOCUMENTER)
    _shot(documenter, "01-dashboard")

    documenter.goto(f"{server}/imports")
    documenter.set_input_files("input[name=file]", str(sample))
    documenter.fill("input[name=source]", "شبکه نمونه")
    documenter.click("form[action='/imports'] button")
    assert "nothing was written" in documenter.inner_text("section.report")
    _shot(documenter, "02-import-dry-run")
    documenter.click("form[action='/imports/commit'] button")
    assert "20 ✓" in documenter.inner_text("section.report")
    _shot(documenter, "03-imported")

    documenter.goto(f"{server}/records?name=یعقوب شجاعی")
    documenter.click("table.list tbody tr:first-child td:first-child a")
    documenter.click("a.button")
    documenter.fill("input[name=age]", "۲۰")
    documenter.fill("input[name=date_of_death]", "۱۳۹۸/۱۳/۴۰")
    documenter.fill("input[name=reason]", "سن از خانواده")
    documenter.click("form.record-form button[type=submit]")
    assert documenter.is_visible("#issue-date_of_death")
    _shot(documenter, "04-correction-error-beside-field")
    documenter.fill("input[name=date_of_death]", "۱۳۹۸/۰۸/۲۷")
    documenter.click("form.record-form button[type=submit]")
    assert "Saved as revision 2" in documenter.inner_text("main")
    _shot(documenter, "05-corrected")

    documenter.goto(f"{server}/records?lang=fa")
    documenter.click("a.button[href='/records/new']")
    assert documenter.get_attribute("html", "dir") == "rtl"
    for name, value in (("source", "شاهدان"), ("given_name", "پویا"), ("family_name", "بختیاری"), ("age", "۲۷"),
                        ("date_of_death", "۱۳۹۸/۰۸/۳۲"), ("province", "تهران"), ("city", "تهران"),
                        ("status", "کشته")):
        documenter.fill(f"form.record-form [name={name}]", value)
    documenter.click("form.record-form button[type=submit]")
    assert documenter.is_visible("#issue-date_of_death")
    assert documenter.input_value("form.record-form [name=given_name]") == "پویا"  # what was typed stays
    _shot(documenter, "05b-new-record-error-beside-field")
    documenter.fill("form.record-form [name=date_of_death]", "۱۳۹۸/۰۸/۲۵")
    documenter.click("form.record-form button[type=submit]")
    assert "افزوده شد" in documenter.inner_text("main") and "بختیاری" in documenter.inner_text("h1")
    _shot(documenter, "05c-new-record-added-fa")
    documenter.goto(f"{server}/records?lang=en")

    reviewer = _sign_in(browser, server, Role.REVIEWER)
    reviewer.goto(f"{server}/review")
    assert reviewer.locator("table.pair tr").count() > 3
    _shot(reviewer, "06-review-pair")
    assert reviewer.locator("table.waterfall svg.bar").count() >= 2  # the score's reasons beside the pair
    reviewer.click("form.decide button[value=match]")
    assert "Decision stored" in reviewer.inner_text("main")
    reviewer.click("form[action='/review/undo'] button")
    assert "Decision withdrawn" in reviewer.inner_text("main")
    _shot(reviewer, "06b-review-undone")
    reviewer.click("form.decide button[value=match]")
    assert "Decision stored" in reviewer.inner_text("main")

    reviewer.goto(f"{server}/persons")
    reviewer.click("table.list tbody tr:first-child td:first-child a")
    person_url = reviewer.url
    reviewer.set_input_files("#evidence-form input[name=file]", files=[{
        "name": "burial.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff\xe0 burial record photo"}])
    reviewer.select_option("#evidence-form select[name=kind]", "burial_record")
    reviewer.click("#evidence-form button")
    reviewer.check("#verify-form input[name=evidence]")
    reviewer.select_option("#verify-form select[name=level]", "verified")
    reviewer.fill("#verify-form input[name=reason]", "burial record seen")
    reviewer.click("#verify-form button")
    assert reviewer.url.startswith(person_url) and "verified" in reviewer.inner_text("h1")
    _shot(reviewer, "07-person-verified")

    public = browser.new_context(locale="fa-IR").new_page()
    public.goto(f"{server}/public?lang=fa")
    assert public.get_attribute("html", "dir") == "rtl" and "افراد مستند" in public.inner_text("main")
    _shot(public, "08-public-fa")
    public.goto(f"{server}/public/persons")
    assert "SECRET" not in public.content()
    _shot(public, "09-public-list-fa")
