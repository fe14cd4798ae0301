"""`audit verify` ties the data to the chain: rows edited, inserted or deleted below the application are named."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tollbook.audit.verify import verify_audit
from tollbook.store import session_scope


def problems(engine) -> list[str]:
    """What verification finds now."""
    with session_scope(engine) as session:
        return verify_audit(session).problems()


def below(engine, sql: str, **params) -> None:
    """Run SQL straight on the database, as someone with the file or a database login would."""
    with engine.begin() as connection:
        connection.execute(text(sql), params)


def test_untouched_database_verifies(audited) -> None:
    with session_scope(audited.engine) as session:
        report = verify_audit(session)
    assert report.ok, report.problems()
    assert report.rows_checked >= 5 + 1 + 1 + 1  # records, batch, source, key


@pytest.mark.parametrize(("column", "value"), [
    ("given_name", "Someone Else"), ("age", 99), ("status", "detained"), ("date_of_death", "2019-11-30"),
])
def test_edited_field_is_named(audited, column: str, value: object) -> None:
    target = audited.record_ids[2]
    below(audited.engine, f"UPDATE records SET {column} = :v WHERE id = :id", v=value, id=target)
    found = problems(audited.engine)
    assert any(line.startswith(f"record {target} differs") for line in found), found
    assert any(f"record {target}: its content_hash does not match" in line for line in found), found
    assert all(f"record {other} " not in line for other in audited.record_ids if other != target for line in found)


def test_edited_raw_row_is_named(audited) -> None:
    target = audited.record_ids[1]
    below(audited.engine, "UPDATE records SET raw = :raw WHERE id = :id", raw='{"given_name": "forged"}', id=target)
    assert problems(audited.engine) == [f"record {target} differs from what audit event 2 holds (edited below the "
                                        "application)"]


def test_edited_content_hash_is_named(audited) -> None:
    target = audited.record_ids[3]
    below(audited.engine, "UPDATE records SET content_hash = :h WHERE id = :id", h="0" * 64, id=target)
    found = problems(audited.engine)
    assert f"record {target}: its content_hash does not match its fields (edited below the application)" in found


def test_deleted_and_forged_records_are_named(audited) -> None:
    gone = audited.record_ids[3]
    below(audited.engine, "DELETE FROM records WHERE id = :id", id=gone)
    below(audited.engine, "INSERT INTO records (id, source_id, revision, raw, content_hash, sex, status, cause, "
          "perpetrator, given_name, created_at) SELECT 900, source_id, 1, raw, :forged, sex, status, cause, "
          "perpetrator, 'Forged', created_at FROM records WHERE id = :id", id=audited.record_ids[0], forged="e" * 64)
    found = problems(audited.engine)
    assert f"record {gone} is gone but audit event 2 wrote it (deleted below the application)" in found
    assert "record 900 was written by no audit event (inserted below the application)" in found


def test_edited_row_hash_breaks_the_chain(audited) -> None:
    below(audited.engine, "UPDATE audit_rows SET row_hash = :h WHERE id = (SELECT MIN(id) FROM audit_rows)",
          h="f" * 64)
    found = problems(audited.engine)
    assert found[0].startswith("audit chain broken at event 1: the row hashes stored for it were edited")


def test_other_tables_are_covered_too(audited) -> None:
    below(audited.engine, "UPDATE sources SET name = 'Renamed'")
    below(audited.engine, "UPDATE registered_keys SET kind = 'collector'")
    found = problems(audited.engine)
    assert any(line.startswith("source 1 differs") for line in found), found
    assert any(line.startswith("registered_key 1 differs") for line in found), found


def test_verify_cli_names_each_tampered_record(audited, db_url: str) -> None:
    from typer.testing import CliRunner

    from tollbook.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["audit", "verify", "--db", db_url]).exit_code == 0
    for target in audited.record_ids[:2]:
        below(audited.engine, "UPDATE records SET age = 5 WHERE id = :id", id=target)
    result = runner.invoke(app, ["audit", "verify", "--db", db_url])
    assert result.exit_code == 1
    assert all(f"record {target} differs" in result.output for target in audited.record_ids[:2]), result.output
    assert "audit verification failed" in result.output


def test_evidence_writes_are_covered(audited, tmp_path) -> None:
    from tollbook.evidence import EvidenceStore, add_evidence
    from tollbook.evidence.items import EvidenceInput

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9"))
    with session_scope(audited.engine) as session:
        item = add_evidence(session, EvidenceStore(tmp_path / "store"), photo,
                            EvidenceInput(kind="photo", captured_by="a witness"), record_id=audited.record_ids[1])
        item_id = item.id
    assert problems(audited.engine) == []
    below(audited.engine, "UPDATE evidence SET sha256 = :h WHERE id = :id", h="a" * 64, id=item_id)
    assert problems(audited.engine) == [f"evidence {item_id} differs from what audit event 5 holds (edited below "
                                        "the application)"]



def test_baseline_covers_old_rows_but_never_tampered_ones(audited) -> None:
    from tollbook.audit.verify import baseline
    from tollbook.errors import TollbookError

    below(audited.engine, "INSERT INTO sources (id, name, kind, created_at) VALUES (50, 'Old list', 'ngo', "
          "'2019-12-01 10:00:00')")  # as written before rows were covered
    assert problems(audited.engine) == ["source 50 was written by no audit event (inserted below the application)"]
    with session_scope(audited.engine) as session:
        assert baseline(session, "lead") == 1
    assert problems(audited.engine) == []
    below(audited.engine, "UPDATE records SET age = 3 WHERE id = :id", id=audited.record_ids[0])
    with pytest.raises(TollbookError, match="a baseline would hide that"), session_scope(audited.engine) as session:
        baseline(session, "lead")


def test_verify_does_not_depend_on_the_session_time_zone(audited, db_url: str) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite stores times without a zone")
    from sqlalchemy import create_engine

    from tollbook.audit.verify import verify_audit

    tehran = create_engine(db_url, connect_args={"options": "-c timezone=Asia/Tehran"})
    try:
        with session_scope(tehran) as session:
            assert verify_audit(session).ok
    finally:
        tehran.dispose()


def test_import_with_report_date_and_roles_verifies(engine, tmp_path) -> None:
    """The batch's report date and the list's role column are in the stored content hash that verify re-derives."""
    import datetime as dt

    from tollbook.ingest import import_file

    path = tmp_path / "network.csv"
    path.write_text("record_id,given_name,family_name,date_of_death,province,role\n"
                    "n1,Pouya,Bakhtiari,2019-11-16,Alborz,protester\n"
                    "n2,محمد,حسینی,۱۳۹۸/۰۸/۲۵,تهران,\n", encoding="utf-8")
    with session_scope(engine) as session:
        import_file(session, path, "network", actor="importer", reported_on=dt.date(2019, 12, 15))
    assert problems(engine) == []
