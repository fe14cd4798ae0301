"""Evidence items: a stored file attached to a record or a person, with its kind, media type and capture.

Who captured an item is confidential: it is shown only when asked for, and the audit log holds its hash only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.enums import EvidenceKind
from tollbook.errors import NotFoundError, TollbookError
from tollbook.evidence.files import EvidenceStore
from tollbook.evidence.media import detect_media_type
from tollbook.model import Evidence, Person, Record
from tollbook.records import get_record


def parse_kind(kind: EvidenceKind | str) -> EvidenceKind:
    """An evidence kind from its value, or an error listing the kinds."""
    try:
        return EvidenceKind(str(kind).strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        raise TollbookError(f"unknown evidence kind {kind!r}: use one of {', '.join(EvidenceKind)}") from None


def find_person(session: Session, public_id: str) -> Person:
    """A person by public id, or an error saying how to find ids."""
    person = session.scalar(select(Person).where(Person.public_id == public_id))
    if person is None:
        raise NotFoundError(f"no person with id {public_id!r}: list them with `tollbook persons list`")
    return person


@dataclass(frozen=True)
class EvidenceInput:
    """What a documenter says about a file besides its bytes."""

    kind: EvidenceKind | str
    description: str | None = None
    captured_at: dt.datetime | None = None
    captured_by: str | None = None  # confidential


def _target(session: Session, record_id: int | None, public_id: str | None) -> tuple[int | None, int | None]:
    """(record id, person id) of what the evidence is attached to: exactly one of the two."""
    if (record_id is None) == (public_id is None):
        raise TollbookError("attach evidence to one record (--record ID) or one person (--person P-…)")
    if record_id is not None:
        return get_record(session, record_id).id, None
    return None, find_person(session, public_id or "").id


def _same_item(session: Session, digest: str, record_id: int | None, person_id: int | None) -> Evidence | None:
    """The item already holding this file for this record or person, if any (adding it again is a no-op)."""
    query = select(Evidence).where(Evidence.sha256 == digest)
    query = query.where(Evidence.record_id == record_id) if record_id else query.where(Evidence.record_id.is_(None))
    query = query.where(Evidence.person_id == person_id) if person_id else query.where(Evidence.person_id.is_(None))
    return session.scalars(query).first()


def add_evidence(session: Session, store: EvidenceStore, path: Path | str, info: EvidenceInput,
                 record_id: int | None = None, public_id: str | None = None, actor: str = "system") -> Evidence:
    """Keep a copy of the file in the store and attach it; the same file on the same target is added once."""
    path = Path(path)
    kind = parse_kind(info.kind)
    record, person = _target(session, record_id, public_id)
    digest, size = store.put(path)
    existing = _same_item(session, digest, record, person)
    if existing is not None:
        return existing
    item = Evidence(record_id=record, person_id=person, file_name=path.name[:500], sha256=digest,
                    media_type=detect_media_type(store.path_of(digest)), kind=kind, size_bytes=size,
                    description=info.description, captured_by=info.captured_by, captured_at=info.captured_at,
                    added_by=actor)
    session.add(item)
    session.flush()
    record_event(session, actor, "evidence.add", "evidence", item.id, _audit_details(item), wrote=[item])
    return item


def _audit_details(item: Evidence) -> dict[str, Any]:
    """What the audit log keeps of an item: no confidential value, only its hash."""
    secret = item.captured_by
    return {"sha256": item.sha256, "kind": item.kind.value, "media_type": item.media_type,
            "record_id": item.record_id, "person_id": item.person_id, "file_name": item.file_name,
            "captured_by_sha256": hashlib.sha256(secret.encode()).hexdigest() if secret else None}


def get_evidence(session: Session, evidence_id: int) -> Evidence:
    """One item by id, or an error saying how to list them."""
    item = session.get(Evidence, evidence_id)
    if item is None:
        raise NotFoundError(f"no evidence item {evidence_id}: list them with `tollbook evidence list`")
    return item


def evidence_of_person(session: Session, person: Person) -> list[Evidence]:
    """Items attached to the person or to any of its records, oldest first."""
    record_ids = select(Record.id).where(Record.person_id == person.id)
    query = select(Evidence).where((Evidence.person_id == person.id) | Evidence.record_id.in_(record_ids))
    return list(session.scalars(query.order_by(Evidence.id)))


def list_evidence(session: Session, record_id: int | None = None, public_id: str | None = None,
                  limit: int | None = None) -> list[Evidence]:
    """Items, oldest first: all, or those of one record, or of one person (with its records')."""
    if public_id is not None:
        return evidence_of_person(session, find_person(session, public_id))[:limit]
    query = select(Evidence).order_by(Evidence.id)
    query = query.where(Evidence.record_id == record_id) if record_id is not None else query
    return list(session.scalars(query.limit(limit) if limit else query))


def evidence_row(item: Evidence, confidential: bool = False) -> dict[str, Any]:
    """An item as plain data; who captured it only when `confidential` is asked for."""
    row = {"id": item.id, "kind": item.kind.value, "media_type": item.media_type, "file_name": item.file_name,
           "sha256": item.sha256, "size_bytes": item.size_bytes, "record_id": item.record_id,
           "person_id": item.person_id, "description": item.description,
           "captured_at": item.captured_at.isoformat() if item.captured_at else None,
           "added_by": item.added_by, "created_at": item.created_at.isoformat() if item.created_at else None}
    return row | {"captured_by": item.captured_by} if confidential else row


@dataclass
class StoreReport:
    """What re-hashing every stored file found."""

    checked: int = 0
    ok: int = 0
    changed: list[dict[str, Any]] = field(default_factory=list)
    missing: list[dict[str, Any]] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """True when every file is there with its hash."""
        return not self.changed and not self.missing

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"checked": self.checked, "ok": self.ok, "changed": self.changed, "missing": self.missing,
                "intact": self.intact}


def verify_store(session: Session, store: EvidenceStore) -> StoreReport:
    """Re-hash each stored file once and name the items whose file changed or went missing."""
    report, status_of = StoreReport(), {}
    for item in session.scalars(select(Evidence).order_by(Evidence.id)):
        if item.sha256 not in status_of:
            status_of[item.sha256] = store.check(item.sha256)
            report.checked += 1
            report.ok += status_of[item.sha256] == "ok"
        entry = {"id": item.id, "file_name": item.file_name, "sha256": item.sha256,
                 "path": str(store.path_of(item.sha256))}
        if status_of[item.sha256] == "changed":
            report.changed.append(entry)
        elif status_of[item.sha256] == "missing":
            report.missing.append(entry)
    _name_grades(session, report.changed + report.missing)
    return report


def _name_grades(session: Session, entries: list[dict[str, Any]]) -> None:
    """Add to each damaged item the persons whose verified grade rests on it (they need a new review)."""
    from tollbook.model import VerificationChange

    if not entries:
        return
    rests_on: dict[int, set[str]] = {}
    query = select(VerificationChange, Person.public_id).join(Person, Person.id == VerificationChange.person_id)
    for change, public_id in session.execute(query):
        for evidence_id in change.evidence_ids or []:
            rests_on.setdefault(int(evidence_id), set()).add(public_id)
    for entry in entries:
        entry["verified_persons"] = sorted(rests_on.get(entry["id"], set()))
