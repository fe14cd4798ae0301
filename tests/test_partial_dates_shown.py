"""A month- or year-only date of death is shown at its precision in every place a user reads it — records list,
persons list and show, persons by date, review, public and full export, report — never as its first day
(آبان ۱۳۹۸ starts on 2019-10-23, the year 1398 on 2019-03-21)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tollbook.cli import app
from tollbook.evidence import subset_table
from tollbook.link.person_view import person_rows, person_view
from tollbook.link.review import side_by_side
from tollbook.model import Link, Person
from tollbook.records import add_record, display_value, list_records, record_row, record_value
from tollbook.report.build import build_report
from tollbook.report.export import full_rows, public_rows
from tollbook.report.facts import person_facts
from tollbook.report.gather import gather_report
from tollbook.report.html import chart_specs
from tollbook.report.redaction import coarse_date
from tollbook.store import session_scope

FIRST_DAYS = ("2019-10-23", "2019-03-21", "2019-11-01", "23 October", "21 March")
PEOPLE = [("علی", "رضایی", "آبان ۱۳۹۸", "Aban 1398 (month)"), ("سارا", "کریمی", "۱۳۹۸", "1398 (year)"),
          ("Mina", "Jafari", "November 2019", "November 2019 (month)"), ("رضا", "احمدی", "۲۵ آبان ۱۳۹۸", "2019-11-16")]
SHOWN = {given: shown for given, _family, _date, shown in PEOPLE}


@pytest.fixture
def partial(engine: Engine) -> Engine:
    """Two lists naming the same four persons, three of them with a month- or year-only date."""
    with session_scope(engine) as session:
        for number, (given, family, date, _shown) in enumerate(PEOPLE, start=1):
            person = Person(public_id=f"P-{number:04d}")
            session.add(person)
            session.flush()
            for source in ("ngo", "press"):
                values = {"given_name": given, "family_name": family, "date_of_death": date, "city": "Tehran"}
                add_record(session, source, values, actor="t").record.person_id = person.id
    return engine


def _no_first_day(text: str) -> None:
    assert not [day for day in FIRST_DAYS if day in text], text


def test_shared_function_shows_the_precision() -> None:
    from tollbook.text.dates import PartialDate, parse_date

    month = parse_date("آبان ۱۳۹۸")
    value = PartialDate(month.value, month.precision, month.end, "آبان ۱۳۹۸")
    assert display_value(value) == "Aban 1398 (month)" and display_value(month.value) == "2019-10-23"
    assert coarse_date(value, "day") == "Aban 1398 (month)" and coarse_date(value, "year") == "1398 (year)"


def test_records_and_persons_show_the_precision(partial: Engine) -> None:
    with session_scope(partial) as session:
        rows = [record_row(r) for r in list_records(session)]
        assert {r["given_name"]: r["date_of_death"] for r in rows} == SHOWN
        listed = person_rows(session, None)
        assert {r["given_name"]: r["date_of_death"] for r in listed} == SHOWN
        view = person_view(session, "P-0001").to_dict()["fields"]["date_of_death"]
        assert view["accepted"] == "Aban 1398 (month)"
        assert [v["value"] for v in view["values"]] == ["Aban 1398 (month)"] * 2
        table = subset_table(session, None, "date")
        assert [r["date"] for r in table["rows"]] == ["2019-11-16", "1398 (year)", "Aban 1398 (month)",
                                                      "November 2019 (month)"]
        assert table["busiest"]["persons"] == 1  # only the dated death falls on a day


def test_a_month_only_date_is_not_the_same_value_as_its_first_day(engine: Engine) -> None:
    with session_scope(engine) as session:
        person = Person(public_id="P-1")
        session.add(person)
        session.flush()
        for date in ("آبان ۱۳۹۸", "2019-10-23", "2019-10-23"):
            add_record(session, "ngo", {"given_name": "Ali", "date_of_death": date}, actor="t").record.person_id \
                = person.id
        field = person_view(session, "P-1").fields["date_of_death"]
        assert display_value(field.accepted) == "2019-10-23"
        assert [display_value(c.value) for c in field.alternatives] == ["Aban 1398 (month)"]


def test_review_shows_the_precision(partial: Engine) -> None:
    with session_scope(partial) as session:
        first, second = (r.id for r in list_records(session)[:2])
        link = Link(run_id="r", record_a_id=first, record_b_id=second, match_probability=0.5, in_review_queue=True)
        session.add(link)
        session.flush()
        row = next(r for r in side_by_side(session, link) if r.field == "date_of_death")
        assert (row.left, row.right, row.differs) == ("Aban 1398 (month)", "Aban 1398 (month)", False)


def test_exports_and_report_data_show_the_precision(partial: Engine) -> None:
    with session_scope(partial) as session:
        public = {r["given_name"]: r["date_of_death"] for r in public_rows(session)}
        assert public == {**SHOWN, "Mina": "November 2019 (month)"}
        full = full_rows(session, person_facts(session))
        assert {r["given_name"]: (r["date_of_death"], r["date_precision"]) for r in full}["سارا"] == (
            "1398 (year)", "year")
        data = gather_report(session)
    assert [(r["date"], r["precision"], r["count"]) for r in data.days] == [
        ("2019-11-16", "day", 1), ("1398 (year)", "year", 1), ("Aban 1398 (month)", "month", 1),
        ("November 2019 (month)", "month", 1)]
    assert data.documented_by_day == [{"date": "2019-11-16", "documented": 1}]  # no fake first day on the axis
    bars = chart_specs(data, "en")["days"]
    _no_first_day(json.dumps(bars, ensure_ascii=False))


def test_cli_and_report_pages_show_the_precision(partial: Engine, db_url: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from tollbook.cli.common import console

    monkeypatch.setattr(console, "_width", 250)  # the console is made once per process, before COLUMNS is set
    runner = CliRunner(env={"COLUMNS": "250"})
    for args in (["records", "list"], ["persons", "list"], ["persons", "show", "P-0001"],
                 ["persons", "show", "P-0002", "--json"], ["persons", "list", "--by", "date"]):
        result = runner.invoke(app, [*args, "--db", db_url])
        assert result.exit_code == 0, result.output
        _no_first_day(result.output)
        assert "Aban 1398 (month)" in result.output or "1398 (year)" in result.output, result.output
    with session_scope(partial) as session:
        files = build_report(session, tmp_path / "report")
    for page in files.pages.values():
        text = Path(page).read_text(encoding="utf-8")
        assert "Aban 1398 (month)" in text and "1398 (year)" in text
        _no_first_day(text)


def test_record_value_keeps_a_day_a_plain_date(partial: Engine) -> None:
    with session_scope(partial) as session:
        day = next(r for r in list_records(session) if r.given_name == "رضا")
        assert display_value(record_value(day, "date_of_death")) == "2019-11-16"


def test_web_pages_data_show_the_precision(partial: Engine) -> None:
    from tollbook.web.views.paging import Paging
    from tollbook.web.views.persons import person_detail, persons_page, public_persons_page

    with session_scope(partial) as session:
        listed = {r["given_name"]: r["date_of_death"] for r in persons_page(session, Paging())["items"]}
        public = {r["given_name"]: r["date_of_death"] for r in public_persons_page(session, Paging())["items"]}
        detail = person_detail(session, "P-0002", confidential=False)
    assert listed == SHOWN and public == SHOWN
    assert detail["person"]["fields"]["date_of_death"]["accepted"] == "1398 (year)"
    assert {r["date_of_death"] for r in detail["records"]} == {"1398 (year)"}
