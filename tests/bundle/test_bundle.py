"""Bundles end to end: collect, seal, import once; every kind of bad bundle refused with nothing imported."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from bundle_fixtures import FIELD_LIST, JPEG, MORE, sealed_bundle
from nacl.public import PublicKey, SealedBox
from sqlalchemy import func, select
from typer.testing import CliRunner

from tollbook.audit.verify import verify_audit
from tollbook.bundle import BundleError, BundleRefused, add_records, import_bundle, new_workdir, seal_workdir
from tollbook.bundle import importer as bundle_importer
from tollbook.bundle.seal import MAGIC
from tollbook.cli import app
from tollbook.keys import new_collector_key, new_project_key
from tollbook.model import AuditEvent, Bundle, Evidence, Record
from tollbook.store import session_scope

TABLES = (Record, Evidence, Bundle, AuditEvent)


def counts(engine) -> dict[str, int]:
    """Rows in the tables an import writes."""
    with session_scope(engine) as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model)) for model in TABLES}


def run_import(engine, path: Path, keys, store, project=None):
    """Import one bundle in one transaction."""
    with session_scope(engine) as session:
        return import_bundle(session, path, project or keys.project, store, actor="importer")


def test_round_trip_of_records_and_evidence(registered, keys, bundle_file, evidence_store, tmp_path) -> None:
    assert not (tmp_path / "field-work").exists()  # the plaintext working copy is gone after sealing
    assert b"Ahmadi" not in bundle_file.read_bytes() and b"Mahshahr" not in bundle_file.read_bytes()
    result = run_import(registered, bundle_file, keys, evidence_store)
    assert (result.records_imported, result.evidence_added) == (3, 1)
    with session_scope(registered) as session:
        names = sorted(session.scalars(select(Record.family_name)))
        item = session.scalars(select(Evidence)).one()
        record = session.get(Record, item.record_id)
        assert names == ["Ahmadi", "Nekouei", "بهبودی"] and record.source_record_id == "m1"
        assert item.sha256 == hashlib.sha256(JPEG).hexdigest() and item.file_name == "field-photo.jpg"
        assert evidence_store.path_of(item.sha256).read_bytes() == JPEG
        assert record.place_detail == "خیابان ۱۷ شهریور کوچه ۴"
        report = verify_audit(session)
        details = session.scalars(select(AuditEvent.details).where(AuditEvent.action == "bundle.import")).one()
    assert report.ok, report.problems()
    assert keys.collector.public().fingerprint in details and "Maryam" not in details


def test_reimport_is_a_no_op(registered, keys, bundle_file, evidence_store) -> None:
    run_import(registered, bundle_file, keys, evidence_store)
    before = counts(registered)
    again = run_import(registered, bundle_file, keys, evidence_store)
    assert again.already_imported and counts(registered) == before


def test_overlapping_bundle_adds_only_the_new_record(registered, keys, bundle_file, evidence_store,
                                                     tmp_path) -> None:
    run_import(registered, bundle_file, keys, evidence_store)
    second = sealed_bundle(keys, tmp_path, "second", FIELD_LIST + MORE)
    result = run_import(registered, second, keys, evidence_store)
    assert (result.records_imported, result.records_duplicate) == (1, 3)
    assert counts(registered)["records"] == 4 and counts(registered)["evidence"] == 1


@pytest.mark.parametrize("where", [0, len(MAGIC) + 5, 200, -40, -1])
def test_any_flipped_byte_is_refused(registered, keys, bundle_file, evidence_store, where: int) -> None:
    data = bytearray(bundle_file.read_bytes())
    data[where] ^= 0x01
    bundle_file.write_bytes(bytes(data))
    before = counts(registered)
    with pytest.raises(BundleRefused):
        run_import(registered, bundle_file, keys, evidence_store)
    assert counts(registered) == before


def test_truncated_bundle_is_refused(registered, keys, bundle_file, evidence_store) -> None:
    bundle_file.write_bytes(bundle_file.read_bytes()[:-100])
    with pytest.raises(BundleRefused, match="truncated or altered"):
        run_import(registered, bundle_file, keys, evidence_store)
    assert counts(registered)["records"] == 0


def test_wrong_project_key_is_refused(registered, keys, bundle_file, evidence_store) -> None:
    with pytest.raises(BundleRefused, match="sealed to another key"):
        run_import(registered, bundle_file, keys, evidence_store, project=new_project_key())


def test_unknown_collector_is_refused(registered, keys, evidence_store, tmp_path) -> None:
    stranger = new_collector_key("someone")
    from tollbook.keys import write_keypair

    write_keypair(tmp_path / "stranger", "maryam", stranger)
    impostor = type(keys)(keys.project, stranger, tmp_path / "stranger")
    (tmp_path / "stranger" / "project.pub").write_bytes(keys.project_pub.read_bytes())
    path = sealed_bundle(impostor, tmp_path, "impostor")
    with pytest.raises(BundleRefused, match=f"collector key {stranger.public().fingerprint}, which is not "
                                            "registered"):
        run_import(registered, path, keys, evidence_store)
    assert counts(registered)["records"] == 0


def test_a_bad_signature_is_refused(registered, keys, bundle_file, evidence_store) -> None:
    """Someone with the project's public key re-seals a registered collector's bundle with an edited payload."""
    plain = SealedBox(keys.project.decryptor).decrypt(bundle_file.read_bytes()[len(MAGIC):])
    at = plain.index(b'"collector"')  # in the signed payload, after the key and the signature
    edited = plain[:at] + plain[at:].replace(b'"records":[', b'"records":[ ', 1)
    forged = MAGIC + SealedBox(PublicKey(keys.project.public().encryption)).encrypt(edited)
    bundle_file.write_bytes(forged)
    with pytest.raises(BundleRefused, match="signature by collector key .* does not check out"):
        run_import(registered, bundle_file, keys, evidence_store)


def test_a_crash_mid_import_leaves_the_database_unchanged(registered, keys, bundle_file, evidence_store,
                                                          monkeypatch) -> None:
    before = counts(registered)

    def explode(*_args, **_kwargs):
        raise RuntimeError("killed after records and evidence were written")

    monkeypatch.setattr(bundle_importer, "record_event", explode)
    with pytest.raises(RuntimeError):
        run_import(registered, bundle_file, keys, evidence_store)
    assert counts(registered) == before
    monkeypatch.undo()
    assert run_import(registered, bundle_file, keys, evidence_store).records_imported == 3


def test_bad_rows_are_refused_at_add(keys, tmp_path) -> None:
    workdir = tmp_path / "work"
    new_workdir(workdir, keys.collector_key)
    bad = tmp_path / "bad.csv"
    bad.write_text(FIELD_LIST + "m9,Ali,Rezaei,,male,two hundred,2019-11-40,Fars,,,\n", encoding="utf-8")
    # "two hundred" is an unreadable age: a warning (the victim is kept); the impossible date is the error
    with pytest.raises(BundleError, match=r"bad\.csv: 1 bad field\(s\), nothing added; first: row 5, date_of_d"):
        add_records(workdir, bad)


def test_seal_refuses_to_write_into_the_working_folder(keys, tmp_path) -> None:
    workdir = tmp_path / "work"
    new_workdir(workdir, keys.collector_key)
    good = tmp_path / "good.csv"
    good.write_text(FIELD_LIST, encoding="utf-8")
    add_records(workdir, good)
    with pytest.raises(BundleError, match="inside the working folder"):
        seal_workdir(workdir, keys.project_pub, workdir / "out.tbundle")
    assert (workdir / "manifest.json").exists()


def test_cli_collects_seals_and_imports(db_url, keys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def ok(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    ok("init", "--db", db_url)
    ok("keys", "register", str(keys.project_pub), "--db", db_url)
    ok("keys", "register", str(keys.folder / "maryam.pub"), "--db", db_url)
    (tmp_path / "list.csv").write_text(FIELD_LIST, encoding="utf-8")
    ok("bundle", "new", "work", "--collector-key", str(keys.collector_key))
    ok("bundle", "add", "work", "list.csv")
    ok("bundle", "seal", "work", "--to", str(keys.project_pub), "--out", "a.tbundle")
    bad = tmp_path / "b.tbundle"
    bad.write_bytes(Path("a.tbundle").read_bytes()[:-1])
    args = ["bundle", "import", "a.tbundle", "b.tbundle", "--key", str(keys.folder / "project.key"),
            "--db", db_url, "--evidence-dir", "ev"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "refused: b.tbundle: cannot be opened with this project key" in result.output
    assert (tmp_path / "quarantine" / "b.tbundle").exists() and not bad.exists()
    assert "3 record(s) added" in result.output and "Maryam" not in result.output
    checkpoint = next((tmp_path / "checkpoints").glob("checkpoint-*.json"))
    ok("audit", "verify", "--checkpoint", str(checkpoint), "--db", db_url)
