"""Signed checkpoints catch what the chain alone cannot: the newest events deleted, or a recomputed rewrite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from tollbook.audit import event_hash
from tollbook.audit.checkpoint import CheckpointError, make_checkpoint, read_checkpoint, write_checkpoint
from tollbook.audit.rows import hash_rows, rows_digest
from tollbook.audit.verify import verify_audit
from tollbook.cli import app
from tollbook.keys import new_project_key, write_keypair
from tollbook.model import AuditEvent, AuditRow, Record
from tollbook.records import content_hash, stored_content
from tollbook.store import session_scope


def checkpoint_file(audited, tmp_path: Path) -> Path:
    """A checkpoint of the fixture's head."""
    with session_scope(audited.engine) as session:
        return write_checkpoint(make_checkpoint(session, audited.key), tmp_path / "checkpoint.json")


def report(engine, *checkpoints: Path):
    """Verification against the given checkpoints."""
    with session_scope(engine) as session:
        return verify_audit(session, list(checkpoints))


def test_checkpoint_holds_on_an_untouched_log(audited, tmp_path: Path) -> None:
    path = checkpoint_file(audited, tmp_path)
    held = report(audited.engine, path)
    assert held.ok, held.problems()
    assert held.checkpoints[0][1].event_id == held.chain.head_id == 4


def test_deleting_the_newest_events_is_caught(audited, tmp_path: Path) -> None:
    path = checkpoint_file(audited, tmp_path)
    with audited.engine.begin() as connection:  # drop event 4 with everything it wrote: the chain stays a chain
        connection.execute(text("DELETE FROM audit_rows WHERE event_id = 4"))
        connection.execute(text("DELETE FROM audit_events WHERE id = 4"))
        connection.execute(text("DELETE FROM registered_keys"))
    assert report(audited.engine).ok  # without a checkpoint, a shorter log is undetectable
    found = report(audited.engine, path).problems()
    assert f"checkpoint {path}: event 4 of the checkpoint is gone (the log ends at event 3): events were " \
           "deleted" in found


def _rewrite(engine, record_id: int) -> None:
    """What an insider with the source code does: edit a record and its content hash, re-hash its row, and
    recompute every event's hash from there on."""
    with session_scope(engine) as session:
        parsed = stored_content(session.get(Record, record_id)) | {"age": 41}
    with engine.begin() as connection:
        connection.execute(text("UPDATE records SET age = 41, content_hash = :c WHERE id = :id"),
                           {"c": content_hash(parsed), "id": record_id})
    with session_scope(engine) as session:
        digest = hash_rows(session, "records", [record_id])[record_id]
        with engine.begin() as connection:
            connection.execute(text("UPDATE audit_rows SET row_hash = :h WHERE table_name = 'records' AND "
                                    "row_id = :id"), {"h": digest, "id": record_id})
        prev = "0" * 64
        for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
            entries = session.execute(select(AuditRow.table_name, AuditRow.row_id, AuditRow.row_hash)
                                      .where(AuditRow.event_id == event.id)).all()
            rows = rows_digest(entries) if entries else None
            new = event_hash(prev, event.at, event.actor, event.action, event.object_type, event.object_id,
                             event.details, rows)
            with engine.begin() as connection:
                connection.execute(text("UPDATE audit_events SET prev_hash = :p, hash = :h, rows_hash = :r "
                                        "WHERE id = :id"), {"p": prev, "h": new, "r": rows, "id": event.id})
            prev = new


def test_a_recomputed_rewrite_is_caught(audited, tmp_path: Path) -> None:
    path = checkpoint_file(audited, tmp_path)
    _rewrite(audited.engine, audited.record_ids[1])
    assert report(audited.engine).ok  # the chain and rows agree again: only the checkpoint can tell
    found = report(audited.engine, path).problems()
    assert any("hash differs from the signed checkpoint: the chain was rewritten" in line for line in found), found


def test_an_altered_checkpoint_is_refused(audited, tmp_path: Path) -> None:
    path = checkpoint_file(audited, tmp_path)
    document = json.loads(path.read_text())
    document["event_id"] = 3
    path.write_text(json.dumps(document))
    with pytest.raises(CheckpointError, match="signature does not check out"):
        read_checkpoint(path)


def test_a_checkpoint_of_another_project_key_is_named(audited, tmp_path: Path) -> None:
    with session_scope(audited.engine) as session, pytest.raises(CheckpointError, match="not this database's"):
        make_checkpoint(session, new_project_key())


def test_checkpoint_cli_round_trip(db_url: str, tmp_path: Path, audited) -> None:
    runner = CliRunner()
    keys = tmp_path / "keys"
    write_keypair(keys, "project", audited.key)
    made = runner.invoke(app, ["audit", "checkpoint", "--key", str(keys / "project.key"), "--out",
                               str(tmp_path / "c1.json"), "--db", db_url])
    assert made.exit_code == 0, made.output
    held = runner.invoke(app, ["audit", "verify", "--checkpoint", str(tmp_path / "c1.json"), "--db", db_url])
    assert held.exit_code == 0 and "the log holds it" in held.output, held.output
    again = runner.invoke(app, ["audit", "checkpoint", "--key", str(keys / "project.key"), "--out",
                                str(tmp_path / "c1.json"), "--db", db_url])
    assert again.exit_code == 1 and "already exists" in again.output
    _rewrite(audited.engine, audited.record_ids[0])
    caught = runner.invoke(app, ["audit", "verify", "--checkpoint", str(tmp_path / "c1.json"), "--db", db_url])
    assert caught.exit_code == 1 and "the chain was rewritten" in caught.output, caught.output


def test_file_import_signs_a_checkpoint_when_the_key_is_set(audited, db_url: str, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    write_keypair(tmp_path / "keys", "project", audited.key)
    monkeypatch.setenv("TOLLBOOK_CHECKPOINT_KEY", str(tmp_path / "keys" / "project.key"))
    monkeypatch.setenv("TOLLBOOK_CHECKPOINTS", str(tmp_path / "cps"))
    (tmp_path / "more.csv").write_text("record_id,given_name,family_name,age\nz1,Neda,Agha-Soltan,26\n")
    result = CliRunner().invoke(app, ["import", str(tmp_path / "more.csv"), "--source", "Other", "--db", db_url])
    assert result.exit_code == 0 and "signed checkpoint" in result.output, result.output
    (checkpoint,) = (tmp_path / "cps").glob("checkpoint-*.json")
    assert report(audited.engine, checkpoint).ok
