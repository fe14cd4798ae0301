"""Import reads a list's role assertions and report dates; a batch date fills rows that give none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from tollbook.cli import app
from tollbook.ingest import import_file
from tollbook.model import Record
from tollbook.store import open_engine, session_scope

CSV = """record_id,given_name,family_name,date_of_death,province,role,reported_on
A1,Pouya,Bakhtiari,2019-11-16,Tehran,protester,2019-11-20
A2,محمد,حسینی,1398/08/26,تهران,رهگذر,۱۳۹۸/۰۹/۱۰
A3,Ali,Rezaei,2019-11-17,Fars,,
A4,Reza,Karimi,2019-11-17,Fars,rioter,Aban 1398
A5,Hamid,Ahmadi,2019-12-20,Fars,,2019-11-30
"""


def _import(engine: Engine, tmp_path: Path, reported_on: dt.date | None = None) -> tuple[dict[str, Record], object]:
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    with session_scope(engine) as session:
        report = import_file(session, path, "Network", reported_on=reported_on)
        records = {r.source_record_id: r for r in session.scalars(select(Record))}
    assert report.imported == 5
    return records, report


def test_role_and_report_date_columns(engine: Engine, tmp_path: Path) -> None:
    records, report = _import(engine, tmp_path)
    assert [records[k].role and records[k].role.value for k in ("A1", "A2", "A3", "A4")] == [
        "protester", "bystander", None, None]
    assert records["A1"].reported_on == dt.date(2019, 11, 20)
    assert records["A2"].reported_on == dt.date(2019, 12, 1)  # 10 Azar 1398
    assert records["A3"].reported_on is None
    warned = {(w.column, w.row) for w in report.warnings}
    assert ("role", 5) in warned and ("reported_on", 5) in warned  # rioter; a month is not a report day
    assert ("reported_on", 6) in warned and records["A5"].reported_on is None  # reported before dying


def test_batch_date_fills_only_rows_without_their_own(engine: Engine, tmp_path: Path) -> None:
    records, _ = _import(engine, tmp_path, reported_on=dt.date(2019, 12, 15))
    assert records["A1"].reported_on == dt.date(2019, 11, 20)
    assert records["A3"].reported_on == records["A4"].reported_on == dt.date(2019, 12, 15)
    assert records["A5"].reported_on is None  # died 20 December, after the batch's report date


def test_cli_reported_on_accepts_solar_hijri_and_refuses_a_month(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    bad = runner.invoke(app, ["import", str(path), "--source", "N", "--reported-on", "آذر ۱۳۹۸", "--db", db_url])
    assert bad.exit_code == 1 and "not a day" in bad.output and "nothing was imported" in bad.output
    good = runner.invoke(app, ["import", str(path), "--source", "N", "--reported-on", "1398/09/24", "--db", db_url])
    assert good.exit_code == 0, good.output
    engine = open_engine(db_url)
    with session_scope(engine) as session:
        days = {r.source_record_id: r.reported_on for r in session.scalars(select(Record))}
    engine.dispose()
    assert days["A3"] == dt.date(2019, 12, 15)
