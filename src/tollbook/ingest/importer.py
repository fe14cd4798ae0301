"""Import one file into one source: all good rows in one transaction, bad rows reported, duplicates skipped.

Idempotent: a file already imported into the source, or a row whose content is already there (from any file),
adds nothing. An exception or a kill mid-import leaves the database as it was before (one transaction).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.enums import SourceKind
from tollbook.ingest.mapping import ColumnMapping, check_mapping, detect_mapping
from tollbook.ingest.readers import RawRow, ReadError, read_table
from tollbook.ingest.report import DUPLICATE, ImportIssue, ImportReport
from tollbook.ingest.validate import RowContext, parse_row
from tollbook.model import ImportBatch, Record
from tollbook.records import content_hash
from tollbook.sources import get_or_create_source

CHUNK = 5_000
Progress = Callable[[int, int], None]


class StrictImportError(Exception):
    """Raised in strict mode when any row is bad, so the caller's transaction rolls back; carries the report."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{report.file}: {len(report.errors)} bad row(s) in strict mode; nothing was imported "
                         f"(first: row {report.errors[0].row}, {report.errors[0].column}: {report.errors[0].reason})")
        self.report = report


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def import_file(session: Session, path: Path, source_name: str, mapping: ColumnMapping | None = None,
                strict: bool = False, progress: Progress | None = None, actor: str = "system",
                source_kind: SourceKind | str = SourceKind.OTHER, reported_on: dt.date | None = None) -> ImportReport:
    """Import `path` into the source `source_name` in the caller's transaction and report what happened.

    `reported_on`: the day the source published this list, for rows that do not give their own report date (and
    did not die after it)."""
    if not path.is_file():
        raise ReadError(f"{path}: no such file")
    source = get_or_create_source(session, source_name, source_kind, actor=actor)
    report = ImportReport(file=str(path), source=source.name)
    digest = file_sha256(path)
    if _batch_exists(session, source.id, digest):
        report.already_imported = True
        return report
    table = read_table(path, mapping.records_path if mapping else None)
    mapping = check_mapping(mapping, table.headers, path) if mapping else detect_mapping(table.headers)
    report.rows_total = len(table.rows)
    parsed_rows = _parse_all(table.rows, mapping, str(path), report, progress)
    if strict and report.errors:
        raise StrictImportError(report)
    batch = ImportBatch(source_id=source.id, file_name=path.name, file_sha256=digest, imported_by=actor,
                        mapping={"columns": mapping.columns, "unmapped": list(mapping.unmapped)})
    session.add(batch)
    session.flush()
    parsed_rows = [(row, parsed | {"reported_on": parsed.get("reported_on") or _batch_day(parsed, reported_on)})
                   for row, parsed in parsed_rows]
    _insert_new(session, source.id, batch.id, parsed_rows, report, actor)
    batch.rows_total, batch.rows_imported = report.rows_total, report.imported
    batch.rows_duplicate, batch.rows_failed = report.duplicates, report.failed
    report.batch_id = batch.id
    record_event(session, actor, "import.file", "import_batch", batch.id,
                 {"file": path.name, "sha256": digest, "source": source.name, "imported": report.imported,
                  "duplicates": report.duplicates, "failed": report.failed,
                  "reported_on": reported_on.isoformat() if reported_on else None},
                 wrote={"import_batches": [batch.id], "records": _batch_record_ids(session, batch.id)})
    return report


def _batch_record_ids(session: Session, batch_id: int) -> list[int]:
    """Ids of the records one import batch inserted, for the audit event that covers them."""
    return list(session.scalars(select(Record.id).where(Record.batch_id == batch_id)))


def _batch_day(parsed: dict[str, Any], reported_on: dt.date | None) -> dt.date | None:
    """The batch's report date for a row, unless the row's death falls after it (then it is left unknown)."""
    died = parsed.get("date_of_death")
    return reported_on if reported_on and (died is None or died <= reported_on) else None


def _batch_exists(session: Session, source_id: int, digest: str) -> bool:
    """Whether this exact file was imported into this source before."""
    query = select(ImportBatch.id).where(ImportBatch.source_id == source_id, ImportBatch.file_sha256 == digest)
    return session.scalar(query) is not None


def _parse_all(rows: list[RawRow], mapping: ColumnMapping, file: str, report: ImportReport,
               progress: Progress | None) -> list[tuple[RawRow, dict[str, Any]]]:
    """Parse every row; bad ones go to the report, good ones are returned with their raw row."""
    today = dt.date.today()
    good = []
    for index, row in enumerate(rows, start=1):
        ctx = RowContext(file, row.number, mapping, row.values)
        parsed = parse_row(ctx, today)
        report.issues.extend(ctx.issues)
        if parsed is None:
            report.failed += 1
        else:
            good.append((row, parsed))
        if progress and (index % 1000 == 0 or index == len(rows)):
            progress(index, len(rows))
    return good


def _insert_new(session: Session, source_id: int, batch_id: int, parsed_rows: list[tuple[RawRow, dict[str, Any]]],
                report: ImportReport, actor: str) -> None:
    """Bulk-insert rows whose content the source does not hold yet."""
    seen = set(session.scalars(select(Record.content_hash).where(Record.source_id == source_id)))
    pending: list[dict[str, Any]] = []
    for row, parsed in parsed_rows:
        digest = content_hash(parsed)
        if digest in seen:
            report.duplicates += 1
            report.issues.append(ImportIssue(report.file, row.number, "(row)", parsed.get("source_record_id") or "",
                                             "same content as a record the source already has: not added again",
                                             DUPLICATE))
            continue
        seen.add(digest)
        pending.append(parsed | {"source_id": source_id, "batch_id": batch_id, "raw": row.values,
                                 "content_hash": digest, "created_by": actor, "revision": 1})
    for start in range(0, len(pending), CHUNK):
        session.execute(insert(Record.__table__), pending[start:start + CHUNK])
    report.imported = len(pending)
