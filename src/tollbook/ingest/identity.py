"""Which report a row is: new, the same as one the source holds, a revision of one, or a clash within the file.

A row with a record id is known by (source, record id); a row without one by the hash of its exact raw content.
Also names other sources that already hold the same file or rows: a list imported twice under two names fakes
overlap between lists and biases the estimate.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tollbook.ingest.readers import RawRow
from tollbook.ingest.report import DUPLICATE, ERROR, NOTE, REVISED, WARNING, ImportIssue, ImportReport
from tollbook.model import ImportBatch, Record, RecordRetraction, Source
from tollbook.records import raw_hash

IN_CHUNK = 900  # values per IN (...) list, under SQLite's bound-parameter limit


@dataclass(frozen=True)
class Current:
    """The latest revision of a record of the source: enough to decide what a row with its id means."""

    id: int
    raw_hash: str | None
    revision: int
    person_id: int | None
    retracted: bool


@dataclass
class Known:
    """What the source already holds: current records by record id, and every raw hash it has seen."""

    by_id: dict[str, Current] = field(default_factory=dict)
    hashes: set[str] = field(default_factory=set)


@dataclass
class Classified:
    """Rows to insert: new records and revisions (dicts of Record columns)."""

    new: list[dict[str, Any]] = field(default_factory=list)
    revisions: list[dict[str, Any]] = field(default_factory=list)


def existing_identities(session: Session, source_id: int) -> Known:
    """The source's current records by record id, and the raw hashes of all its records."""
    newer = select(Record.supersedes_id).where(Record.supersedes_id.is_not(None), Record.source_id == source_id)
    retracted = select(RecordRetraction.record_id)
    known = Known(hashes=set(session.scalars(select(Record.raw_hash).where(Record.source_id == source_id))))
    query = select(Record.id, Record.source_record_id, Record.raw_hash, Record.revision, Record.person_id,
                   Record.id.in_(retracted)).where(Record.source_id == source_id, Record.id.not_in(newer),
                                                    Record.source_record_id.is_not(None))
    for rid, record_id, digest, revision, person_id, is_retracted in session.execute(query):
        known.by_id[record_id] = Current(rid, digest, revision, person_id, bool(is_retracted))
    return known


def classify_rows(rows: list[tuple[str, RawRow, dict[str, Any]]], known: Known | None,
                  report: ImportReport, digests: list[str] | None = None) -> Classified:
    """Sort parsed rows into new records and revisions; duplicates and clashes go to the report. `digests`: the
    rows' raw hashes when already taken; the writer sets each record's content hash."""
    known = known or Known()
    out = Classified()
    seen_ids: dict[str, tuple[str, int]] = {}
    seen_hashes: dict[str, int] = {}
    digests = digests if digests is not None else [raw_hash(row.values) for _, row, _ in rows]
    for (label, row, parsed), digest in zip(rows, digests, strict=True):
        record = parsed | {"raw": row.values, "raw_hash": digest}
        rid = parsed.get("source_record_id")
        outcome = _with_id(rid, digest, row, known, seen_ids) if rid else _without_id(digest, row, known,
                                                                                       seen_hashes)
        kind, reason, current, code, params = outcome
        if kind == "new":
            out.new.append(record | {"revision": 1, "supersedes_id": None, "person_id": None})
        elif kind == "revision" and current is not None:
            out.revisions.append(record | {"revision": current.revision + 1, "supersedes_id": current.id,
                                           "person_id": current.person_id})
        _count(report, kind)
        if reason:
            severity = {"duplicate": DUPLICATE, "revision": REVISED, "error": ERROR}[kind]
            report.issues.append(ImportIssue(label, row.number, "(row)", rid or "", reason, severity, code, params))
    return out


def absent_notes(known: Known | None, rows: list[tuple[str, RawRow, dict[str, Any]]], file: str) -> list[ImportIssue]:
    """A note when a file with record ids lacks current records the source holds: a corrected list that drops a
    victim does not withdraw the record by itself, so the report says which ones stayed."""
    in_file = {parsed.get("source_record_id") for _, _, parsed in rows} - {None, ""}
    if not known or not in_file:
        return []
    missing = sorted(rid for rid, current in known.by_id.items() if rid not in in_file and not current.retracted)
    if not missing:
        return []
    shown = ", ".join(repr(rid) for rid in missing[:5]) + (", …" if len(missing) > 5 else "")
    return [ImportIssue(file, 0, "(file)", "", f"{len(missing)} current record(s) of the source are not among this "
                        f"file's readable rows ({shown}); they stay counted. If this file is the whole corrected "
                        "list and it withdrew them, retract them with `tollbook records retract ID --reason TEXT`",
                        NOTE, "list.records_absent", {"count": len(missing), "ids": shown})]


def _count(report: ImportReport, kind: str) -> None:
    """Count a row's outcome (new and revised rows are counted when written)."""
    if kind == "duplicate":
        report.duplicates += 1
    elif kind == "error":
        report.failed += 1
    elif kind == "new":
        report.imported += 1
    else:
        report.revised += 1


Outcome = tuple[str, str | None, Current | None, str, dict[str, Any]]  # kind, reason, current, code, params


def _with_id(rid: str, digest: str, row: RawRow, known: Known, seen: dict[str, tuple[str, int]]) -> Outcome:
    """A row with a record id: new, the same again, a revision, or a clash within the file."""
    if rid in seen:
        first_digest, first_row = seen[rid]
        if first_digest == digest:
            return ("duplicate", f"repeats row {first_row} (same record id, same content): not added again", None,
                    "list.repeats_row", {"row": first_row})
        return ("error", f"record id {rid!r} is also row {first_row} of this file, with other content: not "
                "imported (give each report its own id)", None, "list.id_clash", {"id": rid, "row": first_row})
    seen[rid] = (digest, row.number)
    current = known.by_id.get(rid)
    if current is None:
        return "new", None, None, "", {}
    if current.raw_hash == digest:
        return ("duplicate", f"record {rid!r} is already there with the same content: not added again", None,
                "list.record_known", {"id": rid})
    if current.retracted:
        return ("error", f"record {rid!r} was retracted; a changed row does not bring it back (add it again "
                "with `tollbook records add` if it should count)", None, "list.record_retracted", {"id": rid})
    return ("revision", f"record {rid!r} changed: added as revision {current.revision + 1}", current,
            "list.record_revised", {"id": rid, "revision": current.revision + 1})


def _without_id(digest: str, row: RawRow, known: Known, seen: dict[str, int]) -> Outcome:
    """A row without a record id: known by its exact raw content."""
    if digest in seen:
        return ("duplicate", f"the same raw row as row {seen[digest]}: not added again", None, "list.repeats_raw",
                {"row": seen[digest]})
    seen[digest] = row.number
    if digest in known.hashes:
        return ("duplicate", "the same raw row as a record the source already has: not added again", None,
                "list.raw_known", {})
    return "new", None, None, "", {}


def other_sources_notes(session: Session, source_id: int | None, file_digest: str, raw_digests: list[str],
                        file: str) -> list[ImportIssue]:
    """Warnings naming other sources that hold this very file, or rows identical to this file's."""
    notes = []
    batches = select(Source.name).join(ImportBatch, ImportBatch.source_id == Source.id).where(
        ImportBatch.file_sha256 == file_digest)
    if source_id is not None:
        batches = batches.where(Source.id != source_id)
    for name in sorted(set(session.scalars(batches))):
        notes.append(ImportIssue(file, 0, "(file)", name, f"this file was already imported into source {name!r}: "
                                 "one list under two names fakes overlap and biases the estimate", WARNING,
                                 "list.file_in_other_source", {"source": name}))
    if not notes and raw_digests:
        notes += _same_rows_elsewhere(session, source_id, raw_digests, file)
    return notes


def _same_rows_elsewhere(session: Session, source_id: int | None, raw_digests: list[str],
                         file: str) -> list[ImportIssue]:
    """A warning per other source that holds rows identical to this file's (exact raw content)."""
    digests = sorted(set(raw_digests))
    counts: Counter[str] = Counter()
    for start in range(0, len(digests), IN_CHUNK):
        part = digests[start:start + IN_CHUNK]
        query = (select(Source.name, func.count(func.distinct(Record.raw_hash)))
                 .join(Source, Source.id == Record.source_id)
                 .where(Record.raw_hash.in_(part)).group_by(Source.name))
        if source_id is not None:
            query = query.where(Record.source_id != source_id)
        counts.update(dict(session.execute(query).all()))
    return [ImportIssue(file, 0, "(file)", name, f"{n} of {len(digests)} rows are identical to rows of source "
                        f"{name!r}: is this the same list under another name? (that fakes overlap and biases the "
                        "estimate)", WARNING, "list.rows_in_other_source", {"count": n, "total": len(digests),
                                                                              "source": name})
            for name, n in counts.most_common()]
