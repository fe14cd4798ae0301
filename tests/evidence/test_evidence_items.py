"""Evidence items: content-addressed, media type from the bytes, originals untouched, the store re-verified."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tollbook.errors import TollbookError
from tollbook.evidence import EvidenceStore, add_evidence, evidence_row, list_evidence, verify_store
from tollbook.evidence.items import EvidenceInput
from tollbook.model import AuditEvent, Evidence, Record
from tollbook.store import session_scope


def _record_id(engine: Engine, source_record_id: str) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(Record.id).where(Record.source_record_id == source_record_id))


def test_add_keeps_a_read_only_copy_named_by_its_hash(people: Engine, store: EvidenceStore, files: dict) -> None:
    original = files["photo"].read_bytes()
    with session_scope(people) as session:
        item = add_evidence(session, store, files["photo"], EvidenceInput("photo", "at the funeral"),
                            record_id=_record_id(people, "R0"), actor="amina")
        row = evidence_row(item)
    digest = hashlib.sha256(original).hexdigest()
    assert row["sha256"] == digest and row["media_type"] == "image/jpeg" and row["size_bytes"] == len(original)
    assert store.path_of(digest).read_bytes() == original == files["photo"].read_bytes()
    assert not os.access(store.path_of(digest), os.W_OK) or os.geteuid() == 0
    assert not store.path_of(digest).stat().st_mode & 0o222


@pytest.mark.parametrize(("name", "media_type"), [("video", "video/mp4"), ("testimony", "text/plain"),
                                                  ("blob", "application/octet-stream")])
def test_media_type_comes_from_the_bytes(people: Engine, store: EvidenceStore, files: dict, name: str,
                                         media_type: str) -> None:
    with session_scope(people) as session:
        item = add_evidence(session, store, files[name], EvidenceInput("other"), public_id="P-2")
        assert item.media_type == media_type


def test_same_file_same_target_is_added_once_and_stored_once(people: Engine, store: EvidenceStore,
                                                             files: dict) -> None:
    with session_scope(people) as session:
        first = add_evidence(session, store, files["photo"], EvidenceInput("photo"), public_id="P-1")
        again = add_evidence(session, store, files["photo"], EvidenceInput("photo"), public_id="P-1")
        other = add_evidence(session, store, files["photo"], EvidenceInput("photo"), public_id="P-2")
        assert first.id == again.id != other.id
    assert len(list(store.root.rglob("*"))) == 2  # one folder, one file


def test_captured_by_is_confidential_and_never_in_the_audit_log(people: Engine, store: EvidenceStore,
                                                                files: dict) -> None:
    with session_scope(people) as session:
        item = add_evidence(session, store, files["video"],
                            EvidenceInput("video", captured_by="Witness Zahra K."), public_id="P-1")
        assert "captured_by" not in evidence_row(item)
        assert evidence_row(item, confidential=True)["captured_by"] == "Witness Zahra K."
        details = [json.loads(e.details) for e in session.scalars(select(AuditEvent))]
    assert details and "Zahra" not in json.dumps(details, ensure_ascii=False)
    assert details[-1]["captured_by_sha256"] == hashlib.sha256(b"Witness Zahra K.").hexdigest()


@pytest.mark.parametrize(("kwargs", "message"), [({}, "one record"), ({"record_id": 1, "public_id": "P-1"},
                                                                      "one record"),
                                                 ({"record_id": 999}, "no record"), ({"public_id": "P-9"},
                                                                                     "no person")])
def test_bad_targets_are_refused(people: Engine, store: EvidenceStore, files: dict, kwargs: dict,
                                 message: str) -> None:
    with session_scope(people) as session, pytest.raises(TollbookError, match=message):
        add_evidence(session, store, files["photo"], EvidenceInput("photo"), **kwargs)


def test_unknown_kind_and_missing_file(people: Engine, store: EvidenceStore, files: dict, tmp_path: Path) -> None:
    with session_scope(people) as session:
        with pytest.raises(TollbookError, match="death_certificate"):
            add_evidence(session, store, files["photo"], EvidenceInput("selfie"), public_id="P-1")
        with pytest.raises(TollbookError, match="no evidence file"):
            add_evidence(session, store, tmp_path / "gone.jpg", EvidenceInput("photo"), public_id="P-1")


def test_list_by_person_includes_its_records_items(people: Engine, store: EvidenceStore, files: dict) -> None:
    with session_scope(people) as session:
        add_evidence(session, store, files["photo"], EvidenceInput("photo"), record_id=_record_id(people, "R0"))
        add_evidence(session, store, files["video"], EvidenceInput("video"), public_id="P-1")
        add_evidence(session, store, files["blob"], EvidenceInput("other"), public_id="P-3")
        assert [e.kind.value for e in list_evidence(session, public_id="P-1")] == ["photo", "video"]
        assert len(list_evidence(session)) == 3


def test_verify_names_changed_and_missing_files(people: Engine, store: EvidenceStore, files: dict) -> None:
    with session_scope(people) as session:
        items = [add_evidence(session, store, files[name], EvidenceInput("other"), public_id="P-1")
                 for name in ("photo", "video", "testimony")]
        assert verify_store(session, store).intact
        changed, gone = store.path_of(items[0].sha256), store.path_of(items[1].sha256)
        changed.chmod(0o644)
        changed.write_bytes(changed.read_bytes() + b"edited")
        gone.unlink()
        report = verify_store(session, store)
    assert report.checked == 3 and report.ok == 1 and not report.intact
    assert [i["id"] for i in report.changed] == [items[0].id] and [i["id"] for i in report.missing] == [items[1].id]


def test_a_damaged_copy_is_set_aside_when_the_file_is_added_again(people: Engine, store: EvidenceStore,
                                                                  files: dict) -> None:
    with session_scope(people) as session:
        item = add_evidence(session, store, files["photo"], EvidenceInput("photo"), public_id="P-1")
        path = store.path_of(item.sha256)
        path.chmod(0o644)
        path.write_bytes(b"tampered")
        again = add_evidence(session, store, files["photo"], EvidenceInput("photo"), public_id="P-1")
        assert verify_store(session, store).intact and again.id == item.id
    assert path.with_name(f"{path.name}.damaged").read_bytes() == b"tampered"


def test_a_hash_edited_in_the_database_is_found(people: Engine, store: EvidenceStore, files: dict) -> None:
    """Someone points an item at another hash below the application: its file is then missing."""
    from sqlalchemy import update

    with session_scope(people) as session:
        item = add_evidence(session, store, files["photo"], EvidenceInput("photo"), public_id="P-1")
    with session_scope(people) as session:
        session.execute(update(Evidence).where(Evidence.id == item.id).values(sha256="0" * 64))
    with session_scope(people) as session:
        report = verify_store(session, store)
    assert [i["id"] for i in report.missing] == [item.id] and not report.intact
