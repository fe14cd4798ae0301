"""Import batches as a library API: list them, retract one whole, or re-parse its raw rows after a mapping fix.

Nothing is deleted: a retracted batch's records stay stored with the reason and leave linkage and estimates; a
re-parse adds revisions for the rows whose parsed values change, and every step is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.errors import NotFoundError, TollbookError
from tollbook.ingest.mapping import ColumnMapping, check_mapping
from tollbook.ingest.report import ERROR, ImportIssue
from tollbook.ingest.validate import RowContext, parse_row
from tollbook.model import ImportBatch, Record, RecordRetraction, Source
from tollbook.records import PARSED_FIELDS, current_records_query, retract_records, revise_record


@dataclass(frozen=True)
class BatchSummary:
    """One import batch as listed: file, source, when, counts, and how many of its records are retracted."""

    id: int
    source: str
    file_name: str
    imported_at: str
    imported_by: str | None
    rows_total: int
    rows_imported: int
    rows_duplicate: int
    rows_failed: int
    retracted: int


@dataclass
class ReparseReport:
    """What a re-parse did: records revised, unchanged, and rows the new mapping cannot read (left as they were).
    Each issue's `row` is the id of the record whose raw row it is about."""

    batch_id: int
    revised: int = 0
    unchanged: int = 0
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def failed(self) -> int:
        """Records whose raw row has an error under the new mapping."""
        return len({issue.row for issue in self.issues if issue.severity == ERROR})


def get_batch(session: Session, batch_id: int) -> ImportBatch:
    """One batch by id, or a NotFoundError that says how to list them."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFoundError(f"no import batch {batch_id}: list them with `tollbook imports list`")
    return batch


def list_imports(session: Session) -> list[BatchSummary]:
    """Every import batch, oldest first, with its retracted-record count."""
    retracted = dict(session.execute(select(Record.batch_id, func.count()).join(
        RecordRetraction, RecordRetraction.record_id == Record.id).group_by(Record.batch_id)).all())
    rows = session.execute(select(ImportBatch, Source.name).join(Source, Source.id == ImportBatch.source_id)
                           .order_by(ImportBatch.id))
    return [BatchSummary(b.id, name, b.file_name, b.imported_at.isoformat(timespec="seconds"), b.imported_by,
                         b.rows_total, b.rows_imported, b.rows_duplicate, b.rows_failed, retracted.get(b.id, 0))
            for b, name in rows]


def retract_import(session: Session, batch_id: int, actor: str, reason: str) -> int:
    """Retract every current record of a batch with one reason; returns how many were retracted."""
    if not reason or not reason.strip():
        raise TollbookError("retracting an import needs a reason (--reason)")
    batch = get_batch(session, batch_id)
    records = list(session.scalars(current_records_query().where(Record.batch_id == batch.id)))
    if not records:
        raise TollbookError(f"import batch {batch_id} has no current records left to retract")
    retract_records(session, [record.id for record in records], actor, reason, batch_id=batch.id)
    return len(records)


def reparse_import(session: Session, batch_id: int, mapping: ColumnMapping, actor: str) -> ReparseReport:
    """Parse a batch's raw rows again with a corrected mapping; each record whose parsed values change gets a
    revision. A record corrected by hand since the import is re-parsed too: its revision keeps the raw row."""
    batch = get_batch(session, batch_id)
    report = ReparseReport(batch.id)
    records = list(session.scalars(current_records_query().where(Record.batch_id == batch.id)))
    headers = list(dict.fromkeys(key for record in records for key in record.raw))
    fitted = check_mapping(mapping, headers, f"batch {batch.id} ({batch.file_name})")
    reason = f"re-parsed with a corrected mapping (batch {batch.id})"
    today = dt.date.today()
    for record in records:
        ctx = RowContext(batch.file_name, record.id, fitted, record.raw, dayfirst=_dayfirst(batch, fitted))
        parsed = parse_row(ctx, today)
        report.issues.extend(ctx.issues)
        if parsed is None:
            continue
        changes = _changes(record, parsed)
        if changes:
            revise_record(session, record.id, changes, actor, reason)
            report.revised += 1
        else:
            report.unchanged += 1
    record_event(session, actor, "import.reparse", "import_batch", batch.id,
                 {"revised": report.revised, "unchanged": report.unchanged, "failed": report.failed,
                  "mapping": fitted.to_dict()})
    return report


def _dayfirst(batch: ImportBatch, mapping: ColumnMapping) -> bool | None:
    """The day/month order: the new mapping's, else the one the import inferred."""
    if mapping.dayfirst is not None:
        return mapping.dayfirst
    tables = (batch.mapping or {}).get("tables") or [{}]
    return tables[0].get("dayfirst")


def _changes(record: Record, parsed: dict[str, Any]) -> dict[str, Any]:
    """Parsed fields whose values differ from the record's."""
    return {key: value for key, value in parsed.items() if key in PARSED_FIELDS and getattr(record, key) != value}


def batch_row(summary: BatchSummary) -> dict[str, Any]:
    """A batch summary as a plain dict."""
    return dict(summary.__dict__)
