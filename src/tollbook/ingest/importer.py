"""Import one file into one source: every row is a report, kept, revised, recognised as already there, or named.

Identity: a row with a source record id is that record of the source — the same content again is a no-op,
changed content is a revision that supersedes it. A row without an id is known by its exact raw content. Rows
with distinct ids are distinct records even with equal content (linkage decides whether they are one person).
An import is one transaction: an exception or a kill mid-import leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tollbook.audit import record_event
from tollbook.enums import SourceKind
from tollbook.ingest.identity import (
    Classified,
    absent_notes,
    classify_rows,
    existing_identities,
    other_sources_notes,
)
from tollbook.ingest.mapping import ColumnMapping, MappingError, check_mapping, detect_mapping, header_score
from tollbook.ingest.readers import RawRow, RawTable, ReadError, ReadOptions, read_tables
from tollbook.ingest.report import NOTE, WARNING, ImportIssue, ImportReport, TableInfo
from tollbook.ingest.validate import RowContext, parse_row
from tollbook.model import ImportBatch, Record, Source
from tollbook.records import content_hash, raw_hash
from tollbook.sources import find_source, get_or_create_source
from tollbook.text.dates import day_month_evidence, describe_date

CHUNK = 5_000
SAMPLES = 5
Progress = Callable[[int, int], None]
ParsedRow = tuple[str, RawRow, dict[str, Any]]


class StrictImportError(Exception):
    """Raised in strict mode when any row is bad, so the caller's transaction rolls back; carries the report."""

    def __init__(self, report: ImportReport) -> None:
        first = report.errors[0]
        super().__init__(f"{report.file}: {len(report.errors)} bad row(s) in strict mode; nothing was imported "
                         f"(first: row {first.row}, {first.column}: {first.reason})")
        self.report = report


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def import_file(session: Session, path: Path, source_name: str, mapping: ColumnMapping | None = None,
                strict: bool = False, progress: Progress | None = None, actor: str = "system",
                source_kind: SourceKind | str = SourceKind.OTHER, dry_run: bool = False,
                reported_on: dt.date | None = None) -> ImportReport:
    """Import `path` into the source `source_name` in the caller's transaction and report what happened.

    With `dry_run` nothing is written: the report says how the file was read (sheet, header row, mapping, sample
    parsed values) and what an import would do. `reported_on`: the day the source published this list, for rows
    that do not give their own report date (and did not die after it)."""
    if not path.is_file():
        raise ReadError(f"{path}: no such file" if not path.exists() else f"{path}: is a folder, not a file")
    source = find_source(session, source_name) if dry_run else None
    source = source if dry_run else get_or_create_source(session, source_name, source_kind, actor=actor)
    report = ImportReport(file=str(path), source=source.name if source else source_name.strip(), dry_run=dry_run)
    digest = file_sha256(path)
    if source is not None and _batch_of(session, source.id, digest) is not None:
        report.already_imported = True
        return report
    parsed_rows = read_and_parse(path, mapping, report, progress)
    raw_digests = [raw_hash(row.values) for _, row, _ in parsed_rows]  # taken once: identity and other sources
    report.issues += other_sources_notes(session, source.id if source else None, digest, raw_digests, str(path))
    if strict and report.errors:
        raise StrictImportError(report)
    known = existing_identities(session, source.id) if source else None
    classified = classify_rows(parsed_rows, known, report, raw_digests)
    report.issues += absent_notes(known, parsed_rows, str(path))
    if dry_run or source is None:
        return report
    _write(session, source, path, digest, classified, report, actor, reported_on)
    return report


def read_and_parse(path: Path, mapping: ColumnMapping | None, report: ImportReport,
                   progress: Progress | None = None) -> list[ParsedRow]:
    """Read every selected table, map its columns, infer its day/month order and parse every row into `report`."""
    options = mapping or ColumnMapping({})
    tables = read_tables(path, ReadOptions(options.sheet, options.header_row, options.records_path), header_score)
    report.rows_total = sum(len(table.rows) for table in tables)
    parsed: list[ParsedRow] = []
    done = 0
    for table in tables:
        where = f"{table.label}, header row {table.header_row}"
        fitted = check_mapping(options, table.headers, where) if mapping else detect_mapping(table.headers, None, where)
        dayfirst = _day_order(table, fitted)
        report.tables.append(TableInfo(table.label, table.sheet, table.header_row, len(table.rows),
                                       fitted.columns, fitted.unmapped, table.skipped, dayfirst))
        report.issues += _table_notes(table, fitted) + _order_notes(table, fitted)
        for row in table.rows:
            ctx = RowContext(table.label, row.number, fitted, row.values, dayfirst=dayfirst)
            fields = parse_row(ctx, dt.date.today())
            report.issues.extend(ctx.issues)
            if fields is None:
                report.failed += 1
            else:
                parsed.append((table.label, row, fields))
                if len(report.samples) < SAMPLES * len(report.tables):
                    report.samples.append(_sample(table.label, row.number, fields))
            done += 1
            if progress and (done % 1000 == 0 or done == report.rows_total):
                progress(done, report.rows_total)
    return parsed


def _day_order(table: RawTable, mapping: ColumnMapping) -> bool | None:
    """Day-first (True) or month-first (False) for this table's numeric dates, from the mapping or the rows that
    can only be read one way; refused when the column does not tell or contradicts itself."""
    if mapping.dayfirst is not None or "date_of_death" not in mapping.columns:
        return mapping.dayfirst
    column = mapping.columns["date_of_death"]
    evidence = day_month_evidence([row.values.get(column, "") for row in table.rows])
    if evidence.order is not None:
        return evidence.order
    if evidence.day_first and evidence.month_first:
        why = (f"holds day-first dates ({evidence.day_first[0]!r}) and month-first dates "
               f"({evidence.month_first[0]!r})")
    else:
        why = f"holds dates that read either way ({evidence.ambiguous[0]!r}) and none that tells the order"
    raise MappingError(f"{table.label}: column {column!r} {why}; pass --day-first or --month-first "
                       "(or dayfirst = true/false in the mapping)")


def _order_notes(table: RawTable, mapping: ColumnMapping) -> list[ImportIssue]:
    """A note when dates that read either way were given an order inferred from other rows, so the reader sees
    that 05/11/2019 became 11 May (or 5 November) and why."""
    if mapping.dayfirst is not None or "date_of_death" not in mapping.columns:
        return []
    column = mapping.columns["date_of_death"]
    evidence = day_month_evidence([row.values.get(column, "") for row in table.rows])
    if not evidence.ambiguous or evidence.order is None:
        return []
    order, proof = ("day-first", evidence.day_first) if evidence.order else ("month-first", evidence.month_first)
    other = "--month-first" if evidence.order else "--day-first"
    return [ImportIssue(table.label, table.header_row, column, evidence.ambiguous[0],
                        f"{len(evidence.ambiguous)} date(s) that read either way, such as {evidence.ambiguous[0]!r}, "
                        f"read {order} as {proof[0]!r} in the same column can only be; pass {other} if that is "
                        "wrong", NOTE)]


def _table_notes(table: RawTable, mapping: ColumnMapping) -> list[ImportIssue]:
    """Notes naming every column left unmapped and every title line skipped above the header."""
    notes = [ImportIssue(table.label, table.header_row, column, "", "not mapped: kept in the raw row only", NOTE)
             for column in mapping.unmapped]
    named = set(mapping.columns.values()) | set(mapping.unmapped)
    for column in dict.fromkeys(key for row in table.rows for key in row.values if key not in named):
        notes.append(ImportIssue(table.label, table.header_row, column, "", "a column with a blank or repeated "
                                 "header (or cells beyond the last header): not mapped: kept in the raw row only "
                                 "under this name", NOTE))
    if table.encoding == "cp1256":
        notes.append(ImportIssue(table.label, 0, "(encoding)", "Windows-1256", "the file holds no UTF-8: read as "
                                 "Windows-1256 (Arabic-script Windows); if the sample names look wrong, save the "
                                 "file as UTF-8 and import that", NOTE))
    if table.uncomputed_formulas:
        notes.append(ImportIssue(table.label, 0, "(formulas)", str(table.uncomputed_formulas),
                                 f"{table.uncomputed_formulas} cell(s) hold a formula with no saved value (the "
                                 "program that wrote the file did not compute them) and were read as empty; open "
                                 "and save the file in a spreadsheet program, then import it again", WARNING))
    for sheet in table.other_sheets:
        notes.append(ImportIssue(str(table.path), 0, "(sheet)", sheet, "sheet left out: no known column headers in "
                                 f"it (import it with --sheet {sheet!r} if it holds reports)", NOTE))
    if table.skipped:
        shown = " | ".join(line[:80] for line in table.skipped)
        notes.append(ImportIssue(table.label, table.header_row, "(title)", shown,
                                 f"{len(table.skipped)} line(s) above the header row {table.header_row} skipped", NOTE))
    return notes


def _sample(label: str, number: int, fields: dict[str, Any]) -> dict[str, object]:
    """A parsed row for the dry run, as text."""
    shown = ("source_record_id", "given_name", "family_name", "sex", "age_low", "age_high", "age_approximate",
             "date_of_death", "date_precision", "province_code", "city_code", "status")
    values = {key: fields.get(key) for key in shown if fields.get(key) not in (None, "")}
    if fields.get("date_of_death") is not None:
        values["date_of_death"] = describe_date(fields["date_of_death"], fields["date_precision"], fields["date_text"])
    return {"file": label, "row": number} | {k: getattr(v, "value", v) for k, v in values.items()}


def _batch_of(session: Session, source_id: int, digest: str) -> int | None:
    """The batch that imported this exact file into this source, if any."""
    query = select(ImportBatch.id).where(ImportBatch.source_id == source_id, ImportBatch.file_sha256 == digest)
    return session.scalar(query.limit(1))


def _write(session: Session, source: Source, path: Path, digest: str, classified: Classified,
           report: ImportReport, actor: str, reported_on: dt.date | None = None) -> None:
    """Insert the new records and revisions under one batch, and audit the import."""
    mapping = {"tables": [{"label": t.label, "sheet": t.sheet, "header_row": t.header_row, "columns": t.columns,
                           "unmapped": list(t.unmapped), "dayfirst": t.dayfirst} for t in report.tables]}
    batch = ImportBatch(source_id=source.id, file_name=path.name, file_sha256=digest, imported_by=actor,
                        mapping=mapping)
    session.add(batch)
    session.flush()
    pending = [row | {"reported_on": row.get("reported_on") or _batch_day(row, reported_on), "source_id": source.id,
                      "batch_id": batch.id, "created_by": actor}
               for row in classified.new + classified.revisions]
    for row in pending:  # the batch's report date is part of the content: hash once it is set
        row["content_hash"] = content_hash(row)
    for start in range(0, len(pending), CHUNK):
        session.execute(insert(Record.__table__), pending[start:start + CHUNK])
    report.imported, report.revised = len(classified.new), len(classified.revisions)
    batch.rows_total, batch.rows_imported = report.rows_total, report.imported + report.revised
    batch.rows_duplicate, batch.rows_failed = report.duplicates, report.failed
    report.batch_id = batch.id
    record_event(session, actor, "import.file", "import_batch", batch.id,
                 {"file": path.name, "sha256": digest, "source": source.name, "imported": report.imported,
                  "revised": report.revised, "duplicates": report.duplicates, "failed": report.failed,
                  "reported_on": reported_on.isoformat() if reported_on else None},
                 wrote={"import_batches": [batch.id], "records": _batch_record_ids(session, batch.id)})


def _batch_record_ids(session: Session, batch_id: int) -> list[int]:
    """Ids of the records one import batch inserted, for the audit event that covers them."""
    return list(session.scalars(select(Record.id).where(Record.batch_id == batch_id)))


def with_options(mapping: ColumnMapping | None, **overrides: Any) -> ColumnMapping | None:
    """A mapping with command-line options laid over the file's (only those given)."""
    given = {key: value for key, value in overrides.items() if value is not None}
    if not given:
        return mapping
    return replace(mapping or ColumnMapping({}), **given)


def _batch_day(parsed: dict[str, Any], reported_on: dt.date | None) -> dt.date | None:
    """The batch's report date for a row, unless the row's death falls after it (then it is left unknown)."""
    died = parsed.get("date_of_death")
    return reported_on if reported_on and (died is None or died <= reported_on) else None
