"""The import and lifecycle commands as a user meets them: inspect, dry run, output paths, formulas, `--db`
before the command, a busy database, records add/correct/retract/history and imports list/retract/reparse."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from messy import EN_HEADERS, EN_ROWS, TITLE, write_xlsx
from typer.testing import CliRunner

from tollbook.cli import app

runner = CliRunner()
LIST = ("record_id,given_name,family_name,age,date_of_death,notes\n"
        "h1,Ali,Rezaei,24,2019-11-16,=HYPERLINK(\"http://x\")\n"
        "h2,Reza,Karimi,abc,2019-11-17,\n")


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/t.db"
    assert runner.invoke(app, ["init", "--db", url]).exit_code == 0
    return url


@pytest.fixture
def listed(tmp_path: Path) -> Path:
    path = tmp_path / "list.csv"
    path.write_text(LIST, encoding="utf-8")
    return path


def invoke(*args: str) -> object:
    return runner.invoke(app, list(args))


def test_inspect_shows_sheet_header_mapping_and_samples(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "list.xlsx", {"Victims": [[TITLE], EN_HEADERS, *EN_ROWS], "About": [["x"]]})
    result = invoke("inspect", str(path))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "[Victims]: header in row 2" in out and "Age (years)" in out and "(not mapped)" in out
    assert "Photo link" in out and "sheet left out" in out and "Mohammad" in out and "\\u200c" not in out
    as_json = json.loads(invoke("inspect", str(path), "--json").stdout)
    assert as_json["tables"][0]["columns"]["city"] == "City/Town" and as_json["samples"]


def test_dry_run_writes_nothing(db: str, listed: Path) -> None:
    result = invoke("import", str(listed), "--source", "ngo", "--dry-run", "--db", db)
    assert result.exit_code == 0 and "2 would be imported" in result.output and "dry run" in result.output
    assert json.loads(invoke("status", "--db", db, "--json").stdout)["records"] == 0


def test_db_before_the_command(db: str, listed: Path) -> None:
    assert invoke("--db", db, "import", str(listed), "--source", "ngo").exit_code == 0
    assert json.loads(invoke("--db", db, "status", "--json").stdout)["records"] == 2
    assert json.loads(invoke("--db", db, "records", "list", "--json").stdout)[0]["given_name"] == "Ali"


@pytest.mark.parametrize("target", ["db", "input", "folder", "wal"])
def test_report_csv_that_would_destroy_something_is_refused_first(db: str, listed: Path, tmp_path: Path,
                                                                  target: str) -> None:
    path = {"db": tmp_path / "t.db", "input": listed, "folder": tmp_path, "wal": tmp_path / "t.db-wal"}[target]
    before = (tmp_path / "t.db").read_bytes()
    result = invoke("import", str(listed), "--source", "ngo", "--db", db, "--report-csv", str(path))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert (tmp_path / "t.db").read_bytes() == before and listed.read_text(encoding="utf-8") == LIST
    assert json.loads(invoke("status", "--db", db, "--json").stdout)["records"] == 0


def test_report_csv_neutralises_formulas_and_summary_counts(db: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("given_name,family_name,age\n=cmd|' /C calc'!A0,Rezaei,abc\n+Ali,-Karimi,x\n@Sara,Ahmadi,zz\n",
                    encoding="utf-8")
    out = tmp_path / "issues.csv"
    result = invoke("import", str(path), "--source", "s", "--db", db, "--report-csv", str(out))
    assert result.exit_code == 0 and "age" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["value"] for r in rows if r["column"] == "age"] == ["abc", "x", "zz"]
    summary = json.loads(invoke("import", str(path), "--source", "t", "--db", db, "--json").stdout)["summary"]
    assert summary[0]["rows"] == 3 and summary[0]["column"] == "age"
    listed_csv = tmp_path / "formula.csv"
    listed_csv.write_text("given_name,family_name\nAli,Rezaei\n", encoding="utf-8")
    from tollbook.outputs import neutralise_cell

    assert [neutralise_cell(v) for v in ("=1+1", "+9", "-2", "@x", "\tx", "\rx", "ok")] == [
        "'=1+1", "'+9", "'-2", "'@x", "'\tx", "'\rx", "ok"]


def test_busy_sqlite_is_one_line(db: str, listed: Path, tmp_path: Path, monkeypatch) -> None:
    import tollbook.store

    monkeypatch.setattr(tollbook.store, "SQLITE_BUSY_SECONDS", 0.2)
    holder = sqlite3.connect(tmp_path / "t.db")
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        result = invoke("import", str(listed), "--source", "ngo", "--db", db)
    finally:
        holder.rollback()
        holder.close()
    assert result.exit_code == 1 and "database is busy" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_records_lifecycle_commands(db: str, listed: Path) -> None:
    added = invoke("records", "add", "--source", "field", "--set", "given_name=زهرا", "--set", "family_name=کریمی",
                   "--set", "date_of_death=آبان ۱۳۹۸", "--set", "age=حدود ۳۰", "--db", db, "--json")
    assert added.exit_code == 0, added.output
    record = json.loads(added.stdout)
    assert record["date_of_death"] == "Aban 1398 (month)" and record["age_approximate"] is True
    rid = str(record["id"])
    corrected = invoke("records", "correct", rid, "--set", "age=31", "--reason", "death certificate", "--db", db)
    assert corrected.exit_code == 0, corrected.output
    new_id = str(int(rid) + 1)
    bad = invoke("records", "correct", new_id, "--set", "date_of_death=1398/13/40", "--reason", "x", "--db", db)
    assert bad.exit_code == 1 and "month 13" in bad.output and len(bad.output.strip().splitlines()) == 1
    assert invoke("records", "retract", new_id, "--reason", "listed twice", "--db", db).exit_code == 0
    history = json.loads(invoke("records", "history", rid, "--db", db, "--json").stdout)
    assert [h["action"] for h in history] == ["added", "corrected", "retracted"]
    shown = invoke("records", "show", new_id, "--db", db)
    assert "listed twice" in shown.output and "raw" not in shown.output
    listed_rows = json.loads(invoke("records", "list", "--retracted", "--db", db, "--json").stdout)
    assert listed_rows[0]["retracted"].endswith("listed twice")


def test_imports_commands(db: str, listed: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nrecord_id = "record_id"\ngiven_name = "given_name"\n', encoding="utf-8")
    assert invoke("import", str(listed), "--source", "ngo", "--mapping", str(mapping), "--db", db).exit_code == 0
    batches = json.loads(invoke("imports", "list", "--db", db, "--json").stdout)
    assert batches[0]["rows_imported"] == 2
    mapping.write_text('[columns]\nrecord_id = "record_id"\ngiven_name = "given_name"\nfamily_name = "family_name"\n',
                       encoding="utf-8")
    reparsed = json.loads(invoke("imports", "reparse", "1", "--mapping", str(mapping), "--db", db, "--json").stdout)
    assert (reparsed["revised"], reparsed["unchanged"]) == (2, 0)
    names = {r["family_name"] for r in json.loads(invoke("records", "list", "--db", db, "--json").stdout)}
    assert names == {"Rezaei", "Karimi"}
    retracted = invoke("imports", "retract", "1", "--reason", "withdrawn by the partner", "--db", db)
    assert retracted.exit_code == 0 and "2 record(s) retracted" in retracted.output
    assert json.loads(invoke("status", "--db", db, "--json").stdout)["records"] == 0
    missing = invoke("imports", "retract", "9", "--reason", "x", "--db", db)
    assert missing.exit_code == 1 and "no import batch 9" in missing.output


def test_a_list_imported_under_two_names_is_printed_as_a_warning(db: str, listed: Path) -> None:
    assert invoke("import", str(listed), "--source", "ngo", "--db", db).exit_code == 0
    again = invoke("import", str(listed), "--source", "media", "--db", db)
    assert again.exit_code == 0
    line = next(line for line in again.output.splitlines() if "already imported into source 'ngo'" in line)
    assert line.startswith("warning: ")


def test_records_list_shows_ranges_and_approximate_ages_and_says_when_it_is_cut(db: str, tmp_path: Path,
                                                                                 monkeypatch) -> None:
    from tollbook.cli.common import console

    monkeypatch.setattr(console, "width", 200)
    path = tmp_path / "ages.csv"
    path.write_text("record_id,given_name,family_name,age\na,Ali,Rezaei,30-35\nb,Reza,Karimi,حدود ۳۰\n"
                    "c,Sara,Ahmadi,23\n", encoding="utf-8")
    assert invoke("import", str(path), "--source", "ngo", "--db", db).exit_code == 0
    shown = invoke("records", "list", "--db", db).output
    assert "30-35" in shown and "~30" in shown and " 32 " not in shown and "shown" not in shown
    cut = invoke("records", "list", "--limit", "2", "--db", db).output
    assert "2 of 3 records shown; --limit 0 lists them all" in cut
    assert json.loads(invoke("records", "list", "--db", db, "--json").stdout)[0]["age"] == 32  # data unchanged


def test_reparse_issues_name_the_record(db: str, listed: Path, tmp_path: Path) -> None:
    assert invoke("import", str(listed), "--source", "ngo", "--db", db).exit_code == 0
    mapping = tmp_path / "m.toml"
    mapping.write_text('[columns]\nrecord_id = "record_id"\ngiven_name = "given_name"\nage = "age"\n',
                       encoding="utf-8")
    ids = {r["source_record_id"]: r["id"] for r in json.loads(invoke("records", "list", "--db", db, "--json").stdout)}
    reparsed = json.loads(invoke("imports", "reparse", "1", "--mapping", str(mapping), "--db", db, "--json").stdout)
    assert [(i["record"], i["column"]) for i in reparsed["issues"]] == [(ids["h2"], "age")]
