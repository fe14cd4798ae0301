"""Import a sealed bundle: open it (project key, registered collector), validate its records with the importers'
own code and add them, its evidence and the bundle itself in the caller's one transaction.

The bundle id makes importing the same bundle again a no-op, and records are added by content hash, so an
overlapping bundle adds only what is new. A refused file is moved to a quarantine folder.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.bundle.errors import BundleRefused
from tollbook.bundle.seal import OpenedBundle, open_bundle
from tollbook.enums import SourceKind
from tollbook.evidence import EvidenceStore, add_evidence
from tollbook.evidence.items import EvidenceInput
from tollbook.ingest import StrictImportError, import_file
from tollbook.keys.material import ProjectKey, unb64
from tollbook.model import Bundle, Record, RegisteredKey
from tollbook.records import current_records_query
from tollbook.sources import get_source


@dataclass
class BundleImport:
    """What importing one bundle did."""

    file: str
    bundle_id: str
    collector: str  # the collector key's fingerprint: never the collector's name
    already_imported: bool = False
    records_imported: int = 0
    records_duplicate: int = 0
    evidence_added: int = 0
    evidence_unattached: int = 0  # kept in the store, attached to no record: a documenter attaches them
    source: str | None = None
    files: list[str] = field(default_factory=list)


def trusted_collectors(session: Session) -> dict[str, bytes]:
    """Fingerprint -> Ed25519 public key of every registered collector."""
    rows = session.execute(select(RegisteredKey.fingerprint, RegisteredKey.signing_key)
                           .where(RegisteredKey.kind == "collector"))
    return {fp: unb64(key) for fp, key in rows}


def default_source(collector: str) -> str:
    """The source a collector's records go into: named by key fingerprint, never by person."""
    return f"field-{collector[:16]}"


def _private_copy(folder: Path, name: str, data: bytes) -> Path:
    """Write decrypted bytes under their original file name (no folder part) in a folder of their own."""
    folder.mkdir(mode=0o700)
    path = folder / (Path(name).name or "file")
    path.write_bytes(data)
    return path


def _import_records(session: Session, opened: OpenedBundle, folder: Path, source: str, actor: str,
                    result: BundleImport) -> None:
    """Each records file through the importers' validation, strict: one bad row refuses the bundle."""
    for number, (entry, data) in enumerate(opened.records, start=1):
        path = _private_copy(folder / f"records-{number}", str(entry.get("name") or "records.csv"), data)
        try:
            report = import_file(session, path, source, strict=True, actor=actor,
                                 source_kind=SourceKind.FIELD_COLLECTOR)
        except StrictImportError as exc:
            first = exc.report.errors[0]
            raise BundleRefused(f"records file {entry.get('name')!r}: row {first.row}, {first.column}: "
                                f"{first.reason}", code="bundle.bad_row",
                                params={"file": str(entry.get("name")), "row": first.row, "column": first.column,
                                        "value": first.value, "issue": {"code": first.code, "params": first.params,
                                                                         "reason": first.reason}}) from None
        result.records_imported += report.imported
        # a file this source already holds is not read again: all its rows are records it already has
        result.records_duplicate += int(entry.get("rows") or 0) if report.already_imported else report.duplicates


def _record_for(session: Session, source: str, record_id: str) -> int | None:
    """The current record of the bundle's source with this source record id."""
    query = current_records_query(get_source(session, source).id).where(Record.source_record_id == record_id)
    return session.scalars(query.with_only_columns(Record.id)).first()


def _import_evidence(session: Session, opened: OpenedBundle, folder: Path, source: str, store: EvidenceStore,
                     actor: str, result: BundleImport) -> None:
    """Each evidence file into the content-addressed store, attached to its record (hash checked on open)."""
    for entry, data in opened.evidence:
        record_id = _record_for(session, source, str(entry["record_id"])) if entry.get("record_id") else None
        path = _private_copy(folder / f"evidence-{entry['sha256']}", str(entry.get("name") or "evidence"), data)
        if record_id is None:
            store.put(path)
            result.evidence_unattached += 1
            continue
        attached = dt.datetime.fromisoformat(entry["attached_at"]) if entry.get("attached_at") else None
        info = EvidenceInput(kind=entry.get("kind", "other"), captured_at=attached, captured_by=opened.collector)
        add_evidence(session, store, path, info, record_id=record_id, actor=actor)
        result.evidence_added += 1


def import_bundle(session: Session, path: Path, project: ProjectKey, store: EvidenceStore,
                  source: str | None = None, actor: str = "system") -> BundleImport:
    """Open, check and import one bundle file in the caller's transaction (roll it back on any exception)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BundleRefused(f"cannot read it ({exc.strerror})", code="bundle.unreadable",
                            params={"why": str(exc.strerror)}) from None
    opened = open_bundle(data, project, trusted_collectors(session))
    result = BundleImport(str(path), opened.bundle_id, opened.collector)
    if session.scalar(select(Bundle.id).where(Bundle.bundle_uid == opened.bundle_id)) is not None:
        result.already_imported = True
        return result
    result.source = source or default_source(opened.collector)
    with tempfile.TemporaryDirectory(prefix="tollbook-bundle-") as folder:  # owner-only, removed afterwards
        _import_records(session, opened, Path(folder), result.source, actor, result)
        _import_evidence(session, opened, Path(folder), result.source, store, actor, result)
    bundle = Bundle(bundle_uid=opened.bundle_id, sha256=opened.sha256, collector_key=opened.collector)
    session.add(bundle)
    session.flush()
    record_event(session, actor, "bundle.import", "bundle", bundle.id,
                 {"bundle_id": opened.bundle_id, "collector_key": opened.collector, "sha256": opened.sha256,
                  "source": result.source, "records": result.records_imported,
                  "duplicates": result.records_duplicate, "evidence": result.evidence_added,
                  "evidence_unattached": result.evidence_unattached}, wrote=[bundle])
    return result


def quarantine(path: Path, folder: Path) -> Path:
    """Move a refused file into the quarantine folder (owner-only), never over another file."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target, n = folder / path.name, 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem}.{n}{path.suffix}"
    shutil.move(str(path), target)
    return target
