"""The example's report: written by the demo, self-contained, numbers matching the database, and rendered by
headless Chromium (Debian's package, driven by Playwright) with no console error and no network request."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from headless import browser_or_skip
from sqlalchemy import Engine
from typer.testing import CliRunner

from tollbook.cli import app
from tollbook.demo import DemoSummary
from tollbook.report.i18n import digits
from tollbook.status import database_status
from tollbook.store import session_scope

BUILD = Path(__file__).resolve().parents[2] / "build"
pytestmark = pytest.mark.slow


def test_demo_writes_the_report_and_prints_its_path(demo: DemoSummary) -> None:
    assert demo.report == demo.out / "report" / "index.html"
    assert (demo.out / "report" / "index.fa.html").is_file()
    assert f"Report: {demo.report}" in demo.render()


def test_page_loads_nothing_from_outside(demo: DemoSummary) -> None:
    for page in (demo.report, demo.out / "report" / "index.fa.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link|img|iframe|object)\b|@import|url\(\s*['\"]?https?:|src=", text)
        assert not re.search(r"href=\"(?!#|index(\.fa)?\.html\")", text)


def test_headline_numbers_match_the_database(demo: DemoSummary, demo_engine: Engine) -> None:
    text = demo.report.read_text(encoding="utf-8")
    from tollbook.estimate.database import saved_estimates
    from tollbook.report.i18n import fmt_number

    with session_scope(demo_engine) as session:
        persons = database_status(session)["persons"]
        total = next(e.estimate for e in saved_estimates(session) if e.stratum in ("total", None))
    assert f'data-id="documented">{persons:,}</a>' in text
    assert f'data-id="estimate.total">{total:,.0f}</a>' in text  # the demo's saved LCMCR total
    persian = (demo.out / "report" / "index.fa.html").read_text(encoding="utf-8")
    assert 'dir="rtl"' in persian and f'data-id="estimate.total">{fmt_number(total, "fa")}</a>' in persian
    assert "آبان ۱۳۹۸" in persian  # Solar Hijri dates


def test_cli_report_explain_export_on_the_example(demo: DemoSummary, demo_engine: Engine, tmp_path: Path) -> None:
    env = {"TOLLBOOK_DB": demo.database_url}
    with session_scope(demo_engine) as session:
        persons = database_status(session)["persons"]
    result = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "r"), "--lang", "fa"], env=env)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "index.fa.html").is_file() and not (tmp_path / "r" / "index.html").exists()
    result = CliRunner().invoke(app, ["explain", "estimate.total"], env=env)
    assert result.exit_code == 0 and result.output.startswith("estimate.total = ")
    result = CliRunner().invoke(app, ["export", "--public", "--out", str(tmp_path / "e")], env=env)
    assert result.exit_code == 0 and f"public export of {persons:,} persons" in result.output
    bad = CliRunner().invoke(app, ["report", "--lang", "de", "--out", str(tmp_path / "x")], env=env)
    assert bad.exit_code == 1 and "unknown language 'de'" in bad.output


def test_renders_in_headless_chromium_offline(demo: DemoSummary) -> None:
    from playwright.sync_api import sync_playwright

    executable = browser_or_skip()
    BUILD.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            for lang, page_file in (("en", demo.report), ("fa", demo.out / "report" / "index.fa.html")):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                errors: list[str] = []
                requests: list[str] = []
                page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.on("request", lambda r, requests=requests: requests.append(r.url))
                page.goto(page_file.as_uri(), wait_until="load")
                assert errors == [] and requests == [page_file.as_uri()]
                assert page.locator("svg").count() >= 9 and page.locator("a.n").count() > 100
                assert page.evaluate("document.documentElement.dir") == ("rtl" if lang == "fa" else "ltr")
                page.screenshot(path=str(BUILD / f"report-{lang}.png"))
                assert (BUILD / f"report-{lang}.png").stat().st_size > 20_000
                page.close()
        finally:
            browser.close()


def _bare_numbers(page: str, start: str, end: str) -> set[str]:
    """Digits a section prints outside a traceable number (charts, ids and code left out)."""
    section = page[page.index(start):page.index(end)]
    section = re.sub(r'<svg.*?</svg>|<a class="n"[^>]*>.*?</a>|<code>.*?</code>', "", section, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", section))
    return set(re.findall(r"[0-9۰-۹][0-9۰-۹,.٬٫]*", text))


def test_every_figure_of_the_estimation_section_has_an_id(demo: DemoSummary) -> None:
    constants = {"95", "1", "2", "3", "0.01"}  # "95% interval", "(1)…(3)", "above 1", the p limit in the note
    for name in ("index.html", "index.fa.html"):
        page = (demo.out / "report" / name).read_text(encoding="utf-8")
        allowed = constants if name == "index.html" else {digits(c, "fa") for c in constants}
        assert _bare_numbers(page, 'id="estimates"', 'id="method"') <= allowed, name
        assert page.count('data-id="dependence.') > 100 and 'data-id="check.IR-23.pair.media+network"' in page


def test_the_checks_counts_name_their_persons(demo_engine: Engine) -> None:
    from tollbook.report.explain import explain

    with session_scope(demo_engine) as session:
        both = explain(session, "dependence.IR-23.media+network.both")
        observed = explain(session, "check.IR-23.margin.media")
    assert both.number.value > 0 and len(both.persons) == both.number.value  # the run's count, person by person
    assert len(observed.persons) == observed.number.value and "data changed" not in observed.number.how


def test_findings_on_the_persian_page_in_persian_with_traceable_figures(demo: DemoSummary) -> None:
    page = (demo.out / "report" / "index.fa.html").read_text(encoding="utf-8")
    findings = page[page.index('<ul class="findings">'):page.index('id="numbers"')]
    items = re.findall(r"<li id=\"(finding[^\"]+)\">(.*?)</li>", findings, flags=re.S)
    assert items and all('<p lang="en" dir="ltr">' in body for _id, body in items)
    for id_, body in items:
        shown = re.sub(r"<details>.*?</details>|<bdi>.*?</bdi>", "", body, flags=re.S)  # English folded; names
        assert f'data-id="{id_}.' in shown  # each figure of the finding is a number with an id
        assert not re.search(r"[A-Za-z]{4,} [A-Za-z]{4,}", re.sub(r"<[^>]+>", " ", shown)), id_
