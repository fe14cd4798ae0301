"""`tollbook import` from the command line: table, JSON, report CSV, strict mode, re-import."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tollbook.cli import app

runner = CliRunner()
ROWS = ("given_name,family_name,age,date_of_death,province\n"
        "Ali,Rezaei,24,2019-11-16,Tehran\n"
        "Hassan,Moradi,abc,2019-13-45,Fars\n")  # an age kept as unknown, a date that keeps the row out


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/cli.db"
    assert runner.invoke(app, ["init", "--db", url]).exit_code == 0
    return url


@pytest.fixture
def list_file(tmp_path: Path) -> Path:
    path = tmp_path / "hro.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


def test_import_prints_issues_and_counts(db: str, list_file: Path, tmp_path: Path) -> None:
    report_csv = tmp_path / "issues.csv"
    result = runner.invoke(app, ["import", str(list_file), "--source", "HRO", "--db", db,
                                 "--report-csv", str(report_csv)])
    assert result.exit_code == 0, result.output
    assert "1 imported" in result.output and "1 failed" in result.output
    issues = list(csv.DictReader(report_csv.open(encoding="utf-8")))
    assert issues[0]["row"] == "3" and issues[0]["column"] == "age" and issues[0]["value"] == "abc"


def test_import_json_and_reimport(db: str, list_file: Path) -> None:
    result = runner.invoke(app, ["import", str(list_file), "--source", "HRO", "--db", db, "--json"])
    assert json.loads(result.stdout)["imported"] == 1
    again = runner.invoke(app, ["import", str(list_file), "--source", "HRO", "--db", db])
    assert again.exit_code == 0 and "already imported" in again.output
    status = runner.invoke(app, ["status", "--db", db, "--json"])
    assert json.loads(status.stdout)["records"] == 1


def test_strict_import_fails_and_writes_nothing(db: str, list_file: Path) -> None:
    result = runner.invoke(app, ["import", str(list_file), "--source", "HRO", "--strict", "--db", db])
    assert result.exit_code == 1 and "nothing was imported" in result.output
    status = runner.invoke(app, ["status", "--db", db, "--json"])
    assert json.loads(status.stdout)["sources"] == 0


def test_import_errors_are_one_line(db: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path / "missing.csv"), "--source", "HRO", "--db", db])
    assert result.exit_code == 1 and "no such file" in result.output and "Traceback" not in result.output
    bad_mapping = tmp_path / "m.toml"
    bad_mapping.write_text("nonsense = [", encoding="utf-8")
    result = runner.invoke(app, ["import", str(tmp_path / "x.csv"), "--source", "S", "--mapping", str(bad_mapping),
                                 "--db", db])
    assert result.exit_code == 1 and "cannot read it" in result.output


def test_report_csv_in_a_missing_folder_is_refused_before_importing(db: str, list_file: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(list_file), "--source", "HRO", "--db", db,
                                 "--report-csv", str(tmp_path / "no" / "issues.csv")])
    assert result.exit_code == 1 and "does not exist" in result.output and "Traceback" not in result.output
    assert json.loads(runner.invoke(app, ["status", "--db", db, "--json"]).stdout)["records"] == 0
