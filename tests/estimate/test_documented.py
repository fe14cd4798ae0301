"""The estimate counts exactly the documented deaths the report counts: discounted persons, persons not killed and
persons whose every record was retracted are left out of both, and the estimate names each exclusion."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from labelled_lists import import_labelled
from sqlalchemy import func, select
from typer.testing import CliRunner

from tollbook.cli import app
from tollbook.documented import LeftOut, documented_count, left_out_reason
from tollbook.estimate.database import documented_histories, histories_from_database
from tollbook.evidence import set_level
from tollbook.link import link_database
from tollbook.model import Person, Record
from tollbook.records import current_records_query, retract_records
from tollbook.report import sections
from tollbook.report.facts import person_facts
from tollbook.report.numbers import NumberBook
from tollbook.store import open_engine, session_scope
from tollbook.web.views.dashboard import headline


def _person_of(session, source_record_id: str) -> Person:  # noqa: ANN001 - a Session
    return session.scalars(select(Person).where(Person.records.any(source_record_id=source_record_id))).one()


def _with_exclusions(tmp_path: Path, url: str) -> int:
    """The labelled lists linked: one person injured (every record says so), one discounted by a reviewer, one
    with every record retracted. Returns the persons the link run formed."""
    def injured_p02(rows: pd.DataFrame) -> None:
        rows["status"] = ["injured" if truth == "p02" else "" for truth in rows["truth"]]

    engine, rows = import_labelled(tmp_path, url, injured_p02)
    with session_scope(engine) as session:
        formed = link_database(session).persons
    first = {truth: rows.loc[rows["truth"] == truth, "record_id"].iloc[0] for truth in ("p03", "p04")}
    with session_scope(engine) as session:
        set_level(session, _person_of(session, first["p03"]).public_id, "discounted", "reviewer",
                  "a duplicate of a hoax list")
        retracted = _person_of(session, first["p04"])
        ids = list(session.scalars(current_records_query().with_only_columns(Record.id)
                                   .where(Record.person_id == retracted.id).order_by(None)))
        retract_records(session, ids, "reviewer", "the source withdrew these reports")
    engine.dispose()
    return formed


def test_the_rule_names_why_a_person_is_left_out() -> None:
    assert left_out_reason(None, "reported") is None and left_out_reason("killed", "verified") is None
    assert left_out_reason("injured", "corroborated") == "not killed"
    assert left_out_reason("injured", "discounted") == "discounted"  # discounted first
    assert LeftOut().line().startswith("left out: nobody")


def test_the_estimate_counts_the_reports_documented_deaths(tmp_path: Path, db_url: str) -> None:
    formed = _with_exclusions(tmp_path, db_url)
    engine = open_engine(db_url)
    with session_scope(engine) as session:
        documented = sections.headline_counts(NumberBook(), person_facts(session))["documented"]
        histories, left_out = documented_histories(session, None)
        by_province, _ = documented_histories(session, "province")
        counted, listed = documented_count(session)
        linked = session.scalar(select(func.count()).select_from(Person).where(Person.records.any()))
        public = headline(session, internal=False)["documented"]  # the web app's headline figure
    engine.dispose()
    assert left_out == LeftOut(discounted=1, not_killed=1, retracted=1)
    assert histories[None].observed == documented == counted == public == formed - 3 == linked - 3
    assert sum(h.observed for h in by_province.values()) == documented and listed == left_out
    line = left_out.line()
    assert "1 discounted" in line and "1 not killed" in line and "1 with every record retracted" in line

    listed_cli = CliRunner().invoke(app, ["persons", "list", "--db", db_url])
    assert listed_cli.exit_code == 0, listed_cli.output
    assert f"Documented deaths: {documented}; left out: 1 discounted, 1 not killed" in listed_cli.output
    result = CliRunner().invoke(app, ["estimate", "--method", "loglinear", "--db", db_url, "--no-save"])
    assert result.exit_code == 0, result.output
    assert "left out: 1 discounted, 1 not killed, 1 with every record retracted" in " ".join(result.output.split())
    saved = CliRunner().invoke(app, ["estimate", "--method", "loglinear", "--db", db_url, "--json"])
    assert saved.exit_code == 0, saved.output
    rows = json.loads(saved.stdout)
    assert {row["observed"] for row in rows} == {documented}
    assert rows[0]["diagnostics"]["persons_left_out"] | {"line": None, "rule": None} == {
        "discounted": 1, "not_killed": 1, "retracted": 1, "line": None, "rule": None}


def test_nobody_who_counts_is_a_clear_error(tmp_path: Path, sqlite_url: str) -> None:
    _with_exclusions(tmp_path, sqlite_url)
    engine = open_engine(sqlite_url)
    with session_scope(engine) as session:
        for person in session.scalars(select(Person).where(Person.records.any())):
            person.verification = "discounted"
    with session_scope(engine) as session, pytest.raises(Exception, match="no linked persons who count"):
        histories_from_database(session, None)
    engine.dispose()
