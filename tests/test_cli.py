"""Every foundation command, on success and on error, through Typer's in-process runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from tollbook.cli import app
from tollbook.store import open_engine

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Exit code and combined output of one command."""
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.output


@pytest.fixture
def initialised(db_url: str) -> str:
    """A database initialised through the CLI."""
    code, output = run("init", "--db", db_url)
    assert code == 0, output
    return db_url


def test_version() -> None:
    code, output = run("--version")
    assert code == 0 and output.startswith("tollbook ")


def test_init_twice_is_current(initialised: str) -> None:
    code, output = run("init", "--db", initialised)
    assert code == 0 and "already current" in output


def test_status_json_has_the_counts(initialised: str) -> None:
    code, output = run("status", "--db", initialised, "--json")
    counts = json.loads(output)
    assert code == 0 and {"sources", "records", "persons", "claims", "review_items"} <= counts.keys()


def test_status_table(initialised: str) -> None:
    code, output = run("status", "--db", initialised)
    assert code == 0 and "records" in output


def test_db_from_environment(initialised: str) -> None:
    code, output = run("status", "--json", env={"TOLLBOOK_DB": initialised})
    assert code == 0 and json.loads(output)["sources"] == 0


def test_status_on_missing_database_is_one_line(tmp_path: Path) -> None:
    code, output = run("status", "--db", f"sqlite:///{tmp_path}/none.db")
    assert code == 1 and "tollbook init" in output and "Traceback" not in output
    assert not (tmp_path / "none.db").exists()


def test_unreachable_server_masks_password() -> None:
    code, output = run("status", "--db", "postgresql+psycopg://bob:hunter2@127.0.0.1:1/db")
    assert code == 1 and "hunter2" not in output and "bob:***@" in output


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--debug", "status", "--db", f"sqlite:///{tmp_path}/none.db"])
    assert result.exit_code != 0 and result.exception is not None


def test_sources_add_and_list(initialised: str) -> None:
    code, output = run("sources", "add", "HRANA", "--kind", "activist_network", "--group", "net", "--db", initialised)
    assert code == 0 and "added source 'HRANA'" in output
    code, output = run("sources", "list", "--db", initialised, "--json")
    assert code == 0 and json.loads(output)[0]["independence_group"] == "net"
    code, output = run("sources", "list", "--db", initialised)
    assert code == 0 and "HRANA" in output


def test_sources_add_errors(initialised: str) -> None:
    assert run("sources", "add", "A", "--db", initialised)[0] == 0
    code, output = run("sources", "add", "A", "--db", initialised)
    assert code == 1 and "already exists" in output
    code, output = run("sources", "add", "B", "--kind", "blog", "--db", initialised)
    assert code == 1 and "unknown source kind 'blog'" in output


def test_records_list_and_show(initialised: str) -> None:
    from tollbook.model import Record
    from tollbook.records import content_hash
    from tollbook.sources import add_source
    from tollbook.store import session_scope

    engine = open_engine(initialised)
    with session_scope(engine) as session:
        source = add_source(session, "HRO")
        session.add(Record(source_id=source.id, raw={"name": "علی رضایی"}, content_hash=content_hash({"a": 1}),
                           given_name="علی", family_name="رضایی", place_detail="exact address"))
    engine.dispose()
    code, output = run("records", "list", "--db", initialised, "--json")
    rows = json.loads(output)
    assert code == 0 and rows[0]["given_name"] == "علی" and "place_detail" not in rows[0]
    code, output = run("records", "list", "--source", "HRO", "--db", initialised)
    assert code == 0 and "رضایی" in output
    code, output = run("records", "show", str(rows[0]["id"]), "--db", initialised, "--json")
    assert code == 0 and "raw" not in json.loads(output) and "exact address" not in output
    code, output = run("records", "show", str(rows[0]["id"]), "--confidential", "--db", initialised, "--json")
    assert code == 0 and json.loads(output)["raw"] == {"name": "علی رضایی"}
    code, output = run("records", "show", str(rows[0]["id"]), "--confidential", "--db", initialised)
    assert code == 0 and "exact address" in output


def test_records_errors(initialised: str) -> None:
    code, output = run("records", "show", "999", "--db", initialised)
    assert code == 1 and "no record with id 999" in output
    code, output = run("records", "list", "--source", "Nobody", "--db", initialised)
    assert code == 1 and "no source named 'Nobody'" in output


def test_audit_verify_finds_tampering(initialised: str) -> None:
    run("sources", "add", "A", "--db", initialised)
    run("sources", "add", "B", "--db", initialised)
    code, output = run("audit", "verify", "--db", initialised)
    assert code == 0 and "intact: 2 events" in output
    engine = open_engine(initialised)
    with engine.begin() as connection:
        first = "(SELECT MIN(id) FROM audit_events)"
        connection.execute(text(f"UPDATE audit_events SET actor = 'mallory' WHERE id = {first}"))
    engine.dispose()
    result = runner.invoke(app, ["audit", "verify", "--db", initialised, "--json"])
    assert result.exit_code == 1 and json.loads(result.stdout)["ok"] is False
    assert "broken at event" in result.stderr


def test_demo_builds_and_says_what_next(tmp_path: Path) -> None:
    code, output = run("demo", "--out", str(tmp_path / "demo"))
    assert code == 0, output
    assert (tmp_path / "demo" / "tollbook.db").exists()
    assert "SYNTHETIC" in output and "Next:" in output
    code, status = run("status", "--json", "--db", f"sqlite:///{tmp_path}/demo/tollbook.db")
    counts = json.loads(status)
    assert counts["sources"] == 4 and counts["records"] == 1562 and counts["claims"] > 30
    assert run("demo", "--out", str(tmp_path / "demo"))[0] == 0  # rebuilding the same folder works


def test_help_teaches() -> None:
    code, output = run("--help")
    assert code == 0 and "demo" in output and "init" in output


def test_init_refuses_a_newer_schema(initialised: str) -> None:
    engine = open_engine(initialised)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    code, output = run("init", "--db", initialised)
    assert code == 1 and "newer than this Tollbook" in output
    code, output = run("status", "--db", initialised)
    assert code == 1 and "9999_future" in output
