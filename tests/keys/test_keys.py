"""Project and collector keys: files 0600, passphrase protection (argon2id), registration by fingerprint."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tollbook.cli import app
from tollbook.keys import (
    KeyFileError,
    ProjectKey,
    new_collector_key,
    new_project_key,
    read_private,
    read_public,
    register_key,
    write_keypair,
)
from tollbook.keys import files as key_files
from tollbook.model import AuditEvent
from tollbook.store import session_scope


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Interactive-strength argon2id in tests (the default is the moderate setting: 256 MiB)."""
    from nacl import pwhash

    monkeypatch.setattr(key_files, "OPSLIMIT", pwhash.argon2id.OPSLIMIT_MIN)
    monkeypatch.setattr(key_files, "MEMLIMIT", pwhash.argon2id.MEMLIMIT_MIN)


def test_project_keypair_round_trip_and_modes(tmp_path: Path) -> None:
    key = new_project_key()
    private, public = write_keypair(tmp_path / "k", "project", key)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "k").stat().st_mode) == 0o700
    loaded = read_private(private, kind="project")
    assert isinstance(loaded, ProjectKey) and loaded == key
    shared = read_public(public)
    assert shared.fingerprint == key.public().fingerprint and shared.encryption == key.public().encryption
    assert "seed" not in public.read_text() and "secret" not in public.read_text()


def test_keys_are_never_overwritten(tmp_path: Path) -> None:
    write_keypair(tmp_path, "project", new_project_key())
    with pytest.raises(KeyFileError, match="never overwritten"):
        write_keypair(tmp_path, "project", new_project_key())


def test_passphrase_protection(tmp_path: Path) -> None:
    key = new_collector_key("Maryam")
    private, _ = write_keypair(tmp_path, "maryam", key, passphrase="correct horse")
    text = private.read_text()
    assert "argon2id" in text and json.loads(text).get("secret") is None
    assert read_private(private, "correct horse") == key
    with pytest.raises(KeyFileError, match="wrong passphrase"):
        read_private(private, "wrong horse")
    with pytest.raises(KeyFileError, match="passphrase-protected"):
        read_private(private)


def test_too_open_private_key_is_refused(tmp_path: Path) -> None:
    private, _ = write_keypair(tmp_path, "c", new_collector_key())
    private.chmod(0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        read_private(private)


def test_edited_public_key_is_refused(tmp_path: Path) -> None:
    _, public = write_keypair(tmp_path, "c", new_collector_key())
    document = json.loads(public.read_text())
    document["signing_key"] = document["signing_key"][:-4] + "AAA="
    public.write_text(json.dumps(document))
    with pytest.raises(KeyFileError, match="fingerprint does not match"):
        read_public(public)


def test_wrong_kind_of_file_is_named(tmp_path: Path) -> None:
    private, public = write_keypair(tmp_path, "c", new_collector_key())
    with pytest.raises(KeyFileError, match="collector key; a project key"):
        read_private(private, kind="project")
    with pytest.raises(KeyFileError, match="public key file; a private one"):
        read_private(public)
    (tmp_path / "junk.pub").write_bytes(b"\xff\x00garbage")
    with pytest.raises(KeyFileError, match="not a Tollbook key file"):
        read_public(tmp_path / "junk.pub")


def test_register_is_audited_without_the_name(engine) -> None:
    collector = new_collector_key("Maryam Secret-Name")
    with session_scope(engine) as session:
        row, new = register_key(session, collector.public(), "lead")
        again, new_again = register_key(session, collector.public(), "lead")
        assert new and not new_again and again.id == row.id
        details = session.scalars(select(AuditEvent.details)).all()
    assert len(details) == 1 and collector.public().fingerprint in details[0] and "Maryam" not in details[0]


def test_keys_cli(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    monkeypatch.setenv("TOLLBOOK_KEY_PASSPHRASE", "field pass")
    made = runner.invoke(app, ["keys", "collector-init", "maryam", "--out", str(tmp_path), "--passphrase"])
    assert made.exit_code == 0, made.output
    assert "argon2id" in (tmp_path / "maryam.key").read_text()
    registered = runner.invoke(app, ["keys", "register", str(tmp_path / "maryam.pub"), "--db", db_url])
    assert registered.exit_code == 0 and "registered" in registered.output
    listed = runner.invoke(app, ["keys", "list", "--db", db_url])
    assert "collector" in listed.output and "maryam" not in listed.output
    missing = runner.invoke(app, ["keys", "register", str(tmp_path / "nope.pub"), "--db", db_url])
    assert missing.exit_code == 1 and "no such key file" in missing.output
