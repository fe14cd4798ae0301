"""Victim records: listing, showing and correcting them by revision (never by overwrite)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from enum import Enum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tollbook.audit import canonical_json, record_event
from tollbook.confidential import RECORD_CONFIDENTIAL
from tollbook.errors import NotFoundError, TollbookError
from tollbook.model import AuditEvent, ImportBatch, Record, RecordRetraction
from tollbook.text.dates import PartialDate

HASHED_FIELDS = (  # the fields content_hash covers (fixed, so stored hashes stay checkable as fields are added)
    "source_record_id", "given_name", "family_name", "father_name", "given_name_key", "family_name_key",
    "father_name_key", "sex", "age", "date_of_death", "date_precision", "date_text", "province", "province_code",
    "city", "city_code", "place_detail", "status", "cause", "perpetrator", "evidence_refs", "notes", "role",
    "reported_on",
)
CONTENT_FIELDS = HASHED_FIELDS[1:]  # the record id aside
PARSED_FIELDS = (
    "source_record_id", "given_name", "family_name", "father_name", "given_name_key", "family_name_key",
    "father_name_key", "sex", "age", "age_low", "age_high", "age_approximate", "date_of_death", "date_of_death_end",
    "date_precision", "date_text", "province", "province_code", "city", "city_code", "place_detail", "status",
    "cause", "perpetrator", "evidence_refs", "notes",
)
CONFIDENTIAL_FIELDS = RECORD_CONFIDENTIAL
# What a revision takes over from the record it supersedes: every column but its own identity and authorship.
_OWN_COLUMNS = {"id", "revision", "supersedes_id", "created_at", "created_by", "content_hash"}
CARRIED_COLUMNS = tuple(c.name for c in Record.__table__.columns if c.name not in _OWN_COLUMNS)


def content_hash(parsed: dict[str, Any], fields: tuple[str, ...] = CONTENT_FIELDS) -> str:
    """SHA-256 of a record's parsed content (record id aside); `tollbook audit verify` re-derives it (with an
    older `fields` list for a record hashed before fields were added, see tollbook.audit.legacy)."""
    parts = ["" if value is None else str(value) for value in map(parsed.get, fields)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def raw_hash(raw: dict[str, str]) -> str:
    """SHA-256 of a raw row exactly as the source gave it (column names and values, column order ignored): the
    identity of a report without a record id. Two rows differing only by Arabic ي/ك hash differently."""
    return hashlib.sha256(canonical_json(raw).encode("utf-8")).hexdigest()


def stored_content(row: Any) -> dict[str, Any]:
    """The parsed fields of a stored record (an ORM object or a row mapping), to re-derive its content hash."""
    get = row.get if isinstance(row, dict) or hasattr(row, "keys") else lambda key: getattr(row, key)
    return {key: get(key) for key in HASHED_FIELDS}


def superseded_ids(session: Session) -> set[int]:
    """Ids of records that a later revision replaces."""
    return set(session.scalars(select(Record.supersedes_id).where(Record.supersedes_id.is_not(None))))


def retracted_ids_query():  # noqa: ANN201 - a SQLAlchemy Select
    """A query for the ids of retracted records."""
    return select(RecordRetraction.record_id)


def current_records_query(source_id: int | None = None, include_retracted: bool = False):  # noqa: ANN201
    """A query for the records no revision replaces and nobody retracted, optionally of one source."""
    newer = select(Record.supersedes_id).where(Record.supersedes_id.is_not(None))
    query = select(Record).where(Record.id.not_in(newer)).order_by(Record.id)
    if not include_retracted:
        query = query.where(Record.id.not_in(retracted_ids_query()))
    return query if source_id is None else query.where(Record.source_id == source_id)


def list_records(session: Session, source_id: int | None = None, limit: int | None = None,
                 include_retracted: bool = False) -> list[Record]:
    """Current records (latest revisions, retracted ones only when asked), oldest first."""
    query = current_records_query(source_id, include_retracted)
    return list(session.scalars(query.limit(limit) if limit else query))


def count_records(session: Session, source_id: int | None = None, include_retracted: bool = False) -> int:
    """How many records list_records would return without a limit."""
    query = current_records_query(source_id, include_retracted).with_only_columns(Record.id)
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def age_text(row: dict[str, Any]) -> str | None:
    """A record row's age as the source gave it: a range stays a range ("30-35"), an approximate age says so
    ("~30"), rather than the one number used for comparisons."""
    from tollbook.text.ages import ParsedAge

    if row.get("age_low") is None or row.get("age_high") is None:
        return None if row.get("age") is None else str(row["age"])
    return ParsedAge(row["age_low"], row["age_high"], bool(row.get("age_approximate"))).text()


def get_record(session: Session, record_id: int) -> Record:
    """One record by id, or a NotFoundError."""
    record = session.get(Record, record_id)
    if record is None:
        raise NotFoundError(f"no record with id {record_id}: list them with `tollbook records list`")
    return record


def revise_record(session: Session, record_id: int, changes: dict[str, Any], actor: str, reason: str) -> Record:
    """Correct a record by adding a revision that supersedes it; the old one stays as it was."""
    old = get_record(session, record_id)
    require_current(session, old)
    unknown = set(changes) - set(PARSED_FIELDS)
    if unknown:
        raise TollbookError(f"cannot revise unknown field(s) {sorted(unknown)}; fields are {list(PARSED_FIELDS)}")
    kept = {key: getattr(old, key) for key in CARRIED_COLUMNS} | changes  # raw row, source, batch, person, ...
    new = Record(revision=old.revision + 1, supersedes_id=old.id, created_by=actor,
                 content_hash=content_hash(kept), **kept)
    session.add(new)
    try:
        session.flush()
    except IntegrityError as exc:  # another write revised it between our check and our insert
        if "supersedes" not in str(exc.orig):
            raise
        raise TollbookError(f"record {record_id} was revised by another write at the same moment; nothing was "
                            "changed: look at its latest revision (`tollbook records history`) and try again") from None
    record_event(session, actor, "record.revise", "record", new.id,
                 {"supersedes": old.id, "reason": reason, "changes": _plain(changes)}, wrote=[new])
    return new


def plain_value(value: Any) -> Any:
    """A value as JSON-ready data: enums by value, dates in ISO form (a partial date: its first day)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def display_value(value: Any) -> Any:
    """A value as a person should read it, wherever it is shown (tables, JSON, review, report, export): a month-
    or year-only date at its precision ("Aban 1398 (month)"), never as its first day; otherwise as plain_value."""
    if isinstance(value, PartialDate):
        return value.describe()
    return plain_value(value)


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    """Every value of a mapping made JSON-ready."""
    return {key: plain_value(value) for key, value in values.items()}


def record_row(record: Record, confidential: bool = False,
               retraction: RecordRetraction | None = None) -> dict[str, Any]:
    """A record as a plain dict; the date as precise as the source gave it ("Aban 1398 (month)"), its ISO span
    beside it; a retraction with its reason; confidential fields only when asked for."""
    row: dict[str, Any] = {"id": record.id, "source": record.source.name, "revision": record.revision,
                           "supersedes": record.supersedes_id, "person_id": record.person_id}
    row |= _plain({key: getattr(record, key) for key in PARSED_FIELDS})
    row["date_of_death"] = display_value(record_value(record, "date_of_death"))
    row["date_of_death_start"] = plain_value(record.date_of_death)
    if retraction is not None:
        row["retracted"] = f"{retraction.retracted_at:%Y-%m-%d} by {retraction.retracted_by}: {retraction.reason}"
    if confidential:
        row |= {"raw": record.raw, "created_by": record.created_by}
    else:
        row = {key: value for key, value in row.items() if key not in CONFIDENTIAL_FIELDS}
    return row


def record_value(record: Record, name: str) -> Any:
    """A field of a record for views and strata: a month- or year-only date of death comes as a PartialDate, so
    it keeps its precision wherever it goes."""
    value = getattr(record, name)
    precision = _value(record.date_precision)
    if name == "date_of_death" and value is not None and precision not in (None, "day"):
        return PartialDate(value, precision, record.date_of_death_end or value, record.date_text or "")
    return value


def _value(member: Enum | str | None) -> str | None:
    """An enum's value (or the text a fresh object still holds), or None."""
    return None if member is None else str(getattr(member, "value", member))


def require_current(session: Session, record: Record) -> None:
    """Refuse to change a record that a revision replaced or that was retracted."""
    newer = session.scalar(select(Record.id).where(Record.supersedes_id == record.id))
    if newer is not None:
        raise TollbookError(f"record {record.id} was already revised (by record {newer}): change its latest revision")
    retraction = retraction_of(session, record.id)
    if retraction is not None:
        raise TollbookError(f"record {record.id} was retracted ({retraction.reason}); it cannot be changed")


def retraction_of(session: Session, record_id: int) -> RecordRetraction | None:
    """The retraction of a record, or None."""
    return session.scalar(select(RecordRetraction).where(RecordRetraction.record_id == record_id))


@dataclass(frozen=True)
class RecordResult:
    """A record written by add_record or correct_record, with the warnings its values raised."""

    record: Record
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class HistoryStep:
    """One step of a record's life: imported, added, corrected, revised by an import or re-parse, retracted."""

    at: str
    action: str
    record_id: int
    revision: int
    actor: str
    reason: str | None = None
    changes: dict[str, Any] | None = None


INPUT_FIELDS = ("record_id", "given_name", "family_name", "father_name", "sex", "age", "date_of_death", "province",
                "city", "status", "cause", "perpetrator", "place_detail", "notes", "evidence")
_PARSED_NAME = {"record_id": "source_record_id", "evidence": "evidence_refs"}  # input field -> Record column


@dataclass(frozen=True)
class InputIssue:
    """One problem with a field's text: an error keeps the record out, a warning stores the field as unknown."""

    field: str
    severity: str  # tollbook.ingest.report's ERROR or WARNING
    reason: str  # in English, as the CLI and import reports say it
    code: str = ""  # stable name of the problem (tollbook.ingest.codes), so an interface can translate it
    params: dict[str, Any] = dataclass_field(default_factory=dict, compare=False)  # the values the reason quotes


class InputError(TollbookError):
    """Field texts that cannot be stored, with every field's problems (a form shows each beside its field)."""

    def __init__(self, where: str, issues: tuple[InputIssue, ...]) -> None:
        errors = [f"{i.field}: {i.reason}" for i in issues if i.severity == "error"]
        super().__init__(f"{where}: " + "; ".join(errors or ["the values cannot be read"]))
        self.issues = issues


def check_input(values: dict[str, str], typed: Iterable[str] = ()) -> tuple[dict[str, Any] | None,
                                                                         tuple[InputIssue, ...]]:
    """Validate canonical field texts exactly as an import does: the parsed fields (None when an error keeps
    them out) and every issue. A field named in `typed` whose text cannot be read is an error, not an unknown:
    a value typed by hand must not be silently erased."""
    from tollbook.ingest.mapping import ColumnMapping
    from tollbook.ingest.report import ERROR
    from tollbook.ingest.validate import RowContext, parse_row

    unknown = sorted(set(values) - set(INPUT_FIELDS))
    if unknown:
        raise TollbookError(f"unknown field(s) {unknown}; fields are {', '.join(INPUT_FIELDS)}")
    texts = {key: str(value) for key, value in values.items()}
    ctx = RowContext("input", 1, ColumnMapping({f: f for f in INPUT_FIELDS}), texts)
    parsed = parse_row(ctx)
    hand = {field for field in typed if texts.get(field, "").strip()}
    issues = []
    codes = ctx.codes + [("", {})] * (len(ctx.issues) - len(ctx.codes))  # an issue kept without a code: none
    for issue, (code, params) in zip(ctx.issues, codes, strict=False):
        lost = parsed is not None and issue.column in hand and parsed.get(_PARSED_NAME.get(issue.column,
                                                                                         issue.column)) is None
        severity = ERROR if lost else issue.severity
        reason = issue.reason.removesuffix(": kept as unknown") if lost else issue.reason
        params = {key: value for key, value in params.items() if not (lost and key == "kept")}  # now an error
        issues.append(InputIssue(issue.column, severity, reason, code, params))
    has_error = parsed is None or any(i.severity == ERROR for i in issues)
    return (None if has_error else parsed), tuple(issues)


def parse_input(values: dict[str, str], where: str, typed: Iterable[str] = ()
                ) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Validate canonical field texts exactly as an import does (see check_input); InputError lists every error,
    and the warnings come back as 'field: reason' lines."""
    parsed, issues = check_input(values, typed)
    if parsed is None:
        raise InputError(where, issues)
    return parsed, tuple(f"{i.field}: {i.reason}" for i in issues)


def add_record(session: Session, source_name: str, values: dict[str, str], actor: str,
               reason: str | None = None) -> RecordResult:
    """Add one report by hand (Persian or Latin, Hijri or Gregorian dates), validated as an import validates it;
    the values as entered are its raw row."""
    from tollbook.sources import get_or_create_source

    parsed, warnings = parse_input(values, "new record")
    source = get_or_create_source(session, source_name, actor=actor)
    rid = parsed["source_record_id"]
    if rid and session.scalar(current_records_query(source.id, include_retracted=True)
                              .where(Record.source_record_id == rid)) is not None:
        raise TollbookError(f"source {source.name!r} already has record id {rid!r}: correct that record instead")
    raw = {key: str(value) for key, value in values.items() if str(value).strip()}
    record = Record(source_id=source.id, raw=raw, raw_hash=raw_hash(raw), content_hash=content_hash(parsed),
                    revision=1, created_by=actor, **parsed)
    session.add(record)
    session.flush()
    record_event(session, actor, "record.add", "record", record.id,
                 {"source": source.name, "reason": reason, "fields": sorted(raw)}, wrote=[record])
    return RecordResult(record, warnings)


def entered_values(record: Record) -> dict[str, str]:
    """A record's fields as texts an import would read back to the same values (for a correction)."""
    values = {"record_id": record.source_record_id, "given_name": record.given_name,
              "family_name": record.family_name, "father_name": record.father_name, "province": record.province,
              "city": record.city, "place_detail": record.place_detail, "notes": record.notes,
              "evidence": record.evidence_refs, "sex": _value(record.sex), "status": _value(record.status),
              "cause": _value(record.cause), "perpetrator": _value(record.perpetrator)}
    if record.age_low is not None and record.age_high is not None:
        from tollbook.text.ages import ParsedAge

        values["age"] = ParsedAge(record.age_low, record.age_high, record.age_approximate).text()
    elif record.age is not None:
        values["age"] = str(record.age)
    if record.date_of_death is not None:
        day = _value(record.date_precision) in (None, "day")
        values["date_of_death"] = record.date_of_death.isoformat() if day else (record.date_text or "")
    return {key: value for key, value in values.items() if value}


def correct_record(session: Session, record_id: int, changes: dict[str, str], actor: str,
                   reason: str) -> RecordResult:
    """Correct fields of a record (texts, validated as an import does) by a new revision; the old one stays."""
    if not reason or not reason.strip():
        raise TollbookError("a correction needs a reason (--reason)")
    old = get_record(session, record_id)
    require_current(session, old)
    values = entered_values(old) | {key: value for key, value in changes.items()}
    # typed: a correction must not erase the value it was meant to fix
    parsed, warnings = parse_input({k: v for k, v in values.items() if v is not None}, f"record {record_id}",
                                   typed=changes)
    if "date_of_death" not in changes:  # re-read from its ISO form: keep the date as the source wrote it
        parsed["date_text"] = old.date_text
    # role and reported_on are not typed fields: the revision carries them over from the record unchanged
    changed = {key: value for key, value in parsed.items() if key in PARSED_FIELDS and getattr(old, key) != value}
    if not changed:
        raise TollbookError(f"record {record_id}: the correction changes nothing")
    return RecordResult(revise_record(session, record_id, changed, actor, reason), warnings)


def retract_record(session: Session, record_id: int, actor: str, reason: str,
                   batch_id: int | None = None) -> RecordRetraction:
    """Withdraw a record with a reason: it stays stored and visible, and leaves linkage and estimates."""
    return retract_records(session, [record_id], actor, reason, batch_id)[0]


def retract_records(session: Session, record_ids: list[int], actor: str, reason: str,
                    batch_id: int | None = None) -> list[RecordRetraction]:
    """Withdraw several current records with one reason, under one audit event."""
    if not reason or not reason.strip():
        raise TollbookError("a retraction needs a reason (--reason)")
    retractions = []
    for record_id in record_ids:
        require_current(session, get_record(session, record_id))
        retractions.append(RecordRetraction(record_id=record_id, batch_id=batch_id, reason=reason.strip(),
                                            retracted_by=actor))
    session.add_all(retractions)
    session.flush()
    target = ("record", record_ids[0]) if len(record_ids) == 1 else ("import_batch", batch_id)
    record_event(session, actor, "record.retract", *target,
                 {"reason": reason.strip(), "batch": batch_id, "records": len(record_ids)}, wrote=retractions)
    return retractions


def revision_chain(session: Session, record_id: int) -> list[Record]:
    """Every revision of the report that `record_id` belongs to, first to latest."""
    record = get_record(session, record_id)
    while record.supersedes_id is not None:
        record = get_record(session, record.supersedes_id)
    chain = [record]
    while (newer := session.scalar(select(Record).where(Record.supersedes_id == chain[-1].id))) is not None:
        chain.append(newer)
    return chain


def record_history(session: Session, record_id: int) -> list[HistoryStep]:
    """The life of a report, oldest first: how it came in, each revision with its reason, any retraction."""
    chain = revision_chain(session, record_id)
    ids = [str(r.id) for r in chain]
    events = {(e.object_id, e.action): e for e in session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "record", AuditEvent.object_id.in_(ids)))}
    steps = [_creation_step(session, record, events) for record in chain]
    for index in range(1, len(chain)):  # a revision by an import or re-parse: what it changed, from the records
        if steps[index].changes is None:
            steps[index] = replace(steps[index], changes=_plain(_differences(chain[index - 1], chain[index])))
    for record in chain:
        if (retraction := retraction_of(session, record.id)) is not None:
            steps.append(HistoryStep(retraction.retracted_at.isoformat(), "retracted", record.id, record.revision,
                                     retraction.retracted_by, retraction.reason))
    return steps


def _differences(old: Record, new: Record) -> dict[str, Any]:
    """The parsed fields a revision changed, with their new values."""
    return {key: getattr(new, key) for key in PARSED_FIELDS if getattr(old, key) != getattr(new, key)}


def _creation_step(session: Session, record: Record, events: dict[tuple[str | None, str], AuditEvent]) -> HistoryStep:
    """How one revision came to be, with the reason and changes its audit event holds."""
    at = record.created_at.isoformat() if record.created_at else ""
    for action, label in (("record.revise", "corrected"), ("record.add", "added")):
        if (event := events.get((str(record.id), action))) is not None:
            details = json.loads(event.details)
            return HistoryStep(event.at, label, record.id, record.revision, event.actor, details.get("reason"),
                               details.get("changes"))
    batch = session.get(ImportBatch, record.batch_id) if record.batch_id else None
    label = "imported" if record.supersedes_id is None else "revised by import"
    reason = f"batch {batch.id}: {batch.file_name}" if batch else None
    return HistoryStep(at, label, record.id, record.revision, record.created_by or "", reason)
