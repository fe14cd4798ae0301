"""The record form: values typed in the browser are read exactly as an imported row is (tollbook.ingest's
validation: Persian or Latin names, Solar Hijri or Gregorian dates, places from the gazetteer, vocabulary words
in either language), and each problem is shown beside its field."""

from __future__ import annotations

from typing import Any

from tollbook.ingest.mapping import CANONICAL_FIELDS, ColumnMapping
from tollbook.ingest.report import ERROR
from tollbook.ingest.validate import RowContext, parse_row
from tollbook.model import Record
from tollbook.records import CONFIDENTIAL_FIELDS, PARSED_FIELDS, plain_value

FORM_FIELDS = ("given_name", "family_name", "father_name", "sex", "age", "date_of_death", "province", "city",
               "status", "cause", "perpetrator", "record_id", "evidence", "place_detail", "notes")
RECORD_FIELD = {"record_id": "source_record_id", "evidence": "evidence_refs"}
FORM_MAPPING = ColumnMapping({name: name for name in CANONICAL_FIELDS})
MAX_FIELD = 5000


def form_values(record: Record) -> dict[str, str]:
    """A record's fields as the form shows them: what the source wrote where the record kept it."""
    values = {}
    for name in FORM_FIELDS:
        if name == "date_of_death":
            value = record.date_text or plain_value(record.date_of_death)
        else:
            value = plain_value(getattr(record, RECORD_FIELD.get(name, name)))
        values[name] = "" if value is None else str(value)
    return values


def read_form(values: dict[str, str]) -> tuple[dict[str, Any] | None, dict[str, list[tuple[str, str]]]]:
    """Parsed record fields (None when an error keeps them out) and the messages of each field."""
    row = {name: str(values.get(name, ""))[:MAX_FIELD] for name in FORM_FIELDS}
    ctx = RowContext("form", 1, FORM_MAPPING, row)
    parsed = parse_row(ctx)
    messages: dict[str, list[tuple[str, str]]] = {}
    has_error = False
    for issue in ctx.issues:
        # A value typed into the form that cannot be read is refused: an import keeps it as unknown with a
        # warning, but a hand entry would silently erase what the documenter meant to write.
        lost = parsed is not None and row.get(issue.column, "").strip() and parsed.get(issue.column) is None
        severity = ERROR if lost else issue.severity
        has_error = has_error or severity == ERROR
        reason = issue.reason.removesuffix(": kept as unknown") if lost else issue.reason
        messages.setdefault(issue.column, []).append((severity, reason))
    return (None if has_error else parsed), messages


def changes_of(record: Record, parsed: dict[str, Any], may_edit_confidential: bool) -> dict[str, Any]:
    """The parsed fields that differ from the record's (confidential ones only for roles that may see them)."""
    editable = [f for f in PARSED_FIELDS if may_edit_confidential or f not in CONFIDENTIAL_FIELDS]
    return {name: parsed[name] for name in editable if name in parsed and parsed[name] != getattr(record, name)}
