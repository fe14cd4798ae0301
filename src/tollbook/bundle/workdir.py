"""The collector's working folder: records (canonical CSV, checked by the importers' own validation) and
evidence files (hashed at attach), listed in manifest.json. Owner-only; no network, no project database."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mimetypes
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tollbook.bundle.errors import BundleError
from tollbook.enums import EvidenceKind
from tollbook.ingest.mapping import detect_mapping
from tollbook.ingest.readers import read_table
from tollbook.ingest.report import ERROR, ImportIssue
from tollbook.ingest.validate import RowContext, parse_row
from tollbook.keys.files import read_private

MANIFEST = "manifest.json"
WORKDIR_FORMAT = "tollbook-workdir/1"


def _now() -> str:
    """The current UTC time as ISO text."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def load_manifest(workdir: Path) -> dict[str, Any]:
    """The working folder's manifest, or a clear error when WORKDIR is not one."""
    try:
        manifest = json.loads((workdir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BundleError(f"{workdir} is not a bundle working folder: create it with `tollbook bundle new`") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise BundleError(f"{workdir / MANIFEST}: unreadable manifest ({exc})") from None
    if manifest.get("format") != WORKDIR_FORMAT:
        raise BundleError(f"{workdir / MANIFEST}: not a bundle working folder manifest")
    return manifest


def save_manifest(workdir: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest (via a temporary file, so a crash leaves the old one)."""
    temporary = workdir / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(workdir / MANIFEST)


def new_workdir(workdir: Path, collector_key: Path, passphrase: str | None = None) -> dict[str, Any]:
    """Create an empty working folder (0700) for the collector whose key file is `collector_key`."""
    key = read_private(collector_key, passphrase, kind="collector")
    if workdir.exists() and any(workdir.iterdir()):
        raise BundleError(f"{workdir} exists and is not empty: choose a new folder")
    for sub in ("", "records", "evidence"):
        (workdir / sub).mkdir(mode=0o700, parents=True, exist_ok=True)
    manifest = {"format": WORKDIR_FORMAT, "bundle_id": uuid.uuid4().hex, "collector": key.public().fingerprint,
                "collector_key": str(collector_key.resolve()), "created_at": _now(), "records": [], "evidence": []}
    save_manifest(workdir, manifest)
    return manifest


@dataclass(frozen=True)
class RecordsCheck:
    """What the importers' validation said about a records file."""

    rows: int
    record_ids: list[str]
    errors: list[ImportIssue]


def check_records(path: Path) -> RecordsCheck:
    """Validate every row of a records file as `tollbook import` would, without a database."""
    if path.suffix.lower() != ".csv":
        raise BundleError(f"{path}: bundles take records as canonical CSV (.csv)")
    table = read_table(path)
    mapping = detect_mapping(table.headers)
    today, errors, ids = dt.date.today(), [], []
    for row in table.rows:
        ctx = RowContext(str(path), row.number, mapping, row.values)
        parsed = parse_row(ctx, today)
        errors += [issue for issue in ctx.issues if issue.severity == ERROR]
        if parsed is not None and parsed.get("source_record_id"):
            ids.append(str(parsed["source_record_id"]))
    return RecordsCheck(len(table.rows), ids, errors)


def add_records(workdir: Path, path: Path) -> dict[str, Any]:
    """Copy a records CSV into the working folder once every row passes the importers' validation."""
    manifest = load_manifest(workdir)
    check = check_records(path)
    if check.errors:
        first = check.errors[0]
        raise BundleError(f"{path}: {len(check.errors)} bad field(s), nothing added; first: row {first.row}, "
                          f"{first.column} {first.value!r}: {first.reason}")
    if not check.rows:
        raise BundleError(f"{path}: no rows to add")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if any(entry["sha256"] == digest for entry in manifest["records"]):
        raise BundleError(f"{path}: this file is already in the bundle")
    stored = f"records/{len(manifest['records']) + 1:03d}.csv"
    (workdir / stored).write_bytes(data)
    (workdir / stored).chmod(0o600)
    entry = {"file": stored, "name": path.name, "sha256": digest, "rows": check.rows, "record_ids": check.record_ids}
    manifest["records"].append(entry)
    save_manifest(workdir, manifest)
    return entry


def attach_evidence(workdir: Path, path: Path, record_id: str | None = None,
                    kind: EvidenceKind | str = EvidenceKind.OTHER) -> dict[str, Any]:
    """Copy an evidence file in under its SHA-256, for one of the bundle's records (by its record_id) or none."""
    manifest = load_manifest(workdir)
    if not path.is_file():
        raise BundleError(f"{path}: no such file")
    kind = EvidenceKind(kind)
    known = {rid for entry in manifest["records"] for rid in entry.get("record_ids", [])}
    if record_id is not None and record_id not in known:
        raise BundleError(f"record {record_id!r} is not in this bundle: add its records first "
                          f"(record ids here: {sorted(known)[:10] or 'none'})")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    stored = f"evidence/{digest}"
    shutil.copyfile(path, workdir / stored)
    (workdir / stored).chmod(0o600)
    if hashlib.sha256((workdir / stored).read_bytes()).hexdigest() != digest:
        raise BundleError(f"{path}: the copy does not hash like the original (file changing while copied?)")
    entry = {"file": stored, "name": path.name, "sha256": digest, "record_id": record_id, "kind": kind.value,
             "media_type": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
             "size": path.stat().st_size, "attached_at": _now()}
    manifest["evidence"].append(entry)
    save_manifest(workdir, manifest)
    return entry
