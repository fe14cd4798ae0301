"""The evidence and persons commands, end to end through the CLI, on both engines."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from tollbook.cli import app

runner = CliRunner()


def run(db: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", db])
    return result.exit_code, result.output


def test_evidence_add_list_show_verify(people: Engine, db_url: str, files: dict, tmp_path: Path) -> None:
    store = str(tmp_path / "ev")
    code, out = run(db_url, "evidence", "add", str(files["photo"]), "--person", "P-1", "--kind", "photo",
                    "--captured-by", "Witness Zahra", "--captured-at", "2019-11-16T14:00:00", "--store", store,
                    "--json")
    assert code == 0, out
    item = json.loads(out)
    assert item["media_type"] == "image/jpeg" and "captured_by" not in item
    code, out = run(db_url, "evidence", "list", "--json")
    assert code == 0 and "Zahra" not in out and json.loads(out)[0]["captured_at"].startswith("2019-11-16T14:00")
    code, out = run(db_url, "evidence", "list", "--confidential", "--json")
    assert json.loads(out)[0]["captured_by"] == "Witness Zahra"
    code, out = run(db_url, "evidence", "show", str(item["id"]), "--store", store, "--json")
    assert code == 0 and json.loads(out)["file_check"] == "ok"
    assert run(db_url, "evidence", "verify", "--store", store)[0] == 0
    stored = Path(json.loads(out)["stored_at"])
    stored.unlink()
    code, out = run(db_url, "evidence", "verify", "--store", store)
    assert code == 1 and "MISSING" in out and "1 missing" in out


def test_persons_verify_classify_show_and_counts(people: Engine, db_url: str, files: dict, tmp_path: Path) -> None:
    code, out = run(db_url, "evidence", "add", str(files["video"]), "--person", "P-1", "--kind", "video",
                    "--store", str(tmp_path / "ev"), "--json")
    evidence_id = json.loads(out)["id"]
    code, out = run(db_url, "persons", "verify", "P-1", "--level", "verified", "--reason", "video reviewed",
                    "--reviewer", "Layla")
    assert code == 1 and "--evidence" in out
    code, out = run(db_url, "persons", "verify", "P-1", "--level", "verified", "--reason", "video reviewed",
                    "--reviewer", "Layla", "--evidence", str(evidence_id))
    assert code == 0 and "reported → verified" in out
    code, out = run(db_url, "persons", "classify", "P-1", "--role", "bystander", "--by", "Layla", "--kind",
                    "reviewer", "--basis", "the video shows him walking home")
    assert code == 0, out
    code, out = run(db_url, "persons", "show", "P-1", "--json")
    shown = json.loads(out)
    assert {a["value"] for a in shown["assertions"] if a["aspect"] == "role"} == {"protester", "bystander"}
    assert shown["verification"] == "verified" and shown["verification_history"][0]["reviewer"] == "Layla"
    assert shown["evidence"][0]["kind"] == "video"
    code, out = run(db_url, "status", "--json")
    assert json.loads(out)["persons_verified"] == 1 and json.loads(out)["evidence_items"] == 1
    code, out = run(db_url, "persons", "list")
    assert code == 0 and "By level: 1 reported, 1 corroborated, 1 verified" in out


def test_persons_list_by_level_and_cause(people: Engine, db_url: str) -> None:
    code, out = run(db_url, "persons", "list", "--level", "reported", "--by", "cause", "--json")
    table = json.loads(out)
    assert code == 0 and table["total"] == 2
    assert [(r["cause"], r["persons"]) for r in table["rows"]] == [("beating", 1), ("gunshot_head", 1)]
    code, out = run(db_url, "persons", "list", "--level", "corroborated", "--json")
    assert [r["public_id"] for r in json.loads(out)] == ["P-2"]
    code, out = run(db_url, "persons", "list", "--by", "colour")
    assert code == 1 and "cause, perpetrator, date" in out


def test_persons_list_by_role_counts_each_claimant(people: Engine, db_url: str) -> None:
    code, out = run(db_url, "persons", "list", "--by", "role", "--json")
    table = json.loads(out)
    assert code == 0 and (table["persons"], table["disputed"], table["unclassified"]) == (3, 1, 1)
    assert {"claimant": "NGO", "role": "bystander", "persons": 1} in table["rows"]
    code, out = run(db_url, "persons", "list", "--by", "role")
    assert code == 0 and "the claimants disagree on 1" in out


def test_date_table_names_the_busiest_two_days(people: Engine, db_url: str) -> None:
    code, out = run(db_url, "persons", "list", "--by", "date", "--json")
    table = json.loads(out)
    assert [(r["date"], r["persons"]) for r in table["rows"]] == [("2019-11-16", 1), ("2019-11-17", 1),
                                                                  ("2019-11-18", 1)]
    assert table["busiest"] == {"from": "2019-11-16", "to": "2019-11-17", "persons": 2, "of": 3}
    assert "2 of 3 on 2019-11-16 to 2019-11-17" in run(db_url, "persons", "list", "--by", "date")[1]
